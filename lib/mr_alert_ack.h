/*
 * mr_alert_ack: acknowledged deadlines.  Someone has taken a case's or
 * filing's deadline in hand, so the reminders to its owner stop (alert_to
 * still gets them, and an escalation no longer fires).  An acknowledgement
 * holds for the deadline and the item's workflow state it was given for:
 * when the deadline moves or the state changes, reminders resume.
 */
#ifndef MR_ALERT_ACK_H
#define MR_ALERT_ACK_H

#include <stdint.h>
#include <time.h>

#include "lib/mr_deadline.h"
#include "lib/mr_err.h"

struct mr_store;

/* Longest note, in bytes. */
#define MR_ALERT_ACK_NOTE_MAX	500

struct mr_alert_ack {
	int64_t		 id;
	char		 what[16];		/* "case" or "hardship" */
	int64_t		 item_id;
	time_t		 closes_at;		/* the deadline acknowledged */
	char		 status[32];		/* the item's state then */
	char		 note[MR_ALERT_ACK_NOTE_MAX + 1];	/* "" when none */
	char		 acked_by[128];		/* operating-system user */
	char		 acked_at[32];		/* ISO 8601 UTC */
};

/*
 * Acknowledge the current deadline of a case or filing (what "case" or
 * "hardship"), by the store's actor, now, audited, in one transaction.
 * note may be NULL.  Refused (nothing written): no such item (MR_ENOTFOUND),
 * an item no longer open, with no known deadline, or already acknowledged
 * for this deadline and state (MR_ECONFLICT), a note too long or with
 * control characters (MR_EINVAL).  *out (may be NULL) gets the row.
 */
int	mr_alert_ack_add(struct mr_store *, const char *what, int64_t id,
	    const char *note, struct mr_alert_ack *out, struct mr_err *);

/*
 * What an acknowledgement given from a mail expects of the item, and how
 * it came: the deadline and state the mail was about (a link is stale
 * once either changed), and the address it was given from.
 */
struct mr_alert_ack_expect {
	time_t		 closes_at;
	const char	*status;
	const char	*via;		/* "mail link", for the audit */
	const char	*recipient;	/* the address that acknowledged */
};

/*
 * As mr_alert_ack_add, and when ex is not NULL refused (MR_ECONFLICT,
 * nothing written) unless the item's deadline and state are still the
 * ones ex names; ex's via and recipient go into the audit row.
 */
int	mr_alert_ack_add_expect(struct mr_store *, const char *what, int64_t id,
	    const struct mr_alert_ack_expect *ex, const char *note,
	    struct mr_alert_ack *out, struct mr_err *);

/*
 * The item's deadline as it is now, and the acknowledgement that holds
 * for it: *found 1 and *out filled, or *found 0.  *it_open, *it_undated,
 * *closes_at and status (>= 32 bytes) describe the item (any may be NULL).
 * MR_ENOTFOUND when there is no such item.
 */
int	mr_alert_ack_current(struct mr_store *, const char *what, int64_t id,
	    struct mr_alert_ack *out, int *found, int *it_open, int *it_undated,
	    time_t *closes_at, char *status, size_t status_len,
	    struct mr_err *);

/*
 * The acknowledgement that holds for the item as it is now (its deadline
 * and state): *found 1 and *out filled (out may be NULL), or *found 0.
 */
int	mr_alert_ack_find(struct mr_store *, const struct mr_deadline_item *,
	    struct mr_alert_ack *out, int *found, struct mr_err *);

#endif /* MR_ALERT_ACK_H */
