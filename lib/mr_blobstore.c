#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lib/mr_blobcopy.h"
#include "lib/mr_blobstore.h"
#include "lib/mr_hex.h"

/*
 * Hash the file at path into hex (65 bytes).  Returns 0, or -1 with errno
 * set (ENOENT: missing).  fn, when given, receives the bytes as they go.
 */
int
mr_blob_hash_file(const char *path, unsigned char *buf, char *out,
    int (*fn)(const void *, size_t, void *), void *arg, int *fn_failed)
{
	EVP_MD_CTX *md = NULL;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	ssize_t n;
	int fd, rc = -1, e = 0;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		e = ENOMEM;
		goto out;
	}
	while ((n = mr_file_read_all(fd, buf, MR_BLOB_BUFSZ)) > 0) {
		EVP_DigestUpdate(md, buf, (size_t)n);
		if (fn != NULL && fn(buf, (size_t)n, arg) == -1) {
			*fn_failed = 1;
			e = EIO;
			goto out;
		}
	}
	if (n == -1) {
		e = errno;
		goto out;
	}
	EVP_DigestFinal_ex(md, digest, &dlen);
	mr_hex(digest, dlen, out);
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	close(fd);
	if (rc == -1)
		errno = e;
	return rc;
}

int
mr_blob_is_name(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64;
}

int
mr_blob_sha256(const void *data, size_t n, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(data, n, md, &mdlen, EVP_sha256(), NULL))
		return -1;
	mr_hex(md, mdlen, out);
	return 0;
}

/* Temporaries of a staging: a sweep knows them by this. */
#define BLOB_TMP_PREFIX	".tmp-"

int
mr_blob_dir_ensure(const char *dir, enum mr_sharing sharing, int *created,
    struct mr_err *err)
{
	struct stat sb;

	*created = 0;
	if (mkdir(dir, 0700) == 0) {
		*created = 1;
		/* chmod, not mkdir's mode: the umask would drop the group. */
		if (sharing == MR_SHARE_GROUP && chmod(dir,
		    mr_place_folder_mode(MR_SHARE_GROUP)) == -1)
			return mr_err_set(err, MR_EFAIL, "cannot share the "
			    "evidence folder '%s' with its group: %s", dir,
			    strerror(errno));
	} else if (errno != EEXIST)
		return mr_err_set(err, MR_EFAIL, "cannot create the evidence "
		    "folder '%s': %s", dir, strerror(errno));
	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return mr_err_set(err, MR_EFAIL, "the evidence folder '%s' is "
		    "not a folder; move it away", dir);
	return 0;
}

/*
 * Remove the staging copies an attach killed half-way (kill -9, a power
 * cut) left behind.  The caller holds the folder's lock exclusively, so
 * nobody is staging now.
 */
static void
sweep_staged(int dfd)
{
	struct dirent *de;
	DIR *d;
	int fd;

	if ((fd = dup(dfd)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, BLOB_TMP_PREFIX,
		    strlen(BLOB_TMP_PREFIX)) == 0)
			(void)unlinkat(dfd, de->d_name, 0);
	closedir(d);
}

int
mr_blob_lock_staging(const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd != -1) {
		/* Nobody staging: what a killed attach staged goes first. */
		if (flock(dfd, LOCK_EX | LOCK_NB) == 0)
			sweep_staged(dfd);
		(void)flock(dfd, LOCK_SH);
	}
	return dfd;
}

