/*
 * mr_alert_grounds: the mail telling a case's owner and alert_to that a
 * record CMS keeps changed a case's targeted-review grounds
 * (mr_grounds_watch); mr_alert_ledger sends it once, as kind "grounds".
 */
#ifndef MR_ALERT_GROUNDS_H
#define MR_ALERT_GROUNDS_H

#include <stddef.h>

#include "lib/mr_alert.h"
#include "lib/mr_err.h"

/* The deterministic Message-ID of change_id's mail (without <>). */
void	mr_alert_grounds_message_id(const struct mr_deadline_item *,
	    long long change_id, const char *from, char *buf, size_t len);
/*
 * The whole message: the case, the grounds gained and lost (comma-
 * separated ids) and detail (a line per ground), when the record was
 * retrieved.
 */
int	mr_alert_compose_grounds(const struct mr_deadline_item *,
	    long long change_id, const char *gained, const char *lost,
	    const char *detail, const char *retrieved_at,
	    const struct mr_alert_settings *, const char *const *to, int nto,
	    char **msg, size_t *len, struct mr_err *);

#endif /* MR_ALERT_GROUNDS_H */
