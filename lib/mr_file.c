/* mr_file: files that land atomically (see lib/mr_file.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/mr_file.h"

struct mr_file {
	char	*path;		/* NULL: unnamed until placed */
	char	*tmp;
	FILE	*fp;
	int	 fd;		/* unnamed: the temporary, -1 once finished */
};

void
mr_file_abort(struct mr_file *f)
{
	if (f == NULL)
		return;
	if (f->fp != NULL)
		fclose(f->fp);
	else if (f->fd != -1)
		close(f->fd);
	if (f->tmp != NULL)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	free(f);
}

int
mr_file_open(const char *path, mode_t mode, struct mr_file **out,
    struct mr_err *err)
{
	struct mr_file *f;
	int fd = -1;

	*out = NULL;
	if ((f = calloc(1, sizeof *f)) != NULL)
		f->fd = -1;
	if (f == NULL || (f->path = strdup(path)) == NULL ||
	    asprintf(&f->tmp, "%s.XXXXXX", path) == -1) {
		if (f != NULL)
			f->tmp = NULL;
		mr_file_abort(f);
		return mr_err_set(err, MR_EFAIL, "out of memory");
	}
	/* mkstemp creates it 0600; fchmod sets the mode whatever the umask. */
	if ((fd = mkstemp(f->tmp)) == -1) {
		mr_err_set(err, MR_EFAIL, "cannot create '%s': %s", path,
		    strerror(errno));
		free(f->tmp);
		f->tmp = NULL;
		mr_file_abort(f);
		return -1;
	}
	if ((mode != 0600 && fchmod(fd, mode) == -1) ||
	    (f->fp = fdopen(fd, "w")) == NULL) {
		mr_err_set(err, MR_EFAIL, "cannot create '%s': %s", path,
		    strerror(errno));
		close(fd);
		mr_file_abort(f);
		return -1;
	}
	*out = f;
	return 0;
}

FILE *
mr_file_stream(struct mr_file *f)
{
	return f->fp;
}

int
mr_file_open_unnamed(const char *dir, const char *prefix, mode_t mode,
    struct mr_file **out, struct mr_err *err)
{
	struct mr_file *f;

	*out = NULL;
	if ((f = calloc(1, sizeof *f)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	f->fd = -1;
	if (asprintf(&f->tmp, "%s/%sXXXXXX", dir, prefix) == -1) {
		f->tmp = NULL;
		mr_file_abort(f);
		return mr_err_set(err, MR_EFAIL, "out of memory");
	}
	if ((f->fd = mkostemp(f->tmp, O_CLOEXEC)) == -1) {
		mr_err_set(err, MR_EFAIL, "cannot create a file in '%s': %s",
		    dir, strerror(errno));
		free(f->tmp);
		f->tmp = NULL;
		mr_file_abort(f);
		return -1;
	}
	if (mode != 0600 && fchmod(f->fd, mode) == -1) {
		mr_err_set(err, MR_EFAIL, "cannot set the mode of a file in "
		    "'%s': %s", dir, strerror(errno));
		mr_file_abort(f);
		return -1;
	}
	*out = f;
	return 0;
}

int
mr_file_fd(struct mr_file *f)
{
	return f->fd;
}

int
mr_file_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t
mr_file_read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		if ((r = read(fd, p + got, n - got)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int
mr_file_finish(struct mr_file *f)
{
	int e;

	/* Closed whether or not fsync worked; the first error is the one. */
	e = fsync(f->fd) == -1 ? errno : 0;
	if (close(f->fd) == -1 && e == 0)
		e = errno;
	f->fd = -1;
	errno = e;
	return e != 0 ? -1 : 0;
}

int
mr_file_rename_new(const char *src, const char *dst)
{
	return renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_NOREPLACE);
}

/* Rename the finished temporary to path; the handle goes once it is there. */
static int
place(struct mr_file *f, const char *path, int replace)
{
	if ((replace ? rename(f->tmp, path) : mr_file_rename_new(f->tmp,
	    path)) == -1)
		return -1;
	free(f->tmp);
	f->tmp = NULL;
	mr_file_abort(f);
	return 0;
}

int
mr_file_place(struct mr_file *f, const char *path)
{
	return place(f, path, 1);
}

int
mr_file_place_new(struct mr_file *f, const char *path)
{
	return place(f, path, 0);
}

int
mr_file_sync_dir(const char *path, int is_dir, struct mr_err *err)
{
	char *copy = NULL;
	const char *dir = path;
	int fd, rc = -1;

	if (!is_dir) {
		if ((copy = strdup(path)) == NULL)
			return mr_err_set(err, MR_EFAIL, "out of memory");
		dir = dirname(copy);
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) == -1)
		mr_err_set(err, MR_EFAIL, "cannot sync the folder '%s': %s",
		    dir, strerror(errno));
	else
		rc = 0;
	if (fd != -1)
		close(fd);
	free(copy);
	return rc;
}

int
mr_file_commit(struct mr_file *f, struct mr_err *err)
{
	FILE *fp = f->fp;
	int rc = -1;

	f->fp = NULL;
	if (fflush(fp) == EOF || ferror(fp) || fsync(fileno(fp)) == -1) {
		mr_err_set(err, MR_EFAIL, "writing '%s': %s", f->path,
		    strerror(errno ? errno : EIO));
		fclose(fp);
		goto out;
	}
	if (fclose(fp) == EOF) {
		mr_err_set(err, MR_EFAIL, "writing '%s': %s", f->path,
		    strerror(errno));
		goto out;
	}
	if (rename(f->tmp, f->path) == -1) {
		mr_err_set(err, MR_EFAIL, "cannot write '%s': %s", f->path,
		    strerror(errno));
		goto out;
	}
	free(f->tmp);
	f->tmp = NULL;
	/* The rename is durable once the folder is. */
	rc = mr_file_sync_dir(f->path, 0, err);
out:
	mr_file_abort(f);
	return rc;
}
