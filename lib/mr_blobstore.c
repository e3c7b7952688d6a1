#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lib/mr_blobstore.h"

void
mr_blob_hex(const unsigned char *md, unsigned int n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned int i = 0; i < n; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 0xf];
	}
	out[2 * n] = '\0';
}

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
	mr_blob_hex(digest, dlen, out);
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
	mr_blob_hex(md, mdlen, out);
	return 0;
}
