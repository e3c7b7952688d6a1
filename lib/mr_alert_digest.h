/*
 * mr_alert_digest: one message a day per recipient, at the recipient's
 * local hour, listing every open deadline: what is overdue, what is due
 * within digest_within (acknowledged and not, each not acknowledged one
 * with its acknowledgement link), how many close later, and the items
 * with no known deadline.
 *
 * Who gets one is configured in digest_to: "ADDRESS [HOUR] [ZONE], ...",
 * the hour (0-23) defaulting to digest_hour and the zone to alert_zone,
 * else UTC.  A day's digest is due at the first instant of that local day
 * whose wall clock reads HOUR:00 or later: on a spring-forward day whose
 * hour does not exist, the first valid instant after the gap (03:00 CDT
 * for 02:00 in America/Chicago); on a fall-back day, the first of the two
 * instants that read it.  A digest not sent on its own local day is not
 * sent later: the next day's says the same, newer.
 *
 * Each digest goes through the ledger (table alert_digest, one row per
 * recipient and local day) with the reminders' protocol
 * (lib/mr_alert_ledger.h): claimed under a lease, 'sending' once the
 * whole message is with the server, 'sent' after its 250, so daemon and
 * cron send it exactly once; a sender killed inside the last round trip
 * leaves a row the next sender resends with the same Message-ID, audited
 * as a possible duplicate.  With digest_mode = instead the addresses in
 * digest_to get no per-deadline reminders (escalations still reach them).
 */
#ifndef MR_ALERT_DIGEST_H
#define MR_ALERT_DIGEST_H

#include <time.h>

#include "lib/mr_alert.h"
#include "lib/mr_alert_ledger.h"
#include "lib/mr_err.h"

struct mr_mailer;
struct mr_store;

struct mr_digest_rcpt {
	char	 addr[256];	/* lowercase */
	int	 hour;		/* 0-23, local */
	char	 zone[64];
};

/* Check digest_to as configured: 0, or -1 naming the bad entry. */
int	mr_alert_digest_check(const struct mr_alert_settings *,
	    struct mr_err *);
/* The digest recipients (*out: free() it; *n may be 0). */
int	mr_alert_digest_recipients(const struct mr_alert_settings *,
	    struct mr_digest_rcpt **out, int *n, struct mr_err *);
/*
 * The instant the digest of local day y-m-d is due in zone: the first
 * instant whose wall clock reads hour:00 of that day or later.
 */
time_t	mr_alert_digest_instant(int y, int m, int d, int hour,
	    const char *zone);
/*
 * The local day of now in zone ("YYYY-MM-DD", day >= 11 bytes) and the
 * instant that day's digest is due; -1 when the zone is unknown.
 */
int	mr_alert_digest_day(time_t now, int hour, const char *zone, char *day,
	    time_t *due);
/*
 * digest_mode = instead: remove from the reminder recipients rcpt (a
 * NULL-ended list of *n, as mr_alert_recipients() makes) those in
 * digest_to.
 */
void	mr_alert_digest_drop(const struct mr_alert_settings *, char **rcpt,
	    int *n);
/*
 * Send each recipient's digest that is due and not yet sent (mailer
 * NULL: a dry run); reported as kind "digest", counted into *tot (which
 * it adds to).  Each digest carries acknowledgement links when the
 * settings' link_key is set (mr_alert_run loads it).  -1 only when the
 * database or the system failed.
 */
int	mr_alert_digest_run(struct mr_store *, const struct mr_alert_settings *,
	    struct mr_mailer *, void (*report)(const struct mr_alert_report *,
	    void *), void *arg, struct mr_alert_totals *, struct mr_err *);
/* The earliest instant a digest may be due (0: none), into *when. */
int	mr_alert_digest_next_wake(struct mr_store *,
	    const struct mr_alert_settings *, time_t *when, struct mr_err *);

#endif /* MR_ALERT_DIGEST_H */
