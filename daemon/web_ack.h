/*
 * web_ack: the page a reminder's one-click acknowledgement link opens
 * (GET /app/ack?t=TOKEN, lib/mr_acklink.h), and its form (POST /app/ack).
 *
 * No session is needed: the link's signature is the authority, and only
 * for the one deadline it names.  GET only shows what would be
 * acknowledged and asks to confirm, so a mail scanner that fetches every
 * link in a message acknowledges nothing; the POST of that page records
 * it through the same lib/ function as 'mipsreview alerts ack', audited
 * as given through the mail link by the recipient who confirms.  A
 * changed, expired or stale link is refused with a page saying so, and
 * nothing is written.
 */
#ifndef DAEMON_WEB_ACK_H
#define DAEMON_WEB_ACK_H

#include "daemon/web.h"

/* Answer /app/ack for r (GET or POST, r->who ignored) into *out. */
int	web_ack(const struct web_req *, struct web_reply *out);

#endif /* DAEMON_WEB_ACK_H */
