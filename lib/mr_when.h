/*
 * mr_when: instants and the zones they were announced in.
 *
 * Every deadline is stored as a UTC instant plus the IANA zone CMS
 * announced it in.  Zone rules come from the system's tzdata (the same
 * files libical reads), never from offsets written into the code, and no
 * result depends on the process's own TZ.
 */
#ifndef MR_WHEN_H
#define MR_WHEN_H

#include <stddef.h>
#include <time.h>

#include "lib/mr_err.h"

struct mr_when {
	time_t	 utc;		/* the instant */
	char	 zone[64];	/* IANA name, e.g. "America/Chicago" */
};

/*
 * Parse a closing time as a person writes it:
 *   2024-10-11 19:00 America/Chicago     2024-10-11 7pm CDT
 *   Oct 11 2024 7:00 p.m. CDT            2024-10-11T19:00:00-05:00
 *   2024-10-12T00:00:00Z                 October 11, 2024 24:00 ET
 * The zone is an IANA name, a US abbreviation (ET/CT/MT/PT/AKT/HT, their
 * standard and daylight forms), Z/UTC, or a numeric offset.  default_zone
 * (may be NULL) names the zone when the text gives none, and is the zone
 * recorded when the text gives only an offset (else UTC).  A US
 * abbreviation wrong for the date (CDT in January), a local time in a
 * spring-forward gap, or an ambiguous fall-back time not settled by an
 * offset or abbreviation is refused with a message naming the fix.
 */
int	mr_when_parse(const char *text, const char *default_zone,
	    struct mr_when *out, struct mr_err *);
/*
 * The same, with messages naming what the text is ("closes 'Oct 32
 * 2024': not a date: October 2024 has 31 days; write e.g. ...") instead
 * of "time".
 */
int	mr_when_parse_as(const char *what, const char *text,
	    const char *default_zone, struct mr_when *out, struct mr_err *);
/* 0 if zone is a known IANA zone name. */
int	mr_when_zone_valid(const char *zone, struct mr_err *);
/*
 * The wall clock of utc in zone: *tm (tm_gmtoff set), whether daylight
 * time is in effect, and an abbreviation: "CDT" for US zones, the zone's
 * own letters from tzdata elsewhere ("GMT" and "BST" for Europe/London,
 * "JST"), "UTC" for UTC, else the offset like "-03:00" (abbrev >= 16
 * bytes).
 */
int	mr_when_local(time_t utc, const char *zone, struct tm *tm,
	    int *is_daylight, char *abbrev);
/*
 * 1 if the wall-clock time of utc in zone also names another instant
 * (the repeated hour of a fall-back day), else 0.
 */
int	mr_when_ambiguous(time_t utc, const char *zone);
/* ISO 8601 with the zone's offset at that instant: 2024-10-11T19:00:00-05:00. */
int	mr_when_format_local(time_t utc, const char *zone, char *buf, size_t len);
/* For people: "Oct 11 2024 7:00 PM CDT". */
int	mr_when_format_human(time_t utc, const char *zone, char *buf, size_t len);
/* Time left: "2d 4h", "5h 10m", "45m", or "OVERDUE 3h" when past. */
void	mr_when_left(time_t now, time_t deadline, char *buf, size_t len);
/* Parse a duration like 30d, 12h, 90m, 2w into seconds. */
int	mr_when_parse_duration(const char *text, long long *seconds,
	    struct mr_err *);

/* Format t as ISO 8601 UTC ("2024-10-12T00:00:00Z") into buf (>= 21 bytes). */
void	mr_when_iso_utc(time_t t, char *buf, size_t len);

/*
 * Zones are looked up by setting TZ (lib/mr_when.c).  A program that
 * starts threads calls this first: TZ is then in the environment, and a
 * later lookup only replaces its value, which a getenv() of another
 * thread (libcurl reads its proxy settings so) can meet safely.
 */
void	mr_when_init(void);

#endif /* MR_WHEN_H */
