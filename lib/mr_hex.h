/*
 * mr_hex: bytes as lowercase hexadecimal digits, the one encoder behind
 * every digest, key, token hash and calendar UID the program writes, so
 * that they all read alike.
 */
#ifndef MR_HEX_H
#define MR_HEX_H

#include <stddef.h>

/* n bytes as lowercase hex into out, which holds 2 * n + 1 bytes. */
void	mr_hex(const unsigned char *in, size_t n, char *out);
/*
 * The n bytes of exactly 2 * n lowercase hex digits at s (what mr_hex
 * writes; the string may go on after them); -1 when one is not such a
 * digit, out then undefined.
 */
int	mr_unhex(const char *s, size_t n, unsigned char *out);

#endif /* MR_HEX_H */
