#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/mr_migrate.h"
#include "lib/mr_place.h"
#include "lib/mr_reference.h"
#include "lib/mr_store.h"
#include "lib/mr_store_image.h"

/* PRAGMA application_id: "MIPS", so another program's SQLite file is refused. */
#define MR_APPLICATION_ID	0x4d495053
#define MR_BUSY_TIMEOUT_MS	10000

struct mr_store {
	sqlite3	*db;
	uint64_t serial;	/* this opening's number: never reused */
	char	*path;
	char	*actor;
	time_t	 now;
	int	 now_fixed;
	int	 tx_depth;
	int	 tx_failed;
	enum mr_sharing sharing;
	int	 disk_full;	/* opened read-only: no space left for the WAL index */
	int	 bulk;		/* in the rollback journal for a bulk load */
	int	 bulk_in_wal;	/* a bulk load that another connection kept in WAL */
	int	 bulk_mmap;	/* the memory map's size before it */
};

/* Whether the folder holding path has no space left for anyone but root. */
static int
folder_full(const char *path, char *folder, size_t len)
{
	struct statvfs vfs;
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(folder, len, ".");
	else if (slash == path)
		snprintf(folder, len, "/");
	else
		snprintf(folder, len, "%.*s", (int)(slash - path), path);
	return statvfs(folder, &vfs) == 0 && vfs.f_bavail == 0;
}

/* Numbers for the openings of a store, unlike addresses never reused. */
static _Atomic uint64_t next_serial;

uint64_t
mr_store_serial(const struct mr_store *st)
{
	return st->serial;
}

int
mr_store_schema_latest(void)
{
	int v = 0;

	for (const struct mr_migration *m = mr_migrations; m->sql != NULL; m++)
		if (m->version > v)
			v = m->version;
	return v;
}

int
mr_store_dberr(struct mr_store *st, struct mr_err *err, const char *what)
{
	int code = sqlite3_extended_errcode(st->db) & 0xff;
	char folder[PATH_MAX];

	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return mr_err_set(err, MR_EDB, "%s: database '%s' is locked by "
		    "another process; try again", what, st->path);
	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
		return mr_err_set(err, MR_EDB, "%s: '%s' is damaged or not a "
		    "database (%s); restore it from a backup", what, st->path,
		    sqlite3_errmsg(st->db));
	if (code == SQLITE_FULL || ((code == SQLITE_IOERR ||
	    (code == SQLITE_READONLY && st->disk_full)) &&
	    folder_full(st->path, folder, sizeof folder))) {
		if (code == SQLITE_FULL)
			(void)folder_full(st->path, folder, sizeof folder);
		return mr_err_set(err, MR_EDB, "%s: database '%s': the disk is "
		    "full (no space left in '%s'); free some space there ('df -h "
		    "%s' shows it) and run the command again; nothing was "
		    "changed", what, st->path, folder, folder);
	}
	if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN ||
	    code == SQLITE_PERM || code == SQLITE_IOERR || code == SQLITE_FULL)
		return mr_err_set(err, MR_EDB, "%s: database '%s': %s", what,
		    st->path, sqlite3_errmsg(st->db));
	return mr_err_set(err, MR_EFAIL, "%s: %s", what, sqlite3_errmsg(st->db));
}

void
mr_store_busy_default(struct mr_store *st)
{
	sqlite3_busy_timeout(st->db, MR_BUSY_TIMEOUT_MS);
}

int
mr_store_prepare(struct mr_store *st, const char *sql, sqlite3_stmt **stmt,
    struct mr_err *err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return mr_store_dberr(st, err, "database query");
	return 0;
}

int
mr_store_exec(struct mr_store *st, const char *sql, struct mr_err *err)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return mr_store_dberr(st, err, "database update");
	return 0;
}

const char *
mr_store_col_text(sqlite3_stmt *stmt, int i)
{
	const char *s = (const char *)sqlite3_column_text(stmt, i);

	return s ? s : "";
}

void
mr_store_bind_num(sqlite3_stmt *stmt, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_double(stmt, i, v);
}

void
mr_store_bind_text_or_null(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL || *s == '\0')
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
}

