/*
 * Unit tests of lib/mr_tzcache (the VTIMEZONEs kept in the database) and
 * of mr_ical_write's use of it.
 */
#include "config.h"

#include <sqlite3.h>

#include "tests/unit/unit.h"
#include "lib/mr_case.h"
#include "lib/mr_ical.h"
#include "lib/mr_tzcache.h"

#define ZONE	"America/Chicago"

struct out {
	char	*p;
	size_t	 len;
};

static int
sink(const char *s, size_t len, void *arg)
{
	struct out *o = arg;

	o->p = realloc(o->p, o->len + len + 1);
	assert_non_null(o->p);
	memcpy(o->p + o->len, s, len);
	o->len += len;
	o->p[o->len] = '\0';
	return 0;
}

/* The VTIMEZONE of a calendar (the caller frees it). */
static char *
vtimezone_of(const char *cal)
{
	const char *b = strstr(cal, "BEGIN:VTIMEZONE\r\n"), *e;

	assert_non_null(b);
	e = strstr(b, "END:VTIMEZONE\r\n");
	assert_non_null(e);
	e += strlen("END:VTIMEZONE\r\n");
	return strndup(b, (size_t)(e - b));
}

/* A copy of the system's file of zone in dir (dir/ZONE). */
static void
copy_zone(const char *dir, const char *zone)
{
	char cmd[512];

	snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s' && rmdir '%s/%s' && "
	    "cp '%s/%s' '%s/%s'", dir, zone, dir, zone, MR_TZCACHE_ZONEINFO,
	    zone, dir, zone);
	assert_int_equal(system(cmd), 0);
}

