/*
 * Where a practice is, as typed for add, set and import: any bytes as a
 * county ("NAME, ST") and as a ZIP code.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/mr_autoeuc.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_err err = { 0 };
	char *s = malloc(size + 1), out[96], zip[6];

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (mr_autoeuc_county_parse(s, out, sizeof out, &err) == 0 &&
	    strlen(out) < 4)
		__builtin_trap();
	if (mr_autoeuc_zip_parse(s, zip, &err) == 0 && strlen(zip) != 5)
		__builtin_trap();
	free(s);
	return 0;
}
