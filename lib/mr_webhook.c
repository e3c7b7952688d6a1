/*
 * mr_webhook: the endpoints, their credentials files, the URL rules and
 * the Standard Webhooks signature (lib/mr_webhook.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>


#include "lib/mr_audit.h"
#include "lib/mr_crypto.h"
#include "lib/mr_file.h"
#include "lib/mr_hex.h"
#include "lib/mr_ident.h"
#include "lib/mr_store.h"
#include "lib/mr_webhook.h"
#include "lib/mr_webhook_int.h"
#include "lib/mr_when.h"

int
mr_webhook_secret_parse(const char *text, size_t len, unsigned char *key,
    size_t *keylen, struct mr_err *err)
{
	const char *hint = "a Standard Webhooks secret is 'whsec_' and the "
	    "base64 of 24 to 64 random bytes; make one with: printf "
	    "'whsec_%s\\n' \"$(head -c 32 /dev/urandom | base64)\" > FILE";

	while (len > 0 && (*text == ' ' || *text == '\t'))
		text++, len--;
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' ||
	    text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (len < 6 || strncmp(text, "whsec_", 6) != 0)
		return mr_err_set(err, MR_EINVAL, "the secret does not start "
		    "with 'whsec_': %s", hint);
	if (memchr(text, '\0', len) != NULL || memchr(text, '\n', len) != NULL)
		return mr_err_set(err, MR_EINVAL, "the secret is not one line: "
		    "%s", hint);
	if (mr_base64_decode(text + 6, len - 6, key, MR_WEBHOOK_KEY_MAX,
	    keylen) == -1 || *keylen < MR_WEBHOOK_KEY_MIN) {
		*keylen = 0;
		return mr_err_set(err, MR_EINVAL, "the secret after 'whsec_' is "
		    "not the base64 of 24 to 64 bytes: %s", hint);
	}
	return 0;
}

int
mr_webhook_sign(const unsigned char *key, size_t keylen, const char *id,
    long long timestamp, const char *body, size_t len, char *out,
    size_t outlen)
{
	struct mr_hmac_sha256 h;
	unsigned char md[MR_SHA256_LEN];
	char head[160];
	int n;

	if (outlen < MR_WEBHOOK_SIG_LEN)
		return -1;
	/* The content signed is "{id}.{timestamp}.{body}". */
	n = snprintf(head, sizeof head, "%s.%lld.", id, timestamp);
	if (n < 0 || (size_t)n >= sizeof head)
		return -1;
	mr_hmac_sha256_init(&h, key, keylen);
	mr_hmac_sha256_update(&h, head, (size_t)n);
	mr_hmac_sha256_update(&h, body, len);
	mr_hmac_sha256_final(&h, md);
	mr_hmac_sha256_wipe(&h);
	memcpy(out, "v1,", 3);
	mr_base64(md, sizeof md, out + 3);
	return 0;
}

/* ---- URLs ---- */