static long long
rows(struct mr_store *st)
{
	sqlite3_stmt *stmt;
	long long n;

	assert_int_equal(sqlite3_prepare_v2(mr_store_db(st),
	    "SELECT count(*) FROM zone_vtimezone", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static void
sql(struct mr_store *st, const char *q)
{
	assert_int_equal(sqlite3_exec(mr_store_db(st), q, NULL, NULL, NULL),
	    SQLITE_OK);
}

static const char sample[] =
    "BEGIN:VTIMEZONE\r\nTZID:" ZONE "\r\nBEGIN:STANDARD\r\nTZNAME:CST\r\n"
    "TZOFFSETFROM:-0500\r\nTZOFFSETTO:-0600\r\nDTSTART:20071104T020000\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n";

static void
test_key_follows_the_bytes_of_the_zone_file(void **state)
{
	struct unit_db *u = *state;
	struct mr_tzcache_key sys, copy, changed;
	char path[256];
	FILE *f;

	copy_zone(u->dir, ZONE);
	assert_int_equal(mr_tzcache_key(MR_TZCACHE_ZONEINFO, ZONE, 2024, &sys), 0);
	assert_int_equal(mr_tzcache_key(u->dir, ZONE, 2024, &copy), 0);
	assert_string_equal(sys.zone, ZONE);
	assert_int_equal(sys.first_year, 2024);
	assert_memory_equal(sys.tzif, copy.tzif, sizeof sys.tzif);
	assert_string_equal(sys.maker, copy.maker);
	assert_non_null(strstr(sys.maker, "mipsreview " PACKAGE_VERSION));
	assert_non_null(strstr(sys.maker, "libical"));
	/* A tzdata update: one byte of the file differs. */
	snprintf(path, sizeof path, "%s/%s", u->dir, ZONE);
	assert_non_null(f = fopen(path, "r+"));
	assert_int_equal(fseek(f, 60, SEEK_SET), 0);
	assert_int_equal(fputc(0x5a, f), 0x5a);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(mr_tzcache_key(u->dir, ZONE, 2024, &changed), 0);
	assert_memory_not_equal(sys.tzif, changed.tzif, sizeof sys.tzif);
}

static void
test_key_refuses_names_outside_the_zone_folder(void **state)
{
	struct unit_db *u = *state;
	static const char *const bad[] = { "", "../" ZONE, "/etc/passwd",
	    "America//Chicago", "America/Chicago/", "-x", "America/../UTC",
	    "America/Chicago.bak", "No/Such_Zone" };
	struct mr_tzcache_key k;
	char path[256];
	FILE *f;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(mr_tzcache_key(MR_TZCACHE_ZONEINFO, bad[i],
		    2024, &k), -1);
	/* A file that is no TZif file is no key either. */
	snprintf(path, sizeof path, "%s/Not_A_Zone", u->dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("hello, world\n", f);
	fclose(f);
	assert_int_equal(mr_tzcache_key(u->dir, "Not_A_Zone", 2024, &k), -1);
}

static void
test_kept_text_serves_its_whole_key_only(void **state)
{
	struct unit_db *u = *state;
	struct mr_tzcache_key k, other;
	char *got;

	assert_int_equal(mr_tzcache_key(MR_TZCACHE_ZONEINFO, ZONE, 2024, &k), 0);
	assert_null(mr_tzcache_get(u->st, &k));
	assert_int_equal(mr_tzcache_put(u->st, &k, sample), 0);
	assert_non_null(got = mr_tzcache_get(u->st, &k));
	assert_string_equal(got, sample);
	free(got);
	other = k;
	other.first_year = 2023;
	assert_null(mr_tzcache_get(u->st, &other));
	other = k;
	other.tzif[31] ^= 1;		/* the zone's file changed */
	assert_null(mr_tzcache_get(u->st, &other));
	other = k;
	snprintf(other.maker, sizeof other.maker, "mipsreview 9.9; libical 4.0");
	assert_null(mr_tzcache_get(u->st, &other));
	/* The new file's text replaces the old one: one row per zone and year. */
	other = k;
	other.tzif[0] ^= 1;
	assert_int_equal(mr_tzcache_put(u->st, &other, sample), 0);
	assert_int_equal(rows(u->st), 1);
	assert_null(mr_tzcache_get(u->st, &k));
	assert_non_null(got = mr_tzcache_get(u->st, &other));
	free(got);
}

static void
test_damaged_text_is_ignored(void **state)
{
	struct unit_db *u = *state;
	static const char *const damage[] = {
		"UPDATE zone_vtimezone SET vtimezone = replace(vtimezone, 'CST', 'CXT')",
		"UPDATE zone_vtimezone SET vtimezone = substr(vtimezone, 1, 40)",
		"UPDATE zone_vtimezone SET check_sha256 = zeroblob(32)",
		"UPDATE zone_vtimezone SET vtimezone = CAST(vtimezone AS BLOB)",
	};
	struct mr_tzcache_key k;
	char *got;

	assert_int_equal(mr_tzcache_key(MR_TZCACHE_ZONEINFO, ZONE, 2024, &k), 0);
	for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
		assert_int_equal(mr_tzcache_put(u->st, &k, sample), 0);
		assert_non_null(got = mr_tzcache_get(u->st, &k));
		free(got);
		sql(u->st, damage[i]);
		assert_null(mr_tzcache_get(u->st, &k));
	}
}

static void
test_only_a_vtimezone_of_the_zone_is_kept(void **state)
{
	struct unit_db *u = *state;
	struct mr_tzcache_key k;
	char *bare_lf = strdup(sample), *p;

	assert_int_equal(mr_tzcache_key(MR_TZCACHE_ZONEINFO, ZONE, 2024, &k), 0);
	assert_int_equal(mr_tzcache_put(u->st, &k, "BEGIN:VEVENT\r\n"
	    "UID:x\r\nEND:VEVENT\r\n"), -1);
	assert_int_equal(mr_tzcache_put(u->st, &k, "BEGIN:VTIMEZONE\r\n"
	    "TZID:Europe/London\r\nEND:VTIMEZONE\r\n"), -1);
	assert_int_equal(mr_tzcache_put(u->st, &k, "BEGIN:VTIMEZONE\r\n"
	    "TZID:" ZONE "\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n"), -1);
	p = strstr(bare_lf, "\r\nEND:STANDARD");
	memmove(p, p + 1, strlen(p + 1) + 1);
	assert_int_equal(mr_tzcache_put(u->st, &k, bare_lf), -1);
	free(bare_lf);
	assert_int_equal(rows(u->st), 0);
}

static void
test_nothing_is_kept_inside_a_transaction_or_read_only(void **state)
{
	struct unit_db *u = *state;
	struct mr_tzcache_key k;
	struct mr_err err = { 0 };

	assert_int_equal(mr_tzcache_key(MR_TZCACHE_ZONEINFO, ZONE, 2024, &k), 0);
	assert_int_equal(mr_store_begin(u->st, &err), 0);
	assert_int_equal(mr_tzcache_put(u->st, &k, sample), -1);
	mr_store_rollback(u->st);
	sql(u->st, "PRAGMA query_only = ON");
	assert_int_equal(mr_tzcache_put(u->st, &k, sample), -1);
	sql(u->st, "PRAGMA query_only = OFF");
	assert_int_equal(rows(u->st), 0);
}

/* The whole calendar of the database (the caller frees it). */
static char *
write_all(struct mr_store *st, int keep)
{
	struct mr_deadline_filter f = { .include_closed = 1 };
	struct mr_ical_opts o;
	struct mr_err err = { 0 };
	struct out out = { 0 };
	long n = 0;

	memset(&o, 0, sizeof o);
	assert_int_equal(mr_ical_key(st, &o, &err), 0);
	o.keep_zones = keep;
	assert_int_equal(mr_ical_write(st, &f, &o, sink, &out, &n, &err), 0);
	assert_int_equal(n, 1);
	return out.p;
}

static void
test_calendar_takes_the_kept_zone_and_keeps_what_libical_made(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input in = { .tin = "12-3456789", .name = "Dr. Ada",
	    .year = "2023", .reasons = { "other" }, .nreasons = 1 };
	struct mr_tzcache_key k;
	struct mr_err err = { 0 };
	char *first, *again, *made, *marked, *p;
	int64_t id;

	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), 0);
	/* Without keep_zones nothing is kept. */
	first = write_all(u->st, 0);
	assert_int_equal(rows(u->st), 0);
	free(write_all(u->st, 1));
	assert_int_equal(rows(u->st), 1);
	again = write_all(u->st, 1);
	assert_string_equal(again, first);
	/* What libical made is what was kept: the PY2023 window closes in
	 * October 2024, rules from 2024 on. */
	assert_int_equal(mr_tzcache_key(MR_TZCACHE_ZONEINFO, ZONE, 2024, &k), 0);
	made = vtimezone_of(first);
	assert_non_null(p = mr_tzcache_get(u->st, &k));
	assert_string_equal(p, made);
	free(p);
	/* A kept text is written as it is, without asking libical. */
	assert_non_null(marked = malloc(strlen(made) + 32));
	p = strstr(made, "\r\n") + 2;
	snprintf(marked, strlen(made) + 32, "%.*sX-KEPT:yes\r\n%s",
	    (int)(p - made), made, p);
	assert_int_equal(mr_tzcache_put(u->st, &k, marked), 0);
	free(again);
	again = write_all(u->st, 1);
	assert_non_null(strstr(again, marked));
	/* Damaged, it is made again and kept whole. */
	sql(u->st, "UPDATE zone_vtimezone SET vtimezone = "
	    "replace(vtimezone, 'X-KEPT:yes', 'X-KEPT:no')");
	free(again);
	again = write_all(u->st, 1);
	assert_string_equal(again, first);
	assert_non_null(p = mr_tzcache_get(u->st, &k));
	assert_string_equal(p, made);
	free(p);
	free(first);
	free(again);
	free(made);
	free(marked);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_follows_the_bytes_of_the_zone_file,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_key_refuses_names_outside_the_zone_folder,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_kept_text_serves_its_whole_key_only,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_damaged_text_is_ignored,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_only_a_vtimezone_of_the_zone_is_kept,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_nothing_is_kept_inside_a_transaction_or_read_only,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_calendar_takes_the_kept_zone_and_keeps_what_libical_made,
		    unit_db_setup, unit_db_teardown),
	};

	return cmocka_run_group_tests_name("tzcache", tests, NULL, NULL);
}
