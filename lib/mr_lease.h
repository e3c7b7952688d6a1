/*
 * mr_lease: the claim protocol shared by every ledger of outgoing messages
 * (reminders and escalations, daily digests, webhook deliveries).  A
 * sender claims a row for a while (state 'claimed', its token, a lease),
 * marks it 'sending' once the whole message is with the transport and
 * before the last byte leaves, then records the outcome; a row whose
 * lease ran out is taken over by the next sender, knowing from 'sending'
 * whether the message may already have arrived.  So however many senders
 * run (cron, the daemon), each message goes out once, and a duplicate
 * after a crash is flagged, never silent.
 */
#ifndef MR_LEASE_H
#define MR_LEASE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/mr_err.h"

struct mr_store;

/* Whether a row in state with lease_until is held by a live sender. */
int	mr_lease_held(const char *state, time_t lease_until, time_t now);

/* A sender's token: host, process and a random part, unique per run. */
void	mr_lease_token(char *buf, size_t len);

/*
 * The row to move from 'claimed' to 'sending', handed to the transport's
 * last-moment callback (mr_mailer_send, the webhook post).  table is one
 * of the ledgers' names (a constant, never input); what names the message
 * in errors ("reminder", "digest", "delivery").  err says why it refused.
 */
struct mr_lease_sending {
	struct mr_store	*st;
	const char	*table;
	const char	*what;
	int64_t		 id;
	const char	*token;
	struct mr_err	 err;
};

/*
 * The callback: 0 when the row is 'sending' under this token, -1 with err
 * set when it cannot be written or another sender took the claim over
 * (MR_ESEND: then the message must not go out, as the other one sends).
 */
int	mr_lease_mark_sending(void *sending);

#endif /* MR_LEASE_H */
