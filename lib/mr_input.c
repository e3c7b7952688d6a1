#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/mr_input.h"

static const char *
kind_of(mode_t m)
{
	if (S_ISDIR(m))
		return "a folder";
	if (S_ISFIFO(m))
		return "a FIFO (named pipe)";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	return "not a regular file";
}

static int
input_open(const char *path, const char *what, int stdin_ok, int *fd,
    struct mr_err *err)
{
	struct stat sb;
	int f, flags;

	*fd = -1;
	f = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (f == -1)
		return mr_err_set(err, errno == ENOENT ? MR_ENOTFOUND : MR_EFAIL,
		    "cannot read %s '%s': %s", what, path, strerror(errno));
	if (fstat(f, &sb) == -1) {
		mr_err_set(err, MR_EFAIL, "cannot read %s '%s': %s", what, path,
		    strerror(errno));
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		mr_err_set(err, MR_EINVAL, "%s '%s' is %s: give a regular "
		    "file%s", what, path, kind_of(sb.st_mode), stdin_ok ?
		    ", or - to read standard input" : "");
		goto fail;
	}
	/* A regular file never blocks; clear O_NONBLOCK all the same. */
	if ((flags = fcntl(f, F_GETFL)) != -1)
		(void)fcntl(f, F_SETFL, flags & ~O_NONBLOCK);
	*fd = f;
	return 0;
fail:
	close(f);
	return -1;
}

int
mr_input_open(const char *path, const char *what, int *fd, struct mr_err *err)
{
	return input_open(path, what, 0, fd, err);
}

static int
input_fopen(const char *path, const char *what, int stdin_ok, FILE **fp,
    struct mr_err *err)
{
	int fd;

	*fp = NULL;
	if (input_open(path, what, stdin_ok, &fd, err) == -1)
		return -1;
	if ((*fp = fdopen(fd, "re")) == NULL) {
		close(fd);
		return mr_err_set(err, MR_EFAIL, "cannot read %s '%s': %s", what,
		    path, strerror(errno));
	}
	return 0;
}

int
mr_input_fopen(const char *path, const char *what, FILE **fp,
    struct mr_err *err)
{
	return input_fopen(path, what, 0, fp, err);
}

int
mr_input_fopen_stdin(const char *path, const char *what, FILE **fp,
    struct mr_err *err)
{
	int fd;

	if (strcmp(path, "-") != 0)
		return input_fopen(path, what, 1, fp, err);
	*fp = NULL;
	if ((fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)) == -1)
		return mr_err_set(err, MR_EFAIL, "cannot read %s from standard "
		    "input: %s", what, strerror(errno));
	if ((*fp = fdopen(fd, "re")) == NULL) {
		close(fd);
		return mr_err_set(err, MR_EFAIL, "cannot read %s from standard "
		    "input: %s", what, strerror(errno));
	}
	return 0;
}

int
mr_input_check(const char *path, const char *what, struct mr_err *err)
{
	int fd;

	if (mr_input_open(path, what, &fd, err) == -1)
		return -1;
	close(fd);
	return 0;
}
