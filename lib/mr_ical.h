/*
 * mr_ical: deadlines as iCalendar (RFC 5545), for `mipsreview export ics`
 * and the subscription feed of mipsreviewd.
 *
 * Each item becomes a VEVENT at the closing instant, carrying the
 * reminders as VALARMs, and a VTODO with DUE for task-aware clients,
 * related to the event and without alarms so that no client rings twice.
 * Times are written in the zone the deadline was announced in: TZID is
 * the plain IANA name, with a VTIMEZONE cut down to the rules the
 * calendar needs (written just before the first item that uses it).
 * UIDs are HMAC-SHA-256 of the item's kind and id under a per-database
 * key: stable, and they say nothing about the case.  Summaries carry the
 * clinician's name and the masked TIN; never the whole TIN.  No METHOD
 * (a subscription is not an iTIP message).
 *
 * libical supplies the zones (VTIMEZONE from the system's tzdata, kept
 * in the database for the next calendar) and is the parser every test
 * reads the output back with; the items themselves
 * are written as content lines (escaped and folded per RFC 5545), which
 * is ten times faster than building libical components.  The calendar is
 * streamed: each item goes to the sink as soon as it is written, so
 * memory does not grow with the number of items.
 */
#ifndef MR_ICAL_H
#define MR_ICAL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/mr_deadline.h"
#include "lib/mr_err.h"

struct mr_store;

#define MR_ICAL_KEYLEN		32
#define MR_ICAL_MAX_ALARMS	16

struct mr_ical_opts {
	long long	 alarms[MR_ICAL_MAX_ALARMS];	/* seconds before closing */
	int		 nalarms;
	const char	*calname;	/* X-WR-CALNAME; NULL: "MIPS deadlines" */
	long long	 refresh;	/* REFRESH-INTERVAL, X-PUBLISHED-TTL (s); 0: none */
	unsigned char	 key[MR_ICAL_KEYLEN];	/* from mr_ical_key() */
	/*
	 * An iTIP method (RFC 5546) for a calendar sent by mail, "PUBLISH",
	 * and the address it comes from (its ORGANIZER); NULL for feeds and
	 * exports, which are no iTIP messages.
	 */
	const char	*method;
	const char	*organizer;
	/*
	 * mr_ical_write takes each zone's VTIMEZONE from the database when
	 * one is kept for it (lib/mr_tzcache.h); with keep_zones it also
	 * keeps those libical had to make, once the calendar is written.
	 */
	int		 keep_zones;
};

/* Called with each piece of the calendar in order; non-zero stops. */
typedef int (*mr_ical_sink)(const char *buf, size_t len, void *arg);

struct mr_ical;

struct mr_config;

/* Alarms and the calendar's name from the configuration (refresh: 0). */
int	mr_ical_opts_from_config(const struct mr_config *, struct mr_ical_opts *,
	    struct mr_err *);
/* The database's UID key (made by migration 005) into opts->key. */
int	mr_ical_key(struct mr_store *, struct mr_ical_opts *, struct mr_err *);
/*
 * The UID of item (what, id) in role "event" or "todo", as
 * "<32 hex>@mipsreview" into buf (>= 48 bytes).
 */
void	mr_ical_uid(const unsigned char *key, const char *what, int64_t id,
	    const char *role, char *buf, size_t len);

/* Start a calendar: writes the VCALENDAR header.  Free with mr_ical_end/free. */
int	mr_ical_begin(const struct mr_ical_opts *, mr_ical_sink, void *arg,
	    struct mr_ical **out, struct mr_err *);
/* Write one item (its VTIMEZONE first if the zone is new). */
int	mr_ical_add(struct mr_ical *, const struct mr_deadline_item *,
	    struct mr_err *);
/* Write END:VCALENDAR and free the writer (also on failure). */
int	mr_ical_end(struct mr_ical *, struct mr_err *);
/* Free a writer without finishing the calendar (NULL-safe). */
void	mr_ical_free(struct mr_ical *);
/* Items written so far. */
long	mr_ical_count(const struct mr_ical *);

/* The whole calendar of the items filter selects, soonest first. */
int	mr_ical_write(struct mr_store *, const struct mr_deadline_filter *,
	    const struct mr_ical_opts *, mr_ical_sink, void *arg, long *count,
	    struct mr_err *);

/*
 * A SHA-256 over everything of the selected items that the calendar shows
 * (and the options), without building it: equal digests mean an equal
 * calendar, so the feed need not be rendered again.
 */
int	mr_ical_digest(struct mr_store *, const struct mr_deadline_filter *,
	    const struct mr_ical_opts *, unsigned char out[32], struct mr_err *);
/*
 * mr_ical_write, and in the same pass over the same rows the digest that
 * mr_ical_digest() gives of them: a feed rendered for the first time
 * needs both, and one query instead of two.
 */
int	mr_ical_write_digest(struct mr_store *, const struct mr_deadline_filter *,
	    const struct mr_ical_opts *, mr_ical_sink, void *arg, long *count,
	    unsigned char digest[32], struct mr_err *);

#endif /* MR_ICAL_H */
