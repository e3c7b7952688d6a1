#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/mr_file.h"
#include "lib/mr_store_image.h"
#include "lib/mr_when.h"

/*
 * The columns a new store stamps with the moment it is made: the release's
 * reference pack and the windows it brings.  tests/unit/test_store.c
 * compares a store from the image with one from the migrations, cell by
 * cell, so a stamp added to the making of a store without a line here
 * fails there.
 */
static const struct {
	const char	*table;
	const char	*column;
} stamped[] = {
	{ "reference_pack", "applied_at" },
	{ "review_window", "created_at" },
	{ "review_window", "updated_at" },
};

static int use_image = 1;

void
mr_store_image_use(int on)
{
	use_image = on;
}

static int
image_dberr(sqlite3 *db, struct mr_err *err, const char *what)
{
	return mr_err_set(err, MR_EDB, "%s a new store: %s", what,
	    sqlite3_errmsg(db));
}

/* Each stamped cell holding from becomes to; a new secret when fresh. */
static int
image_restamp(sqlite3 *db, const char *from, const char *to, int fresh,
    struct mr_err *err)
{
	sqlite3_stmt *s = NULL;
	char sql[128];
	int rc = -1;

	for (size_t i = 0; i < sizeof stamped / sizeof stamped[0]; i++) {
		snprintf(sql, sizeof sql, "UPDATE %s SET %s = ?1 WHERE %s = ?2",
		    stamped[i].table, stamped[i].column, stamped[i].column);
		if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
			image_dberr(db, err, "stamping");
			goto out;
		}
		sqlite3_bind_text(s, 1, to, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, from, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			image_dberr(db, err, "stamping");
			goto out;
		}
		sqlite3_finalize(s);
		s = NULL;
	}
	if (sqlite3_exec(db, fresh ? "UPDATE calendar_key SET secret = "
	    "randomblob(32)" : "UPDATE calendar_key SET secret = zeroblob(32)",
	    NULL, NULL, NULL) != SQLITE_OK) {
		image_dberr(db, err, "keying");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

int
mr_store_image_blank(sqlite3 *db, const char *made_at, struct mr_err *err)
{
	return image_restamp(db, made_at, MR_STORE_IMAGE_WHEN, 0, err);
}

/* The temporary a new store is written under, beside its name. */
#define IMAGE_TMP_PREFIX	".mipsreview-new-"
/* Older than this, a temporary was left by a process killed while it wrote. */
#define IMAGE_TMP_STALE_SECS	60

/*
 * A process killed while writing a new store leaves its temporary (the
 * image, nothing of the office's) and no store; the next one to make the
 * store removes what is its own and stale.  Writing one takes milliseconds.
 */
static void
sweep_stale(const char *dir, time_t now)
{
	size_t plen = strlen(IMAGE_TMP_PREFIX);
	struct dirent *de;
	struct stat sb;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, IMAGE_TMP_PREFIX, plen) == 0 &&
		    strlen(de->d_name) == plen + 6 &&
		    fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) ==
		    0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid() &&
		    sb.st_mtime < now - IMAGE_TMP_STALE_SECS)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

/* A big-endian 32-bit field of an SQLite file's header. */
static uint32_t
header_u32(const unsigned char *h, size_t off)
{
	return (uint32_t)h[off] << 24 | (uint32_t)h[off + 1] << 16 |
	    (uint32_t)h[off + 2] << 8 | (uint32_t)h[off + 3];
}

int
mr_store_image_place(const char *path, mode_t mode, time_t now,
    int schema_version, int application_id, struct mr_err *err)
{
	sqlite3 *db = NULL;
	struct mr_file *f = NULL;
	unsigned char *copy, *bytes = NULL;
	struct mr_err ferr = { 0 };
	sqlite3_int64 size = 0;
	char when[32], *dir = NULL;
	const char *folder;
	int rc = -1, owned = 0;

	/* User version at offset 60, application id at 68 (fileformat2). */
	if (!use_image || mr_store_image_len < 100 ||
	    header_u32(mr_store_image, 60) != (uint32_t)schema_version ||
	    header_u32(mr_store_image, 68) != (uint32_t)application_id)
		return 2;
	/*
	 * Restamp a copy in memory, so the file is whole before it has a
	 * name: another process opening the store meanwhile finds none and
	 * makes its own, and the loser of the rename opens the winner's.
	 */
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if ((copy = sqlite3_malloc64(mr_store_image_len)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	memcpy(copy, mr_store_image, mr_store_image_len);
	if (sqlite3_deserialize(db, "main", copy, (sqlite3_int64)
	    mr_store_image_len, (sqlite3_int64)mr_store_image_len,
	    SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) !=
	    SQLITE_OK) {
		image_dberr(db, err, "loading");
		goto out;
	}
	mr_when_iso_utc(now, when, sizeof when);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		image_dberr(db, err, "stamping");
		goto out;
	}
	if (image_restamp(db, MR_STORE_IMAGE_WHEN, when, 1, err) == -1)
		goto out;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		image_dberr(db, err, "stamping");
		goto out;
	}
	if ((bytes = sqlite3_serialize(db, "main", &size,
	    SQLITE_SERIALIZE_NOCOPY)) == NULL) {
		if ((bytes = sqlite3_serialize(db, "main", &size, 0)) == NULL) {
			image_dberr(db, err, "writing");
			goto out;
		}
		owned = 1;
	}
	/*
	 * Born in WAL (file format versions 2 at offsets 18 and 19, as a WAL
	 * store is at rest), which mr_store_open() would switch it to at
	 * once: that switch is a rollback-journal transaction of its own.
	 */
	if (size < 100) {
		mr_err_set(err, MR_EDB, "writing a new store: the image is "
		    "too short");
		goto out;
	}
	bytes[18] = bytes[19] = 2;
	if ((dir = strdup(path)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	folder = dirname(dir);
	sweep_stale(folder, time(NULL));
	if (mr_file_open_unnamed(folder, IMAGE_TMP_PREFIX, mode, &f, &ferr) ==
	    -1) {
		mr_err_set(err, MR_EDB, "cannot create database '%s': %s", path,
		    ferr.msg);
		goto out;
	}
	if (mr_file_write_all(mr_file_fd(f), bytes, (size_t)size) == -1 ||
	    mr_file_finish(f) == -1) {
		mr_err_set(err, MR_EDB, "cannot create database '%s': %s",
		    path, strerror(errno));
		goto out;
	}
	if (mr_file_place_new(f, path) == -1) {
		if (errno == EEXIST) {
			rc = 1;
			goto out;
		}
		mr_err_set(err, MR_EDB, "cannot create database '%s': %s",
		    path, strerror(errno));
		goto out;
	}
	f = NULL;
	if (mr_file_sync_dir(path, 0, err) == -1)
		goto out;
	rc = 0;
out:
	mr_file_abort(f);
	free(dir);
	if (owned)
		sqlite3_free(bytes);
	sqlite3_close(db);
	return rc;
}
