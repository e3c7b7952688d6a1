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

#include "lib/mr_crypto.h"
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

/* What the image holds in the secret's place until it is located. */
static const unsigned char secret_marker[MR_STORE_IMAGE_SECRET_LEN] =
    "mipsreview: a new store's secret";

/* The bytes a stand-in of this kind takes in the image. */
static size_t
patch_len(int kind)
{
	return kind == MR_STORE_IMAGE_PATCH_SECRET ? MR_STORE_IMAGE_SECRET_LEN :
	    sizeof MR_STORE_IMAGE_WHEN - 1;
}

static int
image_dberr(sqlite3 *db, struct mr_err *err, const char *what)
{
	return mr_err_set(err, MR_EDB, "%s a new store: %s", what,
	    sqlite3_errmsg(db));
}

int
mr_store_image_blank(sqlite3 *db, const char *made_at, struct mr_err *err)
{
	sqlite3_stmt *s = NULL;
	char sql[128];
	int rc = -1;

	for (size_t i = 0; i < sizeof stamped / sizeof stamped[0]; i++) {
		snprintf(sql, sizeof sql, "UPDATE %s SET %s = ?1 WHERE %s = ?2",
		    stamped[i].table, stamped[i].column, stamped[i].column);
		if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
			image_dberr(db, err, "blanking");
			goto out;
		}
		sqlite3_bind_text(s, 1, MR_STORE_IMAGE_WHEN, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, made_at, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			image_dberr(db, err, "blanking");
			goto out;
		}
		sqlite3_finalize(s);
		s = NULL;
	}
	if (sqlite3_prepare_v2(db, "UPDATE calendar_key SET secret = ?1", -1,
	    &s, NULL) != SQLITE_OK) {
		image_dberr(db, err, "blanking");
		goto out;
	}
	sqlite3_bind_blob(s, 1, secret_marker, sizeof secret_marker,
	    SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		image_dberr(db, err, "blanking");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

/* How many cells of db hold the stand-ins: want[0] times, want[1] secrets. */
static int
stand_ins(sqlite3 *db, size_t want[2], struct mr_err *err)
{
	sqlite3_stmt *s = NULL;
	char sql[128];
	int rc = -1;

	want[0] = want[1] = 0;
	for (size_t i = 0; i <= sizeof stamped / sizeof stamped[0]; i++) {
		int last = i == sizeof stamped / sizeof stamped[0];

		if (last)
			snprintf(sql, sizeof sql, "SELECT count(*) FROM "
			    "calendar_key");
		else
			snprintf(sql, sizeof sql, "SELECT count(*) FROM %s "
			    "WHERE %s = '%s'", stamped[i].table,
			    stamped[i].column, MR_STORE_IMAGE_WHEN);
		if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK ||
		    sqlite3_step(s) != SQLITE_ROW) {
			image_dberr(db, err, "reading");
			goto out;
		}
		want[last] += (size_t)sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		s = NULL;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

int
mr_store_image_locate(sqlite3 *db, unsigned char *bytes, size_t size,
    struct mr_store_image_patch **out, size_t *nout, struct mr_err *err)
{
	static const char when[] = MR_STORE_IMAGE_WHEN;
	struct mr_store_image_patch *v = NULL;
	size_t want[2], found[2] = { 0, 0 }, n = 0;

	*out = NULL;
	*nout = 0;
	if (stand_ins(db, want, err) == -1)
		return -1;
	if ((v = calloc(want[0] + want[1] + 1, sizeof *v)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	/* Front to back, so the patches come in the order of the file. */
	for (size_t off = 100; off < size; off++) {
		int kind;

		if (off + sizeof when - 1 <= size &&
		    memcmp(bytes + off, when, sizeof when - 1) == 0)
			kind = MR_STORE_IMAGE_PATCH_WHEN;
		else if (off + sizeof secret_marker <= size &&
		    memcmp(bytes + off, secret_marker, sizeof secret_marker) == 0)
			kind = MR_STORE_IMAGE_PATCH_SECRET;
		else
			continue;
		if (++found[kind] > want[kind])
			break;
		v[n].offset = off;
		v[n++].kind = kind;
		if (kind == MR_STORE_IMAGE_PATCH_SECRET)
			memset(bytes + off, 0, sizeof secret_marker);
		off += patch_len(kind) - 1;
	}
	/*
	 * Each stand-in must lie whole on one page and nowhere else: a cell
	 * spilled across overflow pages, or an index holding a stamped
	 * column, would make the counts differ.
	 */
	if (found[0] != want[0] || found[1] != want[1]) {
		free(v);
		return mr_err_set(err, MR_EDB, "the image's stand-ins are not "
		    "where its cells are: %zu of %zu moments and %zu of %zu "
		    "secrets found whole in its bytes", found[0], want[0],
		    found[1], want[1]);
	}
	*out = v;
	*nout = n;
	return 0;
}

/*
 * The image with a fresh secret in each secret's place, now in each
 * stamped cell, and the file format versions of WAL (2 at offsets 18
 * and 19, as a WAL store is at rest, which mr_store_open() would switch
 * it to at once in a rollback-journal transaction of its own), written
 * front to back, so nothing is copied first.  -1 with errno set.
 */
static int
image_write(int fd, const char *when)
{
	static const unsigned char wal[2] = { 2, 2 };
	unsigned char secret[MR_STORE_IMAGE_SECRET_LEN];
	size_t pos = 20;
	int rc = -1;

	if (mr_file_write_all(fd, mr_store_image, 18) == -1 ||
	    mr_file_write_all(fd, wal, sizeof wal) == -1)
		goto out;
	for (size_t i = 0; i < mr_store_image_npatches; i++) {
		const struct mr_store_image_patch *p = &mr_store_image_patches[i];
		const void *with = when;

		if (p->kind == MR_STORE_IMAGE_PATCH_SECRET) {
			if (mr_random_bytes(secret, sizeof secret) == -1)
				goto out;
			with = secret;
		}
		if (mr_file_write_all(fd, mr_store_image + pos, p->offset -
		    pos) == -1 || mr_file_write_all(fd, with,
		    patch_len(p->kind)) == -1)
			goto out;
		pos = p->offset + patch_len(p->kind);
	}
	if (mr_file_write_all(fd, mr_store_image + pos, mr_store_image_len -
	    pos) == -1)
		goto out;
	rc = 0;
out:
	explicit_bzero(secret, sizeof secret);
	return rc;
}

/* Patches in order, each within the image and past its header. */
static int
patches_sound(void)
{
	size_t pos = 100;

	for (size_t i = 0; i < mr_store_image_npatches; i++) {
		const struct mr_store_image_patch *p = &mr_store_image_patches[i];

		if (p->offset < pos || p->offset + patch_len(p->kind) >
		    mr_store_image_len)
			return 0;
		pos = p->offset + patch_len(p->kind);
	}
	return 1;
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
	struct mr_file *f = NULL;
	struct mr_err ferr = { 0 };
	char when[32], *dir = NULL;
	const char *folder;
	int rc = -1;

	mr_when_iso_utc(now, when, sizeof when);
	/* User version at offset 60, application id at 68 (fileformat2);
	 * a moment of another length would not fit its cells. */
	if (!use_image || mr_store_image_len < 100 ||
	    header_u32(mr_store_image, 60) != (uint32_t)schema_version ||
	    header_u32(mr_store_image, 68) != (uint32_t)application_id ||
	    strlen(when) != sizeof MR_STORE_IMAGE_WHEN - 1 || !patches_sound())
		return 2;
	/*
	 * The file is whole before it has a name: another process opening
	 * the store meanwhile finds none and makes its own, and the loser of
	 * the rename opens the winner's.
	 */
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
	if (image_write(mr_file_fd(f), when) == -1 || mr_file_finish(f) == -1) {
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
	return rc;
}
