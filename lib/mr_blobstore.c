#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lib/mr_blobstore.h"
#include "lib/mr_hex.h"

/* Go back to writing through the page cache, for the rest of the copy. */
static void
blob_direct_off(int fd, int *direct)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl != -1)
		(void)fcntl(fd, F_SETFL, fl & ~O_DIRECT);
	*direct = 0;
}

/*
 * Append n bytes to the copy.  Whole blocks go straight to the disk when
 * *direct (no page cache to fill and flush: a copy then costs about what
 * the disk takes, and little CPU); a tail that is not a whole block, or a
 * file system that refuses direct I/O, switches to the page cache.
 */
int
mr_blob_write(int fd, const unsigned char *p, size_t n, int *direct)
{
	ssize_t w;

	if (*direct && n % MR_BLOB_ALIGN != 0)
		blob_direct_off(fd, direct);
	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EINVAL && *direct) {
				blob_direct_off(fd, direct);
				continue;
			}
			return -1;
		}
		if (*direct && w % MR_BLOB_ALIGN != 0)
			blob_direct_off(fd, direct);
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t
mr_blob_read(int fd, unsigned char *buf, size_t n)
{
	ssize_t r;

	do
		r = read(fd, buf, n);
	while (r == -1 && errno == EINTR);
	return r;
}


