/*
 * mr_ident: the identifiers CMS uses — NPI and TIN — checked and masked.
 */
#ifndef MR_IDENT_H
#define MR_IDENT_H

#include <stddef.h>

#include "lib/mr_err.h"

/* The check digit of a 9-digit NPI body, Luhn with the 80840 prefix. */
int	mr_npi_check_digit(const char *first9);
/* 0 if s is a valid 10-digit NPI; otherwise -1 with a message naming the fix. */
int	mr_npi_validate(const char *s, struct mr_err *);
/*
 * Normalize a TIN written as 123456789, 12-3456789 (EIN) or 123-45-6789
 * (SSN) into 9 digits in out (>= 10 bytes).
 */
int	mr_tin_normalize(const char *s, char *out, size_t outlen, struct mr_err *);
/* "*****6789": the TIN with all but its last four digits hidden. */
void	mr_tin_mask(const char *tin, char *out, size_t outlen);
/* 0 if s is valid UTF-8 without control characters other than \n and \t. */
int	mr_text_validate(const char *field, const char *s, int allow_newline,
	    struct mr_err *);
/* Replace *dst by a copy of s (NULL or "" leave NULL); -1 when out of memory. */
int	mr_text_set(char **dst, const char *s, struct mr_err *);
/* 0 if s looks like a single e-mail address (local@domain, no spaces or CR/LF). */
int	mr_email_validate(const char *s, struct mr_err *);

#endif /* MR_IDENT_H */
