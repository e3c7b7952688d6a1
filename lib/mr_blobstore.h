/*
 * mr_blobstore: the content-addressed file store under evidence records
 * and review packets.  A stored file is named by the SHA-256 of its bytes
 * (64 lowercase hex digits), so one copy serves every record that holds
 * the same bytes and any change to a stored file shows as a mismatch.
 * The store is a folder (evidence/ beside the database).  A file enters
 * it in two steps: staged (copied under a temporary name and hashed while
 * it is written, by mr_blobcopy), then placed (renamed to its hash under the
 * database's write lock, the folder synced once for the batch).  A
 * sweep removes what no record names.  The records that point at stored
 * files, and when a file is kept, stay with mr_evidence.
 */
#ifndef MR_BLOBSTORE_H
#define MR_BLOBSTORE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "lib/mr_err.h"
#include "lib/mr_file.h"
#include "lib/mr_place.h"

/* The buffer a file is hashed through, whatever its size: large files
 * stream in fixed memory. */
#define MR_BLOB_BUFSZ	(4 * 1024 * 1024)
/* Hex SHA-256 and its terminator: the length of a store name. */
#define MR_BLOB_NAMELEN	65

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

/*
 * Create the store folder dir when missing (*created = 1): 0700, or
 * 2770 where a group shares the database.  It must be a folder.
 */
int	mr_blob_dir_ensure(const char *dir, enum mr_sharing, int *created,
	    struct mr_err *);

/* A file copied into the store under a temporary name, not yet placed. */
struct mr_blob_staged {
	struct mr_file	*tmp;		/* NULL once placed */
	char		 final[PATH_MAX + 80];
	char		 sha256[MR_BLOB_NAMELEN];
	int64_t		 size;
	int		 dedup;		/* its content was in the store already */
	int		 placed_new;	/* placed by us: removed on undo */
};

/*
 * Copy the open regular file fd (shown in messages as shown; before is
 * its fstat) into dir under a temporary name, hashing while copying.  first,
 * when given, sees the first bytes read (to sniff a media type); step,
 * when given, is called with the bytes copied so far.  The file must not
 * change while it is read (identity, size and times are compared before
 * and after) and must not be empty.  The temporary is synced.
 */
int	mr_blob_stage(const char *dir, enum mr_sharing, int fd, const char *shown,
	    const struct stat *before,
	    void (*first)(const unsigned char *, size_t, void *),
	    void (*step)(int64_t copied, void *), void *arg,
	    struct mr_blob_staged *, struct mr_err *);
/*
 * Place n staged files under their hashes (a copy already there is
 * replaced by identical bytes, which repairs an altered one) and sync the
 * folder, and its parent when the folder was created by this batch.  Run
 * it under the database's write lock, so that no sweep races it.
 */
int	mr_blob_place(const char *dir, struct mr_blob_staged *, int n,
	    int created, struct mr_err *);
/* After a failure: remove what was placed new and every temporary. */
void	mr_blob_unstage(struct mr_blob_staged *, int n);
/*
 * Take the folder's shared lock while files are staged in it (a sweep
 * leaves temporaries alone while someone holds it): a descriptor to
 * close when done, or -1 (no lock; a sweep may then take them).
 */
int	mr_blob_lock_staging(const char *dir);

/* What a scan found in the store folder. */
struct mr_blob_found {
	const char	*name;		/* as in the folder: anyone may have named it */
	int		 swept;		/* removed; else left in place */
};
/*
 * Files in dir that referenced() (1: a record names it, 0: none, -1:
 * error) says no record names, each passed to fn; with sweep they are
 * removed (and the folder synced).  Temporaries of a staging in progress
 * are left alone.  Run a sweep under the database's write lock.
 * *nproblems counts those left in place.
 */
int	mr_blob_scan(const char *dir, int sweep,
	    int (*referenced)(const char *name, void *, struct mr_err *),
	    void (*fn)(const struct mr_blob_found *, void *), void *arg,
	    int *nproblems, struct mr_err *);

#endif /* MR_BLOBSTORE_H */
