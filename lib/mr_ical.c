#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>
#include <sqlite3.h>

#include "lib/mr_buf.h"
#include "lib/mr_config.h"
#include "lib/mr_crypto.h"
#include "lib/mr_hex.h"
#include "lib/mr_ical.h"
#include "lib/mr_ident.h"
#include "lib/mr_store.h"
#include "lib/mr_tzcache.h"
#include "lib/mr_when.h"

#define PRODID	"-//mipsreview//mipsreview " PACKAGE_VERSION "//EN"

/* One item's lines: its fields are bounded, to about 16 KiB folded. */
#define ITEM_MAX	(64 * 1024)

struct mr_ical {
	struct mr_ical_opts	 opts;
	mr_ical_sink		 sink;
	void			*arg;
	long long		 maxalarm;
	char			(*zones)[64];	/* VTIMEZONEs written so far */
	int			 nzones, capzones;
	long			 count;
	/*
	 * The last deadline's wall-clock time, as the description reads it
	 * and as DTSTART and DUE write it: the items of a window share them.
	 */
	char			 last_zone[64];
	time_t			 last_utc;
	int			 last_ambiguous;
	char			 last_human[64];
	char			 last_when[64];
	char			 last_tzid[96];	/* ";TZID=zone" or "" */
	/* The last DTSTAMP, from the item's last change. */
	char			 last_updated[32];
	char			 last_stamp[24];
	/* The VALARMs of the last kind of window (they differ by its label). */
	const char		*alarm_label;
	struct mr_buf		 alarms;
	struct mr_buf		 item;	/* one item's lines, reused */
	struct mr_hmac_sha256	 uidmac;	/* keyed with opts.key */
	/*
	 * Where VTIMEZONEs are kept (mr_ical_write; NULL: made each time by
	 * libical), and those libical made, to keep when the calendar is done.
	 */
	struct mr_store		*st;
	struct made_zone {
		struct mr_tzcache_key	 key;
		char			*text;
	}			*made;
	int			 nmade;
};

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* How each window kind reads in a calendar. */
static const struct {
	const char	*kind;
	const char	*label;
} kinds[] = {
	{ "targeted-review", "Targeted review" },
	{ "euc-hardship", "EUC hardship application" },
	{ "pi-hardship", "PI hardship exception" },
	{ "data-submission", "Data submission" },
	{ "documents", "Documents for CMS" },
	{ "other", "MIPS" },
};

static const char *
kind_label(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kind != NULL && strcmp(kinds[i].kind, kind) == 0)
			return kinds[i].label;
	return kind != NULL && *kind != '\0' ? kind : "MIPS";
}

int
mr_ical_opts_from_config(const struct mr_config *cfg, struct mr_ical_opts *o,
    struct mr_err *err)
{
	int n;

	memset(o, 0, sizeof *o);
	if ((n = mr_config_offsets(cfg, MR_CFG_CALENDAR_ALARMS, o->alarms,
	    MR_ICAL_MAX_ALARMS, err)) == -1)
		return -1;
	o->nalarms = n;
	o->calname = mr_config_get(cfg, MR_CFG_CALENDAR_NAME);
	return 0;
}

