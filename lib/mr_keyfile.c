/*
 * mr_keyfile: reading and creating the secret key files beside the
 * database (see mr_keyfile.h).
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/mr_file.h"
#include "lib/mr_hex.h"
#include "lib/mr_input.h"
#include "lib/mr_keyfile.h"

int
mr_keyfile_read(const struct mr_keyfile *kf, const struct mr_place *pl,
    const char *path, char *text, size_t cap, int *have, struct mr_err *err)
{
	struct mr_err why = { 0 };
	ssize_t n;
	int fd, rc = -1;

	*have = 0;
	text[0] = '\0';
	if (mr_input_open(path, kf->what, &fd, &why) == -1) {
		if (why.code == MR_ENOTFOUND)
			return 0;
		if (err != NULL)
			*err = why;
		return -1;
	}
	if (mr_place_check_secret(pl, path, kf->what, kf->risk, fd, err) == -1)
		goto out;
	if ((n = mr_file_read_all(fd, text, cap - 1)) == -1) {
		mr_err_set(err, MR_EFAIL, "cannot read the %s '%s': %s",
		    kf->what, path, strerror(errno));
		goto out;
	}
	text[n] = '\0';
	*have = 1;
	rc = 0;
out:
	close(fd);
	return rc;
}

int
mr_keyfile_key_line(const char *line, unsigned char *key, size_t n)
{
	unsigned char k[MR_KEYFILE_KEY_MAX];
	int ok;

	/* Decoded aside: a bad line leaves a key read before it whole. */
	ok = n <= sizeof k && strncmp(line, "key ", 4) == 0 &&
	    strlen(line + 4) == 2 * n && mr_unhex(line + 4, n, k) == 0;
	if (ok)
		memcpy(key, k, n);
	explicit_bzero(k, sizeof k);
	return ok;
}

int
mr_keyfile_create(const struct mr_keyfile *kf, const struct mr_place *pl,
    const char *path, const char *text, size_t len, int *raced,
    struct mr_err *err)
{
	struct mr_file *f = NULL;
	struct mr_err ferr = { 0 };
	const char *base = strrchr(path, '/');
	char *dcopy = NULL, *prefix = NULL;
	int rc = -1, shared = pl->sharing == MR_SHARE_GROUP;

	*raced = 0;
	if ((dcopy = strdup(path)) == NULL ||
	    asprintf(&prefix, "%s.", base ? base + 1 : path) == -1) {
		prefix = NULL;
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_file_open_unnamed(dirname(dcopy), prefix, shared ? 0640 : 0600,
	    &f, &ferr) == -1) {
		mr_err_set(err, MR_EFAIL, "cannot create the %s '%s': %s",
		    kf->what, path, ferr.msg);
		goto out;
	}
	if (shared && fchown(mr_file_fd(f), (uid_t)-1, pl->gid) == -1) {
		mr_err_set(err, MR_EFAIL, "cannot give the %s '%s' the "
		    "database's group: %s", kf->what, path, strerror(errno));
		goto out;
	}
	errno = 0;
	if (write(mr_file_fd(f), text, len) != (ssize_t)len ||
	    mr_file_finish(f) == -1) {
		mr_err_set(err, MR_EFAIL, "cannot write the %s '%s': %s",
		    kf->what, path, errno ? strerror(errno) : "short write");
		goto out;
	}
	/* Never over another's key: a second process may have made it. */
	if (mr_file_place_new(f, path) == 0)
		f = NULL;
	else if (errno == EEXIST)
		*raced = 1;
	else {
		mr_err_set(err, MR_EFAIL, "cannot create the %s '%s': %s",
		    kf->what, path, strerror(errno));
		goto out;
	}
	(void)mr_file_sync_dir(path, 0, NULL);
	rc = 0;
out:
	mr_file_abort(f);
	free(prefix);
	free(dcopy);
	return rc;
}
