/* Unit tests of lib/mr_store: creation, migration, refusal of strangers. */
#include "config.h"

#include <sys/stat.h>
#include <sys/time.h>

#include "tests/unit/unit.h"
#include "lib/mr_migrate.h"
#include "lib/mr_reference.h"
#include "lib/mr_store_image.h"
#include "lib/mr_when.h"

static void
test_new_database_is_private_and_current(void **state)
{
	struct unit_db *u = *state;
	struct stat sb;

	assert_int_equal(stat(u->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(mr_store_schema_version(u->st), mr_store_schema_latest());
}

static void
test_wal_and_foreign_keys_are_on(void **state)
{
	struct unit_db *u = *state;
	sqlite3_stmt *stmt;

	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st),
	    "PRAGMA journal_mode", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "wal");
	sqlite3_finalize(stmt);
	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st),
	    "PRAGMA foreign_keys", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 1);
	sqlite3_finalize(stmt);
}

static void
test_newer_schema_is_refused(void **state)
{
	struct unit_db *u = *state;
	struct mr_store *st = NULL;
	struct mr_err err = { 0 };
	char sql[64];

	snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
	    mr_store_schema_latest() + 1);
	assert_int_equal(mr_store_exec(u->st, sql, &err), 0);
	assert_int_equal(mr_store_open(u->path, &st, &err), -1);
	assert_null(st);
	assert_int_equal(err.code, MR_EDB);
	assert_non_null(strstr(err.msg, "newer"));
}