static void *
hasher_main(void *arg)
{
	struct mr_blob_hasher *h = arg;
	const unsigned char *p;
	size_t n;
	int ok;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (!h->pending && !h->quit)
			pthread_cond_wait(&h->cv, &h->mu);
		if (!h->pending)
			break;
		p = h->job;
		n = h->njob;
		pthread_mutex_unlock(&h->mu);
		ok = EVP_DigestUpdate(h->md, p, n);
		pthread_mutex_lock(&h->mu);
		if (!ok)
			h->failed = 1;
		h->pending = 0;
		pthread_cond_broadcast(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

int
mr_blob_hasher_start(struct mr_blob_hasher *h)
{
	memset(h, 0, sizeof *h);
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	h->inited = 1;
	if ((h->md = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(h->md, EVP_sha256(), NULL))
		return -1;
	/* Without a thread, hash inline: slower, same result. */
	h->threaded = pthread_create(&h->th, NULL, hasher_main, h) == 0;
	return 0;
}

/* Wait until the hasher is done with the last buffer handed over. */
void
mr_blob_hasher_wait(struct mr_blob_hasher *h)
{
	if (!h->threaded)
		return;
	pthread_mutex_lock(&h->mu);
	while (h->pending)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

void
mr_blob_hasher_post(struct mr_blob_hasher *h, const unsigned char *p, size_t n)
{
	if (!h->threaded) {
		if (!EVP_DigestUpdate(h->md, p, n))
			h->failed = 1;
		return;
	}
	pthread_mutex_lock(&h->mu);
	h->job = p;
	h->njob = n;
	h->pending = 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

/* Stop the thread (after its last job) and free the digest. */
void
mr_blob_hasher_stop(struct mr_blob_hasher *h)
{
	if (h->threaded) {
		pthread_mutex_lock(&h->mu);
		h->quit = 1;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->th, NULL);
		h->threaded = 0;
	}
	if (h->inited) {
		pthread_mutex_destroy(&h->mu);
		pthread_cond_destroy(&h->cv);
		h->inited = 0;
	}
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
}

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
	while ((n = mr_blob_read(fd, buf, MR_BLOB_BUFSZ)) > 0) {
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

/* Ask the kernel to start writing the copy to disk every this many bytes. */
#define BLOB_FLUSH	(8 * 1024 * 1024)
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

int
mr_blob_stage(const char *dir, enum mr_sharing sharing, int fd,
    const char *shown, const struct stat *before, unsigned char *buf,
    void (*first)(const unsigned char *, size_t, void *),
    void (*step)(int64_t, void *), void *arg, struct mr_blob_staged *s,
    struct mr_err *err)
{
	struct stat after;
	struct mr_blob_hasher h = { .inited = 0 };
	struct mr_err ferr = { 0 };
	unsigned char digest[EVP_MAX_MD_SIZE], *cur;
	unsigned int dlen = 0;
	ssize_t n;
	int64_t total = 0, flushed = 0;
	int tfd, rc = -1, which = 0, direct, fl;

	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (mr_file_open_unnamed(dir, BLOB_TMP_PREFIX,
	    mr_place_evidence_mode(sharing), &s->tmp, &ferr) == -1) {
		mr_err_set(err, MR_EFAIL, "%s; nothing was attached", ferr.msg);
		goto out;
	}
	tfd = mr_file_fd(s->tmp);
	direct = (fl = fcntl(tfd, F_GETFL)) != -1 &&
	    fcntl(tfd, F_SETFL, fl | O_DIRECT) == 0;
	if (mr_blob_hasher_start(&h) == -1) {
		mr_err_set(err, MR_EFAIL, "cannot start SHA-256 (OpenSSL)");
		goto out;
	}
	for (;;) {
		/* The hasher may still read the other buffer, not this one. */
		cur = buf + (size_t)which * MR_BLOB_BUFSZ;
		if ((n = mr_blob_read(fd, cur, MR_BLOB_BUFSZ)) == -1) {
			mr_err_set(err, MR_EFAIL, "reading '%s': %s; nothing was "
			    "attached", shown, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (total == 0 && first != NULL)
			first(cur, (size_t)n, arg);
		mr_blob_hasher_wait(&h);
		mr_blob_hasher_post(&h, cur, (size_t)n);
		if (mr_blob_write(tfd, cur, (size_t)n, &direct) == -1) {
			mr_err_set(err, MR_EFAIL, "writing to the evidence folder "
			    "'%s': %s; nothing was attached", dir, strerror(errno));
			goto out;
		}
		total += n;
		which ^= 1;
		/* Without direct I/O, start writing back to disk now, so that
		 * the fsync below finds little left to do. */
		if (!direct && total - flushed >= BLOB_FLUSH) {
			(void)sync_file_range(tfd, flushed, total - flushed,
			    SYNC_FILE_RANGE_WRITE);
			flushed = total;
		}
		if (step != NULL)
			step(total, arg);
	}
	mr_blob_hasher_wait(&h);
	if (h.failed) {
		mr_err_set(err, MR_EFAIL, "SHA-256 (OpenSSL) failed");
		goto out;
	}
	if (fstat(fd, &after) == -1) {
		mr_err_set(err, MR_EFAIL, "file '%s': %s", shown, strerror(errno));
		goto out;
	}
	if (!same_file_state(before, &after) || total != (int64_t)after.st_size) {
		mr_err_set(err, MR_ECONFLICT, "file '%s' changed while it was "
		    "being copied (%lld bytes read, size %lld before and %lld "
		    "after, or its modification time changed), so its SHA-256 "
		    "would not match the file; nothing was attached: attach it "
		    "again once it is complete", shown, (long long)total,
		    (long long)before->st_size, (long long)after.st_size);
		goto out;
	}
	if (total == 0) {
		mr_err_set(err, MR_EINVAL, "file '%s' is empty; nothing was "
		    "attached", shown);
		goto out;
	}
	if (!EVP_DigestFinal_ex(h.md, digest, &dlen)) {
		mr_err_set(err, MR_EFAIL, "SHA-256 (OpenSSL) failed");
		goto out;
	}
	mr_hex(digest, dlen, s->sha256);
	s->size = total;
	if (mr_file_finish(s->tmp) == -1) {
		mr_err_set(err, MR_EFAIL, "writing to the evidence folder '%s': "
		    "%s; nothing was attached", dir, strerror(errno));
		goto out;
	}
	snprintf(s->final, sizeof s->final, "%s/%s", dir, s->sha256);
	rc = 0;
out:
	mr_blob_hasher_wait(&h);
	mr_blob_hasher_stop(&h);
	return rc;
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
