/* Unit tests of lib/mr_file: a file lands whole, or not at all; a read
 * runs on to the end of the file. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/mr_file.h"

struct scratch {
	char	dir[64];
	char	path[96];
};

static int
setup(void **state)
{
	struct scratch *s = calloc(1, sizeof *s);

	if (s == NULL)
		return -1;
	snprintf(s->dir, sizeof s->dir, "/tmp/mrfile.XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	snprintf(s->path, sizeof s->path, "%s/out.txt", s->dir);
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	struct scratch *s = *state;
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
	free(s);
	return system(cmd) == 0 ? 0 : -1;
}

/* How many names the folder holds. */
static int
entries(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void
contents(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

static void
test_commit_replaces_the_target_whole(void **state)
{
	struct scratch *s = *state;
	struct mr_file *f;
	struct mr_err err = { 0 };
	struct stat sb;
	char buf[64];
	FILE *fp = fopen(s->path, "w");

	fputs("old\n", fp);
	fclose(fp);
	assert_int_equal(mr_file_open(s->path, 0644, &f, &err), 0);
	fputs("new ", mr_file_stream(f));
	/* Until the commit the target is the old file. */
	contents(s->path, buf, sizeof buf);
	assert_string_equal(buf, "old\n");
	assert_int_equal(entries(s->dir), 2);
	fputs("content\n", mr_file_stream(f));
	assert_int_equal(mr_file_commit(f, &err), 0);
	contents(s->path, buf, sizeof buf);
	assert_string_equal(buf, "new content\n");
	assert_int_equal(stat(s->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);
	assert_int_equal(entries(s->dir), 1);	/* no temporary left */
}

static void
test_abort_leaves_the_target_and_no_temporary(void **state)
{
	struct scratch *s = *state;
	struct mr_file *f;
	struct mr_err err = { 0 };
	struct stat sb;
	mode_t old = umask(0);

	assert_int_equal(mr_file_open(s->path, 0600, &f, &err), 0);
	umask(old);
	fputs("half", mr_file_stream(f));
	mr_file_abort(f);
	assert_int_equal(stat(s->path, &sb), -1);
	assert_int_equal(entries(s->dir), 0);
	mr_file_abort(NULL);
}

static void
test_a_folder_that_is_not_there_is_an_error(void **state)
{
	struct scratch *s = *state;
	struct mr_file *f = NULL;
	struct mr_err err = { 0 };
	char path[128];

	snprintf(path, sizeof path, "%s/no/such/file", s->dir);
	assert_int_equal(mr_file_open(path, 0600, &f, &err), -1);
	assert_null(f);
	assert_non_null(strstr(err.msg, "cannot create"));
	assert_int_equal(mr_file_sync_dir(path, 0, &err), -1);
	assert_int_equal(mr_file_sync_dir(s->path, 0, &err), 0);
}

/* A file named once it is whole: the temporary alone until placed. */
static void
test_an_unnamed_file_lands_under_the_name_given_last(void **state)
{
	struct scratch *s = *state;
	struct mr_file *f;
	struct mr_err err = { 0 };
	struct stat sb;
	char buf[16];

	assert_int_equal(mr_file_open_unnamed(s->dir, ".tmp-", 0640, &f, &err),
	    0);
	assert_int_equal(write(mr_file_fd(f), "whole", 5), 5);
	assert_int_equal(mr_file_finish(f), 0);
	assert_int_equal(entries(s->dir), 1);
	assert_int_equal(stat(s->path, &sb), -1);
	assert_int_equal(mr_file_place(f, s->path), 0);
	assert_int_equal(entries(s->dir), 1);
	contents(s->path, buf, sizeof buf);
	assert_string_equal(buf, "whole");
	assert_int_equal(stat(s->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	/* Abandoned before it is placed: nothing is left behind. */
	assert_int_equal(mr_file_open_unnamed(s->dir, ".tmp-", 0600, &f, &err),
	    0);
	assert_int_equal(entries(s->dir), 2);
	mr_file_abort(f);
	assert_int_equal(entries(s->dir), 1);
	/* Placed without replacing: an existing file stays as it was. */
	assert_int_equal(mr_file_open_unnamed(s->dir, ".tmp-", 0600, &f, &err),
	    0);
	assert_int_equal(write(mr_file_fd(f), "other", 5), 5);
	assert_int_equal(mr_file_finish(f), 0);
	assert_int_equal(mr_file_place_new(f, s->path), -1);
	assert_int_equal(errno, EEXIST);
	mr_file_abort(f);
	contents(s->path, buf, sizeof buf);
	assert_string_equal(buf, "whole");
	assert_int_equal(entries(s->dir), 1);
}

/* Short reads are retried to the end of the file, and no further. */
static void
test_read_all_reads_on_to_the_end(void **state)
{
	char buf[16];
	int fds[2], status;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "abc", 3), 3);
	/* The rest comes later, in a read of its own. */
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		close(fds[0]);
		usleep(100 * 1000);
		_exit(write(fds[1], "defgh", 5) == 5 ? 0 : 1);
	}
	close(fds[1]);
	assert_int_equal(mr_file_read_all(fds[0], buf, 6), 6);
	assert_memory_equal(buf, "abcdef", 6);
	/* Fewer than asked only at the end. */
	assert_int_equal(mr_file_read_all(fds[0], buf, sizeof buf), 2);
	assert_memory_equal(buf, "gh", 2);
	assert_int_equal(mr_file_read_all(fds[0], buf, sizeof buf), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	close(fds[0]);
	assert_int_equal(mr_file_read_all(-1, buf, sizeof buf), -1);
	assert_int_equal(errno, EBADF);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_commit_replaces_the_target_whole),
		T(test_abort_leaves_the_target_and_no_temporary),
		T(test_a_folder_that_is_not_there_is_an_error),
		T(test_an_unnamed_file_lands_under_the_name_given_last),
		T(test_read_all_reads_on_to_the_end),
	};
#undef T

	return cmocka_run_group_tests_name("file", tests, NULL, NULL);
}
