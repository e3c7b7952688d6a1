/*
 * Unit tests of lib/mr_blobstore: store names are SHA-256 in lowercase
 * hex, a file hashed in pieces hashes as its bytes do, and staged files
 * are placed, undone and swept.
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

#include "lib/mr_blobstore.h"

/* SHA-256 of "abc" (FIPS 180-2, appendix B.1). */
static const char abc_sha[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

static void
test_sha256_of_memory(void **state)
{
	char out[MR_BLOB_NAMELEN];

	(void)state;
	assert_int_equal(mr_blob_sha256("abc", 3, out), 0);
	assert_string_equal(out, abc_sha);
	assert_true(mr_blob_is_name(out));
}

static void
test_store_names(void **state)
{
	(void)state;
	assert_true(mr_blob_is_name(abc_sha));
	/* Upper case, short, long, a temporary's name: not store names. */
	assert_false(mr_blob_is_name(
	    "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
	assert_false(mr_blob_is_name("ba7816bf"));
	assert_false(mr_blob_is_name(
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0"));
	assert_false(mr_blob_is_name(".tmp-AbC123"));
	assert_false(mr_blob_is_name(""));
}

static int
collect(const void *p, size_t n, void *arg)
{
	size_t *total = arg;

	(void)p;
	*total += n;
	return 0;
}

static int
refuse(const void *p, size_t n, void *arg)
{
	(void)p;
	(void)n;
	(void)arg;
	return -1;
}

/*
 * Hashing a file through one buffer, in several reads, gives the digest
 * of its bytes held in memory and hands every byte to the consumer.
 */
static void
test_hash_file(void **state)
{
	char dir[] = "/tmp/mrblob.XXXXXX", path[64], whole[MR_BLOB_NAMELEN],
	    want[MR_BLOB_NAMELEN];
	unsigned char *buf, *data;
	size_t len = 2 * MR_BLOB_BUFSZ + 12345, total = 0;
	int fd, fn_failed = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/copy", dir);
	buf = malloc(MR_BLOB_BUFSZ);
	data = malloc(len);
	assert_non_null(buf);
	assert_non_null(data);
	for (size_t i = 0; i < len; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	assert_int_equal(mr_blob_sha256(data, len, want), 0);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	free(data);

	assert_int_equal(mr_blob_hash_file(path, buf, whole, collect, &total,
	    &fn_failed), 0);
	assert_string_equal(whole, want);
	assert_int_equal(total, len);
	assert_false(fn_failed);

	/* A consumer that fails stops the hash and says so. */
	assert_int_equal(mr_blob_hash_file(path, buf, whole, refuse, NULL,
	    &fn_failed), -1);
	assert_true(fn_failed);

	assert_int_equal(unlink(path), 0);
	/* A missing file is ENOENT, which callers report as missing. */
	assert_int_equal(mr_blob_hash_file(path, buf, whole, NULL, NULL,
	    &fn_failed), -1);
	assert_int_equal(errno, ENOENT);
	free(buf);
	assert_int_equal(rmdir(dir), 0);
}

static int
refers_to_none(const char *name, void *arg, struct mr_err *err)
{
	(void)name;
	(void)arg;
	(void)err;
	return 0;
}

static void
count_found(const struct mr_blob_found *f, void *arg)
{
	int *swept = arg;

	*swept += f->swept;
}

/*
 * A staged file is whole under a temporary name until placed under its
 * SHA-256; undoing removes what was placed new; a sweep removes what no
 * record names.
 */
static void
test_stage_place_unstage_and_sweep(void **state)
{
	char dir[] = "/tmp/mrblob.XXXXXX", src[64], name[128];
	struct mr_blob_staged b[2];
	struct mr_err err = { 0 };
	struct stat sb;
	int fd, created = 0, problems = 0, swept = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(src, sizeof src, "%s/abc.txt", dir);
	snprintf(name, sizeof name, "%s/store", dir);
	assert_int_equal(mr_blob_dir_ensure(name, MR_SHARE_PRIVATE, &created,
	    &err), 0);
	assert_true(created);
	fd = open(src, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_int_equal(write(fd, "abc", 3), 3);
	assert_int_equal(close(fd), 0);

	memset(b, 0, sizeof b);
	fd = open(src, O_RDONLY);
	assert_int_equal(fstat(fd, &sb), 0);
	assert_int_equal(mr_blob_stage(name, MR_SHARE_PRIVATE, fd, "abc.txt",
	    &sb, NULL, NULL, NULL, &b[0], &err), 0);
	close(fd);
	assert_string_equal(b[0].sha256, abc_sha);
	assert_int_equal(b[0].size, 3);
	/* Not in place yet: the store holds only the temporary. */
	assert_int_equal(access(b[0].final, F_OK), -1);
	assert_int_equal(mr_blob_place(name, b, 1, created, &err), 0);
	assert_int_equal(access(b[0].final, F_OK), 0);
	assert_false(b[0].dedup);
	assert_true(b[0].placed_new);
	/* Undone (the records were not committed): the new copy goes. */
	mr_blob_unstage(b, 1);
	assert_int_equal(access(b[0].final, F_OK), -1);

	/* Placed again and kept; then swept, as no record names it. */
	fd = open(src, O_RDONLY);
	assert_int_equal(mr_blob_stage(name, MR_SHARE_PRIVATE, fd, "abc.txt",
	    &sb, NULL, NULL, NULL, &b[1], &err), 0);
	close(fd);
	assert_int_equal(mr_blob_place(name, &b[1], 1, 0, &err), 0);
	assert_int_equal(mr_blob_scan(name, 0, refers_to_none, count_found,
	    &swept, &problems, &err), 0);
	assert_int_equal(problems, 1);
	assert_int_equal(swept, 0);
	assert_int_equal(access(b[1].final, F_OK), 0);
	problems = 0;
	assert_int_equal(mr_blob_scan(name, 1, refers_to_none, count_found,
	    &swept, &problems, &err), 0);
	assert_int_equal(problems, 0);
	assert_int_equal(swept, 1);
	assert_int_equal(access(b[1].final, F_OK), -1);

	assert_int_equal(unlink(src), 0);
	assert_int_equal(rmdir(name), 0);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_of_memory),
		cmocka_unit_test(test_store_names),
		cmocka_unit_test(test_hash_file),
		cmocka_unit_test(test_stage_place_unstage_and_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