int
mr_store_bind_list(sqlite3_stmt *stmt, int i, const char *const *v, int n)
{
	json_t *a = NULL;
	char *s = NULL;
	int rc = -1;

	if (n == 0)
		return sqlite3_bind_null(stmt, i) == SQLITE_OK ? 0 : -1;
	if ((a = json_array()) == NULL)
		goto out;
	for (int k = 0; k < n; k++)
		if (json_array_append_new(a, json_string(v[k])) != 0)
			goto out;
	if ((s = json_dumps(a, JSON_COMPACT)) == NULL)
		goto out;
	rc = sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT) ==
	    SQLITE_OK ? 0 : -1;
out:
	json_decref(a);
	free(s);
	return rc;
}

int
mr_store_row_by_id(struct mr_store *st, const char *sql, int64_t id,
    int (*from_row)(sqlite3_stmt *, void *), void *out, const char *what,
    const char *hint, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char msg[64];
	int rc = -1, step;

	if (mr_store_prepare(st, sql, &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_DONE) {
		mr_err_set(err, MR_ENOTFOUND, "%s %lld does not exist; %s", what,
		    (long long)id, hint);
		goto out;
	}
	if (step != SQLITE_ROW) {
		snprintf(msg, sizeof msg, "reading %s %lld", what, (long long)id);
		mr_store_dberr(st, err, msg);
		goto out;
	}
	if (from_row(stmt, out) == -1) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_store_int(struct mr_store *st, const char *sql, int *out,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	if (mr_store_prepare(st, sql, &stmt, err) == -1)
		goto out;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		mr_store_dberr(st, err, "reading the database");
		goto out;
	}
	*out = sqlite3_column_int(stmt, 0);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_store_schema_version(struct mr_store *st)
{
	int v = -1;

	if (mr_store_int(st, "PRAGMA user_version", &v, NULL) == -1)
		return -1;
	return v;
}

int64_t
mr_store_data_version(struct mr_store *st)
{
	int v = -1;

	if (mr_store_int(st, "PRAGMA data_version", &v, NULL) == -1)
		return -1;
	return v;
}

int
mr_store_begin(struct mr_store *st, struct mr_err *err)
{
	if (st->tx_depth++ > 0)
		return 0;
	st->tx_failed = 0;
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		st->tx_depth = 0;
		return mr_store_dberr(st, err, "starting a transaction");
	}
	return 0;
}

int
mr_store_begin_read(struct mr_store *st, struct mr_err *err)
{
	if (st->tx_depth++ > 0)
		return 0;
	st->tx_failed = 0;
	if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		st->tx_depth = 0;
		return mr_store_dberr(st, err, "starting a transaction");
	}
	return 0;
}

int
mr_store_commit(struct mr_store *st, struct mr_err *err)
{
	if (st->tx_depth == 0)
		return mr_err_set(err, MR_EFAIL, "commit without a transaction");
	if (--st->tx_depth > 0)
		return 0;
	if (st->tx_failed) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return mr_err_set(err, MR_EFAIL, "transaction was rolled back");
	}
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		mr_store_dberr(st, err, "committing");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

