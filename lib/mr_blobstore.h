/*
 * mr_blobstore: the content-addressed file store under evidence records
 * and review packets.  A stored file is named by the SHA-256 of its bytes
 * (64 lowercase hex digits), so one copy serves every record that holds
 * the same bytes and any change to a stored file shows as a mismatch.
 * These are the store's hashing and copying pieces: a copy hashed while
 * it is written (a second thread hashes one buffer while the next is read
 * and written), a whole-file hash that can pass the bytes on, and the
 * test of a store name.  The records that point at stored files, and the
 * policy of when a file is kept or swept, stay with mr_evidence.
 */
#ifndef MR_BLOBSTORE_H
#define MR_BLOBSTORE_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

#include <openssl/evp.h>

/*
 * Buffers of this size (two per copy, one per hash), whatever the file's
 * size: large files stream in fixed memory.  4 MiB direct writes keep the
 * disk busy with few requests (measured: a 1 GiB attach took 0.67-0.75 s
 * with 4 MiB, 0.8-1.4 s with 1 MiB).
 */
#define MR_BLOB_BUFSZ	(4 * 1024 * 1024)
/* Direct I/O wants buffers, offsets and lengths in whole blocks. */
#define MR_BLOB_ALIGN	4096
/* Hex SHA-256 and its terminator: the length of a store name. */
#define MR_BLOB_NAMELEN	65

/*
 * The hasher: a second thread runs SHA-256 over one buffer while the
 * first writes it out and reads the next, so a copy costs about as long as
 * the slower of hashing and copying, not their sum.  Jobs are handed over
 * one at a time; the copier never touches a buffer the hasher still reads.
 */
struct mr_blob_hasher {
	pthread_t		 th;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	EVP_MD_CTX		*md;
	const unsigned char	*job;
	size_t			 njob;
	int			 pending;
	int			 quit;
	int			 failed;
	int			 threaded;
	int			 inited;
};

/* Start hashing; -1 when OpenSSL cannot.  Stop it with ..._stop either way. */
int	mr_blob_hasher_start(struct mr_blob_hasher *);
/* Hand over n bytes at p: the caller must not change them before ..._wait. */
void	mr_blob_hasher_post(struct mr_blob_hasher *, const unsigned char *p,
	    size_t n);
/* Wait until the hasher is done with the last bytes handed over. */
void	mr_blob_hasher_wait(struct mr_blob_hasher *);
/* Stop the thread (after its last job) and free the digest. */
void	mr_blob_hasher_stop(struct mr_blob_hasher *);
/* n digest bytes as lowercase hex into out (2 * n + 1 bytes). */
void	mr_blob_hex(const unsigned char *md, unsigned int n, char *out);
/*
 * Append n bytes to a copy; *direct says whether fd is in direct I/O,
 * and is cleared when the rest must go through the page cache.
 */
int	mr_blob_write(int fd, const unsigned char *p, size_t n, int *direct);
/* read(2), retried on EINTR. */
ssize_t	mr_blob_read(int fd, unsigned char *buf, size_t n);
/*
 * Hash the file at path into out (MR_BLOB_NAMELEN bytes) through buf
 * (MR_BLOB_BUFSZ bytes).  Returns 0, or -1 with errno set (ENOENT:
 * missing).  fn, when given, receives the bytes as they go; when it fails
 * *fn_failed is set.
 */
int	mr_blob_hash_file(const char *path, unsigned char *buf, char *out,
	    int (*fn)(const void *, size_t, void *), void *arg, int *fn_failed);
/* The store name of n bytes in memory into out (MR_BLOB_NAMELEN bytes). */
int	mr_blob_sha256(const void *data, size_t n, char *out);
/* Is name a store name (64 lowercase hex digits)? */
int	mr_blob_is_name(const char *name);

#endif /* MR_BLOBSTORE_H */