int
mr_webhook_url_check(const char *kind, const char *url, struct mr_err *err)
{
	const char *rest, *end, *host, *colon;
	char hostbuf[256];
	size_t alen, hlen;
	int https;

	if (strlen(url) > MR_WEBHOOK_URL_MAX)
		return mr_err_set(err, MR_EINVAL, "--url: longer than %d "
		    "characters", MR_WEBHOOK_URL_MAX);
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return mr_err_set(err, MR_EINVAL, "--url: a blank, control "
			    "or non-ASCII character at position %d; copy the URL "
			    "as the service shows it (percent-encoded)",
			    (int)(p - url) + 1);
	if (strncasecmp(url, "https://", 8) == 0) {
		https = 1;
		rest = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		https = 0;
		rest = url + 7;
	} else
		return mr_err_set(err, MR_EINVAL, "--url: must start with "
		    "https:// (plain http:// only to the loopback address)");
	alen = strcspn(rest, "/?#");
	if (alen == 0)
		return mr_err_set(err, MR_EINVAL, "--url: no host after the "
		    "scheme");
	if (memchr(rest, '@', alen) != NULL)
		return mr_err_set(err, MR_EINVAL, "--url: a user or password in "
		    "the URL is not supported; use the URL the service gives");
	host = rest;
	end = rest + alen;
	if (*host == '[') {
		const char *rb = memchr(host, ']', alen);

		if (rb == NULL)
			return mr_err_set(err, MR_EINVAL, "--url: unclosed '[' "
			    "in the host");
		hlen = (size_t)(rb - host) + 1;
		colon = rb + 1 < end ? rb + 1 : NULL;
	} else {
		colon = memchr(host, ':', alen);
		hlen = colon ? (size_t)(colon - host) : alen;
	}
	if (colon != NULL) {
		long port = 0;
		const char *p = colon + 1;

		if (*colon != ':' || p == end)
			return mr_err_set(err, MR_EINVAL, "--url: a bad port");
		for (; p < end; p++) {
			if (*p < '0' || *p > '9' || (port = port * 10 + (*p - '0'))
			    > 65535)
				return mr_err_set(err, MR_EINVAL, "--url: a bad "
				    "port");
		}
		if (port == 0)
			return mr_err_set(err, MR_EINVAL, "--url: a bad port");
	}
	if (hlen == 0 || hlen >= sizeof hostbuf)
		return mr_err_set(err, MR_EINVAL, "--url: a bad host");
	memcpy(hostbuf, host, hlen);
	hostbuf[hlen] = '\0';
	if (!https && strcmp(hostbuf, "127.0.0.1") != 0 &&
	    strcasecmp(hostbuf, "localhost") != 0 &&
	    strcmp(hostbuf, "[::1]") != 0)
		return mr_err_set(err, MR_EINVAL, "--url: %s is not https: alerts "
		    "name clinicians and deadlines, so they travel encrypted; "
		    "plain http:// is allowed only to 127.0.0.1, [::1] or "
		    "localhost (a local relay or a test receiver)", hostbuf);
	if (kind != NULL && strcmp(kind, "teams") == 0) {
		size_t n = strlen(hostbuf);
		const char *suffix = ".webhook.office.com";
		size_t sn = strlen(suffix);

		if ((n > sn && strcasecmp(hostbuf + n - sn, suffix) == 0) ||
		    strcasecmp(hostbuf, "outlook.office.com") == 0 ||
		    strcasecmp(hostbuf, "outlook.office365.com") == 0)
			return mr_err_set(err, MR_EINVAL, "--url: %s is an Office "
			    "365 connector URL; Microsoft retired those "
			    "connectors: in Teams, make a Workflows webhook "
			    "('Post to a channel when a webhook request is "
			    "received') and give its URL", hostbuf);
	}
	return 0;
}

void
mr_webhook_url_shown(const char *url, char *buf, size_t len)
{
	const char *rest = strstr(url, "://");
	size_t alen;

	rest = rest ? rest + 3 : url;
	alen = strcspn(rest, "/?#");
	snprintf(buf, len, "%.*s%s", (int)(rest - url + alen), url,
	    rest[alen] != '\0' && strcmp(rest + alen, "/") != 0 ? "/..." : "/");
}

/* ---- the credentials files ---- */

/* The folder beside the database: "<folder>/webhooks" into buf. */
static int
cred_dir(struct mr_store *st, char *buf, size_t len)
{
	const char *db = mr_store_path(st), *slash = strrchr(db, '/');
	int n;

	if (slash == NULL)
		n = snprintf(buf, len, "webhooks");
	else if (slash == db)
		n = snprintf(buf, len, "/webhooks");
	else
		n = snprintf(buf, len, "%.*s/webhooks", (int)(slash - db), db);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
cred_path(struct mr_store *st, const char *file, char *buf, size_t len)
{
	char dir[4096];
	int n;

	if (cred_dir(st, dir, sizeof dir) == -1)
		return -1;
	n = snprintf(buf, len, "%s/%s", dir, file);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * Read a small regular file that none of the mode bits in deny allow:
 * 077 for a secret handed to us, 007 for our own credentials files (a
 * group sharing the database reads them).
 */
static int
read_private(const char *path, const char *what, mode_t deny, char *buf,
    size_t len, struct mr_err *err)
{
	struct stat sb;
	size_t got = 0;
	ssize_t n;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) == -1)
		return mr_err_set(err, MR_EINVAL, "%s '%s': %s", what, path,
		    strerror(errno));
	if (fstat(fd, &sb) == -1) {
		mr_err_set(err, MR_EINVAL, "%s '%s': %s", what, path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		mr_err_set(err, MR_EINVAL, "%s '%s': not a regular file", what,
		    path);
		goto out;
	}
	if ((sb.st_mode & deny) != 0) {
		mr_err_set(err, MR_EINVAL, "%s '%s': %s may read it (mode %04o), "
		    "so it is no secret any more; run chmod %s '%s'%s", what, path,
		    deny == 077 ? "group or others" : "others",
		    (unsigned)(sb.st_mode & 07777), deny == 077 ? "600" : "o-rwx",
		    path, deny == 077 ? ", and if others could have read it, make "
		    "a new secret" : "");
		goto out;
	}
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			mr_err_set(err, MR_EINVAL, "%s '%s': %s", what, path,
			    strerror(errno));
			goto out;
		}
		got += (size_t)n;
	}
	if (got + 1 >= len) {
		mr_err_set(err, MR_EINVAL, "%s '%s': larger than %zu bytes",
		    what, path, len - 2);
		goto out;
	}
	buf[got] = '\0';
	rc = 0;
