#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <jansson.h>
#include <sqlite3.h>

#include "lib/mr_audit.h"
#include "lib/mr_crypto.h"
#include "lib/mr_hex.h"
#include "lib/mr_ident.h"
#include "lib/mr_store.h"
#include "lib/mr_user.h"
#include "lib/mr_when.h"

/*
 * argon2id with RFC 9106's second recommended option (section 4): three
 * passes over 64 MiB; one lane, so a login takes one thread of the daemon.
 */
#define ARGON2_T	3
#define ARGON2_M	(64 * 1024)	/* KiB */
#define ARGON2_P	1
#define ARGON2_SALT	16
#define ARGON2_HASH	32

static const char *const role_names[] = {
	[MR_ROLE_VIEWER] = "viewer",
	[MR_ROLE_OFFICER] = "officer",
	[MR_ROLE_ADMIN] = "admin",
};

const char *
mr_role_name(enum mr_role r)
{
	return r >= MR_ROLE_VIEWER && r <= MR_ROLE_ADMIN ? role_names[r] : "?";
}

int
mr_role_parse(const char *s, enum mr_role *r, struct mr_err *err)
{
	for (int i = MR_ROLE_VIEWER; i <= MR_ROLE_ADMIN; i++)
		if (s != NULL && strcmp(s, role_names[i]) == 0) {
			*r = (enum mr_role)i;
			return 0;
		}
	return mr_err_set(err, MR_EINVAL, "role '%s': viewer, officer or "
	    "admin is expected", s ? s : "");
}

void
mr_principal_clear(struct mr_principal *p)
{
	free(p->tins);
	memset(p, 0, sizeof *p);
}

static int
tin_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
mr_user_scope_allows(const struct mr_principal *p, const char *tin)
{
	if (p == NULL || p->user_id == 0 || tin == NULL)
		return 0;
	if (p->role == MR_ROLE_ADMIN || p->all_tins)
		return 1;
	return p->ntins > 0 && bsearch(tin, p->tins, (size_t)p->ntins,
	    sizeof p->tins[0], tin_cmp) != NULL;
}

int
mr_user_may_write(const struct mr_principal *p)
{
	return p != NULL && p->user_id != 0 &&
	    (p->role == MR_ROLE_OFFICER || p->role == MR_ROLE_ADMIN);
}

int
mr_user_may_change_windows(enum mr_role role, bool all_tins, struct mr_err *err)
{
	if (role == MR_ROLE_ADMIN || (role == MR_ROLE_OFFICER && all_tins))
		return 1;
	if (role != MR_ROLE_OFFICER)
		mr_err_set(err, MR_ECONFLICT, "a viewer may read but not change "
		    "review windows; an officer or administrator can");
	else
		mr_err_set(err, MR_ECONFLICT, "a review window applies to every "
		    "practice: extending it moves the deadline of every "
		    "practice's cases of its year, so it needs an admin or an "
		    "officer not limited to some TINs; to move one case's "
		    "deadline, set that case's own deadline with its source "
		    "(the case page, or POST /api/v1/cases/ID/deadline)");
	return 0;
}

void
mr_user_clear(struct mr_user *u)
{
	free(u->tins);
	free(u->tokens);
	memset(u, 0, sizeof *u);
}

/* 32 random bytes as 43 base64url characters (RFC 4648 section 5). */
static int
random_secret(char out[MR_SECRET_LEN + 1], unsigned char raw[MR_SECRET_BYTES],
    struct mr_err *err)
{
	char b64[MR_BASE64_LEN(MR_SECRET_BYTES) + 1];

	if (mr_random_bytes(raw, MR_SECRET_BYTES) == -1)
		return mr_err_set(err, MR_EFAIL, "no random bytes for a secret: "
		    "%s", strerror(errno));
	mr_base64url(raw, MR_SECRET_BYTES, b64);
	memcpy(out, b64, MR_SECRET_LEN);
	out[MR_SECRET_LEN] = '\0';
	explicit_bzero(b64, sizeof b64);
	return 0;
}

int
mr_secret_random(char out[MR_SECRET_LEN + 1], struct mr_err *err)
{
	unsigned char raw[MR_SECRET_BYTES];
	int rc;

	rc = random_secret(out, raw, err);
	explicit_bzero(raw, sizeof raw);
	return rc;
}

/* SHA-256 of s, after domain and its NUL when domain is given. */
static void
secret_digest(const char *s, size_t len, const char *domain,
    unsigned char md[MR_SHA256_LEN])
{
	struct mr_sha256 ctx;

	mr_sha256_init(&ctx);
	if (domain != NULL)
		mr_sha256_update(&ctx, domain, strlen(domain) + 1);
	mr_sha256_update(&ctx, s, len);
	mr_sha256_final(&ctx, md);
}

/* The same in hex (65 bytes), as the database keeps a secret. */
static void
secret_hash(const char *s, size_t len, const char *domain, char hex[65])
{
	unsigned char md[MR_SHA256_LEN];

	secret_digest(s, len, domain, md);
	mr_hex(md, sizeof md, hex);
}

static int
secret_wellformed(const char *s, size_t len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";

	if (s == NULL || strlen(s) != len)
		return 0;
	return strspn(s, alphabet) == len;
}

