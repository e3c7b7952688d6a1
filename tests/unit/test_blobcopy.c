/*
 * Unit tests of lib/mr_blobcopy: whatever the file's size and however
 * many buffers are in flight, the copy holds the source's bytes and the
 * digest is theirs; a failed read or write is reported, not hung on.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/mr_blobcopy.h"
#include "lib/mr_blobstore.h"

#define MIB	(1024 * 1024)

struct fixture {
	char	 dir[32];
	char	 src[64];
	char	 dst[64];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/mrcopy.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->src, sizeof f->src, "%s/src", f->dir);
	snprintf(f->dst, sizeof f->dst, "%s/dst", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	(void)unlink(f->src);
	(void)unlink(f->dst);
	(void)rmdir(f->dir);
	free(f);
	return 0;
}

/* A source of len bytes of a pattern that repeats only every 251 bytes,
 * so that a buffer written at the wrong place shows. */
static unsigned char *
make_source(const char *path, size_t len)
{
	unsigned char *p = malloc(len + 1);
	int fd;

	assert_non_null(p);
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i % 251 + i / (4 * MIB));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, p, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	return p;
}

static void
count_steps(int64_t copied, void *arg)
{
	int64_t *last = arg;

	assert_true(copied > *last);
	*last = copied;
}

/* Copy src to a new dst, telling the copy to expect hint bytes; check the
 * copy's bytes and digest against want. */
static void
copy_and_check(struct fixture *f, const unsigned char *want, size_t len,
    int64_t hint)
{
	struct mr_blobcopy c;
	struct stat sb;
	char sha[MR_BLOB_NAMELEN];
	unsigned char *got;
	int64_t last = 0;
	int in, out;

	(void)unlink(f->dst);
	in = open(f->src, O_RDONLY);
	out = open(f->dst, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(in != -1 && out != -1);
	assert_int_equal(mr_blobcopy(in, out, hint, NULL, count_steps, &last,
	    &c), 0);
	assert_int_equal(c.failed, MR_BLOBCOPY_OK);
	assert_int_equal(c.total, (int64_t)len);
	assert_int_equal(last, (int64_t)len);
	assert_int_equal(close(in), 0);
	assert_int_equal(close(out), 0);

	assert_int_equal(mr_blob_sha256(want, len, sha), 0);
	assert_string_equal(c.sha256, sha);
	assert_int_equal(stat(f->dst, &sb), 0);
	assert_int_equal(sb.st_size, (off_t)len);
	got = malloc(len + 1);
	assert_non_null(got);
	in = open(f->dst, O_RDONLY);
	assert_int_equal(read(in, got, len + 1), (ssize_t)len);
	assert_int_equal(close(in), 0);
	assert_memory_equal(got, want, len);
	free(got);
}

/*
 * Files of one block, of exactly one buffer, and of more buffers than
 * the ring holds, flushed along the way, with a tail that is not whole
 * blocks (written through the page cache after direct writes).
 */
static void
test_copies_every_size(void **state)
{
	static const size_t sizes[] = { 3, 4096, 4 * MIB, 4 * MIB + 1,
	    67 * MIB + 12345 };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		unsigned char *want = make_source(f->src, sizes[i]);

		copy_and_check(f, want, sizes[i], (int64_t)sizes[i]);
		free(want);
	}
}

/*
 * The size is a hint: a source longer than it is copied whole (without
 * threads, buffer by buffer), and one shorter than it leaves a copy of
 * the bytes read, not the reserved space.
 */
static void
test_size_is_a_hint(void **state)
{
	struct fixture *f = *state;
	size_t len = 9 * MIB + 7;
	unsigned char *want = make_source(f->src, len);

	copy_and_check(f, want, len, 100);
	copy_and_check(f, want, len, 0);
	copy_and_check(f, want, len, 64 * MIB);
	free(want);
}

/* An empty source is copied as nothing, with the digest of nothing. */
static void
test_empty_source(void **state)
{
	struct fixture *f = *state;
	unsigned char none = 0;

	free(make_source(f->src, 0));
	copy_and_check(f, &none, 0, 0);
}

/* Copy src, opened with in_flags, into a new dst opened with out_flags,
 * expecting the copy to fail as want says, with EBADF. */
static void
expect_failure(struct fixture *f, int in_flags, int out_flags, int64_t hint,
    enum mr_blobcopy_failure want)
{
	struct mr_blobcopy c;
	int in, out;

	(void)unlink(f->dst);
	out = open(f->dst, out_flags | O_CREAT | O_EXCL, 0600);
	in = open(f->src, in_flags);
	assert_true(in != -1 && out != -1);
	assert_int_equal(mr_blobcopy(in, out, hint, NULL, NULL, NULL, &c), -1);
	assert_int_equal(c.failed, want);
	assert_int_equal(c.errnum, EBADF);
	close(in);
	close(out);
}

/*
 * A copy that cannot write (the copy is open read-only) or cannot read
 * (the source is open write-only) says which and why, with threads and
 * without; none of it hangs.
 */
static void
test_failures_are_reported(void **state)
{
	static const int64_t hints[] = { 3, 70 * MIB };
	struct fixture *f = *state;

	free(make_source(f->src, 70 * MIB));
	for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
		expect_failure(f, O_RDONLY, O_RDONLY, hints[i],
		    MR_BLOBCOPY_WRITE);
		expect_failure(f, O_WRONLY, O_RDWR, hints[i], MR_BLOBCOPY_READ);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copies_every_size,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_size_is_a_hint,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_source,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures_are_reported,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
