/*
 * mr_blobcopy: copy an open file into a new one while hashing it with
 * SHA-256, the way a disk and two cores do it fastest.  The caller's
 * thread reads the source into a ring of buffers; a second thread hashes
 * them in order; writer threads put them on the disk with direct I/O,
 * several writes in flight, and another asks the disk to make them
 * durable as they go.  A direct write waits for the device, and a device
 * takes more than one request at a time: on a virtual disk, 1 GiB copied
 * (without hashing) and synced in a median 1.21 s with four writes in
 * flight and 1.62 s with one, side by side.  The copy's space is reserved
 * first, so that the writes do not extend the file (extending writes wait
 * for each other).  A buffer is used again only once it has been both
 * hashed and written, so the digest is always that of the bytes written.
 * A file that fits in one buffer is copied without threads.
 */
#ifndef MR_BLOBCOPY_H
#define MR_BLOBCOPY_H

#include <stddef.h>
#include <stdint.h>

/* Where a copy failed. */
enum mr_blobcopy_failure {
	MR_BLOBCOPY_OK,
	MR_BLOBCOPY_READ,	/* reading the source; errnum says why */
	MR_BLOBCOPY_WRITE,	/* writing the copy; errnum says why */
	MR_BLOBCOPY_HASH,	/* OpenSSL's SHA-256 */
	MR_BLOBCOPY_MEMORY	/* buffers */
};

struct mr_blobcopy {
	char			 sha256[65];	/* hex digest of the bytes copied */
	int64_t			 total;		/* bytes copied */
	enum mr_blobcopy_failure failed;
	int			 errnum;
};

/*
 * Copy the file open for reading at in, from where it stands to its end,
 * into out, a new empty file opened for writing, at offset 0; size is what
 * the source is expected to hold (it sizes the buffers and the reserved
 * space; the copy follows the bytes actually read).  first, when given,
 * sees the first bytes read (to sniff a media type); step, when given, is
 * called with the bytes read so far after each buffer.  Returns 0, or -1
 * with c->failed and c->errnum set.  The copy is flushed along the way,
 * but the caller syncs it: only that sync says it is durable.
 */
int	mr_blobcopy(int in, int out, int64_t size,
	    void (*first)(const unsigned char *, size_t, void *),
	    void (*step)(int64_t, void *), void *arg, struct mr_blobcopy *c);

#endif /* MR_BLOBCOPY_H */
