/*
 * fuzz.h: what the fuzz harnesses share.
 *
 * Each harness defines LLVMFuzzerTestOneInput() and runs under libFuzzer
 * (configure --enable-fuzzing, CC=clang) or, in any other build, under
 * driver.c, which feeds it the files named on its command line: that is
 * how make check replays the seed corpus (tests/fuzz/smoke.sh).
 */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A private scratch folder, made on first use and removed at exit; a
 * path in it for name is written to buf.  NULL if it cannot be made.
 */
const char *fuzz_scratch(const char *name, char *buf, size_t len);
/* Write data to path (replacing it); 0 on success. */
int	fuzz_write_file(const char *path, const uint8_t *data, size_t size);
/* data as a NUL-terminated string, in a buffer the caller frees. */
char	*fuzz_string(const uint8_t *data, size_t size);

#endif /* TESTS_FUZZ_H */