out:
	close(fd);
	return rc;
}

int
mr_webhook_creds_read(struct mr_store *st, const char *file,
    struct mr_webhook_creds *c, struct mr_err *err)
{
	char path[4200], text[MR_WEBHOOK_URL_MAX + 256], *line, *save = NULL;
	struct mr_err why = { 0 };

	memset(c, 0, sizeof *c);
	if (cred_path(st, file, path, sizeof path) == -1)
		return mr_err_set(err, MR_EFAIL, "path too long");
	if (read_private(path, "webhook credentials", 007, text, sizeof text,
	    err) == -1)
		return -1;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "url=", 4) == 0)
			snprintf(c->url, sizeof c->url, "%s", line + 4);
		else if (strncmp(line, "secret=", 7) == 0 &&
		    mr_webhook_secret_parse(line + 7, strlen(line + 7), c->key,
		    &c->keylen, &why) == -1) {
			explicit_bzero(text, sizeof text);
			return mr_err_set(err, MR_EINVAL, "webhook credentials "
			    "'%s': %s", path, why.msg);
		}
	}
	explicit_bzero(text, sizeof text);
	if (c->url[0] == '\0')
		return mr_err_set(err, MR_EINVAL, "webhook credentials '%s': no "
		    "url= line; remove the endpoint and add it again", path);
	/* Edited by hand, it obeys the same rules. */
	if (mr_webhook_url_check(NULL, c->url, &why) == -1)
		return mr_err_set(err, MR_EINVAL, "webhook credentials '%s': %s",
		    path, why.msg);
	return 0;
}

static int
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > MR_WEBHOOK_NAME_MAX || !((*s >= 'a' && *s <= 'z') ||
	    (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		    *s == '.'))
			return 0;
	return 1;
}

