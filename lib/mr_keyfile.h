/*
 * mr_keyfile: a secret kept in a small text file beside the database, as
 * the audit key and the acknowledgement link key are: '#' comments,
 * "key HEX" and whatever other lines its owner writes.
 *
 * The file takes the database's sharing (mr_place): 0600, or 0640 in the
 * folder's group.  One that others may read is refused, naming the fix:
 * who reads a key can forge what it signs.
 */
#ifndef MR_KEYFILE_H
#define MR_KEYFILE_H

#include <stddef.h>

#include "lib/mr_err.h"
#include "lib/mr_place.h"

/* Which key file, for messages: "audit key file", and what a reader of
 * it could do ("could rewrite the audit trail and seal it again"). */
struct mr_keyfile {
	const char	*what;
	const char	*risk;
};

/*
 * Read the file at path whole into text (cap bytes, NUL-terminated).
 * 0 with *have 0 when there is none; -1 when it cannot be read or others
 * may read it.  The caller wipes text when done.
 */
int	mr_keyfile_read(const struct mr_keyfile *, const struct mr_place *,
	    const char *path, char *text, size_t cap, int *have,
	    struct mr_err *);

#define MR_KEYFILE_KEY_MAX	64

/* The key of a "key HEX" line of n bytes (<= MR_KEYFILE_KEY_MAX) into
 * key: 1 if line is one, else 0 and key as it was. */
int	mr_keyfile_key_line(const char *line, unsigned char *key, size_t n);

/*
 * Create the file at path holding text: written whole to a temporary,
 * synced, then linked into place, so a crash leaves no half key.  It never
 * replaces a file another process made meanwhile: then 0 with *raced 1,
 * and the caller reads that one.
 */
int	mr_keyfile_create(const struct mr_keyfile *, const struct mr_place *,
	    const char *path, const char *text, size_t len, int *raced,
	    struct mr_err *);

#endif