int
mr_ical_key(struct mr_store *st, struct mr_ical_opts *o, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	if (mr_store_prepare(st, "SELECT secret FROM calendar_key WHERE one = 1",
	    &stmt, err) == -1)
		goto out;
	if (sqlite3_step(stmt) != SQLITE_ROW ||
	    sqlite3_column_bytes(stmt, 0) != MR_ICAL_KEYLEN) {
		mr_err_set(err, MR_EDB, "database '%s' has no calendar key; "
		    "it was not upgraded by this mipsreview", mr_store_path(st));
		goto out;
	}
	memcpy(o->key, sqlite3_column_blob(stmt, 0), MR_ICAL_KEYLEN);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* The UID of "what:id:role" from the MAC of that text. */
static void
uid_format(const unsigned char *mac, char *buf, size_t len)
{
	char hex[33];

	mr_hex(mac, 16, hex);
	snprintf(buf, len, "%s@mipsreview", hex);
}

void
mr_ical_uid(const unsigned char *key, const char *what, int64_t id,
    const char *role, char *buf, size_t len)
{
	unsigned char mac[MR_SHA256_LEN];
	char msg[96];
	int n;

	n = snprintf(msg, sizeof msg, "%s:%lld:%s", what, (long long)id, role);
	mr_hmac_sha256(key, MR_ICAL_KEYLEN, msg, (size_t)n, mac);
	uid_format(mac, buf, len);
}

/* "what:id:role" into msg (>= 96 bytes), without printf: its length. */
static size_t
uid_message(const char *what, int64_t id, const char *role, char *msg)
{
	char digits[24], *d = digits + sizeof digits;
	unsigned long long v = id < 0 ? 0 - (unsigned long long)id :
	    (unsigned long long)id;
	size_t n = 0, wl = strnlen(what, 32), rl = strnlen(role, 32);

	do
		*--d = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if (id < 0)
		*--d = '-';
	memcpy(msg, what, wl);
	n = wl;
	msg[n++] = ':';
	memcpy(msg + n, d, (size_t)(digits + sizeof digits - d));
	n += (size_t)(digits + sizeof digits - d);
	msg[n++] = ':';
	memcpy(msg + n, role, rl);
	n += rl;
	msg[n] = '\0';
	return n;
}

/*
 * The same UIDs as mr_ical_uid from the MAC keyed once per calendar:
 * setting the key hashes it twice, as much as the message itself.
 */
static int
uid_keyed(struct mr_hmac_sha256 *h, const char *what, int64_t id,
    const char *role, char *buf, size_t len, struct mr_err *err)
{
	static const char at[] = "@mipsreview";
	unsigned char mac[MR_SHA256_LEN];
	char msg[96];
	size_t n;

	if (len < 32 + sizeof at)
		return mr_err_set(err, MR_EFAIL, "a calendar UID needs %zu "
		    "bytes", 32 + sizeof at);
	n = uid_message(what, id, role, msg);
	mr_hmac_sha256_update(h, msg, n);
	mr_hmac_sha256_final(h, mac);
	mr_hex(mac, 16, buf);
	memcpy(buf + 32, at, sizeof at);
	return 0;
}

static int
emit(struct mr_ical *w, const char *s, struct mr_err *err)
{
	if (w->sink(s, strlen(s), w->arg) != 0)
		return mr_err_set(err, MR_EFAIL, "writing the calendar failed");
	return 0;
}

static int	emit_text_line(struct mr_ical *, const char *, const char *,
		    struct mr_err *);

static int
emit_property(struct mr_ical *w, icalproperty *p, struct mr_err *err)
{
	char *s = icalproperty_as_ical_string_r(p);
	int rc;

	icalproperty_free(p);
	if (s == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	rc = emit(w, s, err);
	free(s);
	return rc;
}

void
mr_ical_free(struct mr_ical *w)
{
	if (w == NULL)
		return;
	free(w->zones);
	for (int i = 0; i < w->nmade; i++)
		free(w->made[i].text);
	free(w->made);
	mr_buf_free(&w->item);
	mr_buf_free(&w->alarms);
	mr_hmac_sha256_wipe(&w->uidmac);
	free(w);
}

long
mr_ical_count(const struct mr_ical *w)
{
	return w->count;
}

int
mr_ical_begin(const struct mr_ical_opts *o, mr_ical_sink sink, void *arg,
    struct mr_ical **out, struct mr_err *err)
{
	struct mr_ical *w;
	icalproperty *p;

	*out = NULL;
	if (o->nalarms < 0 || o->nalarms > MR_ICAL_MAX_ALARMS)
		return mr_err_set(err, MR_EINVAL, "alarms: at most %d reminders "
		    "are allowed", MR_ICAL_MAX_ALARMS);
	if ((w = calloc(1, sizeof *w)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	w->opts = *o;
	w->sink = sink;
	w->arg = arg;
	mr_buf_init(&w->item, ITEM_MAX);
	mr_buf_init(&w->alarms, ITEM_MAX);
	mr_hmac_sha256_init(&w->uidmac, o->key, MR_ICAL_KEYLEN);
	for (int i = 0; i < o->nalarms; i++)
		if (o->alarms[i] > w->maxalarm)
			w->maxalarm = o->alarms[i];
	if (emit(w, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:" PRODID "\r\n"
	    "CALSCALE:GREGORIAN\r\n", err) == -1)
		goto fail;
	/* Mail clients offer to add a PUBLISH calendar (RFC 5546 3.2.1). */
	if (o->method != NULL && emit_text_line(w, "METHOD", o->method,
	    err) == -1)
		goto fail;
	if (emit_text_line(w, "X-WR-CALNAME", o->calname ? o->calname :
	    "MIPS deadlines", err) == -1)
		goto fail;
	if (o->refresh > 0) {
		struct icaldurationtype d = icaldurationtype_from_int((int)o->refresh);

		/* RFC 7986 for current clients, X-PUBLISHED-TTL for Outlook's kind. */
		p = icalproperty_new_refreshinterval(d);
		icalproperty_add_parameter(p,
		    icalparameter_new_value(ICAL_VALUE_DURATION));
		if (emit_property(w, p, err) == -1)
			goto fail;
		p = icalproperty_new_x(icaldurationtype_as_ical_string(d));
		icalproperty_set_x_name(p, "X-PUBLISHED-TTL");
		if (emit_property(w, p, err) == -1)
			goto fail;
	}
	*out = w;
	return 0;
fail:
	mr_ical_free(w);
	return -1;
}

static int
is_utc_zone(const char *zone)
{
	return strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0;
}

static int
same_offsets(icalcomponent *a, icalcomponent *b)
{
	icalproperty *pa, *pb;

	pa = icalcomponent_get_first_property(a, ICAL_TZOFFSETFROM_PROPERTY);
	pb = icalcomponent_get_first_property(b, ICAL_TZOFFSETFROM_PROPERTY);
	if (pa == NULL || pb == NULL || icalproperty_get_tzoffsetfrom(pa) !=
	    icalproperty_get_tzoffsetfrom(pb))
		return 0;
	pa = icalcomponent_get_first_property(a, ICAL_TZOFFSETTO_PROPERTY);
	pb = icalcomponent_get_first_property(b, ICAL_TZOFFSETTO_PROPERTY);
	return pa != NULL && pb != NULL &&
	    icalproperty_get_tzoffsetto(pa) == icalproperty_get_tzoffsetto(pb);
}

/*
 * libical splits each rule at 2037, where the TZif files stop listing
 * transitions: a rule "until 2037" followed by the same rule from 2037 on.
 * Join them into one open-ended rule, which is what the zone says and what
 * every parser reads most easily (python-icalendar dislikes UNTIL).
 */
static void
join_split_rules(icalcomponent *vtz)
{
	icalcomponent *a, *b, *next;
	icalproperty *pa, *pb;
	struct icalrecurrencetype ra, rb;

	for (a = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT);
	    a != NULL; a = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		if ((pa = icalcomponent_get_first_property(a, ICAL_RRULE_PROPERTY)) == NULL)
			continue;
		ra = icalproperty_get_rrule(pa);
		if (icaltime_is_null_time(ra.until))
			continue;
		for (b = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT);
		    b != NULL; b = next) {
			next = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT);
			if (b == a || icalcomponent_isa(b) != icalcomponent_isa(a) ||
			    !same_offsets(a, b) ||
			    (pb = icalcomponent_get_first_property(b,
			    ICAL_RRULE_PROPERTY)) == NULL)
				continue;
			rb = icalproperty_get_rrule(pb);
			if (!icaltime_is_null_time(rb.until) || rb.freq != ra.freq ||
			    rb.by_month[0] != ra.by_month[0] ||
			    rb.by_month[1] != ra.by_month[1] ||
			    rb.by_day[0] != ra.by_day[0] ||
			    rb.by_day[1] != ra.by_day[1])
				continue;
			ra.until = icaltime_null_time();
			icalproperty_set_rrule(pa, ra);
			icalcomponent_remove_component(vtz, b);
			icalcomponent_free(b);
			/* the iterator of vtz was moved by the removal: restart */
			join_split_rules(vtz);
			return;
		}
	}
}

/* Remember that the calendar has zone's VTIMEZONE. */
static int
zone_written(struct mr_ical *w, const char *zone, struct mr_err *err)
{
	if (w->nzones == w->capzones) {
		int cap = w->capzones ? 2 * w->capzones : 8;
		void *nz = realloc(w->zones, (size_t)cap * sizeof *w->zones);

		if (nz == NULL)
			return mr_err_set(err, MR_EFAIL, "out of memory");
		w->zones = nz;
		w->capzones = cap;
	}
	snprintf(w->zones[w->nzones++], sizeof w->zones[0], "%s", zone);
	return 0;
}

/* Hold the text libical made under key, to keep once the calendar is done. */
static void
zone_made(struct mr_ical *w, const struct mr_tzcache_key *key, char *text)
{
	struct made_zone *m;

	if ((m = realloc(w->made, (size_t)(w->nmade + 1) * sizeof *m)) == NULL) {
		free(text);	/* not kept: made again next time */
		return;
	}
	w->made = m;
	m[w->nmade].key = *key;
	m[w->nmade++].text = text;
}

/*
 * The zone's VTIMEZONE, cut to the rules in force from the first of
 * January of the year of the earliest reminder on, with the plain IANA
 * name as TZID: libical's own "/freeassociation.sourceforge.net/" prefix
 * breaks python-icalendar (khal) and makes calcurse ignore the zone.
 * The text is taken from the database when it was kept there for this
 * zone, year and TZif file (lib/mr_tzcache.h), so that libical, with
 * ICU, is loaded only to make a zone's text the first time.
 */
static int
emit_vtimezone(struct mr_ical *w, const char *zone, time_t first,
    struct mr_err *err)
{
	icaltimezone *z;
	icalcomponent *vtz = NULL;
	icalproperty *p;
	struct icaltimetype start;
	struct mr_tzcache_key key;
	struct tm tm;
	time_t from = first - (time_t)w->maxalarm - 86400;
	char *text = NULL;
	int rc = -1, keyed = 0;

	for (int i = 0; i < w->nzones; i++)
		if (strcmp(w->zones[i], zone) == 0)
			return 0;
	gmtime_r(&from, &tm);
	/* The text kept for this zone, year and tzdata: libical stays unloaded. */
	if (w->st != NULL && mr_tzcache_key(MR_TZCACHE_ZONEINFO, zone,
	    tm.tm_year + 1900, &key) == 0) {
		keyed = 1;
		if ((text = mr_tzcache_get(w->st, &key)) != NULL) {
			rc = emit(w, text, err) == -1 ? -1 :
			    zone_written(w, zone, err);
			free(text);
			return rc;
		}
	}
	if ((z = icaltimezone_get_builtin_timezone(zone)) == NULL ||
	    icaltimezone_get_component(z) == NULL)
		return mr_err_set(err, MR_EINVAL, "zone '%s' is not a known IANA "
		    "time zone on this system (is tzdata installed?)", zone);
	if ((vtz = icalcomponent_new_clone(icaltimezone_get_component(z))) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	start = icaltime_null_time();
	start.year = tm.tm_year + 1900;
	start.month = 1;
	start.day = 1;
	start.zone = icaltimezone_get_utc_timezone();
	icaltimezone_truncate_vtimezone(vtz, start, icaltime_null_time(), 1);
	p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
	if (p != NULL)
		icalproperty_set_tzid(p, zone);
	while ((p = icalcomponent_get_first_property(vtz, ICAL_X_PROPERTY)) != NULL) {
		icalcomponent_remove_property(vtz, p);
		icalproperty_free(p);
	}
	join_split_rules(vtz);
	if ((text = icalcomponent_as_ical_string_r(vtz)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (emit(w, text, err) == -1 || zone_written(w, zone, err) == -1)
		goto out;
	if (keyed && w->opts.keep_zones) {
		zone_made(w, &key, text);
		text = NULL;
	}
	rc = 0;
out:
	free(text);
	if (vtz != NULL)
		icalcomponent_free(vtz);
	return rc;
}

/* An ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SSZ" into *t; -1 if it is not one. */
static int
parse_iso(const char *s, time_t *t)
{
	struct tm tm = { 0 };
	const char *end;

	if (s == NULL || (end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0')
		return -1;
	*t = timegm(&tm);
	return 0;
}

/*
 * Text for one line: control characters become spaces.  A cut never
 * splits a UTF-8 sequence.
 */
static void
one_line(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in != NULL && in[i] != '\0' && i + 1 < len; i++)
		out[i] = ((unsigned char)in[i] < 0x20 || in[i] == 0x7f) ? ' ' : in[i];
	if (in != NULL && in[i] != '\0')
		while (i > 0 && ((unsigned char)in[i] & 0xc0) == 0x80)
			i--;
	out[i] = '\0';
}

/*
 * The items themselves are written as content lines here rather than
 * built as libical components: libical needs about 25 microseconds for an
 * event and its task, which made a 10,000-item feed take 300 ms.  The
 * rules are few (RFC 5545 3.1 and 3.3.11): TEXT escapes backslash,
 * semicolon, comma and newline; lines fold before 75 octets, never inside
 * a UTF-8 sequence.  tests/unit/test_ical.c reads every shape back through
 * libical's parser.
 */
/* One content line "name:value" (value already escaped), folded. */
static void
sb_line(struct mr_buf *b, const char *name, const char *value)
{
	size_t nlen = strlen(name), vlen = strlen(value), col, i, run;

	(void)mr_buf_add(b, name, nlen);
	(void)mr_buf_add(b, ":", 1);
	col = nlen + 1;
	for (i = 0; i < vlen; i += run) {
		/* Up to the fold, backing off to the start of a UTF-8 sequence. */
		run = vlen - i;
		if (col + run > 75) {
			run = col < 75 ? 75 - col : 0;
			while (run > 0 && ((unsigned char)value[i + run] & 0xc0) == 0x80)
				run--;
			if (run == 0 && col == 1) {	/* cannot happen: col >= 1 */
				run = 1;
			}
		}
		(void)mr_buf_add(b, value + i, run);
		if (i + run < vlen) {
			(void)mr_buf_add(b, "\r\n ", 3);
			col = 1;
		}
	}
	(void)mr_buf_add(b, "\r\n", 2);
}

/* TEXT value escaping; control characters other than newline become spaces. */
static void
escape_text(const char *in, char *out, size_t len)
{
	/* What needs escaping or replacing: \ ; , and the control characters. */
	static const char special[] = "\\;,\x7f"
	    "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f";
	size_t o = 0, run;

	while (in != NULL && *in != '\0' && o + 3 < len) {
		/* Plain text is copied a run at a time. */
		run = strcspn(in, special);
		if (run > len - 3 - o)
			run = len - 3 - o;
		memcpy(out + o, in, run);
		o += run;
		in += run;
		if (*in == '\0' || o + 3 >= len)
			break;
		{
			unsigned char c = (unsigned char)*in++;

			if (c == '\\' || c == ';' || c == ',') {
				out[o++] = '\\';
				out[o++] = (char)c;
			} else if (c == '\n') {
				out[o++] = '\\';
				out[o++] = 'n';
			} else
				out[o++] = ' ';
		}
	}
	out[o] = '\0';
}

/*
 * One TEXT property written here rather than by libical, which (3.0.16)
 * leaves "," and ";" of an X- property's value unescaped.
 */
static int
emit_text_line(struct mr_ical *w, const char *name, const char *text,
    struct mr_err *err)
{
	struct mr_buf line, *b = &line;
	char esc[1024];
	int rc;

	mr_buf_init(b, 4096);
	escape_text(text, esc, sizeof esc);
	sb_line(b, name, esc);
	rc = b->failed ? mr_err_set(err, MR_EFAIL, "out of memory") :
	    emit(w, mr_buf_str(b), err);
	mr_buf_free(b);
	return rc;
}

static void
fmt_utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
}

/* A negative DURATION: -P2W, -P1D, -PT2H, -P1DT12H. */
static void
fmt_before(long long secs, char *buf, size_t len)
{
	long long d = secs / 86400, h = secs % 86400 / 3600, m = secs % 3600 / 60,
	    sec = secs % 60;
	struct mr_buf b;

	/* The longest, -P106751991167300DT23H59M59S, fits in 40 bytes. */
	mr_buf_init_fixed(&b, buf, len);
	if (secs % (7 * 86400) == 0) {
		(void)mr_buf_printf(&b, "-P%lldW", secs / (7 * 86400));
		return;
	}
	(void)mr_buf_add(&b, "-P", 2);
	if (d > 0)
		(void)mr_buf_printf(&b, "%lldD", d);
	if (h || m || sec)
		(void)mr_buf_add(&b, "T", 1);
	if (h)
		(void)mr_buf_printf(&b, "%lldH", h);
	if (m)
		(void)mr_buf_printf(&b, "%lldM", m);
	if (sec)
		(void)mr_buf_printf(&b, "%lldS", sec);
}

/* A line whose value needs neither escaping nor folding. */
#define LINE(b, text)	(void)mr_buf_add((b), text "\r\n", sizeof text + 1)

/*
 * The wall-clock time of the item's deadline in its zone, with what the
 * calendar writes from it; converted once per distinct deadline (the
 * cases of a window share one).
 */
static int
item_when(struct mr_ical *w, const struct mr_deadline_item *it,
    const char *zone, struct mr_err *err)
{
	struct tm local;
	char abbrev[16];

	if (w->last_zone[0] != '\0' && w->last_utc == it->closes_at &&
	    strcmp(w->last_zone, zone) == 0)
		return 0;
	w->last_zone[0] = '\0';
	if (mr_when_local(it->closes_at, zone, &local, NULL, abbrev) == -1)
		return mr_err_set(err, MR_EINVAL, "zone '%s' is not a known IANA "
		    "time zone; use a name like America/Chicago", zone);
	w->last_ambiguous = mr_when_ambiguous(it->closes_at, zone);
	snprintf(w->last_human, sizeof w->last_human, "%s %d %d %d:%02d %s %s",
	    months[local.tm_mon], local.tm_mday, local.tm_year + 1900,
	    local.tm_hour % 12 == 0 ? 12 : local.tm_hour % 12, local.tm_min,
	    local.tm_hour < 12 ? "AM" : "PM", abbrev);
	/*
	 * A wall-clock time the zone shows twice (1:30 on a fall-back
	 * night) is the first one by RFC 5545 3.3.5, but ical.js,
	 * python-icalendar and khal take the second: such a deadline is
	 * written in UTC, the only form every client reads as one instant.
	 * The description still gives it in the zone, with the abbreviation.
	 */
	if (is_utc_zone(zone) || w->last_ambiguous) {
		fmt_utc(it->closes_at, w->last_when, sizeof w->last_when);
		w->last_tzid[0] = '\0';
	} else {
		snprintf(w->last_when, sizeof w->last_when,
		    "%04d%02d%02dT%02d%02d%02d", local.tm_year + 1900,
		    local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min,
		    local.tm_sec);
		/* the TZID parameter: the plain IANA name, quoted if need be */
		snprintf(w->last_tzid, sizeof w->last_tzid, strpbrk(zone, ":;,") ?
		    ";TZID=\"%s\"" : ";TZID=%s", zone);
	}
	snprintf(w->last_zone, sizeof w->last_zone, "%s", zone);
	w->last_utc = it->closes_at;
	return 0;
}

/*
 * Without METHOD, DTSTAMP is the time the item last changed
 * (RFC 5545 3.8.7.2); using that keeps an unchanged calendar
 * byte-for-byte identical, so its ETag holds.
 */
static const char *
item_stamp(struct mr_ical *w, const struct mr_deadline_item *it)
{
	const char *u = it->updated_at;
	time_t t;

	if (u != NULL && w->last_updated[0] != '\0' &&
	    strcmp(u, w->last_updated) == 0)
		return w->last_stamp;
	w->last_updated[0] = '\0';
	if (parse_iso(u, &t) == -1)
		t = it->closes_at;	/* no usable time: not kept */
	else if (strlen(u) < sizeof w->last_updated)
		snprintf(w->last_updated, sizeof w->last_updated, "%s", u);
	fmt_utc(t, w->last_stamp, sizeof w->last_stamp);
	return w->last_stamp;
}

/*
 * The reminders of an open item, as VALARMs: the same for every item of a
 * kind of window, so written once per kind.  Clients show the event's
 * summary with a reminder; the alarm's own (required) DESCRIPTION stays
 * short, as it repeats per reminder and per item (a quarter of a
 * 10,000-item feed otherwise).
 */
static const struct mr_buf *
item_alarms(struct mr_ical *w, const char *label)
{
	struct mr_buf *b = &w->alarms;
	char alarm_text[128], esc_alarm[256], trig[40];

	if (w->alarm_label != NULL && strcmp(w->alarm_label, label) == 0 &&
	    !b->failed)
		return b;
	if (b->failed)
		mr_buf_init(b, ITEM_MAX);
	mr_buf_reset(b);
	w->alarm_label = label;
	snprintf(alarm_text, sizeof alarm_text, "Reminder: %s deadline", label);
	escape_text(alarm_text, esc_alarm, sizeof esc_alarm);
	for (int i = 0; i < w->opts.nalarms; i++) {
		fmt_before(w->opts.alarms[i], trig, sizeof trig);
		LINE(b, "BEGIN:VALARM");
		LINE(b, "ACTION:DISPLAY");
		sb_line(b, "DESCRIPTION", esc_alarm);
		sb_line(b, "TRIGGER", trig);
		LINE(b, "END:VALARM");
	}
	return b;
}

int
mr_ical_add(struct mr_ical *w, const struct mr_deadline_item *it,
    struct mr_err *err)
{
	struct mr_buf *b = &w->item;
	const struct mr_buf *alarms;
	char uid_ev[64], uid_todo[64], masked[16], name[512], summary[700];
	char desc[2048], esc_sum[1500], esc_desc[4200], seq[24], prop[112];
	const char *zone = it->zone && *it->zone ? it->zone : "UTC";
	const char *label = kind_label(it->kind), *stamp;
	int cancelled, completed, rc = -1;

	if (item_when(w, it, zone, err) == -1)
		return -1;
	if (!is_utc_zone(zone) && !w->last_ambiguous &&
	    emit_vtimezone(w, zone, it->closes_at, err) == -1)
		return -1;
	if (uid_keyed(&w->uidmac, it->what, it->id, "event", uid_ev,
	    sizeof uid_ev, err) == -1 || uid_keyed(&w->uidmac, it->what, it->id,
	    "todo", uid_todo, sizeof uid_todo, err) == -1)
		return -1;
	mr_tin_mask(it->tin ? it->tin : "", masked, sizeof masked);
	one_line(it->name, name, sizeof name);
	cancelled = !it->open && it->status != NULL &&
	    strcmp(it->status, "withdrawn") == 0;
	completed = !it->open && !cancelled;
	/* Summaries stay on one line: calcurse skips items whose summary breaks. */
	snprintf(summary, sizeof summary, "%s%s%s%s deadline: %s (TIN %s)",
	    it->open ? "" : "[", it->open ? "" : (it->status ? it->status : ""),
	    it->open ? "" : "] ", label, name, masked);
	/* The deadline's source (a CMS notice) is in "mipsreview show"; the
	 * calendar keeps to what an officer acts on. */
	snprintf(desc, sizeof desc, "%s, performance year %d, for %s (TIN %s).\n"
	    "Closes %s (%s).\nStatus: %s.\n%s %lld in mipsreview.",
	    label, it->performance_year, name, masked, w->last_human, zone,
	    it->status ? it->status : "",
	    strcmp(it->what, "case") == 0 ? "Case" : "Filing", (long long)it->id);
	escape_text(summary, esc_sum, sizeof esc_sum);
	escape_text(desc, esc_desc, sizeof esc_desc);
	stamp = item_stamp(w, it);
	snprintf(seq, sizeof seq, "%lld", (long long)it->sequence);

	LINE(b, "BEGIN:VEVENT");
	sb_line(b, "UID", uid_ev);
	sb_line(b, "DTSTAMP", stamp);
	sb_line(b, "LAST-MODIFIED", stamp);
	sb_line(b, "SEQUENCE", seq);
	snprintf(prop, sizeof prop, "DTSTART%s", w->last_tzid);
	sb_line(b, prop, w->last_when);
	if (w->opts.method != NULL && w->opts.organizer != NULL) {
		/* PUBLISH requires an ORGANIZER on each event (RFC 5546 3.2.1). */
		char org[300];

		snprintf(org, sizeof org, "mailto:%s", w->opts.organizer);
		if (strpbrk(org, "\r\n") == NULL)
			sb_line(b, "ORGANIZER", org);
	}
	sb_line(b, "SUMMARY", esc_sum);
	sb_line(b, "DESCRIPTION", esc_desc);
	LINE(b, "CATEGORIES:MIPS");
	LINE(b, "CLASS:PRIVATE");
	LINE(b, "TRANSP:TRANSPARENT");
	/* VEVENT knows no COMPLETED; a decided item's event stays CONFIRMED. */
	if (cancelled)
		LINE(b, "STATUS:CANCELLED");
	else
		LINE(b, "STATUS:CONFIRMED");
	if (it->open && w->opts.nalarms > 0) {
		alarms = item_alarms(w, label);
		if (alarms->failed) {
			mr_buf_free(b);
			b->failed = 1;
		} else
			(void)mr_buf_add(b, alarms->data, alarms->len);
	}
	LINE(b, "END:VEVENT");

	LINE(b, "BEGIN:VTODO");
	sb_line(b, "UID", uid_todo);
	sb_line(b, "DTSTAMP", stamp);
	sb_line(b, "LAST-MODIFIED", stamp);
	sb_line(b, "SEQUENCE", seq);
	snprintf(prop, sizeof prop, "DUE%s", w->last_tzid);
	sb_line(b, prop, w->last_when);
	sb_line(b, "SUMMARY", esc_sum);
	LINE(b, "CLASS:PRIVATE");
	sb_line(b, "RELATED-TO", uid_ev);
	if (cancelled)
		LINE(b, "STATUS:CANCELLED");
	else if (completed)
		LINE(b, "STATUS:COMPLETED");
	else
		LINE(b, "STATUS:NEEDS-ACTION");
	if (completed)
		sb_line(b, "COMPLETED", stamp);
	LINE(b, "END:VTODO");

	if (b->failed) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (w->sink(b->data, b->len, w->arg) != 0) {
		mr_err_set(err, MR_EFAIL, "writing the calendar failed");
		goto out;
	}
	w->count++;
	rc = 0;
out:
	if (b->failed)
		mr_buf_init(b, ITEM_MAX);
	else
		mr_buf_reset(b);
	return rc;
}

int
mr_ical_end(struct mr_ical *w, struct mr_err *err)
{
	int rc = emit(w, "END:VCALENDAR\r\n", err);

	mr_ical_free(w);
	return rc;
}

static void
digest_str(struct mr_sha256 *md, const char *s)
{
	/* With the terminating NUL, so "ab","c" and "a","bc" differ. */
	if (s == NULL)
		s = "";
	mr_sha256_update(md, s, strlen(s) + 1);
}

static void
digest_int(struct mr_sha256 *md, long long v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", v);
	digest_str(md, buf);
}

static int
digest_one(const struct mr_deadline_item *it, void *arg)
{
	struct mr_sha256 *md = arg;

	digest_str(md, it->what);
	digest_int(md, it->id);
	digest_str(md, it->kind);
	digest_str(md, it->name);
	digest_str(md, it->tin);
	digest_str(md, it->status);
	digest_int(md, it->open);
	digest_int(md, it->performance_year);
	digest_int(md, (long long)it->closes_at);
	digest_str(md, it->zone);
	digest_str(md, it->source);
	digest_int(md, it->sequence);
	digest_str(md, it->updated_at);
	return 0;
}

/* What of the options the digest covers, before the items. */
static void
digest_begin(struct mr_sha256 *md, const struct mr_ical_opts *o)
{
	mr_sha256_init(md);
	digest_str(md, PRODID);
	for (int i = 0; i < o->nalarms; i++)
		digest_int(md, o->alarms[i]);
	digest_str(md, "alarms-end");
	digest_str(md, o->calname);
	digest_int(md, o->refresh);
	mr_sha256_update(md, o->key, sizeof o->key);
}

struct write_ctx {
	struct mr_ical	*w;
	struct mr_sha256 *md;		/* or NULL */
	struct mr_err	*err;
	int		 failed;
};

static int
write_one(const struct mr_deadline_item *it, void *arg)
{
	struct write_ctx *c = arg;

	if (c->md != NULL)
		(void)digest_one(it, c->md);
	if (mr_ical_add(c->w, it, c->err) == -1) {
		c->failed = 1;
		return 1;
	}
	return 0;
}

int
mr_ical_write_digest(struct mr_store *st, const struct mr_deadline_filter *f,
    const struct mr_ical_opts *o, mr_ical_sink sink, void *arg, long *count,
    unsigned char digest[32], struct mr_err *err)
{
	struct mr_sha256 md;
	struct write_ctx c = { .err = err, .md = digest != NULL ? &md : NULL };

	if (mr_ical_begin(o, sink, arg, &c.w, err) == -1)
		return -1;
	c.w->st = st;
	if (c.md != NULL)
		digest_begin(c.md, o);
	if (mr_deadline_each(st, f, write_one, &c, err) == -1 || c.failed) {
		mr_ical_free(c.w);
		return -1;
	}
	if (c.md != NULL)
		mr_sha256_final(c.md, digest);
	/* The query is done: keep the zones libical made (best-effort). */
	for (int i = 0; i < c.w->nmade; i++)
		(void)mr_tzcache_put(st, &c.w->made[i].key, c.w->made[i].text);
	if (count != NULL)
		*count = mr_ical_count(c.w);
	return mr_ical_end(c.w, err);
}

int
mr_ical_write(struct mr_store *st, const struct mr_deadline_filter *f,
    const struct mr_ical_opts *o, mr_ical_sink sink, void *arg, long *count,
    struct mr_err *err)
{
	return mr_ical_write_digest(st, f, o, sink, arg, count, NULL, err);
}


int
mr_ical_digest(struct mr_store *st, const struct mr_deadline_filter *f,
    const struct mr_ical_opts *o, unsigned char out[32], struct mr_err *err)
{
	struct mr_sha256 md;

	digest_begin(&md, o);
	if (mr_deadline_each(st, f, digest_one, &md, err) == -1)
		return -1;
	mr_sha256_final(&md, out);
	return 0;
}
