/*
 * mr_crypto: short-message SHA-256 and HMAC through nettle, random bytes
 * from the kernel (see mr_crypto.h).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/base64.h>
#include <nettle/memops.h>

#include "lib/mr_crypto.h"
#include "lib/mr_hex.h"

void
mr_sha256(const void *data, size_t len, unsigned char out[MR_SHA256_LEN])
{
	struct mr_sha256 h;

	mr_sha256_init(&h);
	mr_sha256_update(&h, data, len);
	mr_sha256_final(&h, out);
}

void
mr_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[MR_SHA256_LEN];

	mr_sha256(data, len, md);
	mr_hex(md, sizeof md, out);
}

void
mr_sha256_init(struct mr_sha256 *h)
{
	sha256_init(&h->ctx);
}

void
mr_sha256_update(struct mr_sha256 *h, const void *data, size_t len)
{
	sha256_update(&h->ctx, len, data);
}

void
mr_sha256_final(struct mr_sha256 *h, unsigned char out[MR_SHA256_LEN])
{
	sha256_digest(&h->ctx, MR_SHA256_LEN, out);
}

void
mr_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
    unsigned char out[MR_SHA256_LEN])
{
	struct mr_hmac_sha256 h;

	mr_hmac_sha256_init(&h, key, keylen);
	mr_hmac_sha256_update(&h, msg, len);
	mr_hmac_sha256_final(&h, out);
	mr_hmac_sha256_wipe(&h);
}

void
mr_hmac_sha256_init(struct mr_hmac_sha256 *h, const void *key, size_t keylen)
{
	hmac_sha256_set_key(&h->ctx, keylen, key);
}

void
mr_hmac_sha256_update(struct mr_hmac_sha256 *h, const void *msg, size_t len)
{
	hmac_sha256_update(&h->ctx, len, msg);
}

void
mr_hmac_sha256_final(struct mr_hmac_sha256 *h,
    unsigned char out[MR_SHA256_LEN])
{
	hmac_sha256_digest(&h->ctx, MR_SHA256_LEN, out);
}

void
mr_hmac_sha256_wipe(struct mr_hmac_sha256 *h)
{
	/* The inner and outer states are the key, hashed once. */
	explicit_bzero(h, sizeof *h);
}

int
mr_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	ssize_t got;

	while (n > 0) {
		/* Blocks only until the kernel's pool is first seeded. */
		if ((got = getrandom(p, n, 0)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int
mr_equal_ct(const void *a, const void *b, size_t n)
{
	return memeql_sec(a, b, n);
}

size_t
mr_base64(const void *in, size_t n, char *out)
{
	base64_encode_raw(out, n, in);
	out[MR_BASE64_LEN(n)] = '\0';
	return MR_BASE64_LEN(n);
}

size_t
mr_base64url(const void *in, size_t n, char *out)
{
	size_t len = mr_base64(in, n, out);

	while (len > 0 && out[len - 1] == '=')
		out[--len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
	return len;
}

int
mr_base64_decode(const char *in, size_t len, unsigned char *out, size_t cap,
    size_t *outlen)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/=";
	struct base64_decode_ctx ctx;
	size_t pad = 0, n = 0;

	*outlen = 0;
	/* nettle skips white space; a secret or signature holds none. */
	if (len % 4 != 0)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (in[i] == '\0' || strchr(alphabet, in[i]) == NULL)
			return -1;
	while (pad < len && pad < 2 && in[len - 1 - pad] == '=')
		pad++;
	/* nettle writes no more than the whole groups before any '='. */
	if (len / 4 * 3 - pad > cap)
		return -1;
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &n, out, len, in) ||
	    !base64_decode_final(&ctx))
		return -1;
	*outlen = n;
	return 0;
}
