#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libical/ical.h>
#include <sqlite3.h>

#include "lib/mr_crypto.h"
#include "lib/mr_file.h"
#include "lib/mr_store.h"
#include "lib/mr_tzcache.h"
#include "lib/mr_when.h"

/* TZif files are a few kilobytes; VTIMEZONEs cut to a few years, less. */
#define TZIF_MAX	(256 * 1024)
#define TEXT_MAX	(64 * 1024)

static pthread_once_t maker_once = PTHREAD_ONCE_INIT;
static char maker[128];

/*
 * What made the text: this program's version and libical's.  libical's
 * headers give only "3.0", so the library's file is named too, found
 * beside libsqlite3 (the same folder on Debian) without loading it: its
 * versioned name ("libical.so.3.0.16"), size and time change with a new
 * libical.
 */
static void
maker_init(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], target[PATH_MAX], *slash;
	const char *lib = "unknown";
	struct stat sb;
	Dl_info info;
	ssize_t n;

	snprintf(maker, sizeof maker, "mipsreview %s; libical %s (%s)",
	    PACKAGE_VERSION, ICAL_VERSION, lib);
	if (dladdr((void *)sqlite3_libversion, &info) == 0 ||
	    info.dli_fname == NULL ||
	    snprintf(dir, sizeof dir, "%s", info.dli_fname) >= (int)sizeof dir ||
	    (slash = strrchr(dir, '/')) == NULL)
		return;
	*slash = '\0';
	snprintf(path, sizeof path, "%s/libical.so.3", dir);
	if ((n = readlink(path, target, sizeof target - 1)) < 0 ||
	    stat(path, &sb) == -1)
		return;
	target[n] = '\0';
	lib = (slash = strrchr(target, '/')) != NULL ? slash + 1 : target;
	snprintf(maker, sizeof maker, "mipsreview %s; libical %s (%.48s %lld "
	    "%lld)", PACKAGE_VERSION, ICAL_VERSION, lib, (long long)sb.st_size,
	    (long long)sb.st_mtime);
}

/* Letters, digits, '_', '-', '+' in parts joined by '/': no way out of the folder. */
static int
plain_zone(const char *zone)
{
	size_t len = strlen(zone);

	if (len == 0 || len >= sizeof ((struct mr_tzcache_key *)0)->zone ||
	    zone[0] == '/' || zone[0] == '-' || zone[len - 1] == '/' ||
	    strstr(zone, "//") != NULL || strstr(zone, "/-") != NULL)
		return 0;
	for (const char *c = zone; *c; c++)
		if (!isalnum((unsigned char)*c) && strchr("_-+/", *c) == NULL)
			return 0;
	return 1;
}

int
mr_tzcache_key(const char *zoneinfo, const char *zone, int first_year,
    struct mr_tzcache_key *k)
{
	char path[PATH_MAX];
	unsigned char *data = NULL;
	struct stat sb;
	ssize_t n;
	int fd = -1, rc = -1;

	memset(k, 0, sizeof *k);
	if (!plain_zone(zone) || snprintf(path, sizeof path, "%s/%s", zoneinfo,
	    zone) >= (int)sizeof path)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) || sb.st_size < 4 ||
	    sb.st_size > TZIF_MAX || (data = malloc((size_t)sb.st_size)) == NULL)
		goto out;
	if ((n = mr_file_read_all(fd, data, (size_t)sb.st_size)) !=
	    (ssize_t)sb.st_size)
		goto out;
	if (memcmp(data, "TZif", 4) != 0)
		goto out;
	mr_sha256(data, (size_t)n, k->tzif);
	snprintf(k->zone, sizeof k->zone, "%s", zone);
	k->first_year = first_year;
	pthread_once(&maker_once, maker_init);
	snprintf(k->maker, sizeof k->maker, "%s", maker);
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	free(data);
	return rc;
}

/* SHA-256 over the key and the text: what a kept row must carry. */
static void
check_digest(const struct mr_tzcache_key *k, const char *text, size_t len,
    unsigned char out[32])
{
	struct mr_sha256 md;
	char year[24];

	snprintf(year, sizeof year, "%d", k->first_year);
	/* Each part with its NUL, so that no two keys run together alike. */
	mr_sha256_init(&md);
	mr_sha256_update(&md, k->maker, strlen(k->maker) + 1);
	mr_sha256_update(&md, k->zone, strlen(k->zone) + 1);
	mr_sha256_update(&md, year, strlen(year) + 1);
	mr_sha256_update(&md, k->tzif, sizeof k->tzif);
	mr_sha256_update(&md, text, len);
	mr_sha256_final(&md, out);
}

