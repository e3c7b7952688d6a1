/*
 * Reference packs as an office receives them (mipsreview reference
 * import): the whole validation, which runs before anything is written.
 */
#include "config.h"

#include "lib/mr_reference.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_err err = { 0 };

	/* 2026-11-30: years up to 2027 are accepted. */
	(void)mr_reference_validate((const char *)data, size, 1796047200LL,
	    &err);
	return 0;
}