static int
name_taken(struct mr_store *st, const char *name, int *taken,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int step;

	*taken = 0;
	if (mr_store_prepare(st, "SELECT 1 FROM webhook_endpoint WHERE name = ?1",
	    &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (step == SQLITE_ROW)
		*taken = 1;
	else if (step != SQLITE_DONE)
		return mr_store_dberr(st, err, "reading the webhooks");
	return 0;
}

/* The folder for credentials, made when missing. */
static int
ensure_dir(struct mr_store *st, char *dir, size_t len, struct mr_err *err)
{
	mode_t mode = mr_place_folder_mode(mr_store_sharing(st));
	struct stat sb;

	if (cred_dir(st, dir, len) == -1)
		return mr_err_set(err, MR_EFAIL, "path too long");
	if (mkdir(dir, mode & 0777) == 0) {
		if (chmod(dir, mode) == -1)
			return mr_err_set(err, MR_EFAIL, "%s: %s", dir,
			    strerror(errno));
		return mr_file_sync_dir(dir, 0, err);
	}
	if (errno != EEXIST)
		return mr_err_set(err, MR_EFAIL, "%s: %s", dir, strerror(errno));
	if (lstat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return mr_err_set(err, MR_EFAIL, "%s: not a folder", dir);
	if ((sb.st_mode & 007) != 0)
		return mr_err_set(err, MR_EFAIL, "%s: others may use it (mode "
		    "%04o); run chmod %o '%s'", dir, (unsigned)(sb.st_mode & 07777),
		    (unsigned)mode, dir);
	return 0;
}

int
mr_webhook_add(struct mr_store *st, const struct mr_webhook_input *in,
    int64_t *id, struct mr_err *err)
{
	struct mr_file *f = NULL;
	sqlite3_stmt *stmt = NULL;
	unsigned char key[MR_WEBHOOK_KEY_MAX], rnd[8];
	char tins[1024] = "", tin[16], shown[300], dir[4096], file[128];
	char path[4300], secret[1024], iso[32], *after = NULL;
	struct mr_err why = { 0 };
	size_t keylen = 0, tl = 0;
	int rc = -1, taken, in_tx = 0, placed = 0;

	secret[0] = '\0';
	if (!name_ok(in->name))
		return mr_err_set(err, MR_EINVAL, "webhook name '%.80s': use 1 to "
		    "%d letters, digits, '.', '-' or '_', starting with a letter "
		    "or digit", in->name, MR_WEBHOOK_NAME_MAX);
	if (in->kind == NULL || (strcmp(in->kind, "slack") != 0 &&
	    strcmp(in->kind, "teams") != 0 && strcmp(in->kind, "generic") != 0))
		return mr_err_set(err, MR_EINVAL, "--kind '%.40s': unknown; use "
		    "slack, teams or generic", in->kind ? in->kind : "");
	if (in->url == NULL)
		return mr_err_set(err, MR_EINVAL, "--url is required");
	if (mr_webhook_url_check(in->kind, in->url, err) == -1)
		return -1;
	for (int i = 0; i < in->ntins; i++) {
		if (mr_tin_normalize(in->tins[i], tin, sizeof tin, err) == -1)
			return -1;
		if (strstr(tins, tin) != NULL)
			continue;
		if (tl + 11 >= sizeof tins)
			return mr_err_set(err, MR_EINVAL, "--tin: at most 90 TINs "
			    "per endpoint");
		tl += (size_t)snprintf(tins + tl, sizeof tins - tl, "%s%s",
		    tl ? "," : "", tin);
	}
	if (in->zone != NULL && mr_when_zone_valid(in->zone, err) == -1)
		return -1;
	if (strcmp(in->kind, "generic") == 0 && in->secret_file == NULL)
		return mr_err_set(err, MR_EINVAL, "a generic webhook is signed: "
		    "give --secret-file FILE holding its whsec_ secret (the "
		    "receiver verifies with the same secret)");
	if (strcmp(in->kind, "generic") != 0 && in->secret_file != NULL)
		return mr_err_set(err, MR_EINVAL, "--secret-file: %s endpoints "
		    "are not signed (their URL is the key); give it only with "
		    "--kind generic", in->kind);
	if (in->secret_file != NULL) {
		if (read_private(in->secret_file, "--secret-file", 077, secret,
		    sizeof secret, err) == -1)
			goto out;
		if (mr_webhook_secret_parse(secret, strlen(secret), key, &keylen,
		    &why) == -1) {
			mr_err_set(err, MR_EINVAL, "--secret-file '%s': %s",
			    in->secret_file, why.msg);
			goto out;
		}
		/* Kept as given, one line. */
		secret[strcspn(secret, "\r\n")] = '\0';
	}
	if (name_taken(st, in->name, &taken, err) == -1)
		goto out;
	if (taken) {
		mr_err_set(err, MR_ECONFLICT, "a webhook named '%s' exists; "
		    "choose another name, or 'mipsreview webhook remove %s' "
		    "first", in->name, in->name);
		goto out;
	}
	mr_webhook_url_shown(in->url, shown, sizeof shown);

	/* The credentials first: a crash leaves a stray file, never a row
	   without its file. */
	if (ensure_dir(st, dir, sizeof dir, err) == -1)
		goto out;
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		mr_err_set(err, MR_EFAIL, "no random bytes: %s", strerror(errno));
		goto out;
	}
	{
		char hex[17];

		mr_hex(rnd, sizeof rnd, hex);
		snprintf(file, sizeof file, "%s.%s.cred", in->name, hex);
	}
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (mr_file_open(path, mr_store_sharing(st) == MR_SHARE_GROUP ? 0640 :
	    0600, &f, err) == -1)
		goto out;
	fprintf(mr_file_stream(f), "# mipsreview webhook '%s': keep private\n"
	    "url=%s\n", in->name, in->url);
	if (secret[0] != '\0')
		fprintf(mr_file_stream(f), "secret=%s\n", secret);
	if (mr_file_commit(f, err) == -1) {
		f = NULL;
		goto out;
	}
	f = NULL;
	placed = 1;

	mr_when_iso_utc(mr_store_now(st), iso, sizeof iso);
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (mr_store_prepare(st, "INSERT INTO webhook_endpoint (name, kind, "
	    "url_shown, credentials, signed, tins, zone, created_at, created_by) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, in->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, in->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, shown, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, file, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 5, secret[0] != '\0');
	mr_store_bind_text_or_null(stmt, 6, tins[0] ? tins : NULL);
	mr_store_bind_text_or_null(stmt, 7, in->zone);
	sqlite3_bind_text(stmt, 8, iso, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 9, mr_store_actor(st), -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(mr_store_db(st)) ==
		    SQLITE_CONSTRAINT_UNIQUE)
			mr_err_set(err, MR_ECONFLICT, "a webhook named '%s' exists; "
			    "choose another name", in->name);
		else
			mr_store_dberr(st, err, "adding the webhook");
		goto out;
	}
	*id = sqlite3_last_insert_rowid(mr_store_db(st));
	{
		/*
		 * The TINs as a list, as an account's: the trail keeps them
		 * whole and every view of it masks them (--reveal shows them).
		 */
		json_t *tlist = NULL, *a;
		char tb[sizeof tins], *tok, *save = NULL;

		if (tins[0] != '\0' && (tlist = json_array()) != NULL) {
			snprintf(tb, sizeof tb, "%s", tins);
			for (tok = strtok_r(tb, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save))
				json_array_append_new(tlist, json_string(tok));
		}
		a = json_pack("{s:s, s:s, s:s, s:o?, s:s?, s:b}", "name",
		    in->name, "kind", in->kind, "url", shown, "tins", tlist,
		    "zone", in->zone, "signed", secret[0] != '\0');
		after = a ? json_dumps(a, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
		json_decref(a);
	}
	if (after == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_audit_append(st, "webhook", *id, "add webhook", NULL, after,
	    err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	placed = 0;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	if (in_tx)
		mr_store_rollback(st);
	mr_file_abort(f);
	if (placed)
		(void)unlink(path);
	explicit_bzero(secret, sizeof secret);
	explicit_bzero(key, sizeof key);
	free(after);
	return rc;
}

int
mr_webhook_remove(struct mr_store *st, const char *name, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char file[256] = "", path[4300], *before = NULL;
	int64_t id = 0;
	int rc = -1, in_tx = 0, step;

	if (mr_store_begin(st, err) == -1)
		return -1;
	in_tx = 1;
	if (mr_store_prepare(st, "SELECT id, credentials, kind, url_shown FROM "
	    "webhook_endpoint WHERE name = ?1", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		json_t *b;

		id = sqlite3_column_int64(stmt, 0);
		snprintf(file, sizeof file, "%s", mr_store_col_text(stmt, 1));
		b = json_pack("{s:s, s:s, s:s}", "name", name, "kind",
		    mr_store_col_text(stmt, 2), "url", mr_store_col_text(stmt, 3));
		before = b ? json_dumps(b, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
		json_decref(b);
	} else if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the webhooks");
		goto out;
	} else {
		mr_err_set(err, MR_ENOTFOUND, "no webhook named '%.80s'; "
		    "'mipsreview webhook list' shows them", name);
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (before == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_store_prepare(st, "DELETE FROM webhook_endpoint WHERE id = ?1",
	    &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "removing the webhook");
		goto out;
	}
	if (mr_audit_append(st, "webhook", id, "remove webhook", before, NULL,
	    err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	/* After the commit: a crash before this leaves a stray file only. */
	if (strchr(file, '/') == NULL && cred_path(st, file, path,
	    sizeof path) == 0)
		(void)unlink(path);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	if (in_tx)
		mr_store_rollback(st);
	free(before);
	return rc;
}

int
mr_webhook_count(struct mr_store *st, int *enabled, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	*enabled = 0;
	if (mr_store_prepare(st, "SELECT count(*) FROM webhook_endpoint WHERE "
	    "disabled_at IS NULL", &stmt, err) == -1)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*enabled = sqlite3_column_int(stmt, 0);
		rc = 0;
	} else
		mr_store_dberr(st, err, "reading the webhooks");
	sqlite3_finalize(stmt);
	return rc;
}

static const char *
col_or_null(sqlite3_stmt *stmt, int i)
{
	return sqlite3_column_type(stmt, i) == SQLITE_NULL ? NULL :
	    (const char *)sqlite3_column_text(stmt, i);
}

int
mr_webhook_each(struct mr_store *st, int (*fn)(const struct mr_webhook *,
    void *), void *arg, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_webhook w;
	int rc = -1, step = SQLITE_DONE, stop = 0;

	if (mr_store_prepare(st, "SELECT e.id, e.name, e.kind, e.url_shown, "
	    "e.tins, e.zone, e.signed, e.created_at, e.created_by, "
	    "e.disabled_at, e.disabled_reason, "
	    "(SELECT count(*) FROM webhook_delivery d WHERE d.endpoint_id = e.id "
	    "AND d.state = 'sent'), "
	    "(SELECT count(*) FROM webhook_delivery d WHERE d.endpoint_id = e.id "
	    "AND d.state = 'failed'), "
	    "(SELECT a.at FROM webhook_attempt a WHERE a.endpoint_id = e.id "
	    "ORDER BY a.id DESC LIMIT 1), "
	    "(SELECT coalesce(a.status, 0) FROM webhook_attempt a WHERE "
	    "a.endpoint_id = e.id ORDER BY a.id DESC LIMIT 1) "
	    "FROM webhook_endpoint e ORDER BY e.name", &stmt, err) == -1)
		goto out;
	while (!stop && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&w, 0, sizeof w);
		w.id = sqlite3_column_int64(stmt, 0);
		w.name = mr_store_col_text(stmt, 1);
		w.kind = mr_store_col_text(stmt, 2);
		w.url_shown = mr_store_col_text(stmt, 3);
		w.tins = col_or_null(stmt, 4);
		w.zone = col_or_null(stmt, 5);
		w.signed_ = sqlite3_column_int(stmt, 6);
		w.created_at = mr_store_col_text(stmt, 7);
		w.created_by = mr_store_col_text(stmt, 8);
		w.disabled_at = col_or_null(stmt, 9);
		w.disabled_reason = col_or_null(stmt, 10);
		w.delivered = sqlite3_column_int64(stmt, 11);
		w.pending = sqlite3_column_int64(stmt, 12);
		w.last_attempt_at = col_or_null(stmt, 13);
		w.last_status = sqlite3_column_int(stmt, 14);
		stop = fn(&w, arg);
	}
	if (!stop && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the webhooks");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

json_t *
mr_webhook_json(const struct mr_webhook *w)
{
	json_t *tins = json_array();
	char buf[1024], *tok, *save = NULL;

	if (tins == NULL)
		return NULL;
	if (w->tins != NULL) {
		snprintf(buf, sizeof buf, "%s", w->tins);
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL,
		    ",", &save)) {
			char m[16];

			mr_tin_mask(tok, m, sizeof m);
			json_array_append_new(tins, json_string(m));
		}
	}
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s?, s:b, s:s, s:s, "
	    "s:s, s:s?, s:s?, s:I, s:I, s:s?, s:o?}",
	    "id", (json_int_t)w->id, "name", w->name, "kind", w->kind,
	    "url", w->url_shown, "tins", tins, "zone", w->zone,
	    "signed", w->signed_, "state", w->disabled_at ? "disabled" :
	    "enabled", "created_at", w->created_at, "created_by", w->created_by,
	    "disabled_at", w->disabled_at, "disabled_reason", w->disabled_reason,
	    "delivered", (json_int_t)w->delivered, "pending",
	    (json_int_t)w->pending, "last_attempt_at", w->last_attempt_at,
	    "last_status", w->last_attempt_at != NULL && w->last_status != 0 ?
	    json_integer(w->last_status) : NULL);
}
