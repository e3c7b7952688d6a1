/*
 * mr_alert: which reminders are due, to whom, and the mail that tells of
 * them (mr_alert_ledger sends each exactly once).
 *
 * A reminder is a deadline (mr_deadline) and one offset before it (the
 * alert_offsets setting, default 30d,14d,7d,3d,1d,4h).  It is due when its
 * moment (deadline - offset) has come, the deadline has not passed and the
 * item is still open.  When several are due (no sender ran for a while)
 * only the most urgent one, the smallest offset, goes out.  Recipients are
 * the item's owner and alert_to.
 */
#ifndef MR_ALERT_H
#define MR_ALERT_H

#include <stdint.h>
#include <time.h>

#include "lib/mr_deadline.h"
#include "lib/mr_err.h"
#include "lib/mr_ical.h"

struct mr_config;
struct mr_mail_server;
struct mr_mailer;
struct mr_store;

#define MR_ALERT_MAX_OFFSETS	16

struct mr_alert_settings {
	long long	 offsets[MR_ALERT_MAX_OFFSETS];	/* seconds, largest first */
	int		 noffsets;
	const char	*alert_to;	/* comma-separated addresses or NULL */
	const char	*zone;		/* the recipients' zone or NULL */
	const char	*from;		/* smtp_from; NULL only for dry runs */
	long		 lease;		/* seconds a claim holds */
	int		 honor_retry;	/* skip failed reminders until retry_at */
	long		 max_run;	/* seconds after which a run claims no
					   more (the rest wait for the next
					   run); 0: no limit */
	/*
	 * The attachment is the item as the calendar export and feed write
	 * it (same UID, zone, alarms), so importing it never duplicates the
	 * feed's event.  have_ical 0: a plain UTC event (tests).
	 */
	struct mr_ical_opts ical;
	int		 have_ical;
	/* The audit trail's head (ROWS:HASH) for the footer, or NULL. */
	const char	*audit_anchor;
	/*
	 * Escalation: when a reminder sent within escalate_within of the
	 * deadline goes unacknowledged for escalate_after, escalate_to (or
	 * the TIN's own list in escalate_to_tin) is told, once.  Off while
	 * neither names anyone.
	 */
	const char	*escalate_to;
	const char	*escalate_to_tin;
	long long	 escalate_after;	/* seconds */
	long long	 escalate_within;	/* seconds */
	/*
	 * The one-click acknowledgement link (lib/mr_acklink.h): base_url
	 * when it is configured, else NULL and the mail names the command
	 * instead; mr_alert_run() fills link_key from the database's key
	 * file.
	 */
	const char		*link_base;
	const unsigned char	*link_key;
	/*
	 * Daily digests (lib/mr_alert_digest.h): digest_to as configured
	 * ("ADDRESS [HOUR] [ZONE], ..."), the hour where it names none, the
	 * horizon of "due soon", and whether its addresses get the digest
	 * instead of the per-deadline reminders.
	 */
	const char	*digest_to;
	int		 digest_hour;
	long long	 digest_within;	/* seconds */
	int		 digest_instead;
};

/*
 * The alert and mail settings from a configuration (which must outlive
 * them: they point into it).  The lease is smtp_timeout + 60 seconds, so
 * a live sender always finishes before its claim lapses.
 */
int	mr_alert_config(const struct mr_config *, struct mr_alert_settings *,
	    struct mr_mail_server *, struct mr_err *);

/*
 * Who is told when a deadline of tin (9 digits) goes unacknowledged: the
 * TIN's addresses in escalate_to_tin, else escalate_to, comma-separated
 * into buf ("" when nobody).  -1 when escalate_to_tin is malformed.
 */
int	mr_alert_escalation_to(const struct mr_alert_settings *, const char *tin,
	    char *buf, size_t len, struct mr_err *);
/* The Message-ID of an escalation (without <>); buf >= 200. */
void	mr_alert_escalation_message_id(const struct mr_deadline_item *,
	    long long offset, const char *from, char *buf, size_t len);
/*
 * The whole message telling the escalation recipients that the item's
 * reminders went unacknowledged: as mr_alert_compose, with the owner and
 * sent (the reminders sent and when, one "  - " line each) named.
 */
int	mr_alert_compose_escalation(const struct mr_deadline_item *,
	    long long offset, time_t now, const struct mr_alert_settings *,
	    const char *const *to, int nto, const char *sent, const char *ics,
	    char **msg, size_t *len, struct mr_err *);

/* Index in offsets of the most urgent reminder due at now, or -1. */
int	mr_alert_due(const struct mr_deadline_item *, const long long *offsets,
	    int n, time_t now);
/*
 * Whether the item may be escalated at now: escalation is set up (a wait
 * and someone to escalate to), the item is open and its deadline is still
 * to come, within escalate_within.  Whether a reminder went out
 * unacknowledged is for the caller's ledger to say.
 */
int	mr_alert_escalation_candidate(const struct mr_alert_settings *,
	    const struct mr_deadline_item *, time_t now);
/* The first reminder moment after now (before the deadline), or 0. */
time_t	mr_alert_next_moment(const struct mr_deadline_item *,
	    const long long *offsets, int n, time_t now);
/* "7d", "4h", "90m", "45s": an offset as the settings spell it. */
void	mr_alert_offset_label(long long secs, char *buf, size_t len);
/* The deterministic Message-ID of a reminder (without <>); buf >= 160. */
void	mr_alert_message_id(const struct mr_deadline_item *, long long offset,
	    const char *from, char *buf, size_t len);
/*
 * The item's owner and then alert_to, without repeats, into a NULL-ended
 * array (*out, free with mr_alert_strv_free); *n may be 0.  A malformed
 * address is refused with a message naming where it came from.
 */
int	mr_alert_recipients(const struct mr_deadline_item *, const char *alert_to,
	    char ***out, int *n, struct mr_err *);
void	mr_alert_strv_free(char **);
/* "MIPS targeted review for <name> closes in 7 days (Oct 11 7:00 PM CDT)". */
int	mr_alert_subject(const struct mr_deadline_item *, time_t now, char *buf,
	    size_t len);
/*
 * The whole message of a reminder, ready for mr_mailer_send: text body
 * and, when ics is not NULL, that calendar (mr_ical's, the feed's UID) attached.
 * missing_evidence (may be NULL) is the evidence still missing, one item
 * a line; undated (may be NULL) the open items with no known deadline,
 * one a line, which no reminder would otherwise mention.
 */
int	mr_alert_compose(const struct mr_deadline_item *, long long offset,
	    time_t now, const struct mr_alert_settings *,
	    const char *const *to, int nto, const char *missing_evidence,
	    const char *undated, const char *ics, char **msg, size_t *len,
	    struct mr_err *);

#endif /* MR_ALERT_H */
