/*
 * mr_webhook_int: what lib/mr_webhook.c and lib/mr_webhook_deliver.c
 * share and nobody else needs.
 */
#ifndef MR_WEBHOOK_INT_H
#define MR_WEBHOOK_INT_H

#include "lib/mr_webhook.h"

struct mr_store;

/* An endpoint's credentials, read from its file; wipe after use. */
struct mr_webhook_creds {
	char		 url[MR_WEBHOOK_URL_MAX + 1];
	unsigned char	 key[MR_WEBHOOK_KEY_MAX];
	size_t		 keylen;		/* 0: not signed */
};

/* Read the credentials file (a name in webhooks/ beside the database). */
int	mr_webhook_creds_read(struct mr_store *, const char *file,
	    struct mr_webhook_creds *, struct mr_err *);

#endif /* MR_WEBHOOK_INT_H */
