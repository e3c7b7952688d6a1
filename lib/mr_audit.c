#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mr_audit.h"
#include "lib/mr_buf.h"
#include "lib/mr_crypto.h"
#include "lib/mr_hex.h"
#include "lib/mr_keyfile.h"
#include "lib/mr_place.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"

#define GENESIS_HASH \
	"0000000000000000000000000000000000000000000000000000000000000000"
#define KEY_BYTES	32
#define KEY_SUFFIX	".audit-key"

/* The secret that seals the chain, and the first row it covers. */
struct audit_key {
	unsigned char	 key[KEY_BYTES];
	int64_t		 from_row;
};

/*
 * The text a hash covers, fed as it is built: SHA-256 for plain rows,
 * HMAC-SHA-256 under the key for sealed ones.
 */
struct hasher {
	struct mr_sha256	sha;
	struct mr_hmac_sha256	mac;
	int			keyed;
};

static void
hasher_init(struct hasher *h, const struct audit_key *k)
{
	h->keyed = k != NULL;
	if (h->keyed)
		mr_hmac_sha256_init(&h->mac, k->key, sizeof k->key);
	else
		mr_sha256_init(&h->sha);
}

static void
hasher_update(struct hasher *h, const void *p, size_t n)
{
	if (h->keyed)
		mr_hmac_sha256_update(&h->mac, p, n);
	else
		mr_sha256_update(&h->sha, p, n);
}

/* What was fed, as 64 hex digits; the key's state is wiped. */
static void
hasher_final(struct hasher *h, char out[65])
{
	unsigned char md[MR_SHA256_LEN];

	if (h->keyed) {
		mr_hmac_sha256_final(&h->mac, md);
		mr_hmac_sha256_wipe(&h->mac);
	} else
		mr_sha256_final(&h->sha, md);
	mr_hex(md, sizeof md, out);
}

static void
hash_field(struct hasher *h, const char *s)
{
	/* Length-prefixed, so no two different rows hash the same text. */
	char len[24];
	size_t n = s ? strlen(s) : 0;

	snprintf(len, sizeof len, "%c%zu:", s ? 's' : 'n', n);
	hasher_update(h, len, strlen(len));
	if (s != NULL)
		hasher_update(h, s, n);
}

/* The hash of a row over the previous hash and every field, in hex. */
static void
row_hash(const struct mr_audit_row *r, const struct audit_key *k,
    char out[65])
{
	struct hasher h;
	char num[48];

	hasher_init(&h, k);
	hash_field(&h, r->prev_hash);
	snprintf(num, sizeof num, "%lld", (long long)r->id);
	hash_field(&h, num);
	hash_field(&h, r->at);
	hash_field(&h, r->who);
	hash_field(&h, r->entity);
	snprintf(num, sizeof num, "%lld", (long long)r->entity_id);
	hash_field(&h, num);
	hash_field(&h, r->action);
	hash_field(&h, r->before);
	hash_field(&h, r->after);
	hasher_final(&h, out);
}

/* The seal of the head: HMAC over the row count and the newest hash. */
static void
head_mac(const struct mr_audit_head *hd, const struct audit_key *k,
    char out[65])
{
	struct hasher h;
	char num[48];

	hasher_init(&h, k);
	hash_field(&h, "audit head");
	snprintf(num, sizeof num, "%lld", (long long)hd->rows);
	hash_field(&h, num);
	hash_field(&h, hd->hash);
	hasher_final(&h, out);
}

void
mr_audit_anchor_format(const struct mr_audit_head *hd, char *buf, size_t len)
{
	snprintf(buf, len, "%lld:%s", (long long)hd->rows, hd->hash);
}

static int
is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

int
mr_audit_anchor_parse(const char *s, struct mr_audit_head *hd,
    struct mr_err *err)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || errno != 0 || n < 0 || *end != ':' ||
	    !is_hex64(end + 1))
		return mr_err_set(err, MR_EINVAL, "anchor '%.80s' is not of the "
		    "form ROWS:HASH (a row count, a colon and 64 lowercase hex "
		    "digits), as 'mipsreview audit anchor' prints it", s);
	hd->rows = n;
	memcpy(hd->hash, end + 1, 65);
	return 0;
}

