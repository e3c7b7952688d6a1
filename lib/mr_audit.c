#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "lib/mr_audit.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"

#define GENESIS_HASH \
	"0000000000000000000000000000000000000000000000000000000000000000"

static void
hash_field(EVP_MD_CTX *ctx, const char *s)
{
	/* Length-prefixed, so no two different rows hash the same text. */
	char len[24];
	size_t n = s ? strlen(s) : 0;

	snprintf(len, sizeof len, "%c%zu:", s ? 's' : 'n', n);
	EVP_DigestUpdate(ctx, len, strlen(len));
	if (s != NULL)
		EVP_DigestUpdate(ctx, s, n);
}

/* SHA-256 over the previous hash and every field of the row, in hex. */
static int
row_hash(const struct mr_audit_row *r, char out[65])
{
	EVP_MD_CTX *ctx;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char num[48];
	int ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	hash_field(ctx, r->prev_hash);
	snprintf(num, sizeof num, "%lld", (long long)r->id);
	hash_field(ctx, num);
	hash_field(ctx, r->at);
	hash_field(ctx, r->who);
	hash_field(ctx, r->entity);
	snprintf(num, sizeof num, "%lld", (long long)r->entity_id);
	hash_field(ctx, num);
	hash_field(ctx, r->action);
	hash_field(ctx, r->before);
	hash_field(ctx, r->after);
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	for (unsigned int i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static int
head_get(struct mr_store *st, int64_t *rows, char hash[65], struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	if (mr_store_prepare(st, "SELECT rows, hash FROM audit_head WHERE one = 1",
	    &stmt, err) == -1)
		goto out;
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*rows = sqlite3_column_int64(stmt, 0);
		snprintf(hash, 65, "%s", (const char *)sqlite3_column_text(stmt, 1));
	} else if (step == SQLITE_DONE) {
		*rows = 0;
		memcpy(hash, GENESIS_HASH, sizeof GENESIS_HASH);
	} else {
		mr_store_dberr(st, err, "reading the audit trail");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_audit_append(struct mr_store *st, const char *entity, int64_t entity_id,
    const char *action, const char *before, const char *after,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_audit_row r = { 0 };
	char at[32], prev[65], hash[65];
	int64_t rows, id;
	int rc = -1;

	if (head_get(st, &rows, prev, err) == -1)
		goto out;
	/* AUTOINCREMENT never reuses an id, so the next id is max+1 even
	 * after a deletion behind our back; ask SQLite for it. */
	if (mr_store_prepare(st, "SELECT coalesce((SELECT seq FROM sqlite_sequence "
	    "WHERE name = 'audit'), 0) + 1", &stmt, err) == -1)
		goto out;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		mr_store_dberr(st, err, "reading the audit trail");
		goto out;
	}
	id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;

	mr_when_iso_utc(mr_store_now(st), at, sizeof at);
	r.id = id;
	r.at = at;
	r.who = mr_store_actor(st);
	r.entity = entity;
	r.entity_id = entity_id;
	r.action = action;
	r.before = before;
	r.after = after;
	r.prev_hash = prev;
	if (row_hash(&r, hash) == -1) {
		mr_err_set(err, MR_EFAIL, "audit: SHA-256 failed");
		goto out;
	}
	if (mr_store_prepare(st, "INSERT INTO audit (id, at, who, entity, "
	    "entity_id, action, before, after, prev_hash, hash) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, r.who, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, entity, -1, SQLITE_STATIC);
	if (entity_id != 0)
		sqlite3_bind_int64(stmt, 5, entity_id);
	sqlite3_bind_text(stmt, 6, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, before, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, after, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 9, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 10, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "writing the audit trail");
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (mr_store_prepare(st, "INSERT INTO audit_head (one, rows, hash) "
	    "VALUES (1, ?, ?) ON CONFLICT (one) DO UPDATE SET rows = excluded.rows, "
	    "hash = excluded.hash", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, rows + 1);
	sqlite3_bind_text(stmt, 2, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "writing the audit trail");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

static void
row_from_stmt(sqlite3_stmt *stmt, struct mr_audit_row *r)
{
	r->id = sqlite3_column_int64(stmt, 0);
	r->at = (const char *)sqlite3_column_text(stmt, 1);
	r->who = (const char *)sqlite3_column_text(stmt, 2);
	r->entity = (const char *)sqlite3_column_text(stmt, 3);
	r->entity_id = sqlite3_column_int64(stmt, 4);
	r->action = (const char *)sqlite3_column_text(stmt, 5);
	r->before = (const char *)sqlite3_column_text(stmt, 6);
	r->after = (const char *)sqlite3_column_text(stmt, 7);
	r->prev_hash = (const char *)sqlite3_column_text(stmt, 8);
	r->hash = (const char *)sqlite3_column_text(stmt, 9);
}

#define AUDIT_COLUMNS "id, at, who, entity, coalesce(entity_id, 0), action, " \
	"before, after, prev_hash, hash"

int
mr_audit_each(struct mr_store *st, const char *entity, int64_t entity_id,
    int (*fn)(const struct mr_audit_row *, void *), void *arg,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_audit_row r;
	int rc = -1, step;

	if (mr_store_prepare(st, "SELECT " AUDIT_COLUMNS " FROM audit "
	    "WHERE (?1 IS NULL OR entity = ?1) AND (?2 = 0 OR entity_id = ?2) "
	    "ORDER BY id", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, entity, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, entity_id);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		row_from_stmt(stmt, &r);
		if (fn(&r, arg) != 0)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the audit trail");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_audit_verify(struct mr_store *st, int64_t *bad_id, int64_t *nrows,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_audit_row r;
	char prev[65], want[65], head_hash[65];
	int64_t head_rows, n = 0, last_id = 0;
	int rc = -1, step;

	*bad_id = 0;
	memcpy(prev, GENESIS_HASH, sizeof GENESIS_HASH);
	if (head_get(st, &head_rows, head_hash, err) == -1)
		goto out;
	if (mr_store_prepare(st, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY id",
	    &stmt, err) == -1)
		goto out;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		row_from_stmt(stmt, &r);
		n++;
		if (r.prev_hash == NULL || strcmp(r.prev_hash, prev) != 0) {
			*bad_id = r.id;
			mr_err_set(err, MR_EINTEGRITY, "audit row %lld does not "
			    "follow row %lld: a row before it was deleted or "
			    "altered", (long long)r.id, (long long)last_id);
			goto out;
		}
		if (row_hash(&r, want) == -1 || r.hash == NULL ||
		    strcmp(r.hash, want) != 0) {
			*bad_id = r.id;
			mr_err_set(err, MR_EINTEGRITY, "audit row %lld was altered "
			    "after it was written (its content no longer matches "
			    "its hash)", (long long)r.id);
			goto out;
		}
		snprintf(prev, sizeof prev, "%s", r.hash);
		last_id = r.id;
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the audit trail");
		goto out;
	}
	if (n != head_rows || strcmp(prev, head_hash) != 0) {
		*bad_id = last_id + 1;
		mr_err_set(err, MR_EINTEGRITY, "audit trail ends at row %lld but "
		    "%lld rows were written: rows were deleted from its end",
		    (long long)last_id, (long long)head_rows);
		goto out;
	}
	rc = 0;
out:
	if (nrows != NULL)
		*nrows = n;
	sqlite3_finalize(stmt);
	return rc;
}
