/*
 * OpenSSL's libcrypto, opened on first use (lib/mr_dl_lazy.h): SHA-256
 * for the audit chain and evidence, HMAC, random bytes for tokens.  Read
 * commands never hash and never pay for loading it.
 */
#include "config.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "lib/mr_dl_lazy.h"

static struct mr_dl_lib crypto = { "libcrypto.so.3", "libssl3", NULL };

MR_DL_LAZY(crypto, int, OPENSSL_init_crypto,
    (uint64_t opts, const OPENSSL_INIT_SETTINGS *settings), (opts, settings))
MR_DL_LAZY(crypto, int, CRYPTO_memcmp,
    (const void *a, const void *b, size_t len), (a, b, len))
MR_DL_LAZY(crypto, int, EVP_Digest,
    (const void *data, size_t count, unsigned char *md, unsigned int *size,
    const EVP_MD *type, ENGINE *impl), (data, count, md, size, type, impl))
MR_DL_LAZY(crypto, int, EVP_DigestInit_ex,
    (EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl), (ctx, type, impl))
MR_DL_LAZY(crypto, int, EVP_DigestUpdate,
    (EVP_MD_CTX *ctx, const void *d, size_t cnt), (ctx, d, cnt))
MR_DL_LAZY(crypto, int, EVP_DigestFinal_ex,
    (EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s), (ctx, md, s))
MR_DL_LAZY(crypto, EVP_MD_CTX *, EVP_MD_CTX_new, (void), ())
MR_DL_LAZY_VOID(crypto, EVP_MD_CTX_free, (EVP_MD_CTX *ctx), (ctx))
MR_DL_LAZY(crypto, const EVP_MD *, EVP_sha256, (void), ())
MR_DL_LAZY(crypto, unsigned char *, HMAC,
    (const EVP_MD *evp_md, const void *key, int key_len,
    const unsigned char *data, size_t data_len, unsigned char *md,
    unsigned int *md_len), (evp_md, key, key_len, data, data_len, md, md_len))
MR_DL_LAZY(crypto, int, RAND_bytes, (unsigned char *buf, int num), (buf, num))
MR_DL_LAZY(crypto, int, EVP_EncodeBlock,
    (unsigned char *out, const unsigned char *in, int len), (out, in, len))
MR_DL_LAZY_VOID(crypto, OPENSSL_cleanse, (void *ptr, size_t len), (ptr, len))
/* HMAC with the key set once, for many messages (calendar UIDs). */
MR_DL_LAZY(crypto, EVP_MAC *, EVP_MAC_fetch,
    (OSSL_LIB_CTX *libctx, const char *algorithm, const char *properties),
    (libctx, algorithm, properties))
MR_DL_LAZY_VOID(crypto, EVP_MAC_free, (EVP_MAC *mac), (mac))
MR_DL_LAZY(crypto, EVP_MAC_CTX *, EVP_MAC_CTX_new, (EVP_MAC *mac), (mac))
MR_DL_LAZY_VOID(crypto, EVP_MAC_CTX_free, (EVP_MAC_CTX *ctx), (ctx))
MR_DL_LAZY(crypto, int, EVP_MAC_init,
    (EVP_MAC_CTX *ctx, const unsigned char *key, size_t keylen,
    const OSSL_PARAM params[]), (ctx, key, keylen, params))
MR_DL_LAZY(crypto, int, EVP_MAC_update,
    (EVP_MAC_CTX *ctx, const unsigned char *data, size_t datalen),
    (ctx, data, datalen))
MR_DL_LAZY(crypto, int, EVP_MAC_final,
    (EVP_MAC_CTX *ctx, unsigned char *out, size_t *outl, size_t outsize),
    (ctx, out, outl, outsize))
MR_DL_LAZY(crypto, OSSL_PARAM, OSSL_PARAM_construct_utf8_string,
    (const char *key, char *buf, size_t bsize), (key, buf, bsize))
MR_DL_LAZY(crypto, OSSL_PARAM, OSSL_PARAM_construct_end, (void), ())
