/* Unit tests of lib/mr_store: creation, migration, refusal of strangers. */
#include "config.h"

#include <sys/stat.h>

#include "tests/unit/unit.h"
#include "lib/mr_migrate.h"

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
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