char *
mr_audit_key_path(const char *db_path)
{
	size_t n = strlen(db_path) + sizeof KEY_SUFFIX;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s%s", db_path, KEY_SUFFIX);
	return p;
}

static const struct mr_keyfile audit_keyfile = {
	"audit key file",
	"could rewrite the audit trail and seal it again"
};

/*
 * Read the key file: "key HEX" and "from-row N" lines, '#' comments.
 * *have is 0 when there is no key file yet.  A key that others may read
 * (or anyone outside the group of a shared database) seals nothing: who
 * reads it can rewrite the trail and seal it again, so it is refused.
 */
static int
key_load(const struct mr_place *pl, const char *path, struct audit_key *k,
    int *have, struct mr_err *err)
{
	char text[1024], *line, *save = NULL;
	int got_key = 0, got_from = 0;

	if (mr_keyfile_read(&audit_keyfile, pl, path, text, sizeof text, have,
	    err) == -1)
		return -1;
	if (!*have)
		return 0;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (mr_keyfile_key_line(line, k->key, KEY_BYTES))
			got_key = 1;
		else if (strncmp(line, "from-row ", 9) == 0) {
			char *end;

			errno = 0;
			k->from_row = strtoll(line + 9, &end, 10);
			got_from = errno == 0 && *end == '\0' && k->from_row > 0;
		}
	}
	explicit_bzero(text, sizeof text);
	if (!got_key || !got_from) {
		*have = 0;
		return mr_err_set(err, MR_EINTEGRITY, "audit key file '%s' is "
		    "damaged (it needs a 'key' and a 'from-row' line): restore "
		    "it from the backup of the database's folder", path);
	}
	return 0;
}

/*
 * Create the key file, covering rows from from_row on; when another
 * process made one meanwhile, read that one.
 */
static int
key_create(const struct mr_place *pl, const char *db_path, const char *path,
    int64_t from_row, struct audit_key *k, struct mr_err *err)
{
	char text[256], keyhex[2 * KEY_BYTES + 1];
	struct mr_buf tb;
	int rc = -1, raced, have;

	if (mr_random_bytes(k->key, sizeof k->key) == -1)
		return mr_err_set(err, MR_EFAIL, "audit key: no random bytes "
		    "from the system");
	k->from_row = from_row;
	/*
	 * A fixed buffer on the stack, wiped at the end: a growing one would
	 * leave copies of the key behind in freed memory.
	 */
	mr_buf_init_fixed(&tb, text, sizeof text);
	if (mr_buf_printf(&tb, "# The key sealing the audit trail of %s.\n"
	    "# Keep it private; back it up with the database.\nkey ", db_path)
	    == -1 || tb.len >= sizeof text - 2 * KEY_BYTES - 40) {
		/* A very long path: leave it out of the comment. */
		mr_buf_reset(&tb);
		(void)mr_buf_printf(&tb, "# The key sealing a mipsreview audit "
		    "trail.\nkey ");
	}
	mr_hex(k->key, KEY_BYTES, keyhex);
	(void)mr_buf_add(&tb, keyhex, 2 * KEY_BYTES);
	if (mr_buf_printf(&tb, "\nfrom-row %lld\n", (long long)from_row) == -1) {
		mr_err_set(err, MR_EFAIL, "audit key: the key file's text does "
		    "not fit in %zu bytes", sizeof text);
		goto out;
	}
	if (mr_keyfile_create(&audit_keyfile, pl, path, text, tb.len, &raced,
	    err) == -1 || (raced && key_load(pl, path, k, &have, err) == -1))
		goto out;
	rc = 0;
out:
	explicit_bzero(text, sizeof text);
	explicit_bzero(keyhex, sizeof keyhex);
	return rc;
}

