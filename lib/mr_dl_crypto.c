/*
 * OpenSSL's libcrypto, opened on first use (lib/mr_dl_lazy.h): SHA-256 of
 * evidence files and imported CSV, where its SHA-NI code hashes about
 * twice as fast as nettle's.  Short messages are hashed by lib/mr_crypto,
 * which costs nothing to start; read commands never pay for either.
 */
#include "config.h"

#include <openssl/evp.h>

#include "lib/mr_dl_lazy.h"

static struct mr_dl_lib crypto = { "libcrypto.so.3", "libssl3", NULL };

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
