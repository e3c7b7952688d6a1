/*
 * libical, opened on first use (lib/mr_dl_lazy.h).  It brings ICU and
 * the C++ runtime, whose relocation costs more than the sqlite3 shell's
 * whole start, while only time zones and calendars need it: a command
 * that shows no time in a zone never loads it.
 */
#include "config.h"

#include <libical/ical.h>

#include "lib/mr_dl_lazy.h"

static struct mr_dl_lib ical = { "libical.so.3", "libical3", NULL };

/* Components */
MR_DL_LAZY(ical, icalcomponent *, icalcomponent_new, (icalcomponent_kind kind),
    (kind))
MR_DL_LAZY(ical, icalcomponent *, icalcomponent_new_clone,
    (icalcomponent *c), (c))
MR_DL_LAZY_VOID(ical, icalcomponent_free, (icalcomponent *c), (c))
MR_DL_LAZY(ical, icalcomponent_kind, icalcomponent_isa,
    (const icalcomponent *c), (c))
MR_DL_LAZY_VOID(ical, icalcomponent_add_component,
    (icalcomponent *parent, icalcomponent *child), (parent, child))
MR_DL_LAZY_VOID(ical, icalcomponent_remove_component,
    (icalcomponent *parent, icalcomponent *child), (parent, child))
MR_DL_LAZY_VOID(ical, icalcomponent_add_property,
    (icalcomponent *c, icalproperty *p), (c, p))
MR_DL_LAZY_VOID(ical, icalcomponent_remove_property,
    (icalcomponent *c, icalproperty *p), (c, p))
MR_DL_LAZY(ical, icalcomponent *, icalcomponent_get_first_component,
    (icalcomponent *c, icalcomponent_kind kind), (c, kind))
MR_DL_LAZY(ical, icalcomponent *, icalcomponent_get_next_component,
    (icalcomponent *c, icalcomponent_kind kind), (c, kind))
MR_DL_LAZY(ical, icalproperty *, icalcomponent_get_first_property,
    (icalcomponent *c, icalproperty_kind kind), (c, kind))
MR_DL_LAZY(ical, char *, icalcomponent_as_ical_string_r, (icalcomponent *c),
    (c))

/* Properties and parameters */
MR_DL_LAZY(ical, icalproperty *, icalproperty_new_description,
    (const char *v), (v))
MR_DL_LAZY(ical, icalproperty *, icalproperty_new_dtstamp,
    (struct icaltimetype v), (v))
MR_DL_LAZY(ical, icalproperty *, icalproperty_new_dtstart,
    (struct icaltimetype v), (v))
MR_DL_LAZY(ical, icalproperty *, icalproperty_new_prodid, (const char *v), (v))
MR_DL_LAZY(ical, icalproperty *, icalproperty_new_refreshinterval,
    (struct icaldurationtype v), (v))
MR_DL_LAZY(ical, icalproperty *, icalproperty_new_sequence, (int v), (v))
MR_DL_LAZY(ical, icalproperty *, icalproperty_new_summary, (const char *v),
    (v))
MR_DL_LAZY(ical, icalproperty *, icalproperty_new_transp,
    (enum icalproperty_transp v), (v))
MR_DL_LAZY(ical, icalproperty *, icalproperty_new_uid, (const char *v), (v))
MR_DL_LAZY(ical, icalproperty *, icalproperty_new_version, (const char *v),
    (v))
MR_DL_LAZY(ical, icalproperty *, icalproperty_new_x, (const char *v), (v))
MR_DL_LAZY_VOID(ical, icalproperty_free, (icalproperty *p), (p))
MR_DL_LAZY_VOID(ical, icalproperty_add_parameter,
    (icalproperty *p, icalparameter *param), (p, param))
MR_DL_LAZY(ical, char *, icalproperty_as_ical_string_r, (icalproperty *p),
    (p))
MR_DL_LAZY(ical, struct icalrecurrencetype, icalproperty_get_rrule,
    (const icalproperty *p), (p))
MR_DL_LAZY_VOID(ical, icalproperty_set_rrule,
    (icalproperty *p, struct icalrecurrencetype v), (p, v))
MR_DL_LAZY(ical, int, icalproperty_get_tzoffsetfrom, (const icalproperty *p),
    (p))
MR_DL_LAZY(ical, int, icalproperty_get_tzoffsetto, (const icalproperty *p),
    (p))
MR_DL_LAZY_VOID(ical, icalproperty_set_tzid, (icalproperty *p, const char *v),
    (p, v))
MR_DL_LAZY_VOID(ical, icalproperty_set_x_name,
    (icalproperty *p, const char *name), (p, name))
MR_DL_LAZY(ical, icalparameter *, icalparameter_new_value,
    (icalparameter_value v), (v))

/* Times and durations */
MR_DL_LAZY(ical, struct icaltimetype, icaltime_from_string, (const char *str),
    (str))
MR_DL_LAZY(ical, struct icaltimetype, icaltime_from_timet_with_zone,
    (const time_t tm, const int is_date, const icaltimezone *zone),
    (tm, is_date, zone))
MR_DL_LAZY(ical, int, icaltime_is_null_time, (const struct icaltimetype t),
    (t))
MR_DL_LAZY(ical, struct icaltimetype, icaltime_null_time, (void), ())
MR_DL_LAZY(ical, struct icaldurationtype, icaldurationtype_from_int, (int t),
    (t))
MR_DL_LAZY(ical, char *, icaldurationtype_as_ical_string,
    (struct icaldurationtype d), (d))

/* Time zones */
MR_DL_LAZY(ical, icaltimezone *, icaltimezone_new, (void), ())
MR_DL_LAZY_VOID(ical, icaltimezone_free, (icaltimezone *z, int free_struct),
    (z, free_struct))
MR_DL_LAZY(ical, icaltimezone *, icaltimezone_get_builtin_timezone,
    (const char *location), (location))
MR_DL_LAZY(ical, icaltimezone *, icaltimezone_get_utc_timezone, (void), ())
MR_DL_LAZY(ical, icalcomponent *, icaltimezone_get_component,
    (icaltimezone *z), (z))
MR_DL_LAZY(ical, const char *, icaltimezone_get_tznames, (icaltimezone *z),
    (z))
MR_DL_LAZY(ical, int, icaltimezone_set_component,
    (icaltimezone *z, icalcomponent *c), (z, c))
MR_DL_LAZY(ical, int, icaltimezone_get_utc_offset_of_utc_time,
    (icaltimezone *z, struct icaltimetype *tt, int *is_daylight),
    (z, tt, is_daylight))
MR_DL_LAZY_VOID(ical, icaltimezone_truncate_vtimezone,
    (icalcomponent *vtz, icaltimetype start, icaltimetype end,
    int ms_compatible), (vtz, start, end, ms_compatible))
