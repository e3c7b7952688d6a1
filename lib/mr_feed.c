#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "lib/mr_audit.h"
#include "lib/mr_crypto.h"
#include "lib/mr_feed.h"
#include "lib/mr_hex.h"
#include "lib/mr_ident.h"
#include "lib/mr_store.h"
#include "lib/mr_year.h"
#include "lib/mr_when.h"

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
mr_feed_hash_token(const char *token, size_t len,
    unsigned char out[MR_FEED_HASH_LEN])
{
	mr_sha256(token, len, out);
}

int
mr_feed_token_wellformed(const char *s, size_t len)
{
	if (len != MR_FEED_TOKEN_LEN)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\0' || strchr(b64url, s[i]) == NULL)
			return 0;
	return 1;
}

/* The feed as audited: never the token or its hash. */
static char *
feed_json(const struct mr_feed *f)
{
	json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:s, s:o}",
	    "id", (json_int_t)f->id, "name", f->name,
	    "tin", f->tin[0] ? json_string(f->tin) : json_null(),
	    "performance_year", f->year ? json_integer(f->year) : json_null(),
	    "created_at", f->created_at,
	    "revoked_at", f->revoked_at[0] ? json_string(f->revoked_at) :
		json_null());
	char *s;

	/* Only a staff account's feed says whose it is. */
	if (o != NULL && f->account_id != 0 && json_object_set_new(o,
	    "account_id", json_integer((json_int_t)f->account_id)) == -1) {
		json_decref(o);
		o = NULL;
	}
	s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(o);
	return s;
}

int
mr_feed_add(struct mr_store *st, const char *name, const char *tin, int year,
    char *token, size_t tokenlen, int64_t *id, struct mr_err *err)
{
	return mr_feed_add_for(st, 0, name, tin, year, token, tokenlen, id, err);
}

int
mr_feed_add_for(struct mr_store *st, int64_t account_id, const char *name,
    const char *tin, int year, char *token, size_t tokenlen, int64_t *id,
    struct mr_err *err)
{
	struct mr_feed f = { 0 };
	unsigned char raw[MR_FEED_TOKEN_BYTES];
	char hashhex[2 * MR_FEED_HASH_LEN + 1], *after = NULL;
	sqlite3_stmt *stmt = NULL;
	int rc = -1, in_tx = 0;

