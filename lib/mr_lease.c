/* mr_lease: the claim protocol of the outgoing ledgers (see lib/mr_lease.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include <sqlite3.h>

#include "lib/mr_hex.h"
#include "lib/mr_lease.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"

int
mr_lease_held(const char *state, time_t lease_until, time_t now)
{
	return (strcmp(state, "claimed") == 0 ||
	    strcmp(state, "sending") == 0) && lease_until > now;
}

void
mr_lease_token(char *buf, size_t len)
{
	unsigned char r[8];
	char hex[2 * sizeof r + 1], host[64] = "localhost";

	/* Unique enough without randomness (host, pid, time): the token
	 * only tells senders apart, it guards nothing. */
	if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		long long t = (long long)time(NULL);

		memcpy(r, &t, sizeof r < sizeof t ? sizeof r : sizeof t);
	}
	mr_hex(r, sizeof r, hex);
	if (gethostname(host, sizeof host) == -1)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	snprintf(buf, len, "%s:%ld:%s", host, (long)getpid(), hex);
}

int
mr_lease_mark_sending(void *arg)
{
	struct mr_lease_sending *s = arg;
	sqlite3_stmt *stmt = NULL;
	char iso[32], sql[160];
	int rc = -1, in_tx = 0;

	mr_when_iso_utc(mr_store_now(s->st), iso, sizeof iso);
	snprintf(sql, sizeof sql, "UPDATE %s SET state = 'sending', updated_at "
	    "= ?3 WHERE id = ?1 AND claim_token = ?2 AND state = 'claimed'",
	    s->table);
	if (mr_store_begin(s->st, &s->err) == -1)
		goto out;
	in_tx = 1;
	if (mr_store_prepare(s->st, sql, &stmt, &s->err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, s->id);
	sqlite3_bind_text(stmt, 2, s->token, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, iso, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(s->st, &s->err, "marking a message as being sent");
		goto out;
	}
	if (sqlite3_changes(mr_store_db(s->st)) != 1) {
		/* Our lease ran out and another sender has it: let it send. */
		mr_err_set(&s->err, MR_ESEND, "the claim on the %s was lost "
		    "(another sender took it over); not sending it twice",
		    s->what);
		goto out;
	}
	in_tx = 0;
	if (mr_store_commit(s->st, &s->err) == -1)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	if (in_tx)
		mr_store_rollback(s->st);
	return rc;
}