/*
 * The shape of a VTIMEZONE of zone as libical writes one: it begins and
 * ends the component, names the zone, holds no other component's end,
 * and every line ends in CRLF.
 */
static int
well_formed(const char *zone, const char *text, size_t len)
{
	static const char begin[] = "BEGIN:VTIMEZONE\r\n",
	    end[] = "END:VTIMEZONE\r\n";
	char tzid[96];

	if (len < sizeof begin + sizeof end || memchr(text, '\0', len) != NULL ||
	    memcmp(text, begin, sizeof begin - 1) != 0 ||
	    memcmp(text + len - (sizeof end - 1), end, sizeof end - 1) != 0 ||
	    strstr(text + 1, "BEGIN:VTIMEZONE") != NULL ||
	    strstr(text, "END:VTIMEZONE") != text + len - (sizeof end - 1) ||
	    strstr(text, "VCALENDAR") != NULL)
		return 0;
	snprintf(tzid, sizeof tzid, "\r\nTZID:%s\r\n", zone);
	if (strstr(text, tzid) == NULL)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
			return 0;
		else if (text[i] == '\r' && text[i + 1] != '\n')
			return 0;
	return 1;
}

char *
mr_tzcache_get(struct mr_store *st, const struct mr_tzcache_key *k)
{
	sqlite3_stmt *stmt = NULL;
	unsigned char want[32];
	const char *text;
	char *copy = NULL;
	int len;

	if (sqlite3_prepare_v2(mr_store_db(st), "SELECT vtimezone, check_sha256 "
	    "FROM zone_vtimezone WHERE zone = ? AND first_year = ? AND "
	    "tzif_sha256 = ? AND maker = ?", -1, &stmt, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(stmt, 1, k->zone, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, k->first_year);
	sqlite3_bind_blob(stmt, 3, k->tzif, sizeof k->tzif, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, k->maker, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW ||
	    sqlite3_column_type(stmt, 0) != SQLITE_TEXT ||
	    sqlite3_column_bytes(stmt, 1) != (int)sizeof want)
		goto out;
	text = (const char *)sqlite3_column_text(stmt, 0);
	len = sqlite3_column_bytes(stmt, 0);
	if (text == NULL || len <= 0 || len > TEXT_MAX)
		goto out;
	check_digest(k, text, (size_t)len, want);
	if (memcmp(want, sqlite3_column_blob(stmt, 1), sizeof want) != 0 ||
	    !well_formed(k->zone, text, (size_t)len))
		goto out;
	if ((copy = malloc((size_t)len + 1)) != NULL) {
		memcpy(copy, text, (size_t)len);
		copy[len] = '\0';
	}
out:
	sqlite3_finalize(stmt);
	return copy;
}

int
mr_tzcache_put(struct mr_store *st, const struct mr_tzcache_key *k,
    const char *text)
{
	sqlite3 *db = mr_store_db(st);
	sqlite3_stmt *stmt = NULL;
	unsigned char sum[32];
	char now[32];
	size_t len = strlen(text);
	int rc = -1;

	/*
	 * Not inside the caller's transaction (a rollback would take it, a
	 * read snapshot cannot become a write), not on a read-only file.
	 */
	if (len > TEXT_MAX || !well_formed(k->zone, text, len) ||
	    sqlite3_get_autocommit(db) == 0 || sqlite3_db_readonly(db, "main") != 0)
		return -1;
	check_digest(k, text, len, sum);
	mr_when_iso_utc(mr_store_now(st), now, sizeof now);
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO zone_vtimezone (zone, "
	    "first_year, tzif_sha256, maker, vtimezone, check_sha256, made_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(stmt, 1, k->zone, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, k->first_year);
	sqlite3_bind_blob(stmt, 3, k->tzif, sizeof k->tzif, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, k->maker, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, text, (int)len, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 6, sum, sizeof sum, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, now, -1, SQLITE_STATIC);
	/* A writer holding the lock wins: the text is kept another time. */
	sqlite3_busy_timeout(db, 0);
	rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
	mr_store_busy_default(st);
out:
	sqlite3_finalize(stmt);
	return rc;
}