/* The stored head; mac is "" when the head carries none. */
static int
head_get(struct mr_store *st, struct mr_audit_head *hd, char mac[65],
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	mac[0] = '\0';
	if (mr_store_prepare(st, "SELECT rows, hash, coalesce(mac, '') "
	    "FROM audit_head WHERE one = 1", &stmt, err) == -1)
		goto out;
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		hd->rows = sqlite3_column_int64(stmt, 0);
		snprintf(hd->hash, sizeof hd->hash, "%s",
		    mr_store_col_text(stmt, 1));
		snprintf(mac, 65, "%s", mr_store_col_text(stmt, 2));
	} else if (step == SQLITE_DONE) {
		hd->rows = 0;
		memcpy(hd->hash, GENESIS_HASH, sizeof GENESIS_HASH);
	} else {
		mr_store_dberr(st, err, "reading the audit trail");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

static int
missing_key(const char *path, struct mr_err *err)
{
	return mr_err_set(err, MR_EINTEGRITY, "the audit trail is sealed with "
	    "the key in '%s', which is missing: restore that file from the "
	    "backup of the database's folder", path);
}

/* The highest audit id ever committed (0 for none). */
static int
seq_get(struct mr_store *st, int64_t *seq, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	if (mr_store_prepare(st, "SELECT coalesce((SELECT seq FROM sqlite_sequence "
	    "WHERE name = 'audit'), 0)", &stmt, err) == -1)
		goto out;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		mr_store_dberr(st, err, "reading the audit trail");
		goto out;
	}
	*seq = sqlite3_column_int64(stmt, 0);
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
	struct mr_audit_head hd;
	struct audit_key k;
	struct mr_place pl;
	char at[32], prev[65], hash[65], mac[65], *kpath = NULL;
	int64_t id;
	int rc = -1, have;

	if (head_get(st, &hd, mac, err) == -1)
		goto out;
	memcpy(prev, hd.hash, sizeof prev);
	/* AUTOINCREMENT never reuses an id, so the next id is max+1 even
	 * after a deletion behind our back; ask SQLite for it. */
	if (seq_get(st, &id, err) == -1)
		goto out;
	id++;

	if ((kpath = mr_audit_key_path(mr_store_path(st))) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_place_sharing_of(mr_store_path(st), &pl, err) == -1 ||
	    key_load(&pl, kpath, &k, &have, err) == -1)
		goto out;
	if (!have) {
		/* A sealed head without its key: a new key would hide that. */
		if (mac[0] != '\0') {
			missing_key(kpath, err);
			goto out;
		}
		if (key_create(&pl, mr_store_path(st), kpath, id, &k,
		    err) == -1)
			goto out;
	}

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
	hd.rows++;
	row_hash(&r, &k, hash);
	memcpy(hd.hash, hash, sizeof hash);
	head_mac(&hd, &k, mac);
	if (mr_store_prepare(st, "INSERT INTO audit (id, at, who, entity, "
	    "entity_id, action, before, after, prev_hash, hash, keyed) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", &stmt, err) == -1)
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
	if (mr_store_prepare(st, "INSERT INTO audit_head (one, rows, hash, mac) "
	    "VALUES (1, ?, ?, ?) ON CONFLICT (one) DO UPDATE SET "
	    "rows = excluded.rows, hash = excluded.hash, mac = excluded.mac",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, hd.rows);
	sqlite3_bind_text(stmt, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, mac, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "writing the audit trail");
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(&k, sizeof k);
	free(kpath);
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
	r->keyed = sqlite3_column_int(stmt, 10);
}

#define AUDIT_COLUMNS "id, at, who, entity, coalesce(entity_id, 0), action, " \
	"before, after, prev_hash, hash, keyed"

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

/*
 * Records every change of which leaves an audit row: a record without one
 * was written behind mipsreview's back, or its rows were deleted (a wiped
 * trail with the cases still there).  Imported cases are covered by the
 * import's row, which names the range of ids it created.
 */
static const char unaudited_sql[] =
	"SELECT 'case', c.id FROM review_case c WHERE NOT EXISTS "
	"  (SELECT 1 FROM audit a WHERE a.entity = 'case' AND a.entity_id = c.id) "
	"  AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.entity = 'import' AND "
	"  json_valid(a.after) AND c.id BETWEEN json_extract(a.after, '$.first_id') "
	"  AND json_extract(a.after, '$.last_id')) "
	"UNION ALL SELECT 'hardship filing', h.id FROM hardship_filing h WHERE "
	"  NOT EXISTS (SELECT 1 FROM audit a WHERE a.entity = 'hardship' AND "
	"  a.entity_id = h.id) "
	"UNION ALL SELECT 'evidence', e.id FROM evidence e WHERE NOT EXISTS "
	"  (SELECT 1 FROM audit a WHERE a.entity = e.subject AND "
	"  a.entity_id = e.subject_id AND a.action = 'attach evidence' AND "
	"  json_valid(a.after) AND json_extract(a.after, '$.id') = e.id) "
	"UNION ALL SELECT 'calendar feed', f.id FROM calendar_feed f WHERE "
	"  NOT EXISTS (SELECT 1 FROM audit a WHERE a.entity = 'feed' AND "
	"  a.entity_id = f.id) "
	"LIMIT 1";

static int
check_records(struct mr_store *st, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	if (mr_store_prepare(st, unaudited_sql, &stmt, err) == -1)
		goto out;
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		mr_err_set(err, MR_EINTEGRITY, "%s %lld has no row in the audit "
		    "trail: it was written behind mipsreview's back, or audit "
		    "rows were deleted", mr_store_col_text(stmt, 0),
		    (long long)sqlite3_column_int64(stmt, 1));
		goto out;
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "checking records against the audit trail");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_audit_verify_anchor(struct mr_store *st, const struct mr_audit_head *anchor,
    struct mr_audit_verdict *v, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_audit_row r;
	struct mr_audit_head stored;
	struct audit_key k;
	struct mr_place pl;
	char prev[65], want[65], mac[65], want_mac[65], *kpath = NULL;
	int64_t last_id = 0, seq;
	int rc = -1, step, have = 0, seen_keyed = 0, anchor_met = 0;

	memset(v, 0, sizeof *v);
	memcpy(prev, GENESIS_HASH, sizeof GENESIS_HASH);
	if ((kpath = mr_audit_key_path(mr_store_path(st))) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_place_sharing_of(mr_store_path(st), &pl, err) == -1 ||
	    key_load(&pl, kpath, &k, &have, err) == -1)
		goto out;
	v->have_key = have;
	if (head_get(st, &stored, mac, err) == -1)
		goto out;
	if (mr_store_prepare(st, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY id",
	    &stmt, err) == -1)
		goto out;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		row_from_stmt(stmt, &r);
		v->rows++;
		if (r.prev_hash == NULL || strcmp(r.prev_hash, prev) != 0) {
			v->bad_id = r.id;
			mr_err_set(err, MR_EINTEGRITY, "audit row %lld does not "
			    "follow row %lld: a row before it was deleted or "
			    "altered", (long long)r.id, (long long)last_id);
			goto out;
		}
		if (!r.keyed && (seen_keyed || (have && r.id >= k.from_row))) {
			v->bad_id = r.id;
			mr_err_set(err, MR_EINTEGRITY, "audit row %lld lacks the "
			    "seal of the audit key although the key covers it: "
			    "the trail was rewritten from there on",
			    (long long)r.id);
			goto out;
		}
		if (r.keyed && !have) {
			v->bad_id = r.id;
			missing_key(kpath, err);
			goto out;
		}
		row_hash(&r, r.keyed ? &k : NULL, want);
		if (r.hash == NULL || strcmp(r.hash, want) != 0) {
			v->bad_id = r.id;
			mr_err_set(err, MR_EINTEGRITY, "audit row %lld was altered "
			    "after it was written (its content no longer matches "
			    "its %s)", (long long)r.id, r.keyed ? "sealed hash" :
			    "hash");
			goto out;
		}
		seen_keyed |= r.keyed;
		v->keyed_rows += r.keyed;
		snprintf(prev, sizeof prev, "%s", r.hash);
		last_id = r.id;
		if (anchor != NULL && v->rows == anchor->rows) {
			if (strcmp(r.hash, anchor->hash) != 0) {
				v->bad_id = r.id;
				mr_err_set(err, MR_EINTEGRITY, "the audit trail "
				    "does not extend the anchor: its row %lld "
				    "(number %lld) is not the one recorded, so "
				    "the trail was rewritten up to there",
				    (long long)r.id, (long long)anchor->rows);
				goto out;
			}
			anchor_met = 1;
		}
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the audit trail");
		goto out;
	}
	v->head.rows = v->rows;
	memcpy(v->head.hash, prev, sizeof prev);
	if (anchor != NULL && !anchor_met && anchor->rows > 0) {
		v->bad_id = last_id + 1;
		mr_err_set(err, MR_EINTEGRITY, "the audit trail has %lld rows "
		    "but the anchor recorded %lld: rows were deleted since",
		    (long long)v->rows, (long long)anchor->rows);
		goto out;
	}
	if (anchor != NULL && anchor->rows == 0 &&
	    strcmp(anchor->hash, GENESIS_HASH) != 0) {
		mr_err_set(err, MR_EINTEGRITY, "the anchor's hash does not "
		    "belong to an empty trail");
		goto out;
	}
	if (v->rows != stored.rows || strcmp(prev, stored.hash) != 0) {
		v->bad_id = last_id + 1;
		mr_err_set(err, MR_EINTEGRITY, "audit trail ends at row %lld but "
		    "%lld rows were written: rows were deleted from its end",
		    (long long)last_id, (long long)stored.rows);
		goto out;
	}
	if (mac[0] != '\0' && !have) {
		missing_key(kpath, err);
		goto out;
	}
	if (have && (mac[0] != '\0' || seen_keyed)) {
		head_mac(&stored, &k, want_mac);
		if (strcmp(mac, want_mac) != 0) {
			v->bad_id = last_id + 1;
			mr_err_set(err, MR_EINTEGRITY, "the audit trail's head "
			    "(%lld rows) lacks the seal of the audit key: rows "
			    "were deleted from its end and the head rewritten",
			    (long long)stored.rows);
			goto out;
		}
	}
	/*
	 * Rows from the key's first row on were committed (the id counter,
	 * rolled back with a failed write, passed it), yet none is sealed:
	 * the sealed rows were deleted and the head rewritten.
	 */
	if (have && !seen_keyed) {
		if (seq_get(st, &seq, err) == -1)
			goto out;
		if (seq >= k.from_row) {
			v->bad_id = k.from_row;
			mr_err_set(err, MR_EINTEGRITY, "the audit key covers rows "
			    "from %lld on, and rows up to %lld were written, but "
			    "none of them is left: they were deleted",
			    (long long)k.from_row, (long long)seq);
			goto out;
		}
	}
	if (check_records(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (have)
		explicit_bzero(&k, sizeof k);
	free(kpath);
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_audit_verify(struct mr_store *st, int64_t *bad_id, int64_t *nrows,
    struct mr_err *err)
{
	struct mr_audit_verdict v;
	int rc;

	rc = mr_audit_verify_anchor(st, NULL, &v, err);
	*bad_id = v.bad_id;
	if (nrows != NULL)
		*nrows = v.rows;
	return rc;
}

int
mr_audit_head(struct mr_store *st, struct mr_audit_head *hd,
    struct mr_err *err)
{
	char mac[65];

	return head_get(st, hd, mac, err);
}

int
mr_audit_anchor(struct mr_store *st, struct mr_audit_head *hd,
    struct mr_err *err)
{
	struct mr_audit_verdict v;

	if (mr_audit_verify_anchor(st, NULL, &v, err) == -1)
		return -1;
	*hd = v.head;
	return 0;
}
