/*
 * libargon2, opened on first use (lib/mr_dl_lazy.h): only the commands
 * that set or check a password, and the daemon's logins, hash one.
 */
#include "config.h"

#include <argon2.h>

#include "lib/mr_dl_lazy.h"

static struct mr_dl_lib argon2 = { "libargon2.so.1", "libargon2-1", NULL };

MR_DL_LAZY(argon2, int, argon2id_hash_encoded,
    (const uint32_t t_cost, const uint32_t m_cost, const uint32_t parallelism,
    const void *pwd, const size_t pwdlen, const void *salt,
    const size_t saltlen, const size_t hashlen, char *encoded,
    const size_t encodedlen), (t_cost, m_cost, parallelism, pwd, pwdlen,
    salt, saltlen, hashlen, encoded, encodedlen))
MR_DL_LAZY(argon2, int, argon2id_verify,
    (const char *encoded, const void *pwd, const size_t pwdlen),
    (encoded, pwd, pwdlen))
MR_DL_LAZY(argon2, const char *, argon2_error_message, (int error_code),
    (error_code))
MR_DL_LAZY(argon2, size_t, argon2_encodedlen,
    (uint32_t t_cost, uint32_t m_cost, uint32_t parallelism,
    uint32_t saltlen, uint32_t hashlen, argon2_type type),
    (t_cost, m_cost, parallelism, saltlen, hashlen, type))
