/*
 * mr_store_image: a new store written whole from the image of one made at
 * build time (sql/mkstoreimage opens a store, which runs every migration
 * and applies the release's reference pack, and keeps its bytes), instead
 * of running the migrations and the pack again at each first opening: they
 * took most of a new store's 60-100 ms, SQLite parsing the whole schema
 * again after each ALTER TABLE.
 *
 * What must differ from one store to the next is set afresh before the
 * file takes its name, so no opener ever sees the image's own values: the
 * calendar feeds' secret, and the moment the release's reference facts
 * arrived (the image holds MR_STORE_IMAGE_WHEN in its place).  Both are
 * written over the image's bytes where the build found them, as SQLite
 * would write a value of the same type and length; copying the image into
 * SQLite to set them took most of a new store's few milliseconds.  The
 * file is written beside its name and renamed into place only if no other
 * process made the store meanwhile.
 */
#ifndef MR_STORE_IMAGE_H
#define MR_STORE_IMAGE_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <sqlite3.h>

#include "lib/mr_err.h"

/* The image's stand-in for the moment a store is made. */
#define MR_STORE_IMAGE_WHEN	"1970-01-01T00:00:00Z"
/* The length of the calendar feeds' secret (calendar_key.secret). */
#define MR_STORE_IMAGE_SECRET_LEN	32

enum {
	MR_STORE_IMAGE_PATCH_WHEN,	/* MR_STORE_IMAGE_WHEN's text */
	MR_STORE_IMAGE_PATCH_SECRET,	/* a secret's bytes */
};

/* Where in the image a stand-in lies. */
struct mr_store_image_patch {
	size_t	offset;
	int	kind;
};

/*
 * The image, built into the programs, and its stand-ins in the order of
 * the file (none in sql/mkstoreimage: length 0).
 */
extern const unsigned char mr_store_image[];
extern const size_t mr_store_image_len;
extern const struct mr_store_image_patch mr_store_image_patches[];
extern const size_t mr_store_image_npatches;

/*
 * Whether new stores are written from the image (1, the default) or built
 * by their migrations (0: for a test that compares the two).
 */
void	mr_store_image_use(int);

/*
 * Give the image's stand-ins in db, a store just made by its migrations
 * at the moment made_at (ISO 8601 UTC), in place of that moment and its
 * secret: what sql/mkstoreimage keeps.
 */
int	mr_store_image_blank(sqlite3 *db, const char *made_at, struct mr_err *);

/*
 * Find the stand-ins in bytes, the file of db once blanked: *out (free it)
 * gets *n patches in the order of the file, and each secret's bytes are
 * zeroed.  An error when they do not lie whole, once each, in the bytes.
 */
int	mr_store_image_locate(sqlite3 *db, unsigned char *bytes, size_t size,
	    struct mr_store_image_patch **out, size_t *n, struct mr_err *);

/*
 * Write a new store at path from the image, made at now, its file with
 * mode: 0 when written, 1 when path already exists (another process made
 * it first), 2 when there is no image of this schema version to write
 * (build it by migrations), -1 on error.
 */
int	mr_store_image_place(const char *path, mode_t mode, time_t now,
	    int schema_version, int application_id, struct mr_err *);

#endif /* MR_STORE_IMAGE_H */