	if (tokenlen < MR_FEED_TOKEN_LEN + 1)
		return mr_err_set(err, MR_EFAIL, "token buffer too small");
	if (name == NULL || *name == '\0' || strlen(name) > 64)
		return mr_err_set(err, MR_EINVAL, "feed name '%s': 1 to 64 "
		    "characters are expected, e.g. officer-calendar",
		    name ? name : "");
	if (mr_text_validate("feed name", name, 0, err) == -1)
		return -1;
	if (name[0] == '#' || strspn(name, "0123456789") == strlen(name))
		return mr_err_set(err, MR_EINVAL, "feed name '%s': must not be "
		    "a number (numbers name feeds by id in revoke)", name);
	snprintf(f.name, sizeof f.name, "%s", name);
	f.account_id = account_id;
	if (tin != NULL && mr_tin_normalize(tin, f.tin, sizeof f.tin, err) == -1)
		return -1;
	if (year != 0 && mr_year_check(year, mr_store_now(st), err) == -1)
		return -1;
	f.year = year;
	if (mr_random_bytes(raw, sizeof raw) == -1)
		return mr_err_set(err, MR_EFAIL, "no random bytes for the feed "
		    "token: %s", strerror(errno));
	/* 24 bytes = 32 base64url characters, no padding. */
	mr_base64url(raw, sizeof raw, token);
	mr_feed_hash_token(token, MR_FEED_TOKEN_LEN, f.token_hash);
	mr_hex(f.token_hash, MR_FEED_HASH_LEN, hashhex);
	mr_when_iso_utc(mr_store_now(st), f.created_at, sizeof f.created_at);

	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (mr_store_prepare(st, "SELECT 1 FROM calendar_feed WHERE name = ?1 "
	    "AND revoked_at IS NULL", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, f.name, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		mr_err_set(err, MR_ECONFLICT, "feed '%s' exists already; choose "
		    "another name or revoke it first", f.name);
		goto out;
	}
	sqlite3_finalize(stmt);
	if (mr_store_prepare(st, "INSERT INTO calendar_feed (name, token_hash, "
	    "tin, performance_year, created_at, account_id) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6)", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, f.name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, hashhex, -1, SQLITE_STATIC);
	if (f.tin[0])
		sqlite3_bind_text(stmt, 3, f.tin, -1, SQLITE_STATIC);
	if (f.year)
		sqlite3_bind_int(stmt, 4, f.year);
	sqlite3_bind_text(stmt, 5, f.created_at, -1, SQLITE_STATIC);
	if (f.account_id != 0)
		sqlite3_bind_int64(stmt, 6, f.account_id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "adding the feed");
		goto out;
	}
	f.id = sqlite3_last_insert_rowid(mr_store_db(st));
	if ((after = feed_json(&f)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_audit_append(st, "feed", f.id, "add", NULL, after, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	*id = f.id;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	sqlite3_finalize(stmt);
	free(after);
	if (rc == -1)
		memset(token, 0, tokenlen);
	return rc;
}

#define FEED_COLUMNS "id, name, tin, performance_year, token_hash, " \
	"created_at, revoked_at, account_id, " \
	"(SELECT disabled_at IS NOT NULL FROM account " \
	"WHERE account.id = calendar_feed.account_id)"

static void
feed_row(sqlite3_stmt *stmt, struct mr_feed *f)
{
	const unsigned char *s;

	memset(f, 0, sizeof *f);
	f->id = sqlite3_column_int64(stmt, 0);
	snprintf(f->name, sizeof f->name, "%s", sqlite3_column_text(stmt, 1));
	if ((s = sqlite3_column_text(stmt, 2)) != NULL)
		snprintf(f->tin, sizeof f->tin, "%s", s);
	f->year = sqlite3_column_int(stmt, 3);
	/* The hash as mr_hex wrote it. */
	if ((s = sqlite3_column_text(stmt, 4)) != NULL &&
	    strlen((const char *)s) == 2 * MR_FEED_HASH_LEN)
		(void)mr_unhex((const char *)s, MR_FEED_HASH_LEN, f->token_hash);
	snprintf(f->created_at, sizeof f->created_at, "%s",
	    sqlite3_column_text(stmt, 5));
	if ((s = sqlite3_column_text(stmt, 6)) != NULL)
		snprintf(f->revoked_at, sizeof f->revoked_at, "%s", s);
	f->account_id = sqlite3_column_int64(stmt, 7);
	f->account_disabled = sqlite3_column_int(stmt, 8);
}

int
mr_feed_revoke(struct mr_store *st, const char *which, struct mr_feed *out,
    struct mr_err *err)
{
	struct mr_feed f;
	sqlite3_stmt *stmt = NULL;
	char *before = NULL, *after = NULL, *end;
	const char *num = which[0] == '#' ? which + 1 : which;
	long long id = 0;
	int rc = -1, in_tx = 0, step;

	errno = 0;
	if (*num != '\0' && strspn(num, "0123456789") == strlen(num))
		id = strtoll(num, &end, 10);
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (mr_store_prepare(st, "SELECT " FEED_COLUMNS " FROM calendar_feed "
	    "WHERE revoked_at IS NULL AND (name = ?1 OR id = ?2)", &stmt,
	    err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, which, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, id);
	if ((step = sqlite3_step(stmt)) != SQLITE_ROW) {
		if (step == SQLITE_DONE)
			mr_err_set(err, MR_ENOTFOUND, "no active feed '%s'; "
			    "'mipsreview feed list' shows them", which);
		else
			mr_store_dberr(st, err, "finding the feed");
		goto out;
	}
	feed_row(stmt, &f);
	sqlite3_finalize(stmt);
	stmt = NULL;
	if ((before = feed_json(&f)) == NULL)
		goto oom;
	mr_when_iso_utc(mr_store_now(st), f.revoked_at, sizeof f.revoked_at);
	if ((after = feed_json(&f)) == NULL)
		goto oom;
	if (mr_store_prepare(st, "UPDATE calendar_feed SET revoked_at = ?1 "
	    "WHERE id = ?2", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, f.revoked_at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, f.id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "revoking the feed");
		goto out;
	}
	if (mr_audit_append(st, "feed", f.id, "revoke", before, after, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	if (out != NULL)
		*out = f;
	rc = 0;
	goto out;
oom:
	mr_err_set(err, MR_EFAIL, "out of memory");
out:
	if (in_tx)
		mr_store_rollback(st);
	sqlite3_finalize(stmt);
	free(before);
	free(after);
	return rc;
}

int
mr_feed_each(struct mr_store *st, int include_revoked,
    int (*fn)(const struct mr_feed *, void *), void *arg, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_feed f;
	int rc = -1, step;

	if (mr_store_prepare(st, "SELECT " FEED_COLUMNS " FROM calendar_feed "
	    "WHERE ?1 OR revoked_at IS NULL ORDER BY id", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int(stmt, 1, include_revoked != 0);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		feed_row(stmt, &f);
		if (fn(&f, arg) != 0)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "listing feeds");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}
