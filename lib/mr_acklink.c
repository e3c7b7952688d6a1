/*
 * mr_acklink: signed acknowledgement links (lib/mr_acklink.h).
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "lib/mr_acklink.h"
#include "lib/mr_buf.h"
#include "lib/mr_file.h"
#include "lib/mr_hex.h"
#include "lib/mr_input.h"
#include "lib/mr_place.h"

#define KEY_SUFFIX	".link-key"
#define MAC_CONTEXT	"mipsreview acknowledgement link\n"
/* The prefix of a link posted to a webhook; a mail's is "v1.". */
#define V2_WEBHOOK	"v2.webhook."

char *
mr_acklink_key_path(const char *db_path)
{
	size_t n = strlen(db_path) + sizeof KEY_SUFFIX;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s%s", db_path, KEY_SUFFIX);
	return p;
}

/*
 * The key file: a "key HEX" line and '#' comments.  *have 0: none yet.
 * A key that others may read signs for them too: refused, as is one that
 * anyone outside the database's group may read when it is shared.
 */
static int
key_load(const struct mr_place *pl, const char *path, unsigned char *key,
    int *have, struct mr_err *err)
{
	char buf[512], *line, *save = NULL;
	struct mr_err why = { 0 };
	int fd, got = 0;
	ssize_t n;
	size_t len = 0;

	*have = 0;
	if (mr_input_open(path, "acknowledgement link key file", &fd,
	    &why) == -1) {
		if (why.code == MR_ENOTFOUND)
			return 0;
		if (err != NULL)
			*err = why;
		return -1;
	}
	if (mr_place_check_secret(pl, path, "acknowledgement link key file",
	    "could forge acknowledgement links with it", fd, err) == -1) {
		close(fd);
		return -1;
	}
	while (len < sizeof buf - 1 &&
	    (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "key ", 4) == 0 &&
		    strlen(line + 4) == 2 * MR_ACKLINK_KEY_BYTES &&
		    mr_unhex(line + 4, MR_ACKLINK_KEY_BYTES, key) == 0)
			got = 1;
	explicit_bzero(buf, sizeof buf);
	if (!got)
		return mr_err_set(err, MR_EINTEGRITY, "acknowledgement link key "
		    "file '%s' is damaged (it needs a 'key' line of %d hex "
		    "digits): restore it from the backup of the database's "
		    "folder, or remove it to make a new one (links already "
		    "mailed then stop working)", path, 2 * MR_ACKLINK_KEY_BYTES);
	*have = 1;
	return 0;
}

/*
 * Make the key file: written whole to a temporary, synced, then linked
 * into place without replacing one another process made meanwhile (then
 * that one is read).  It takes the database's sharing (mr_place), as the
 * audit key: 0600, or 0640 in the folder's group.
 */
static int
key_create(const struct mr_place *pl, const char *path, unsigned char *key,
    struct mr_err *err)
{
	struct mr_file *f = NULL;
	struct mr_err ferr = { 0 };
	char *dcopy = NULL, *prefix = NULL, text[256];
	char keyhex[2 * MR_ACKLINK_KEY_BYTES + 1];
	const char *base = strrchr(path, '/');
	struct mr_buf tb;
	int rc = -1, have, shared = pl->sharing == MR_SHARE_GROUP;

	if (RAND_bytes(key, MR_ACKLINK_KEY_BYTES) != 1)
		return mr_err_set(err, MR_EFAIL, "acknowledgement link key: no "
		    "random bytes from the system");
	if ((dcopy = strdup(path)) == NULL ||
	    asprintf(&prefix, "%s.", base ? base + 1 : path) == -1) {
		prefix = NULL;
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_file_open_unnamed(dirname(dcopy), prefix, shared ? 0640 : 0600,
	    &f, &ferr) == -1) {
		mr_err_set(err, MR_EFAIL, "cannot create the acknowledgement "
		    "link key file '%s': %s", path, ferr.msg);
		goto out;
	}
	if (shared && fchown(mr_file_fd(f), (uid_t)-1, pl->gid) == -1) {
		mr_err_set(err, MR_EFAIL, "cannot give the acknowledgement link "
		    "key file '%s' the database's group: %s", path,
		    strerror(errno));
		goto out;
	}
	mr_buf_init_fixed(&tb, text, sizeof text);
	mr_hex(key, MR_ACKLINK_KEY_BYTES, keyhex);
	if (mr_buf_printf(&tb, "# The key signing mipsreview's one-click "
	    "acknowledgement links.\n# Keep it private; back it up with the "
	    "database.\nkey %s\n", keyhex) == -1) {
		mr_err_set(err, MR_EFAIL, "acknowledgement link key: the text "
		    "does not fit");
		goto out;
	}
	errno = 0;
	if (write(mr_file_fd(f), text, tb.len) != (ssize_t)tb.len ||
	    mr_file_finish(f) == -1) {
		mr_err_set(err, MR_EFAIL, "cannot write the acknowledgement "
		    "link key file '%s': %s", path, errno ? strerror(errno) :
		    "short write");
		goto out;
	}
	if (mr_file_place_new(f, path) == 0)
		f = NULL;
	else if (errno != EEXIST) {
		mr_err_set(err, MR_EFAIL, "cannot create the acknowledgement "
		    "link key file '%s': %s", path, strerror(errno));
		goto out;
	} else if (key_load(pl, path, key, &have, err) == -1)
		goto out;
	(void)mr_file_sync_dir(path, 0, NULL);
	rc = 0;
out:
	explicit_bzero(text, sizeof text);
	explicit_bzero(keyhex, sizeof keyhex);
	mr_file_abort(f);
	free(prefix);
	free(dcopy);
	return rc;
}