void
mr_store_rollback(struct mr_store *st)
{
	if (st->tx_depth == 0)
		return;
	if (--st->tx_depth > 0) {
		st->tx_failed = 1;	/* the outermost commit turns into a rollback */
		return;
	}
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Apply every embedded migration above the file's version, in one transaction. */
static int
store_migrate(struct mr_store *st, int allow_write, struct mr_err *err)
{
	const struct mr_migration *m;
	char sql[64];
	int version, appid, latest = mr_store_schema_latest(), ntables;
	int rc = -1, in_tx = 0;

	if (mr_store_int(st, "PRAGMA user_version", &version, err) == -1)
		goto out;
	if (version > latest) {
		mr_err_set(err, MR_EDB, "database '%s' has schema version %d, "
		    "newer than this mipsreview understands (%d): upgrade "
		    "mipsreview to use it", st->path, version, latest);
		goto out;
	}
	if (version == latest)
		goto check_id;
	if (!allow_write) {
		mr_err_set(err, MR_EDB, "database '%s' has schema version %d "
		    "and needs upgrading to %d: run any mipsreview command on it "
		    "first", st->path, version, latest);
		goto out;
	}
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	/* Re-read under the write lock: another process may have migrated. */
	if (mr_store_int(st, "PRAGMA user_version", &version, err) == -1)
		goto out;
	if (version == 0) {
		if (mr_store_int(st, "SELECT count(*) FROM sqlite_schema",
		    &ntables, err) == -1)
			goto out;
		if (ntables > 0) {
			mr_err_set(err, MR_EDB, "'%s' is an SQLite database of "
			    "another program, not a mipsreview database; choose "
			    "another path with --db", st->path);
			goto out;
		}
	}
	for (m = mr_migrations; m->sql != NULL; m++) {
		if (m->version <= version)
			continue;
		if (sqlite3_exec(st->db, m->sql, NULL, NULL, NULL) != SQLITE_OK) {
			mr_err_set(err, MR_EDB, "upgrading database '%s' with %s "
			    "failed: %s", st->path, m->name, sqlite3_errmsg(st->db));
			goto out;
		}
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", latest);
	if (mr_store_exec(st, sql, err) == -1)
		goto out;
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d", MR_APPLICATION_ID);
	if (mr_store_exec(st, sql, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
check_id:
	if (mr_store_int(st, "PRAGMA application_id", &appid, err) == -1)
		goto out;
	if (appid != MR_APPLICATION_ID) {
		mr_err_set(err, MR_EDB, "'%s' is not a mipsreview database; "
		    "choose another path with --db", st->path);
		goto out;
	}
	rc = 0;
out:
	if (in_tx)
		mr_store_rollback(st);
	return rc;
}

/*
 * Switch a new file to WAL (the mode then stays in the file).  The switch
 * needs the file to itself, and SQLite reports a concurrent first open as
 * busy without waiting, so retry within the busy timeout.
 */
static int
store_wal(struct mr_store *st, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, tries, step;

	for (tries = 0; tries < MR_BUSY_TIMEOUT_MS / 20; tries++) {
		if (mr_store_prepare(st, "PRAGMA journal_mode = WAL", &stmt,
		    err) == -1)
			goto out;
		step = sqlite3_step(stmt);
		sqlite3_finalize(stmt);
		stmt = NULL;
		if (step == SQLITE_ROW || step == SQLITE_DONE) {
			rc = 0;
			goto out;
		}
		if ((sqlite3_extended_errcode(st->db) & 0xff) != SQLITE_BUSY &&
		    (sqlite3_extended_errcode(st->db) & 0xff) != SQLITE_LOCKED)
			break;
		usleep(20 * 1000);
	}
	mr_store_dberr(st, err, "switching to WAL");
out:
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * A bulk load is one transaction of hundreds of megabytes, which SQLite's
 * WAL serves badly: every page is written to the log, its checksums
 * written again at the commit when a spilled page changed once more, and
 * then copied into the database by the checkpoint.  SQLite's own advice
 * (sqlite.org/wal.html, "Performance Considerations") is a rollback
 * journal for transactions larger than a few dozen megabytes; there the
 * new pages are written once, straight into the database, and the journal
 * keeps only the pages that existed, so a killed load is rolled back by
 * the next opening.  Leaving WAL needs the file to itself, and every
 * other connection that has read the store holds it (the daemon always
 * does), so the switch is tried without waiting and, refused, the load
 * stays in WAL as before.
 */
int
mr_store_bulk_enter(struct mr_store *st, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step, map;

	if (st->bulk || st->tx_depth > 0 || st->disk_full)
		return 0;
	if (mr_store_int(st, "PRAGMA mmap_size", &map, err) == -1)
		return -1;
	sqlite3_busy_timeout(st->db, 0);
	if (mr_store_prepare(st, "PRAGMA journal_mode = DELETE", &stmt,
	    err) == -1)
		goto out;
	step = sqlite3_step(stmt);
	if (step != SQLITE_ROW && (sqlite3_extended_errcode(st->db) & 0xff) !=
	    SQLITE_BUSY) {
		mr_store_dberr(st, err, "leaving WAL for a bulk load");
		goto out;
	}
	rc = step == SQLITE_ROW && strcmp(mr_store_col_text(stmt, 0),
	    "delete") == 0;
	st->bulk_in_wal = rc == 0;
	if (rc == 1) {
		/*
		 * Out of WAL the indexes built after the rows would read the
		 * whole table through the map, and the process would keep
		 * every page of it resident.
		 */
		st->bulk = 1;
		st->bulk_mmap = map;
		if (mr_store_exec(st, "PRAGMA mmap_size = 0", err) == -1) {
			sqlite3_finalize(stmt);
			stmt = NULL;
			(void)mr_store_bulk_leave(st, NULL);
			rc = -1;
		}
	}
out:
	sqlite3_finalize(stmt);
	mr_store_busy_default(st);
	return rc;
}

/*
 * Back to WAL after mr_store_bulk_enter(), waiting for readers within
 * the busy timeout.  Should that fail, the load is committed all the
 * same, and the next opening of the store switches it back.  A load that
 * stayed in WAL left a log the size of the load (SQLite reuses it, and
 * keeps its size): copied into the database and cut to nothing when no
 * reader is in the middle of a read, without waiting for one.
 */
int
mr_store_bulk_leave(struct mr_store *st, struct mr_err *err)
{
	char sql[64];

	if (st->bulk_in_wal) {
		st->bulk_in_wal = 0;
		sqlite3_busy_timeout(st->db, 0);
		(void)mr_store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
		mr_store_busy_default(st);
	}
	if (!st->bulk)
		return 0;
	st->bulk = 0;
	snprintf(sql, sizeof sql, "PRAGMA mmap_size = %d", st->bulk_mmap);
	(void)mr_store_exec(st, sql, NULL);
	return store_wal(st, err);
}

/*
 * A bulk load killed before its rollback journal was synced leaves the
 * journal empty or its header still zero, which SQLite never counts as
 * hot (the database file was not yet touched) and so never removes.
 * Once the store is in WAL, where a journal means nothing (and this
 * connection holds it there: nobody can leave WAL for a journal of their
 * own meanwhile), the file is only litter.  SQLite's own test decides:
 * a journal is hot only when its first byte is not zero.
 */
static void
journal_litter(const char *path)
{
	char journal[PATH_MAX + 16];
	unsigned char first = 0;
	int fd;

	snprintf(journal, sizeof journal, "%s-journal", path);
	if ((fd = open(journal, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return;
	if (read(fd, &first, 1) != -1 && first == 0)
		(void)unlink(journal);
	close(fd);
}

/* "file:PATH?immutable=1", PATH percent-encoded as RFC 3986 asks. */
static char *
immutable_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path), o = 5, cap = 3 * n + 32;
	char *u;

	if ((u = malloc(cap)) == NULL)
		return NULL;
	memcpy(u, "file:", 5);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p) != NULL)
			u[o++] = (char)*p;
		else {
			u[o++] = '%';
			u[o++] = hex[*p >> 4];
			u[o++] = hex[*p & 15];
		}
	snprintf(u + o, cap - o, "?immutable=1");
	return u;
}

static int
store_open(const char *path, int create, struct mr_store **out,
    struct mr_err *err)
{
	struct mr_store *st;
	struct mr_place place;
	struct stat sb;
	int fd, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;

	*out = NULL;
	if ((st = calloc(1, sizeof *st)) == NULL ||
	    (st->path = strdup(path)) == NULL) {
		free(st);
		return mr_err_set(err, MR_EFAIL, "out of memory");
	}
	st->serial = atomic_fetch_add(&next_serial, 1) + 1;
	if (mr_place_check(path, &place, err) == -1)
		goto fail;
	st->sharing = place.sharing;
	if (stat(path, &sb) == -1) {
		if (errno != ENOENT || !create) {
			mr_err_set(err, MR_EDB, "cannot open database '%s': %s",
			    path, strerror(errno));
			goto fail;
		}
		/* A new store is the image of one, written whole under its
		 * name (or made first by another process: then open that). */
		switch (mr_store_image_place(path, mr_place_file_mode(
		    st->sharing), mr_store_now(st), mr_store_schema_latest(),
		    MR_APPLICATION_ID, err)) {
		case -1:
			goto fail;
		case 0:
		case 1:
			goto opened;
		}
		/* Without an image: create it ourselves so it is 0600 (0660
		 * in a shared folder, whatever the umask) from the first
		 * byte; SQLite gives -wal and -shm the same mode. */
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd != -1 && st->sharing == MR_SHARE_GROUP &&
		    fchmod(fd, mr_place_file_mode(st->sharing)) == -1) {
			mr_err_set(err, MR_EDB, "cannot share database '%s' with "
			    "its group: %s", path, strerror(errno));
			close(fd);
			(void)unlink(path);
			goto fail;
		}
		if (fd == -1 && errno == EEXIST)
			goto opened;	/* another process created it meanwhile */
		if (fd == -1) {
			mr_err_set(err, MR_EDB, "cannot create database '%s': %s%s",
			    path, strerror(errno), errno == ENOENT ?
			    " (the folder does not exist; create it or choose "
			    "another path with --db)" : "");
			goto fail;
		}
		close(fd);
	} else if (!S_ISREG(sb.st_mode)) {
		mr_err_set(err, MR_EDB, "cannot open database '%s': not a "
		    "regular file", path);
		goto fail;
	}
opened:
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		mr_err_set(err, MR_EDB, "cannot open database '%s': %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, MR_BUSY_TIMEOUT_MS);
	/* WAL lets the daemon read while the CLI writes; FULL makes each
	 * commit durable; foreign keys hold the rows together. */
	if (mr_store_exec(st, "PRAGMA foreign_keys = ON", err) == -1)
		goto full;
	if (access(path, W_OK) == 0) {
		if (store_wal(st, err) == -1)
			goto full;
		journal_litter(path);
	}
	if (mr_store_exec(st, "PRAGMA synchronous = FULL", err) == -1)
		goto full;
	if (store_migrate(st, create, err) == -1)
		goto full;
	/* The release's reference facts arrive as a reference pack, the
	 * same path an office's update takes (mr_reference); a read-only
	 * opening leaves that to the next writer. */
	if (create && access(path, W_OK) == 0 &&
	    mr_reference_release_apply(st, err) == -1)
		goto fail;
	*out = st;
	return 0;
full:
	/*
	 * A full disk leaves no room for the WAL index (-shm) a reader needs.
	 * When the WAL holds nothing (every commit checkpointed, as the last
	 * connection to close leaves it), the database file alone is the
	 * whole store: read it as immutable, so reads still work, and a
	 * write says the disk is full with the store as the last commit
	 * left it.
	 */
	{
		char folder[PATH_MAX], wal[PATH_MAX + 8], *uri = NULL;
		struct stat wsb;
		int r;

		snprintf(wal, sizeof wal, "%s-wal", path);
		if ((sqlite3_extended_errcode(st->db) & 0xff) != SQLITE_IOERR ||
		    !folder_full(path, folder, sizeof folder) ||
		    (stat(wal, &wsb) == 0 && wsb.st_size > 0) ||
		    (uri = immutable_uri(path)) == NULL)
			goto fail;
		sqlite3_close_v2(st->db);
		st->db = NULL;
		st->disk_full = 1;
		r = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY |
		    SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX, NULL);
		free(uri);
		if (r != SQLITE_OK) {
			mr_err_set(err, MR_EDB, "cannot open database '%s': %s",
			    path, st->db ? sqlite3_errmsg(st->db) :
			    "out of memory");
			goto fail;
		}
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, MR_BUSY_TIMEOUT_MS);
	if (mr_store_exec(st, "PRAGMA foreign_keys = ON", err) == -1 ||
	    store_migrate(st, 0, err) == -1)
		goto fail;
	*out = st;
	return 0;
fail:
	mr_store_close(st);
	return -1;
}

int
mr_store_open(const char *path, struct mr_store **out, struct mr_err *err)
{
	return store_open(path, 1, out, err);
}

int
mr_store_open_existing(const char *path, struct mr_store **out,
    struct mr_err *err)
{
	return store_open(path, 0, out, err);
}

void
mr_store_close(struct mr_store *st)
{
	if (st == NULL)
		return;
	if (st->tx_depth > 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close_v2(st->db);
	free(st->path);
	free(st->actor);
	free(st);
}

sqlite3 *
mr_store_db(struct mr_store *st)
{
	return st->db;
}

const char *
mr_store_path(const struct mr_store *st)
{
	return st->path;
}

enum mr_sharing
mr_store_sharing(const struct mr_store *st)
{
	return st->sharing;
}

void
mr_store_set_actor(struct mr_store *st, const char *actor)
{
	char *copy = actor ? strdup(actor) : NULL;

	free(st->actor);
	st->actor = copy;
}

const char *
mr_store_actor(const struct mr_store *st)
{
	return st->actor ? st->actor : "unknown";
}

void
mr_store_set_now(struct mr_store *st, time_t now)
{
	st->now = now;
	st->now_fixed = 1;
}

void
mr_store_unset_now(struct mr_store *st)
{
	st->now = 0;
	st->now_fixed = 0;
}

time_t
mr_store_now(const struct mr_store *st)
{
	return st->now_fixed ? st->now : time(NULL);
}