static int
same_file_state(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* What a failed copy tells its user. */
static int
copy_failed(const struct mr_blobcopy *c, const char *dir, const char *shown,
    struct mr_err *err)
{
	switch (c->failed) {
	case MR_BLOBCOPY_READ:
		return mr_err_set(err, MR_EFAIL, "reading '%s': %s; nothing was "
		    "attached", shown, strerror(c->errnum));
	case MR_BLOBCOPY_WRITE:
		return mr_err_set(err, MR_EFAIL, "writing to the evidence folder "
		    "'%s': %s; nothing was attached", dir, strerror(c->errnum));
	case MR_BLOBCOPY_MEMORY:
		return mr_err_set(err, MR_EFAIL, "out of memory; nothing was "
		    "attached");
	default:
		return mr_err_set(err, MR_EFAIL, "SHA-256 (OpenSSL) failed; "
		    "nothing was attached");
	}
}

int
mr_blob_stage(const char *dir, enum mr_sharing sharing, int fd,
    const char *shown, const struct stat *before,
    void (*first)(const unsigned char *, size_t, void *),
    void (*step)(int64_t, void *), void *arg, struct mr_blob_staged *s,
    struct mr_err *err)
{
	struct stat after;
	struct mr_blobcopy c;
	struct mr_err ferr = { 0 };

	if (mr_file_open_unnamed(dir, BLOB_TMP_PREFIX,
	    mr_place_evidence_mode(sharing), &s->tmp, &ferr) == -1)
		return mr_err_set(err, MR_EFAIL, "%s; nothing was attached",
		    ferr.msg);
	if (mr_blobcopy(fd, mr_file_fd(s->tmp), before->st_size, first, step,
	    arg, &c) == -1)
		return copy_failed(&c, dir, shown, err);
	if (fstat(fd, &after) == -1)
		return mr_err_set(err, MR_EFAIL, "file '%s': %s", shown,
		    strerror(errno));
	if (!same_file_state(before, &after) || c.total != (int64_t)after.st_size)
		return mr_err_set(err, MR_ECONFLICT, "file '%s' changed while it "
		    "was being copied (%lld bytes read, size %lld before and "
		    "%lld after, or its modification time changed), so its "
		    "SHA-256 would not match the file; nothing was attached: "
		    "attach it again once it is complete", shown,
		    (long long)c.total, (long long)before->st_size,
		    (long long)after.st_size);
	if (c.total == 0)
		return mr_err_set(err, MR_EINVAL, "file '%s' is empty; nothing "
		    "was attached", shown);
	memcpy(s->sha256, c.sha256, sizeof s->sha256);
	s->size = c.total;
	if (mr_file_finish(s->tmp) == -1)
		return mr_err_set(err, MR_EFAIL, "writing to the evidence folder "
		    "'%s': %s; nothing was attached", dir, strerror(errno));
	snprintf(s->final, sizeof s->final, "%s/%s", dir, s->sha256);
	return 0;
}

int
mr_blob_place(const char *dir, struct mr_blob_staged *s, int n, int created,
    struct mr_err *err)
{
	for (int i = 0; i < n; i++) {
		s[i].dedup = access(s[i].final, F_OK) == 0;
		if (mr_file_place(s[i].tmp, s[i].final) == -1)
			return mr_err_set(err, MR_EFAIL, "storing '%s' in the "
			    "evidence folder: %s; nothing was attached",
			    s[i].final, strerror(errno));
		s[i].tmp = NULL;
		s[i].placed_new = !s[i].dedup;
	}
	if (mr_file_sync_dir(dir, 1, err) == -1)
		return -1;
	/* A store folder made by this batch must outlast a power cut too,
	 * or the rows committed next would name files in a lost folder. */
	if (created && mr_file_sync_dir(dir, 0, err) == -1)
		return -1;
	return 0;
}

void
mr_blob_unstage(struct mr_blob_staged *s, int n)
{
	for (int i = 0; s != NULL && i < n; i++) {
		if (s[i].placed_new)
			(void)unlink(s[i].final);
		s[i].placed_new = 0;
		mr_file_abort(s[i].tmp);
		s[i].tmp = NULL;
	}
}

int
mr_blob_scan(const char *dir, int sweep,
    int (*referenced)(const char *, void *, struct mr_err *),
    void (*fn)(const struct mr_blob_found *, void *), void *arg,
    int *nproblems, struct mr_err *err)
{
	struct mr_blob_found found;
	struct dirent *de;
	DIR *d;
	char path[PATH_MAX + 300];
	int r, rc = -1, swept = 0, staging;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return mr_err_set(err, MR_EFAIL, "reading the evidence folder "
		    "'%s': %s", dir, strerror(errno));
	}
	/* A staging holds a shared lock while its temporaries exist:
	 * those are not leftovers. */
	staging = flock(dirfd(d), LOCK_EX | LOCK_NB) == -1 &&
	    errno == EWOULDBLOCK;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (staging && strncmp(de->d_name, BLOB_TMP_PREFIX,
		    strlen(BLOB_TMP_PREFIX)) == 0)
			continue;
		r = 0;
		if (mr_blob_is_name(de->d_name) &&
		    (r = referenced(de->d_name, arg, err)) == -1)
			goto out;
		if (r > 0)
			continue;
		found.name = de->d_name;
		found.swept = 0;
		if (sweep) {
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			if (unlink(path) == 0)
				found.swept = swept = 1;
		}
		if (!found.swept)
			(*nproblems)++;
		if (fn != NULL)
			fn(&found, arg);
	}
	if (swept && mr_file_sync_dir(dir, 1, err) == -1)
		goto out;
	rc = 0;
out:
	closedir(d);
	return rc;
}
