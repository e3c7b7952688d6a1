/*
 * mr_crypto: SHA-256 and HMAC-SHA-256 of short messages, random bytes,
 * a constant-time comparison and base64.
 *
 * The audit chain, calendar UIDs, acknowledgement links, token hashes and
 * webhook signatures hash a few hundred bytes per command.  Nettle does
 * that without start-up work: linked in, it costs a command next to
 * nothing, where opening OpenSSL's libcrypto costs a one-row `add` or a
 * one-TIN calendar about as much as all the rest of its work.  Evidence
 * files, hashed by the gigabyte, keep libcrypto (lib/mr_dl_crypto.c),
 * opened when one is hashed; an imported file is hashed by nettle.
 * Random bytes come from the kernel (getrandom), as libcrypto's own seed
 * does.
 */
#ifndef MR_CRYPTO_H
#define MR_CRYPTO_H

#include <stddef.h>

#include <nettle/hmac.h>
#include <nettle/sha2.h>

#define MR_SHA256_LEN		32
/* base64 of n bytes, with its padding, without the NUL. */
#define MR_BASE64_LEN(n)	(((n) + 2) / 3 * 4)

struct mr_sha256 {
	struct sha256_ctx	ctx;
};

struct mr_hmac_sha256 {
	struct hmac_sha256_ctx	ctx;
};

void	mr_sha256(const void *data, size_t len,
	    unsigned char out[MR_SHA256_LEN]);
/* The same, as 64 lowercase hex digits and a NUL. */
void	mr_sha256_hex(const void *data, size_t len, char out[65]);
void	mr_sha256_init(struct mr_sha256 *h);
void	mr_sha256_update(struct mr_sha256 *h, const void *data, size_t len);
void	mr_sha256_final(struct mr_sha256 *h, unsigned char out[MR_SHA256_LEN]);

void	mr_hmac_sha256(const void *key, size_t keylen, const void *msg,
	    size_t len, unsigned char out[MR_SHA256_LEN]);
/* Keyed once, for many messages: each final leaves it ready for the
 * next message under the same key. */
void	mr_hmac_sha256_init(struct mr_hmac_sha256 *h, const void *key,
	    size_t keylen);
void	mr_hmac_sha256_update(struct mr_hmac_sha256 *h, const void *msg,
	    size_t len);
void	mr_hmac_sha256_final(struct mr_hmac_sha256 *h,
	    unsigned char out[MR_SHA256_LEN]);
/* Forget the key. */
void	mr_hmac_sha256_wipe(struct mr_hmac_sha256 *h);

/* n bytes from the kernel's random source: 0, or -1 with errno set. */
int	mr_random_bytes(void *buf, size_t n);

/* 1 if a and b hold the same n bytes, in time that does not depend on
 * where they differ. */
int	mr_equal_ct(const void *a, const void *b, size_t n);

/* base64 (RFC 4648, padded) of n bytes into out, which holds
 * MR_BASE64_LEN(n) + 1; NUL-terminated; returns the length. */
size_t	mr_base64(const void *in, size_t n, char *out);
/* base64url (RFC 4648 section 5), unpadded, of n bytes into out, which
 * holds MR_BASE64_LEN(n) + 1; NUL-terminated; returns the length. */
size_t	mr_base64url(const void *in, size_t n, char *out);
/* Decode base64 of exactly that form (the standard alphabet, padded, no
 * white space, no stray bits) into out, which holds cap bytes: 0 and
 * *outlen, or -1. */
int	mr_base64_decode(const char *in, size_t len, unsigned char *out,
	    size_t cap, size_t *outlen);

#endif
