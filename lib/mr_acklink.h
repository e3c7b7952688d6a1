/*
 * mr_acklink: the signed one-click acknowledgement link of a reminder or
 * escalation mail.
 *
 * The link names one deadline (a case's or filing's, the instant it
 * closes and the item's workflow state when the mail was written), the
 * addresses the mail went to and when the link expires, and carries an
 * HMAC-SHA-256 of all of it under a secret kept outside the database, in
 * the key file beside it (<database>.link-key, made by the first sender
 * with the database's sharing, as the audit key is, and refused while
 * anyone the database is not shared with may read it).  Whoever holds the link may
 * acknowledge that one deadline and nothing else: the signature is the
 * authority, no account is needed.  A link whose deadline has since
 * moved, or whose item changed state, no longer matches the item and is
 * refused as stale by mr_alert_ack_add_expect().
 *
 * The token is text safe in a URL's query:
 *   v1.WHAT.ID.CLOSES_AT.STATUS.EXPIRES.TO.MAC
 * WHAT "case" or "hardship", CLOSES_AT and EXPIRES UTC epoch seconds,
 * STATUS the state's word, TO the comma-separated addresses in hex, MAC
 * 64 hex digits over "mipsreview acknowledgement link\n" and the rest.
 *
 * A link posted to a chat channel or webhook (lib/mr_webhook.h) goes to
 * whoever reads the channel, not to an address: it names the endpoint
 * instead, as "v2.webhook." and then the same fields, TO being the
 * endpoint's name, and is acknowledged as that channel.
 */
#ifndef MR_ACKLINK_H
#define MR_ACKLINK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/mr_err.h"

#define MR_ACKLINK_KEY_BYTES	32
/* Longest recipient list a link carries, and longest token. */
#define MR_ACKLINK_TO_MAX	600
#define MR_ACKLINK_TOKEN_MAX	(160 + 2 * MR_ACKLINK_TO_MAX)
/* How long a link lasts at most (it also ends with its deadline). */
#define MR_ACKLINK_TTL		(45LL * 86400)

struct mr_acklink {
	char		 what[16];	/* "case" or "hardship" */
	int64_t		 id;
	time_t		 closes_at;	/* the deadline the mail was about */
	char		 status[32];	/* the item's state then */
	time_t		 expires;
	char		 to[MR_ACKLINK_TO_MAX + 1];	/* comma-separated */
	/*
	 * How the link was sent: "mail" ("" too, when signing), to the
	 * addresses in to, or "webhook", to the endpoint named in to.
	 */
	char		 via[8];
};

/* The key file's path for a database (malloc'd), or NULL. */
char	*mr_acklink_key_path(const char *db_path);
/*
 * The link key of the database at db_path, for signing: read from its key
 * file, or made and written there (0600, or 0640 in the folder's group
 * when the database is shared with one, lib/mr_place.h) when there is
 * none yet.  A key file others may read (or, for a shared database,
 * anyone outside its group) is refused (MR_EDB, the chmod that fixes it
 * in the message); a damaged one is MR_EINTEGRITY.
 */
int	mr_acklink_key(const char *db_path,
	    unsigned char key[MR_ACKLINK_KEY_BYTES], struct mr_err *);
/*
 * The same for checking a link: the key is never made.  MR_ENOTFOUND when
 * there is no key file yet (then no link can be valid).
 */
int	mr_acklink_key_read(const char *db_path,
	    unsigned char key[MR_ACKLINK_KEY_BYTES], struct mr_err *);

/*
 * The token of l (expires filled by the caller) into buf.  MR_EINVAL when
 * a field cannot be carried (a recipient list longer than
 * MR_ACKLINK_TO_MAX, a state with other than a-z and '-').
 */
int	mr_acklink_sign(const unsigned char key[MR_ACKLINK_KEY_BYTES],
	    const struct mr_acklink *l, char *buf, size_t len, struct mr_err *);
/*
 * Check a token at now: MR_EINVAL when it is malformed or its signature
 * does not match (changed, or signed with another key), MR_ECONFLICT when
 * it expired; 0 and *out filled when it holds.
 */
int	mr_acklink_verify(const unsigned char key[MR_ACKLINK_KEY_BYTES],
	    const char *token, time_t now, struct mr_acklink *out,
	    struct mr_err *);
/* "BASE/app/ack?t=TOKEN" (one slash between); -1 when it does not fit. */
int	mr_acklink_url(const char *base_url, const char *token, char *buf,
	    size_t len);
/* 1 if addr (case-insensitive) is one of the link's recipients. */
int	mr_acklink_names(const struct mr_acklink *, const char *addr);
/*
 * The same, and that recipient as the link spells it (as the mail was
 * sent to it) into buf (may be NULL).
 */
int	mr_acklink_recipient(const struct mr_acklink *, const char *addr,
	    char *buf, size_t len);

#endif /* MR_ACKLINK_H */
