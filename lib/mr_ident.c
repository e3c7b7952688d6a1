#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mr_ident.h"

/*
 * CMS "Requirements for NPI Check Digit": Luhn mod 10 over the 9-digit
 * body as if prefixed by 80840 (health, USA); the prefix adds 24.
 */
int
mr_npi_check_digit(const char *first9)
{
	int sum = 24, i, d;

	for (i = 8; i >= 0; i--) {
		d = first9[i] - '0';
		if ((8 - i) % 2 == 0) {		/* rightmost, then every other */
			d *= 2;
			d = d / 10 + d % 10;
		}
		sum += d;
	}
	return (10 - sum % 10) % 10;
}

static int
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int
mr_npi_validate(const char *s, struct mr_err *err)
{
	size_t len = strlen(s);
	int want;

	if (len != 10 || !all_digits(s, len))
		return mr_err_set(err, MR_EINVAL, "npi '%s': an NPI is exactly "
		    "10 digits", s);
	/* The CMS check-digit requirements issue NPIs with a first digit of
	 * 1 or 2 only, to keep them apart from other card-issuer numbers. */
	if (s[0] != '1' && s[0] != '2')
		return mr_err_set(err, MR_EINVAL, "npi '%s': an NPI begins with "
		    "1 or 2 (CMS \"Requirements for NPI Check Digit\"); check "
		    "the NPI in NPPES", s);
	want = mr_npi_check_digit(s);
	if (s[9] - '0' != want)
		return mr_err_set(err, MR_EINVAL, "npi '%s': check digit should "
		    "be %d, not %c; check the NPI in NPPES", s, want, s[9]);
	return 0;
}

int
mr_tin_normalize(const char *s, char *out, size_t outlen, struct mr_err *err)
{
	size_t len = strlen(s);
	char digits[10];

	if (outlen < 10)
		return mr_err_set(err, MR_EFAIL, "tin buffer too small");
	if (len == 9 && all_digits(s, 9))
		memcpy(digits, s, 9);
	else if (len == 10 && s[2] == '-' && all_digits(s, 2) &&
	    all_digits(s + 3, 7)) {
		memcpy(digits, s, 2);
		memcpy(digits + 2, s + 3, 7);
	} else if (len == 11 && s[3] == '-' && s[6] == '-' &&
	    all_digits(s, 3) && all_digits(s + 4, 2) && all_digits(s + 7, 4)) {
		memcpy(digits, s, 3);
		memcpy(digits + 3, s + 4, 2);
		memcpy(digits + 5, s + 7, 4);
	} else {
		/* A mistyped TIN may still be most of an SSN: show its end only. */
		char shown[16];

		mr_tin_mask(s, shown, sizeof shown);
		return mr_err_set(err, MR_EINVAL, "tin '%s': a TIN is 9 digits, "
		    "written 123456789, 12-3456789 (EIN) or 123-45-6789 (SSN)",
		    shown);
	}
	digits[9] = '\0';
	/* No taxpayer is issued 000000000 (nor an EIN 00-0000000 or SSN
	 * 000-00-0000): it is a placeholder, not a practice's TIN. */
	if (strcmp(digits, "000000000") == 0)
		return mr_err_set(err, MR_EINVAL, "tin '%s': all zeros is a "
		    "placeholder, not a TIN; give the practice's EIN or the "
		    "clinician's SSN as enrolled in PECOS", s);
	memcpy(out, digits, 10);
	return 0;
}

void
mr_tin_mask(const char *tin, char *out, size_t outlen)
{
	size_t len = strlen(tin);

	if (len < 4) {
		snprintf(out, outlen, "*****");
		return;
	}
	snprintf(out, outlen, "*****%s", tin + len - 4);
}

/* Length of the UTF-8 sequence at s, or 0 if it is not well-formed. */
static size_t
utf8_seq(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xe0 && s[1] < 0xa0)
			return 0;		/* overlong */
		if (s[0] == 0xed && s[1] >= 0xa0)
			return 0;		/* surrogate */
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

int
mr_text_validate(const char *field, const char *s, int allow_newline,
    struct mr_err *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		/* Printable ASCII, most of any text, needs no more look. */
		while (*p >= 0x20 && *p < 0x7f)
			p++;
		if (*p == '\0')
			break;
		if ((n = utf8_seq(p)) == 0)
			return mr_err_set(err, MR_EINVAL, "%s: byte %zu is not "
			    "valid UTF-8; convert the text to UTF-8 (e.g. with "
			    "iconv)", field, (size_t)(p - (const unsigned char *)s));
		if (n == 1 && (*p < 0x20 || *p == 0x7f) && *p != '\t' &&
		    !(allow_newline && *p == '\n'))
			return mr_err_set(err, MR_EINVAL, "%s: control character "
			    "0x%02x at byte %zu is not allowed%s", field, *p,
			    (size_t)(p - (const unsigned char *)s),
			    allow_newline ? "" : " (write it on one line)");
		p += n;
	}
	return 0;
}

int
mr_email_validate(const char *s, struct mr_err *err)
{
	const char *at = strchr(s, '@');

	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' ||
		    *p == ',' || *p == ';' || *p == '"' || (unsigned char)*p >= 0x7f)
			return mr_err_set(err, MR_EINVAL, "e-mail '%s': one plain "
			    "address like officer@practice.example is expected", s);
	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    at[1] == '\0' || strchr(at + 1, '.') == NULL ||
	    at[strlen(at) - 1] == '.')
		return mr_err_set(err, MR_EINVAL, "e-mail '%s': one plain "
		    "address like officer@practice.example is expected", s);
	return 0;
}

int
mr_text_set(char **dst, const char *s, struct mr_err *err)
{
	char *copy = NULL;

	if (s != NULL && *s != '\0' && (copy = strdup(s)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	free(*dst);
	*dst = copy;
	return 0;
}