static int
name_validate(const char *name, struct mr_err *err)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > 64 ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._@-") != len || name[0] == '-')
		return mr_err_set(err, MR_EINVAL, "account name '%s': 1 to 64 "
		    "letters, digits, '.', '_', '@' or '-' are expected, not "
		    "starting with '-' (e.g. jdoe)", name ? name : "");
	return 0;
}

static int
password_validate(const char *pw, struct mr_err *err)
{
	size_t len = pw ? strlen(pw) : 0;

	if (len < MR_PASSWORD_MIN)
		return mr_err_set(err, MR_EINVAL, "the password is too short: "
		    "at least %d characters are expected (NIST SP 800-63B "
		    "5.1.1.2)", MR_PASSWORD_MIN);
	if (len > MR_PASSWORD_MAX)
		return mr_err_set(err, MR_EINVAL, "the password is too long: "
		    "at most %d bytes", MR_PASSWORD_MAX);
	return 0;
}

/* The argon2id PHC string of pw into *out (caller frees). */
static int
password_hash(const char *pw, char **out, struct mr_err *err)
{
	unsigned char salt[ARGON2_SALT];
	size_t len = argon2_encodedlen(ARGON2_T, ARGON2_M, ARGON2_P,
	    ARGON2_SALT, ARGON2_HASH, Argon2_id);
	char *enc;
	int rc;

	*out = NULL;
	if (mr_random_bytes(salt, sizeof salt) == -1)
		return mr_err_set(err, MR_EFAIL, "no random bytes for the "
		    "password's salt: %s", strerror(errno));
	if ((enc = calloc(1, len)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	rc = argon2id_hash_encoded(ARGON2_T, ARGON2_M, ARGON2_P, pw, strlen(pw),
	    salt, sizeof salt, ARGON2_HASH, enc, len);
	if (rc != ARGON2_OK) {
		free(enc);
		return mr_err_set(err, MR_EFAIL, "hashing the password: %s",
		    argon2_error_message(rc));
	}
	*out = enc;
	return 0;
}

/*
 * A PHC string of the same cost as a real one, checked against when the
 * account does not exist, so that a wrong name costs as long as a wrong
 * password.
 */
static const char *
decoy_hash(void)
{
	static char *decoy;
	char *h = __atomic_load_n(&decoy, __ATOMIC_ACQUIRE), *mine = NULL;

	if (h == NULL && password_hash("decoy password", &mine, NULL) == 0) {
		char *expected = NULL;

		if (__atomic_compare_exchange_n(&decoy, &expected, mine, 0,
		    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			h = mine;
		else {
			free(mine);
			h = expected;
		}
	}
	return h;
}

/* The account as audited: never its password hash. */
static char *
account_json(int64_t id, const char *name, enum mr_role role,
    char (*tins)[10], int ntins, const char *disabled_at, int has_password)
{
	json_t *o, *t = json_array();
	char *s = NULL;

	for (int i = 0; t != NULL && i < ntins; i++)
		json_array_append_new(t, json_string(tins[i]));
	o = json_pack("{s:I, s:s, s:s, s:o, s:b, s:o}", "id", (json_int_t)id,
	    "name", name, "role", mr_role_name(role),
	    "tins", ntins > 0 ? t : (json_decref(t), json_null()),
	    "password_set", has_password,
	    "disabled_at", disabled_at && *disabled_at ?
	    json_string(disabled_at) : json_null());
	if (o != NULL)
		s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* Load the TINs of account id into *tins / *ntins (sorted). */
static int
load_tins(struct mr_store *st, int64_t id, char (**tins)[10], int *ntins,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char (*v)[10] = NULL;
	int n = 0, cap = 0, rc = -1, step;

	if (mr_store_prepare(st, "SELECT tin FROM account_tin WHERE "
	    "account_id = ?1 ORDER BY tin", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			char (*nv)[10];

			cap = cap ? 2 * cap : 8;
			if ((nv = realloc(v, (size_t)cap * sizeof *v)) == NULL) {
				mr_err_set(err, MR_EFAIL, "out of memory");
				goto out;
			}
			v = nv;
		}
		snprintf(v[n++], sizeof v[0], "%s", mr_store_col_text(stmt, 0));
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the account's TINs");
		goto out;
	}
	*tins = v;
	*ntins = n;
	v = NULL;
	rc = 0;
out:
	free(v);
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * The active account whose id is id (name NULL) or whose name is name,
 * as a principal; *hash (if not NULL) gets its password hash (caller
 * frees; NULL when none).  MR_ENOTFOUND when there is no such active one.
 */
static int
load_principal(struct mr_store *st, int64_t id, const char *name,
    struct mr_principal *p, char **hash, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	const char *role;
	int rc = -1, step;

	memset(p, 0, sizeof *p);
	if (hash != NULL)
		*hash = NULL;
	if (mr_store_prepare(st, "SELECT id, name, role, password_hash FROM "
	    "account WHERE (id = ?1 OR name = ?2) AND disabled_at IS NULL",
	    &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, name ? -1 : id);
	if (name != NULL)
		sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(stmt)) != SQLITE_ROW) {
		if (step == SQLITE_DONE)
			mr_err_set(err, MR_ENOTFOUND, "no such active account");
		else
			mr_store_dberr(st, err, "reading the account");
		goto out;
	}
	p->user_id = sqlite3_column_int64(stmt, 0);
	snprintf(p->name, sizeof p->name, "%s", mr_store_col_text(stmt, 1));
	role = mr_store_col_text(stmt, 2);
	if (mr_role_parse(role, &p->role, err) == -1)
		goto out;
	if (hash != NULL && sqlite3_column_type(stmt, 3) != SQLITE_NULL &&
	    (*hash = strdup(mr_store_col_text(stmt, 3))) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (load_tins(st, p->user_id, &p->tins, &p->ntins, err) == -1)
		goto out;
	p->all_tins = p->role == MR_ROLE_ADMIN || p->ntins == 0;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	if (rc == -1) {
		mr_principal_clear(p);
		if (hash != NULL) {
			free(*hash);
			*hash = NULL;
		}
	}
	return rc;
}

/* tins as given into *out (9 digits each, sorted, no repeats; caller frees). */
static int
normalize_tins(const char *const *tins, int ntins, char (**out)[10], int *nout,
    struct mr_err *err)
{
	char (*norm)[10] = NULL;
	int n = 0;

	*out = NULL;
	*nout = 0;
	if (ntins > 0 && (norm = calloc((size_t)ntins, sizeof *norm)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	for (int i = 0; i < ntins; i++) {
		char t[10];

		if (mr_tin_normalize(tins[i], t, sizeof t, err) == -1) {
			free(norm);
			return -1;
		}
		for (int j = 0; j < n; j++)
			if (strcmp(norm[j], t) == 0)
				goto dup;
		memcpy(norm[n++], t, sizeof t);
dup:		;
	}
	if (n > 1)
		qsort(norm, (size_t)n, sizeof norm[0], tin_cmp);
	*out = norm;
	*nout = n;
	return 0;
}

int
mr_user_add(struct mr_store *st, const char *name, enum mr_role role,
    const char *const *tins, int ntins, const char *password, int64_t *id,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char (*norm)[10] = NULL, *hash = NULL, *after = NULL, now[24];
	int rc = -1, in_tx = 0, n = 0;

	if (name_validate(name, err) == -1 ||
	    mr_role_parse(mr_role_name(role), &role, err) == -1)
		return -1;
	if (role == MR_ROLE_ADMIN && ntins > 0)
		return mr_err_set(err, MR_EINVAL, "an admin sees every TIN: "
		    "drop --tin, or give the account the officer or viewer "
		    "role");
	if (password != NULL && password_validate(password, err) == -1)
		return -1;
	if (normalize_tins(tins, ntins, &norm, &n, err) == -1)
		goto out;
	if (password != NULL && password_hash(password, &hash, err) == -1)
		goto out;
	mr_when_iso_utc(mr_store_now(st), now, sizeof now);

	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (mr_store_prepare(st, "SELECT 1 FROM account WHERE name = ?1",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		mr_err_set(err, MR_ECONFLICT, "account '%s' exists already; "
		    "choose another name ('mipsreview user list' shows them)",
		    name);
		goto out;
	}
	sqlite3_finalize(stmt);
	if (mr_store_prepare(st, "INSERT INTO account (name, role, "
	    "password_hash, created_at, password_changed_at) VALUES "
	    "(?1, ?2, ?3, ?4, ?5)", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, mr_role_name(role), -1, SQLITE_STATIC);
	if (hash != NULL) {
		sqlite3_bind_text(stmt, 3, hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 5, now, -1, SQLITE_STATIC);
	}
	sqlite3_bind_text(stmt, 4, now, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "adding the account");
		goto out;
	}
	*id = sqlite3_last_insert_rowid(mr_store_db(st));
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (mr_store_prepare(st, "INSERT INTO account_tin (account_id, tin) "
	    "VALUES (?1, ?2)", &stmt, err) == -1)
		goto out;
	for (int i = 0; i < n; i++) {
		sqlite3_reset(stmt);
		sqlite3_bind_int64(stmt, 1, *id);
		sqlite3_bind_text(stmt, 2, norm[i], -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			mr_store_dberr(st, err, "adding the account's TINs");
			goto out;
		}
	}
	if ((after = account_json(*id, name, role, norm, n, NULL,
	    hash != NULL)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_audit_append(st, "account", *id, "add", NULL, after, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	sqlite3_finalize(stmt);
	if (hash != NULL) {
		explicit_bzero(hash, strlen(hash));
		free(hash);
	}
	free(norm);
	free(after);
	return rc;
}

/*
 * Read the account named name inside the caller's transaction: *u filled
 * (TINs too), MR_ENOTFOUND naming the command that lists accounts.
 */
static int
get_user(struct mr_store *st, const char *name, struct mr_user *u,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	memset(u, 0, sizeof *u);
	if (mr_store_prepare(st, "SELECT id, name, role, created_at, "
	    "password_changed_at, disabled_at FROM account WHERE name = ?1",
	    &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(stmt)) != SQLITE_ROW) {
		if (step == SQLITE_DONE)
			mr_err_set(err, MR_ENOTFOUND, "no account '%s'; "
			    "'mipsreview user list' shows them", name);
		else
			mr_store_dberr(st, err, "reading the account");
		goto out;
	}
	u->id = sqlite3_column_int64(stmt, 0);
	snprintf(u->name, sizeof u->name, "%s", mr_store_col_text(stmt, 1));
	if (mr_role_parse(mr_store_col_text(stmt, 2), &u->role, err) == -1)
		goto out;
	snprintf(u->created_at, sizeof u->created_at, "%s",
	    mr_store_col_text(stmt, 3));
	snprintf(u->password_changed_at, sizeof u->password_changed_at, "%s",
	    mr_store_col_text(stmt, 4));
	snprintf(u->disabled_at, sizeof u->disabled_at, "%s",
	    mr_store_col_text(stmt, 5));
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (load_tins(st, u->id, &u->tins, &u->ntins, err) == -1)
		goto out;
	if (mr_store_prepare(st, "SELECT id, created_at FROM account_token "
	    "WHERE account_id = ?1 AND revoked_at IS NULL ORDER BY id",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, u->id);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct mr_user_token *t = realloc(u->tokens,
		    (size_t)(u->ntokens + 1) * sizeof *t);

		if (t == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		u->tokens = t;
		t += u->ntokens++;
		t->id = sqlite3_column_int64(stmt, 0);
		snprintf(t->created_at, sizeof t->created_at, "%s",
		    mr_store_col_text(stmt, 1));
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the account's tokens");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	if (rc == -1)
		mr_user_clear(u);
	return rc;
}

int
mr_user_get(struct mr_store *st, const char *name, struct mr_user *u,
    struct mr_err *err)
{
	int rc;

	if (mr_store_begin_read(st, err) == -1)
		return -1;
	rc = get_user(st, name, u, err);
	if (rc == 0 && mr_store_commit(st, err) == -1) {
		mr_user_clear(u);
		return -1;
	}
	if (rc == -1)
		mr_store_rollback(st);
	return rc;
}

int
mr_user_each(struct mr_store *st, int (*fn)(const struct mr_user *, void *),
    void *arg, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_user u = { 0 };
	char **names = NULL;
	int n = 0, rc = -1, step, in_tx = 0;

	if (mr_store_begin_read(st, err) == -1)
		return -1;
	in_tx = 1;
	if (mr_store_prepare(st, "SELECT name FROM account ORDER BY name",
	    &stmt, err) == -1)
		goto out;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		char **nn = realloc(names, (size_t)(n + 1) * sizeof *nn);

		if (nn == NULL || (nn[n] = strdup(mr_store_col_text(stmt,
		    0))) == NULL) {
			if (nn != NULL)
				names = nn;
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		names = nn;
		n++;
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "listing accounts");
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	for (int i = 0; i < n; i++) {
		if (get_user(st, names[i], &u, err) == -1)
			goto out;
		step = fn(&u, arg);
		mr_user_clear(&u);
		if (step != 0)
			break;
	}
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	sqlite3_finalize(stmt);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Audit account u's change from before (built by the caller). */
static int
audit_account(struct mr_store *st, const struct mr_user *u, const char *action,
    const char *before, int has_password, struct mr_err *err)
{
	char *after = account_json(u->id, u->name, u->role, u->tins, u->ntins,
	    u->disabled_at, has_password);
	int rc;

	if (after == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	rc = mr_audit_append(st, "account", u->id, action, before, after, err);
	free(after);
	return rc;
}

/* End the open browser sessions of the account of id. */
static int
end_sessions(struct mr_store *st, int64_t id, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int step;

	if (mr_store_prepare(st, "UPDATE account_session SET ended_at = ?1 "
	    "WHERE account_id = ?2 AND ended_at IS NULL", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)mr_store_now(st));
	sqlite3_bind_int64(stmt, 2, id);
	step = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE)
		return mr_store_dberr(st, err, "ending the account's sessions");
	return 0;
}

/* 1 if the account of id is the only active admin, 0 if not, -1 on error. */
static int
last_admin(struct mr_store *st, int64_t id, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	if (mr_store_prepare(st, "SELECT count(*) FROM account WHERE "
	    "role = 'admin' AND disabled_at IS NULL AND id <> ?1", &stmt,
	    err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		rc = sqlite3_column_int(stmt, 0) == 0;
	else
		mr_store_dberr(st, err, "counting the admins");
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_user_passwd(struct mr_store *st, const char *name, const char *password,
    struct mr_err *err)
{
	struct mr_user u = { 0 };
	sqlite3_stmt *stmt = NULL;
	char *hash = NULL, *before = NULL, now[24];
	int rc = -1, in_tx = 0, had;

	if (password_validate(password, err) == -1 ||
	    password_hash(password, &hash, err) == -1)
		return -1;
	mr_when_iso_utc(mr_store_now(st), now, sizeof now);
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (get_user(st, name, &u, err) == -1)
		goto out;
	if (u.disabled_at[0] != '\0') {
		mr_err_set(err, MR_ECONFLICT, "account '%s' is disabled; its "
		    "password cannot be set", name);
		goto out;
	}
	had = u.password_changed_at[0] != '\0';
	if ((before = account_json(u.id, u.name, u.role, u.tins, u.ntins,
	    NULL, had)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_store_prepare(st, "UPDATE account SET password_hash = ?1, "
	    "password_changed_at = ?2 WHERE id = ?3", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, u.id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "setting the password");
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	/* A new password ends the sessions the old one opened. */
	if (end_sessions(st, u.id, err) == -1)
		goto out;
	if (audit_account(st, &u, "passwd", before, 1, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	sqlite3_finalize(stmt);
	explicit_bzero(hash, strlen(hash));
	free(hash);
	free(before);
	mr_user_clear(&u);
	return rc;
}

int
mr_user_disable(struct mr_store *st, const char *name, struct mr_err *err)
{
	struct mr_user u = { 0 };
	sqlite3_stmt *stmt = NULL;
	char *before = NULL;
	int rc = -1, in_tx = 0, had, last;

	if (mr_store_begin(st, err) == -1)
		return -1;
	in_tx = 1;
	if (get_user(st, name, &u, err) == -1)
		goto out;
	if (u.disabled_at[0] != '\0') {
		mr_err_set(err, MR_ECONFLICT, "account '%s' is disabled "
		    "already (since %s)", name, u.disabled_at);
		goto out;
	}
	if (u.role == MR_ROLE_ADMIN && (last = last_admin(st, u.id, err)) != 0) {
		if (last == 1)
			mr_err_set(err, MR_ECONFLICT, "account '%s' is the last "
			    "active admin; add another admin first", name);
		goto out;
	}
	had = u.password_changed_at[0] != '\0';
	if ((before = account_json(u.id, u.name, u.role, u.tins, u.ntins,
	    NULL, had)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	mr_when_iso_utc(mr_store_now(st), u.disabled_at, sizeof u.disabled_at);
	if (mr_store_prepare(st, "UPDATE account SET disabled_at = ?1 WHERE "
	    "id = ?2", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, u.disabled_at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, u.id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "disabling the account");
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (end_sessions(st, u.id, err) == -1)
		goto out;
	if (audit_account(st, &u, "disable", before, had, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	sqlite3_finalize(stmt);
	free(before);
	mr_user_clear(&u);
	return rc;
}

int
mr_user_enable(struct mr_store *st, const char *name, struct mr_err *err)
{
	struct mr_user u = { 0 };
	sqlite3_stmt *stmt = NULL;
	char *before = NULL;
	int rc = -1, in_tx = 0, had;

	if (mr_store_begin(st, err) == -1)
		return -1;
	in_tx = 1;
	if (get_user(st, name, &u, err) == -1)
		goto out;
	if (u.disabled_at[0] == '\0') {
		mr_err_set(err, MR_ECONFLICT, "account '%s' is not disabled",
		    name);
		goto out;
	}
	had = u.password_changed_at[0] != '\0';
	if ((before = account_json(u.id, u.name, u.role, u.tins, u.ntins,
	    u.disabled_at, had)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_store_prepare(st, "UPDATE account SET disabled_at = NULL WHERE "
	    "id = ?1", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, u.id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "enabling the account");
		goto out;
	}
	u.disabled_at[0] = '\0';
	if (audit_account(st, &u, "enable", before, had, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	sqlite3_finalize(stmt);
	free(before);
	mr_user_clear(&u);
	return rc;
}

int
mr_user_set(struct mr_store *st, const char *name, const enum mr_role *role,
    bool set_tins, const char *const *tins, int ntins, int *changed,
    struct mr_err *err)
{
	struct mr_user u = { 0 };
	sqlite3_stmt *stmt = NULL;
	char (*norm)[10] = NULL, *before = NULL;
	enum mr_role to;
	int rc = -1, in_tx = 0, n = 0, had, last;

	*changed = 0;
	if (role != NULL && mr_role_parse(mr_role_name(*role), &to, err) == -1)
		return -1;
	if (set_tins && normalize_tins(tins, ntins, &norm, &n, err) == -1)
		return -1;
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (get_user(st, name, &u, err) == -1)
		goto out;
	to = role != NULL ? *role : u.role;
	if (!set_tins && u.ntins > 0) {
		/* The TINs it has stay. */
		if ((norm = malloc((size_t)u.ntins * sizeof *norm)) == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		memcpy(norm, u.tins, (size_t)u.ntins * sizeof *norm);
		n = u.ntins;
	}
	if (to == MR_ROLE_ADMIN && n > 0) {
		mr_err_set(err, MR_EINVAL, "an admin sees every TIN: account "
		    "'%s' %s limited to some; add --no-tin to lift the limit, "
		    "or give it the officer or viewer role", name, set_tins ?
		    "would be" : "is");
		goto out;
	}
	if (to == u.role && n == u.ntins && (n == 0 ||
	    memcmp(norm, u.tins, (size_t)n * sizeof norm[0]) == 0)) {
		rc = 0;		/* nothing to change */
		goto out;
	}
	if (u.role == MR_ROLE_ADMIN && to != MR_ROLE_ADMIN &&
	    u.disabled_at[0] == '\0') {
		if ((last = last_admin(st, u.id, err)) == -1)
			goto out;
		if (last) {
			mr_err_set(err, MR_ECONFLICT, "account '%s' is the last "
			    "active admin; add another admin first", name);
			goto out;
		}
	}
	had = u.password_changed_at[0] != '\0';
	if ((before = account_json(u.id, u.name, u.role, u.tins, u.ntins,
	    u.disabled_at, had)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_store_prepare(st, "UPDATE account SET role = ?1 WHERE id = ?2",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, mr_role_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, u.id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "changing the account's role");
		goto out;
	}
	sqlite3_finalize(stmt);
	if (mr_store_prepare(st, "DELETE FROM account_tin WHERE account_id = "
	    "?1", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, u.id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "changing the account's TINs");
		goto out;
	}
	sqlite3_finalize(stmt);
	if (mr_store_prepare(st, "INSERT INTO account_tin (account_id, tin) "
	    "VALUES (?1, ?2)", &stmt, err) == -1)
		goto out;
	for (int i = 0; i < n; i++) {
		sqlite3_reset(stmt);
		sqlite3_bind_int64(stmt, 1, u.id);
		sqlite3_bind_text(stmt, 2, norm[i], -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_DONE) {
			mr_store_dberr(st, err, "changing the account's TINs");
			goto out;
		}
	}
	free(u.tins);
	u.tins = norm;
	u.ntins = n;
	norm = NULL;
	u.role = to;
	if (audit_account(st, &u, "set", before, had, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	*changed = 1;
	rc = 0;
out:
	if (in_tx) {
		if (rc == 0)
			rc = mr_store_commit(st, err) == 0 ? 0 : -1;
		else
			mr_store_rollback(st);
	}
	sqlite3_finalize(stmt);
	free(norm);
	free(before);
	mr_user_clear(&u);
	return rc;
}

/* A token as audited: its id and account, never the token or its hash. */
static int
audit_token(struct mr_store *st, int64_t id, int64_t account_id,
    const char *account, const char *created_at, const char *revoked_at,
    const char *action, struct mr_err *err)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:o}",
	    "token_id", (json_int_t)id, "id", (json_int_t)account_id,
	    "name", account, "created_at", created_at,
	    "revoked_at", revoked_at ? json_string(revoked_at) : json_null());
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int rc;

	json_decref(o);
	if (s == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	rc = mr_audit_append(st, "account", account_id, action, NULL, s,
	    err);
	free(s);
	return rc;
}

int
mr_user_token_add(struct mr_store *st, const char *name, char *token,
    size_t tokenlen, int64_t *id, struct mr_err *err)
{
	struct mr_user u = { 0 };
	sqlite3_stmt *stmt = NULL;
	unsigned char raw[MR_SECRET_BYTES];
	char hex[65], now[24];
	int rc = -1, in_tx = 0;

	if (tokenlen < MR_TOKEN_LEN + 1)
		return mr_err_set(err, MR_EFAIL, "token buffer too small");
	memcpy(token, MR_TOKEN_PREFIX, 4);
	if (random_secret(token + 4, raw, err) == -1)
		return -1;
	secret_hash(token, MR_TOKEN_LEN, NULL, hex);
	mr_when_iso_utc(mr_store_now(st), now, sizeof now);
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (get_user(st, name, &u, err) == -1)
		goto out;
	if (u.disabled_at[0] != '\0') {
		mr_err_set(err, MR_ECONFLICT, "account '%s' is disabled; it "
		    "cannot have tokens", name);
		goto out;
	}
	if (mr_store_prepare(st, "INSERT INTO account_token (account_id, "
	    "token_hash, created_at) VALUES (?1, ?2, ?3)", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, u.id);
	sqlite3_bind_text(stmt, 2, hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, now, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "adding the token");
		goto out;
	}
	*id = sqlite3_last_insert_rowid(mr_store_db(st));
	if (audit_token(st, *id, u.id, u.name, now, NULL, "token-add",
	    err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	sqlite3_finalize(stmt);
	explicit_bzero(raw, sizeof raw);
	mr_user_clear(&u);
	if (rc == -1)
		explicit_bzero(token, tokenlen);
	return rc;
}

int
mr_user_token_revoke(struct mr_store *st, int64_t id, char *owner,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char now[24], name[65] = "", created[24] = "";
	int64_t account_id = 0;
	int rc = -1, in_tx = 0, step;

	mr_when_iso_utc(mr_store_now(st), now, sizeof now);
	if (mr_store_begin(st, err) == -1)
		return -1;
	in_tx = 1;
	if (mr_store_prepare(st, "SELECT t.account_id, a.name, t.created_at, "
	    "t.revoked_at FROM account_token t JOIN account a ON "
	    "a.id = t.account_id WHERE t.id = ?1", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, id);
	if ((step = sqlite3_step(stmt)) != SQLITE_ROW) {
		if (step == SQLITE_DONE)
			mr_err_set(err, MR_ENOTFOUND, "no API token %lld; "
			    "'mipsreview user list' shows each account's",
			    (long long)id);
		else
			mr_store_dberr(st, err, "finding the token");
		goto out;
	}
	if (sqlite3_column_type(stmt, 3) != SQLITE_NULL) {
		mr_err_set(err, MR_ECONFLICT, "API token %lld was revoked "
		    "already (at %s)", (long long)id,
		    mr_store_col_text(stmt, 3));
		goto out;
	}
	account_id = sqlite3_column_int64(stmt, 0);
	snprintf(name, sizeof name, "%s", mr_store_col_text(stmt, 1));
	snprintf(created, sizeof created, "%s", mr_store_col_text(stmt, 2));
	sqlite3_finalize(stmt);
	if (mr_store_prepare(st, "UPDATE account_token SET revoked_at = ?1 "
	    "WHERE id = ?2", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "revoking the token");
		goto out;
	}
	if (audit_token(st, id, account_id, name, created, now,
	    "token-revoke", err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	if (owner != NULL)
		memcpy(owner, name, sizeof name);
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_user_login(struct mr_store *st, const char *name, const char *password,
    struct mr_principal *p, struct mr_err *err)
{
	struct mr_err lerr = { 0 };
	const char *against;
	char *hash = NULL;
	size_t len = password ? strlen(password) : 0;
	int found, ok, has_hash;

	memset(p, 0, sizeof *p);
	found = name != NULL && name_validate(name, NULL) == 0 &&
	    load_principal(st, 0, name, p, &hash, &lerr) == 0;
	if (!found && lerr.code != MR_EOK && lerr.code != MR_ENOTFOUND) {
		*err = lerr;
		return -1;
	}
	against = hash != NULL ? hash : decoy_hash();
	if (len > MR_PASSWORD_MAX)
		len = MR_PASSWORD_MAX;
	ok = against != NULL && argon2id_verify(against, password ? password :
	    "", len) == ARGON2_OK;
	has_hash = hash != NULL;
	free(hash);
	if (!found || !ok || !has_hash) {
		mr_principal_clear(p);
		return mr_err_set(err, MR_ENOTFOUND, "wrong account name or "
		    "password");
	}
	return 0;
}

int
mr_user_by_token(struct mr_store *st, const char *token,
    struct mr_principal *p, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char hex[65];
	int64_t account = 0;
	int step;

	memset(p, 0, sizeof *p);
	if (token == NULL || strncmp(token, MR_TOKEN_PREFIX, 4) != 0 ||
	    !secret_wellformed(token + 4, MR_SECRET_LEN))
		return mr_err_set(err, MR_ENOTFOUND, "unknown or revoked token");
	secret_hash(token, MR_TOKEN_LEN, NULL, hex);
	if (mr_store_prepare(st, "SELECT account_id FROM account_token WHERE "
	    "token_hash = ?1 AND revoked_at IS NULL", &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, hex, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		account = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return mr_store_dberr(st, err, "finding the token");
	if (account == 0)
		return mr_err_set(err, MR_ENOTFOUND, "unknown or revoked token");
	if (load_principal(st, account, NULL, p, NULL, err) == -1) {
		if (err != NULL && err->code == MR_ENOTFOUND)
			mr_err_set(err, MR_ENOTFOUND, "unknown or revoked "
			    "token");
		return -1;
	}
	return 0;
}

/* A day after its last failure an address starts afresh. */
#define LOGIN_FAILURE_KEEP	86400
#define LOGIN_FAILURE_KEEP_SQL	"86400"

int
mr_login_failures_get(struct mr_store *st, const char *name,
    const char *address, struct mr_login_failures *f, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int step;

	memset(f, 0, sizeof *f);
	if (mr_store_prepare(st, "SELECT failed_logins, last_failed_at FROM "
	    "account WHERE name = ?1", &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, name ? name : "", -1, SQLITE_STATIC);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		f->name_count = sqlite3_column_int(stmt, 0);
		f->name_last = (time_t)sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return mr_store_dberr(st, err, "reading failed sign-ins");
	if (mr_store_prepare(st, "SELECT count, last_at FROM login_failure "
	    "WHERE address = ?1 AND last_at >= ?2", &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, address ? address : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)mr_store_now(st) -
	    LOGIN_FAILURE_KEEP);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		f->addr_count = sqlite3_column_int(stmt, 0);
		f->addr_last = (time_t)sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return mr_store_dberr(st, err, "reading failed sign-ins");
	return 0;
}

/* Run sql with ?1 text a (else id), ?2 the store's clock if it has one. */
static int
login_exec(struct mr_store *st, const char *sql, const char *a, int64_t id,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int step;

	if (mr_store_prepare(st, sql, &stmt, err) == -1)
		return -1;
	if (a != NULL)
		sqlite3_bind_text(stmt, 1, a, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)mr_store_now(st));
	step = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE)
		return mr_store_dberr(st, err, "counting failed sign-ins");
	return 0;
}

int
mr_login_failed(struct mr_store *st, const char *name, const char *address,
    struct mr_err *err)
{
	if (login_exec(st, "UPDATE account SET failed_logins = "
	    "failed_logins + 1, last_failed_at = ?2 WHERE name = ?1",
	    name ? name : "", 0, err) == -1)
		return -1;
	if (address == NULL || *address == '\0' || strlen(address) > 64)
		return 0;
	/* A stale count starts again from one. */
	return login_exec(st, "INSERT INTO login_failure (address, count, "
	    "last_at) VALUES (?1, 1, ?2) ON CONFLICT (address) DO UPDATE SET "
	    "count = CASE WHEN last_at < ?2 - " LOGIN_FAILURE_KEEP_SQL " THEN 1 "
	    "ELSE count + 1 END, "
	    "last_at = ?2", address, 0, err) == -1 ||
	    login_exec(st, "DELETE FROM login_failure WHERE last_at < ?2 - "
	    LOGIN_FAILURE_KEEP_SQL " AND address <> ?1", address, 0,
	    err) == -1 ? -1 : 0;
}

int
mr_login_succeeded(struct mr_store *st, int64_t user_id, const char *address,
    struct mr_err *err)
{
	if (login_exec(st, "UPDATE account SET failed_logins = 0, "
	    "last_failed_at = NULL WHERE id = ?1 AND failed_logins > 0",
	    NULL, user_id, err) == -1)
		return -1;
	return login_exec(st, "DELETE FROM login_failure WHERE address = ?1",
	    address ? address : "", 0, err);
}

int
mr_session_create(struct mr_store *st, int64_t user_id, char *id,
    size_t idlen, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	unsigned char raw[MR_SECRET_BYTES];
	char hex[65];
	int rc = -1;

	if (idlen < MR_SECRET_LEN + 1)
		return mr_err_set(err, MR_EFAIL, "session buffer too small");
	if (random_secret(id, raw, err) == -1)
		return -1;
	explicit_bzero(raw, sizeof raw);
	secret_hash(id, MR_SECRET_LEN, NULL, hex);
	/*
	 * Sessions past any limit are of no use to anyone: each sign-in
	 * sweeps them, so the table holds about one day's sessions.
	 */
	if (mr_store_prepare(st, "DELETE FROM account_session WHERE "
	    "created_at < ?1 OR ended_at < ?1", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)mr_store_now(st) -
	    MR_SESSION_SWEEP_AFTER);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "removing old sessions");
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (mr_store_prepare(st, "INSERT INTO account_session (id_hash, "
	    "account_id, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?3)",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, user_id);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)mr_store_now(st));
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "beginning the session");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	if (rc == -1)
		explicit_bzero(id, idlen);
	return rc;
}

/* Moving last_seen_at on every request would write on every read. */
#define SESSION_TOUCH_EVERY	60

int
mr_session_lookup(struct mr_store *st, const char *id,
    const struct mr_session_limits *lim, struct mr_principal *p,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char hex[65];
	int64_t account = 0, created = 0, seen = 0;
	time_t now = mr_store_now(st);
	int step;

	memset(p, 0, sizeof *p);
	if (!secret_wellformed(id, MR_SECRET_LEN))
		return mr_err_set(err, MR_ENOTFOUND, "no such session");
	secret_hash(id, MR_SECRET_LEN, NULL, hex);
	if (mr_store_prepare(st, "SELECT account_id, created_at, last_seen_at "
	    "FROM account_session WHERE id_hash = ?1 AND ended_at IS NULL",
	    &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, hex, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		account = sqlite3_column_int64(stmt, 0);
		created = sqlite3_column_int64(stmt, 1);
		seen = sqlite3_column_int64(stmt, 2);
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return mr_store_dberr(st, err, "finding the session");
	if (account == 0 || now - seen > lim->idle ||
	    now - created > lim->absolute || now < created)
		return mr_err_set(err, MR_ENOTFOUND, "no such session, or it "
		    "expired");
	if (load_principal(st, account, NULL, p, NULL, err) == -1)
		return -1;
	if (now - seen >= SESSION_TOUCH_EVERY) {
		if (mr_store_prepare(st, "UPDATE account_session SET "
		    "last_seen_at = ?1 WHERE id_hash = ?2", &stmt, err) == -1)
			goto fail;
		sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
		sqlite3_bind_text(stmt, 2, hex, -1, SQLITE_STATIC);
		step = sqlite3_step(stmt);
		sqlite3_finalize(stmt);
		if (step != SQLITE_DONE) {
			mr_store_dberr(st, err, "recording the session's use");
			goto fail;
		}
	}
	return 0;
fail:
	mr_principal_clear(p);
	return -1;
}

int
mr_session_end(struct mr_store *st, const char *id, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char hex[65];
	int step;

	if (!secret_wellformed(id, MR_SECRET_LEN))
		return 0;
	secret_hash(id, MR_SECRET_LEN, NULL, hex);
	if (mr_store_prepare(st, "UPDATE account_session SET ended_at = ?1 "
	    "WHERE id_hash = ?2 AND ended_at IS NULL", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)mr_store_now(st));
	sqlite3_bind_text(stmt, 2, hex, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE)
		return mr_store_dberr(st, err, "ending the session");
	return 0;
}

void
mr_session_csrf(const char *id, char out[MR_SECRET_LEN + 1])
{
	char b64[MR_BASE64_LEN(MR_SHA256_LEN) + 1];
	unsigned char raw[MR_SHA256_LEN];

	/* A separate hash of the identifier: the page may show it. */
	secret_digest(id, strlen(id), "mipsreview csrf", raw);
	mr_base64url(raw, sizeof raw, b64);
	memcpy(out, b64, MR_SECRET_LEN);
	out[MR_SECRET_LEN] = '\0';
}

int
mr_session_csrf_check(const char *id, const char *presented)
{
	char want[MR_SECRET_LEN + 1];

	if (id == NULL || presented == NULL ||
	    strlen(presented) != MR_SECRET_LEN)
		return 0;
	mr_session_csrf(id, want);
	return mr_equal_ct(want, presented, MR_SECRET_LEN);
}