/* A version-1 database (sql/schema.sql only) with data is brought up to date. */
static void
test_older_schema_is_migrated_keeping_data(void **state)
{
	struct unit_db *u = *state;
	struct mr_store *st = NULL;
	struct mr_err err = { 0 };
	char path[160];
	sqlite3_stmt *stmt;
	sqlite3 *db;

	assert_int_equal(mr_migrations[0].version, 1);
	snprintf(path, sizeof path, "%s/v1.db", u->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, mr_migrations[0].sql, NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 1; "
	    "PRAGMA application_id = 1296650323; "
	    "INSERT INTO review_case (tin, name, performance_year, reasons, "
	    "created_at, updated_at) VALUES ('123456789', 'Old', 2023, 'other', "
	    "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	/* An older release made its files private; sqlite3 follows the umask. */
	assert_int_equal(chmod(path, 0600), 0);

	assert_int_equal(mr_store_open(path, &st, &err), 0);
	assert_int_equal(mr_store_schema_version(st), mr_store_schema_latest());
	assert_int_equal(sqlite3_prepare_v2(mr_store_db(st), "SELECT name FROM "
	    "review_case", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "Old");
	sqlite3_finalize(stmt);
	mr_store_close(st);
}

static void
test_missing_folder_reports_fix(void **state)
{
	struct mr_store *st = NULL;
	struct mr_err err = { 0 };

	(void)state;
	assert_int_equal(mr_store_open("/nonexistent-mr/x.db", &st, &err), -1);
	assert_null(st);
	assert_int_equal(err.code, MR_EDB);
	assert_non_null(strstr(err.msg, "folder does not exist"));
}

static void
test_foreign_sqlite_file_is_refused(void **state)
{
	struct unit_db *u = *state;
	struct mr_store *st = NULL;
	struct mr_err err = { 0 };
	char path[160];
	sqlite3 *db;

	snprintf(path, sizeof path, "%s/other.db", u->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(mr_store_open(path, &st, &err), -1);
	assert_non_null(strstr(err.msg, "another program"));
}

static void
test_garbage_file_is_refused(void **state)
{
	struct unit_db *u = *state;
	struct mr_store *st = NULL;
	struct mr_err err = { 0 };
	char path[160];
	FILE *fp;

	snprintf(path, sizeof path, "%s/junk.db", u->dir);
	assert_non_null(fp = fopen(path, "w"));
	for (int i = 0; i < 512; i++)
		fputs("this is not a database ", fp);
	fclose(fp);
	assert_int_equal(mr_store_open(path, &st, &err), -1);
	assert_int_equal(err.code, MR_EDB);
}

static void
test_nested_rollback_undoes_everything(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	sqlite3_stmt *stmt;

	assert_int_equal(mr_store_begin(u->st, &err), 0);
	assert_int_equal(mr_store_exec(u->st, "INSERT INTO case_note (case_id, "
	    "at, who, body) SELECT 1, 'x', 'y', 'z' WHERE 0", &err), 0);
	assert_int_equal(mr_store_begin(u->st, &err), 0);
	assert_int_equal(mr_store_exec(u->st, "UPDATE program_year SET "
	    "performance_threshold = 99", &err), 0);
	mr_store_rollback(u->st);
	assert_int_equal(mr_store_commit(u->st, &err), -1);
	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st), "SELECT count(*) "
	    "FROM program_year WHERE performance_threshold = 99", -1, &stmt,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 0);
	sqlite3_finalize(stmt);
}

/* A text of one row of SQL, into buf. */
static const char *
sql_text(struct mr_store *st, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *stmt;

	buf[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(mr_store_db(st), sql, -1, &stmt,
	    NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return buf;
}

/* A new database holds the release's pack, recorded once as the release's. */
static void
test_release_pack_is_applied_once(void **state)
{
	struct unit_db *u = *state;
	struct mr_store *st = NULL;
	struct mr_err err = { 0 };
	char buf[128], want[128];

	snprintf(want, sizeof want, "release %s 1", mr_reference_release_digest);
	assert_string_equal(sql_text(u->st, "SELECT origin || ' ' || digest || "
	    "' ' || count(*) FROM reference_pack", buf, sizeof buf), want);
	/* Opening again finds it recorded: nothing is applied twice. */
	assert_int_equal(mr_store_open(u->path, &st, &err), 0);
	assert_string_equal(sql_text(st, "SELECT count(*) FROM reference_pack",
	    buf, sizeof buf), "1");
	mr_store_close(st);
}

#define PACK_HEAD "{\"format\": \"mipsreview-reference\", \"version\": 1, "

/*
 * A newer release never overwrites what the office entered or edited: a
 * fact its pack changed and a window it edited stay, each a conflict
 * recorded with the release's pack; what the office did not touch is
 * updated and what is new is added.
 */
static void
test_newer_release_keeps_the_office_facts(void **state)
{
	struct unit_db *u = *state;
	struct mr_reference_result res;
	struct mr_err err = { 0 };
	char buf[512];
	static const char office[] = PACK_HEAD "\"date\": \"2026-12-01\", "
	    "\"publisher\": \"Example Practice\", \"facts\": [{\"kind\": "
	    "\"program-year\", \"year\": 2025, \"payment_year\": 2027, "
	    "\"performance_threshold\": 80, \"exceptional_threshold\": null, "
	    "\"max_adjustment_pct\": 9, \"source\": \"office copy\", "
	    "\"verified\": true}]}";
	static const char newer[] = PACK_HEAD "\"date\": \"2027-01-15\", "
	    "\"publisher\": \"a newer release\", \"facts\": ["
	    "{\"kind\": \"program-year\", \"year\": 2025, \"payment_year\": "
	    "2027, \"performance_threshold\": 75, \"exceptional_threshold\": "
	    "null, \"max_adjustment_pct\": 9, \"source\": \"CY 2025 PFS final "
	    "rule\", \"verified\": true}, "
	    "{\"kind\": \"program-year\", \"year\": 2026, \"payment_year\": "
	    "2028, \"performance_threshold\": 75, \"exceptional_threshold\": "
	    "null, \"max_adjustment_pct\": 9, \"source\": \"CY 2026 PFS final "
	    "rule\", \"verified\": true}, "
	    "{\"kind\": \"window\", \"year\": 2026, \"window_kind\": "
	    "\"euc-hardship\", \"name\": \"PY2026 EUC application\", "
	    "\"opens_at\": null, \"closes_at\": \"2027-01-02T01:00:00Z\", "
	    "\"zone\": \"America/New_York\", \"source\": \"CMS\", "
	    "\"verified\": true}, "
	    "{\"kind\": \"window\", \"year\": 2025, \"window_kind\": "
	    "\"targeted-review\", \"name\": \"PY2025 targeted review\", "
	    "\"opens_at\": null, \"closes_at\": \"2026-10-10T00:00:00Z\", "
	    "\"zone\": \"America/New_York\", \"source\": \"CMS\", "
	    "\"verified\": true}]}";

	assert_int_equal(mr_reference_import(u->st, office, sizeof office - 1,
	    "office", &res, &err), 0);
	assert_int_equal(res.changed, 1);
	assert_int_equal(mr_store_exec(u->st, "UPDATE review_window SET "
	    "closes_at = closes_at + 86400, origin = 'office', revision = "
	    "revision + 1 WHERE name = 'PY2026 EUC application'", &err), 0);
	sql_text(u->st, "SELECT closes_at FROM review_window WHERE name = "
	    "'PY2026 EUC application'", buf, sizeof buf);

	assert_int_equal(mr_reference_import(u->st, newer, sizeof newer - 1,
	    "release", &res, &err), 0);
	assert_int_equal(res.changed, 2);	/* PY2026's source, the new window */
	assert_int_equal(res.conflicts, 2);
	assert_non_null(strstr(res.conflict_names, "program-year 2025"));
	assert_non_null(strstr(res.conflict_names,
	    "PY2026 euc-hardship 'PY2026 EUC application'"));
	/* The office's threshold and deadline stand. */
	{
		char closes[sizeof buf];

		snprintf(closes, sizeof closes, "%s", buf);
		assert_string_equal(sql_text(u->st, "SELECT closes_at FROM "
		    "review_window WHERE name = 'PY2026 EUC application'", buf,
		    sizeof buf), closes);
	}
	assert_string_equal(sql_text(u->st, "SELECT performance_threshold || "
	    "' ' || source FROM program_year WHERE performance_year = 2025",
	    buf, sizeof buf), "80.0 office copy");
	assert_string_equal(sql_text(u->st, "SELECT source FROM program_year "
	    "WHERE performance_year = 2026", buf, sizeof buf),
	    "CY 2026 PFS final rule");
	assert_string_equal(sql_text(u->st, "SELECT count(*) FROM review_window "
	    "WHERE name = 'PY2025 targeted review' AND origin = 'reference'",
	    buf, sizeof buf), "1");
	/* The conflicts are recorded with the release's pack. */
	sql_text(u->st, "SELECT origin || ': ' || conflicts || ': ' || "
	    "conflict_names FROM reference_pack ORDER BY id DESC LIMIT 1", buf,
	    sizeof buf);
	assert_non_null(strstr(buf, "release: 2: "));
	assert_non_null(strstr(buf, "program-year 2025"));
}

/*
 * A bulk load leaves WAL for the rollback journal only while no other
 * connection holds the store, and goes back to WAL after it, the memory
 * map as it was.
 */
static void
test_bulk_load_journal_only_alone(void **state)
{
	struct unit_db *u = *state;
	struct mr_store *other = NULL;
	struct mr_err err = { 0 };
	struct stat sb;
	char buf[64], wal[256];

	assert_int_equal(mr_store_exec(u->st, "PRAGMA mmap_size = 65536", &err),
	    0);
	/* Another connection that has read the store holds it. */
	assert_int_equal(mr_store_open(u->path, &other, &err), 0);
	assert_string_equal(sql_text(other, "SELECT count(*) FROM review_case",
	    buf, sizeof buf), "0");
	assert_int_equal(mr_store_bulk_enter(u->st, &err), 0);
	assert_string_equal(sql_text(u->st, "PRAGMA journal_mode", buf,
	    sizeof buf), "wal");
	/* The load in WAL grows the log; leaving cuts it back to nothing. */
	assert_int_equal(mr_store_exec(u->st, "INSERT INTO review_case (tin, "
	    "name, performance_year, reasons, created_at, updated_at) WITH "
	    "RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
	    "i < 2000) SELECT printf('%09d', 100000000 + i), 'Practice ' || i, "
	    "2023, 'other', 'now', 'now' FROM n", &err), 0);
	snprintf(wal, sizeof wal, "%s-wal", u->path);
	assert_int_equal(stat(wal, &sb), 0);
	assert_true(sb.st_size > 100000);
	assert_int_equal(mr_store_bulk_leave(u->st, &err), 0);
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	assert_string_equal(sql_text(other, "SELECT count(*) FROM review_case",
	    buf, sizeof buf), "2000");
	assert_int_equal(mr_store_exec(u->st, "DELETE FROM review_case", &err),
	    0);
	mr_store_close(other);
	/* Inside a transaction the journal cannot change: stays in WAL. */
	assert_int_equal(mr_store_begin(u->st, &err), 0);
	assert_int_equal(mr_store_bulk_enter(u->st, &err), 0);
	mr_store_rollback(u->st);
	/* Alone: the rollback journal, without the memory map. */
	assert_int_equal(mr_store_bulk_enter(u->st, &err), 1);
	assert_string_equal(sql_text(u->st, "PRAGMA journal_mode", buf,
	    sizeof buf), "delete");
	assert_string_equal(sql_text(u->st, "PRAGMA mmap_size", buf,
	    sizeof buf), "0");
	assert_int_equal(mr_store_exec(u->st, "INSERT INTO review_case (tin, "
	    "name, performance_year, reasons, created_at, updated_at) VALUES "
	    "('123456789', 'A', 2023, 'other', 'now', 'now')", &err), 0);
	assert_int_equal(mr_store_bulk_leave(u->st, &err), 0);
	assert_string_equal(sql_text(u->st, "PRAGMA journal_mode", buf,
	    sizeof buf), "wal");
	assert_string_equal(sql_text(u->st, "PRAGMA mmap_size", buf,
	    sizeof buf), "65536");
	/* A second leave changes nothing; another opening sees the row. */
	assert_int_equal(mr_store_bulk_leave(u->st, &err), 0);
	assert_int_equal(mr_store_open(u->path, &other, &err), 0);
	assert_string_equal(sql_text(other, "SELECT count(*) FROM review_case",
	    buf, sizeof buf), "1");
	mr_store_close(other);
}

/* The rows of a table as sorted lines, a new store's moment as "<made>". */
struct table_rows {
	char	**line;
	size_t	  n;
};

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
table_rows(struct mr_store *st, const char *table, time_t t0, time_t t1,
    struct table_rows *out)
{
	sqlite3_stmt *s;
	char sql[128], iso[32];
	size_t cap = 0;

	memset(out, 0, sizeof *out);
	snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", table);
	assert_int_equal(sqlite3_prepare_v2(mr_store_db(st), sql, -1, &s,
	    NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		char *line = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&line, &len);

		assert_non_null(fp);
		for (int c = 0; c < sqlite3_column_count(s); c++) {
			const char *v = (const char *)sqlite3_column_text(s, c);
			int type = sqlite3_column_type(s, c);

			for (time_t t = t0; v != NULL && type == SQLITE_TEXT &&
			    t <= t1; t++) {
				mr_when_iso_utc(t, iso, sizeof iso);
				if (strcmp(v, iso) == 0)
					v = "<made>";
			}
			fprintf(fp, "%d:%s|", type, v ? v : "");
		}
		assert_int_equal(fclose(fp), 0);
		if (out->n == cap) {
			cap = cap ? 2 * cap : 64;
			out->line = realloc(out->line, cap * sizeof *out->line);
			assert_non_null(out->line);
		}
		out->line[out->n++] = line;
	}
	sqlite3_finalize(s);
	if (out->n > 1)
		qsort(out->line, out->n, sizeof *out->line, line_cmp);
}

static void
table_rows_free(struct table_rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->line[i]);
	free(r->line);
}

/*
 * A store written from the build's image holds what one made by every
 * migration and the release's pack holds, cell by cell, with its own
 * moment of making and its own calendar secret.
 */
static void
test_image_store_is_the_migrated_store(void **state)
{
	struct unit_db *u = *state;
	struct mr_store *img = NULL, *img2 = NULL, *mig = NULL;
	struct mr_err err = { 0 };
	char p_img[160], p_img2[160], p_mig[160], a[4096], b[4096];
	sqlite3_stmt *s;
	time_t t0 = time(NULL), t1;

	snprintf(p_img, sizeof p_img, "%s/image.db", u->dir);
	snprintf(p_img2, sizeof p_img2, "%s/image2.db", u->dir);
	snprintf(p_mig, sizeof p_mig, "%s/migrated.db", u->dir);
	assert_true(mr_store_image_len > 0);
	assert_int_equal(mr_store_open(p_img, &img, &err), 0);
	assert_int_equal(mr_store_open(p_img2, &img2, &err), 0);
	mr_store_image_use(0);
	assert_int_equal(mr_store_open(p_mig, &mig, &err), 0);
	mr_store_image_use(1);
	t1 = time(NULL);

	static const char *const same[] = {
		"SELECT group_concat(type || ' ' || name || ' ' || tbl_name || "
		"' ' || coalesce(sql, ''), char(10)) FROM (SELECT * FROM "
		"sqlite_schema ORDER BY type, name)",
		"PRAGMA user_version", "PRAGMA application_id",
		"PRAGMA journal_mode", "PRAGMA page_size", "PRAGMA auto_vacuum",
		"PRAGMA encoding",
	};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		assert_string_equal(sql_text(img, same[i], a, sizeof a),
		    sql_text(mig, same[i], b, sizeof b));

	assert_int_equal(sqlite3_prepare_v2(mr_store_db(mig), "SELECT name "
	    "FROM sqlite_schema WHERE type = 'table' AND name != "
	    "'calendar_key' ORDER BY name", -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(s, 0);
		struct table_rows ri, rm;

		table_rows(img, table, t0, t1, &ri);
		table_rows(mig, table, t0, t1, &rm);
		for (size_t i = 0; i < ri.n && i < rm.n; i++)
			if (strcmp(ri.line[i], rm.line[i]) != 0)
				fail_msg("table %s differs:\n image:    %s\n "
				    "migrated: %s", table, ri.line[i], rm.line[i]);
		if (ri.n != rm.n)
			fail_msg("table %s: %zu rows from the image, %zu from "
			    "the migrations", table, ri.n, rm.n);
		table_rows_free(&ri);
		table_rows_free(&rm);
	}
	sqlite3_finalize(s);

	/* Each store its own secret, none the image's. */
	static const char key[] = "SELECT hex(secret) FROM calendar_key";
	sql_text(img, key, a, sizeof a);
	assert_int_equal(strlen(a), 64);
	assert_string_not_equal(a, sql_text(img2, key, b, sizeof b));
	assert_string_not_equal(a, sql_text(mig, key, b, sizeof b));
	assert_null(strstr(a, "0000000000000000"));
	mr_store_close(img);
	mr_store_close(img2);
	mr_store_close(mig);
}

/*
 * The build finds each stand-in whole, once, in the blanked store's bytes;
 * the same text in any other cell would be written over too, and is an
 * error instead.
 */
static void
test_image_stand_ins_are_located_once_each(void **state)
{
	struct unit_db *u = *state;
	struct mr_store_image_patch *p = NULL;
	struct mr_err err = { 0 };
	sqlite3 *db = mr_store_db(u->st);
	unsigned char *bytes;
	sqlite3_int64 size;
	size_t n = 0, secrets = 0;
	char made_at[32];

	sql_text(u->st, "SELECT applied_at FROM reference_pack", made_at,
	    sizeof made_at);
	assert_int_equal(mr_store_image_blank(db, made_at, &err), 0);
	assert_non_null(bytes = sqlite3_serialize(db, "main", &size, 0));
	assert_int_equal(mr_store_image_locate(db, bytes, (size_t)size, &p, &n,
	    &err), 0);
	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			assert_true(p[i].offset > p[i - 1].offset);
		if (p[i].kind == MR_STORE_IMAGE_PATCH_SECRET) {
			secrets++;
			for (size_t k = 0; k < MR_STORE_IMAGE_SECRET_LEN; k++)
				assert_int_equal(bytes[p[i].offset + k], 0);
		} else
			assert_memory_equal(bytes + p[i].offset,
			    MR_STORE_IMAGE_WHEN, sizeof MR_STORE_IMAGE_WHEN - 1);
	}
	assert_int_equal(secrets, 1);
	free(p);
	sqlite3_free(bytes);

	assert_int_equal(sqlite3_exec(db, "INSERT INTO review_case (tin, name, "
	    "performance_year, reasons, created_at, updated_at) VALUES "
	    "('123456789', 'Dr A', 2023, 'scoring-error', "
	    "'" MR_STORE_IMAGE_WHEN "', '2026-01-01T00:00:00Z')", NULL, NULL,
	    NULL), SQLITE_OK);
	assert_non_null(bytes = sqlite3_serialize(db, "main", &size, 0));
	p = NULL;
	assert_int_equal(mr_store_image_locate(db, bytes, (size_t)size, &p, &n,
	    &err), -1);
	assert_null(p);
	assert_non_null(strstr(err.msg, "stand-ins"));
	sqlite3_free(bytes);
}

/* A store another process made first is opened, not overwritten. */
static void
test_image_never_replaces_a_store(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	struct stat before, after;
	char cmd[160], buf[16];
	FILE *fp;

	assert_int_equal(stat(u->path, &before), 0);
	assert_int_equal(mr_store_image_place(u->path, 0600, UNIT_NOW,
	    mr_store_schema_latest(), 0x4d495053, &err), 1);
	assert_int_equal(stat(u->path, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(before.st_size, after.st_size);
	/* Nothing left beside it. */
	snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c mipsreview-new", u->dir);
	assert_non_null(fp = popen(cmd, "r"));
	assert_non_null(fgets(buf, sizeof buf, fp));
	pclose(fp);
	assert_string_equal(buf, "0\n");
	/* An image of another schema version is not written. */
	assert_int_equal(mr_store_image_place(u->path, 0600, UNIT_NOW,
	    mr_store_schema_latest() + 1, 0x4d495053, &err), 2);
}

/*
 * A process killed while it wrote a new store left its temporary: the
 * next to make a store there removes it, not one being written now.
 */
static void
test_image_sweeps_a_killed_writers_temporary(void **state)
{
	struct unit_db *u = *state;
	struct mr_store *st = NULL;
	struct mr_err err = { 0 };
	struct timeval old[2] = { { time(NULL) - 3600, 0 },
	    { time(NULL) - 3600, 0 } };
	char stale[160], fresh[160], other[160], path[160];
	FILE *fp;

	snprintf(stale, sizeof stale, "%s/.mipsreview-new-Ab12Cd", u->dir);
	snprintf(fresh, sizeof fresh, "%s/.mipsreview-new-Ef34Gh", u->dir);
	snprintf(other, sizeof other, "%s/.mipsreview-new-notours", u->dir);
	snprintf(path, sizeof path, "%s/second.db", u->dir);
	const char *const made[] = { stale, fresh, other };
	for (size_t i = 0; i < 3; i++) {
		assert_non_null(fp = fopen(made[i], "w"));
		fputs("image", fp);
		assert_int_equal(fclose(fp), 0);
	}
	assert_int_equal(utimes(stale, old), 0);
	assert_int_equal(utimes(other, old), 0);
	assert_int_equal(mr_store_open(path, &st, &err), 0);
	mr_store_close(st);
	assert_int_equal(access(stale, F_OK), -1);
	assert_int_equal(access(fresh, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_database_is_private_and_current,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_wal_and_foreign_keys_are_on,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_is_refused,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_older_schema_is_migrated_keeping_data,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test(test_missing_folder_reports_fix),
		cmocka_unit_test_setup_teardown(test_foreign_sqlite_file_is_refused,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_garbage_file_is_refused,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_nested_rollback_undoes_everything,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_release_pack_is_applied_once,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_newer_release_keeps_the_office_facts,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_bulk_load_journal_only_alone,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_image_store_is_the_migrated_store,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_image_stand_ins_are_located_once_each,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_image_never_replaces_a_store,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_image_sweeps_a_killed_writers_temporary,
		    unit_db_setup, unit_db_teardown),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