/* The key of the database at db_path; made when make is set and none is. */
static int
key_get(const char *db_path, int make, unsigned char *key, struct mr_err *err)
{
	struct mr_place pl;
	char *path = mr_acklink_key_path(db_path);
	int rc = -1, have;

	if (path == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	if (mr_place_sharing_of(db_path, &pl, err) == -1 ||
	    key_load(&pl, path, key, &have, err) == -1)
		goto out;
	if (!have && !make) {
		mr_err_set(err, MR_ENOTFOUND, "acknowledgement link key file "
		    "'%s' does not exist: no link was sent yet", path);
		goto out;
	}
	if (!have && key_create(&pl, path, key, err) == -1)
		goto out;
	rc = 0;
out:
	free(path);
	return rc;
}

int
mr_acklink_key(const char *db_path, unsigned char key[MR_ACKLINK_KEY_BYTES],
    struct mr_err *err)
{
	return key_get(db_path, 1, key, err);
}

int
mr_acklink_key_read(const char *db_path,
    unsigned char key[MR_ACKLINK_KEY_BYTES], struct mr_err *err)
{
	return key_get(db_path, 0, key, err);
}

static int
state_word(const char *s)
{
	if (*s == '\0' || strlen(s) >= sizeof ((struct mr_acklink *)0)->status)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '-'))
			return 0;
	return 1;
}

/* The MAC of the signed part, as 64 hex digits. */
static int
mac_of(const unsigned char *key, const char *part, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *text;
	size_t clen = sizeof MAC_CONTEXT - 1;
	int ok;

	if ((text = malloc(clen + n)) == NULL)
		return -1;
	memcpy(text, MAC_CONTEXT, clen);
	memcpy(text + clen, part, n);
	ok = HMAC(EVP_sha256(), key, MR_ACKLINK_KEY_BYTES,
	    (const unsigned char *)text, clen + n, md, &mdlen) != NULL &&
	    mdlen == 32;
	free(text);
	if (!ok)
		return -1;
	mr_hex(md, 32, out);
	return 0;
}

int
mr_acklink_sign(const unsigned char key[MR_ACKLINK_KEY_BYTES],
    const struct mr_acklink *l, char *buf, size_t len, struct mr_err *err)
{
	char tohex[2 * MR_ACKLINK_TO_MAX + 1], mac[65];
	size_t tolen = strlen(l->to);
	struct mr_buf b;
	int hook = strcmp(l->via, "webhook") == 0;

	if (strcmp(l->what, "case") != 0 && strcmp(l->what, "hardship") != 0)
		return mr_err_set(err, MR_EINVAL, "acknowledgement link: '%s' is "
		    "neither a case nor a hardship filing", l->what);
	if (!state_word(l->status))
		return mr_err_set(err, MR_EINVAL, "acknowledgement link: the "
		    "state '%s' cannot be carried in a link", l->status);
	if (tolen == 0 || tolen > MR_ACKLINK_TO_MAX)
		return mr_err_set(err, MR_EINVAL, "acknowledgement link: the "
		    "recipients take %zu bytes; a link carries 1 to %d", tolen,
		    MR_ACKLINK_TO_MAX);
	mr_hex((const unsigned char *)l->to, tolen, tohex);
	mr_buf_init_fixed(&b, buf, len);
	if (l->via[0] != '\0' && !hook && strcmp(l->via, "mail") != 0)
		return mr_err_set(err, MR_EINVAL, "acknowledgement link: sent "
		    "by '%s', neither mail nor webhook", l->via);
	if (mr_buf_printf(&b, "%s%s.%lld.%lld.%s.%lld.%s", hook ? V2_WEBHOOK :
	    "v1.", l->what,
	    (long long)l->id, (long long)l->closes_at, l->status,
	    (long long)l->expires, tohex) == -1 ||
	    mac_of(key, buf, b.len, mac) == -1 ||
	    mr_buf_printf(&b, ".%s", mac) == -1)
		return mr_err_set(err, MR_EFAIL, "acknowledgement link: cannot "
		    "sign it (out of room or HMAC-SHA-256 failed)");
	return 0;
}

