/*
 * mr_acklink: signed acknowledgement links (lib/mr_acklink.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/mr_acklink.h"
#include "lib/mr_buf.h"
#include "lib/mr_crypto.h"
#include "lib/mr_hex.h"
#include "lib/mr_keyfile.h"
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

static const struct mr_keyfile link_keyfile = {
	"acknowledgement link key file",
	"could forge acknowledgement links with it"
};

/* The key file: a "key HEX" line and '#' comments.  *have 0: none yet. */
static int
key_load(const struct mr_place *pl, const char *path, unsigned char *key,
    int *have, struct mr_err *err)
{
	char text[512], *line, *save = NULL;
	int got = 0;

	if (mr_keyfile_read(&link_keyfile, pl, path, text, sizeof text, have,
	    err) == -1)
		return -1;
	if (!*have)
		return 0;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		got |= mr_keyfile_key_line(line, key, MR_ACKLINK_KEY_BYTES);
	explicit_bzero(text, sizeof text);
	if (!got) {
		*have = 0;
		return mr_err_set(err, MR_EINTEGRITY, "acknowledgement link key "
		    "file '%s' is damaged (it needs a 'key' line of %d hex "
		    "digits): restore it from the backup of the database's "
		    "folder, or remove it to make a new one (links already "
		    "mailed then stop working)", path, 2 * MR_ACKLINK_KEY_BYTES);
	}
	return 0;
}

/* Make the key file; when another process made one meanwhile, read that. */
static int
key_create(const struct mr_place *pl, const char *path, unsigned char *key,
    struct mr_err *err)
{
	char text[256], keyhex[2 * MR_ACKLINK_KEY_BYTES + 1];
	struct mr_buf tb;
	int rc = -1, raced, have;

	if (mr_random_bytes(key, MR_ACKLINK_KEY_BYTES) == -1)
		return mr_err_set(err, MR_EFAIL, "acknowledgement link key: no "
		    "random bytes from the system");
	/* On the stack and wiped: a growing buffer would leave copies. */
	mr_buf_init_fixed(&tb, text, sizeof text);
	mr_hex(key, MR_ACKLINK_KEY_BYTES, keyhex);
	if (mr_buf_printf(&tb, "# The key signing mipsreview's one-click "
	    "acknowledgement links.\n# Keep it private; back it up with the "
	    "database.\nkey %s\n", keyhex) == -1) {
		mr_err_set(err, MR_EFAIL, "acknowledgement link key: the text "
		    "does not fit");
		goto out;
	}
	if (mr_keyfile_create(&link_keyfile, pl, path, text, tb.len, &raced,
	    err) == -1 || (raced && key_load(pl, path, key, &have, err) == -1))
		goto out;
	rc = 0;
out:
	explicit_bzero(text, sizeof text);
	explicit_bzero(keyhex, sizeof keyhex);
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
static void
mac_of(const unsigned char *key, const char *part, size_t n, char out[65])
{
	struct mr_hmac_sha256 h;
	unsigned char md[MR_SHA256_LEN];

	mr_hmac_sha256_init(&h, key, MR_ACKLINK_KEY_BYTES);
	mr_hmac_sha256_update(&h, MAC_CONTEXT, sizeof MAC_CONTEXT - 1);
	mr_hmac_sha256_update(&h, part, n);
	mr_hmac_sha256_final(&h, md);
	mr_hmac_sha256_wipe(&h);
	mr_hex(md, sizeof md, out);
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
	    (long long)l->expires, tohex) == 0) {
		mac_of(key, buf, b.len, mac);
		if (mr_buf_printf(&b, ".%s", mac) == 0)
			return 0;
	}
	return mr_err_set(err, MR_EFAIL, "acknowledgement link: cannot sign "
	    "it (out of room)");
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
	mac_of(key, token, (size_t)(mac - 1 - token), want);
	/* In constant time: where it differs is not told. */
	if (!mr_equal_ct(want, mac, 64))
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