/* A decimal field; NULL when it is not one. */
static const char *
number(const char *p, long long *v)
{
	long long n = 0;
	const char *s = p;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (9223372036854775807LL - 9) / 10)
			return NULL;
		n = n * 10 + (*p - '0');
	}
	*v = *s == '-' ? -n : n;
	return *p == '.' ? p + 1 : NULL;
}

/* Constant time: the MAC is compared without telling where it differs. */
static int
same(const char *a, const char *b, size_t n)
{
	unsigned char d = 0;

	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

int
mr_acklink_verify(const unsigned char key[MR_ACKLINK_KEY_BYTES],
    const char *token, time_t now, struct mr_acklink *out, struct mr_err *err)
{
	struct mr_acklink l;
	const char *p, *dot, *mac;
	char want[65];
	long long v;
	size_t n, tohex;

	memset(&l, 0, sizeof l);
	if (token == NULL || (n = strlen(token)) < 70 ||
	    n > MR_ACKLINK_TOKEN_MAX || (strncmp(token, "v1.", 3) != 0 &&
	    strncmp(token, V2_WEBHOOK, sizeof V2_WEBHOOK - 1) != 0))
		goto bad;
	mac = token + n - 64;
	if (mac[-1] != '.')
		goto bad;
	/* The signature first: nothing unsigned is read further. */
	if (mac_of(key, token, (size_t)(mac - 1 - token), want) == -1)
		return mr_err_set(err, MR_EFAIL, "acknowledgement link: "
		    "HMAC-SHA-256 failed");
	if (!same(want, mac, 64))
		return mr_err_set(err, MR_EINVAL, "this acknowledgement link is "
		    "not valid: it was changed or cut short, or it was not made "
		    "by this service; open the link exactly as the mail has it");
	if (strncmp(token, "v1.", 3) == 0) {
		p = token + 3;
		snprintf(l.via, sizeof l.via, "mail");
	} else {
		p = token + sizeof V2_WEBHOOK - 1;
		snprintf(l.via, sizeof l.via, "webhook");
	}
	if ((dot = strchr(p, '.')) == NULL || (size_t)(dot - p) >= sizeof l.what)
		goto bad;
	memcpy(l.what, p, (size_t)(dot - p));
	if (strcmp(l.what, "case") != 0 && strcmp(l.what, "hardship") != 0)
		goto bad;
	if ((p = number(dot + 1, &v)) == NULL || v <= 0)
		goto bad;
	l.id = v;
	if ((p = number(p, &v)) == NULL)
		goto bad;
	l.closes_at = (time_t)v;
	if ((dot = strchr(p, '.')) == NULL ||
	    (size_t)(dot - p) >= sizeof l.status)
		goto bad;
	memcpy(l.status, p, (size_t)(dot - p));
	if (!state_word(l.status) || (p = number(dot + 1, &v)) == NULL)
		goto bad;
	l.expires = (time_t)v;
	tohex = (size_t)(mac - 1 - p);
	if (tohex == 0 || tohex % 2 != 0 || tohex / 2 > MR_ACKLINK_TO_MAX ||
	    mr_unhex(p, tohex / 2, (unsigned char *)l.to) == -1)
		goto bad;
	l.to[tohex / 2] = '\0';
	if (strlen(l.to) != tohex / 2)
		goto bad;
	if (now >= l.expires)
		return mr_err_set(err, MR_ECONFLICT, "this acknowledgement link "
		    "expired; acknowledge the deadline with 'mipsreview alerts "
		    "ack %s%lld' or in the office's pages", strcmp(l.what,
		    "case") == 0 ? "" : "--hardship ", (long long)l.id);
	if (out != NULL)
		*out = l;
	return 0;
bad:
	return mr_err_set(err, MR_EINVAL, "this acknowledgement link is not "
	    "valid: it is malformed or cut short; open the link exactly as the "
	    "mail has it");
}

int
mr_acklink_url(const char *base_url, const char *token, char *buf, size_t len)
{
	size_t n = strlen(base_url);
	int w;

	while (n > 0 && base_url[n - 1] == '/')
		n--;
	w = snprintf(buf, len, "%.*s/app/ack?t=%s", (int)n, base_url, token);
	return w < 0 || (size_t)w >= len ? -1 : 0;
}

int
mr_acklink_recipient(const struct mr_acklink *l, const char *addr, char *buf,
    size_t len)
{
	const char *p = l->to, *comma;
	size_t n = strlen(addr), one;

	if (n == 0)
		return 0;
	for (;;) {
		comma = strchr(p, ',');
		one = (size_t)((comma ? comma : p + strlen(p)) - p);
		if (one == n && strncasecmp(p, addr, n) == 0) {
			if (buf != NULL && len > 0)
				snprintf(buf, len, "%.*s", (int)one, p);
			return 1;
		}
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

int
mr_acklink_names(const struct mr_acklink *l, const char *addr)
{
	return mr_acklink_recipient(l, addr, NULL, 0);
}
