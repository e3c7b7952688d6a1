/* Unit tests of lib/mr_import: bulk import and export of cases. */
#include "config.h"

#include <math.h>

#include <openssl/evp.h>

#include "tests/unit/unit.h"
#include "lib/mr_audit.h"
#include "lib/mr_buf.h"
#include "lib/mr_case.h"
#include "lib/mr_export.h"
#include "lib/mr_import.h"

#define HEADER "tin,npi,name,year,reason,score,adjustment,note\n"

/* What the reject callback saw. */
struct seen {
	long	 line[16];
	char	 why[16][160];
	int	 n;
};

static int
collect(const struct mr_import_reject *r, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16) {
		s->line[s->n] = r->line;
		snprintf(s->why[s->n], sizeof s->why[0], "%s", r->reason);
	}
	s->n++;
	return 0;
}

static void
write_file(const struct unit_db *u, const char *name, const char *text,
    char *path, size_t len)
{
	FILE *fp;

	snprintf(path, len, "%s/%s", u->dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* Keys sorted in memory at a time by the check for duplicates (0: its own). */
static size_t key_chunk;

static int
import_text(struct unit_db *u, const char *name, const char *text, int skip_bad,
    int force, struct seen *seen, struct mr_import_stats *stats,
    struct mr_err *err)
{
	struct mr_import_opts o = { .reject = collect, .arg = seen,
	    .skip_bad = skip_bad, .force = force, .key_chunk = key_chunk };
	char path[256];

	if (strstr(name, ".jsonl") != NULL)
		o.format = MR_FORMAT_JSONL;
	write_file(u, name, text, path, sizeof path);
	memset(seen, 0, sizeof *seen);
	return mr_import_file(u->st, path, &o, stats, err);
}

static long long
count_cases(struct unit_db *u)
{
	sqlite3_stmt *stmt;
	long long n;

	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st),
	    "SELECT count(*) FROM review_case", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/* The one text a query gives, compared with want. */
static void
assert_query_text(struct unit_db *u, const char *sql, const char *want)
{
	sqlite3_stmt *stmt;

	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st), sql, -1, &stmt,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0), want);
	sqlite3_finalize(stmt);
}

/* SHA-256 of the file's text, in hex as the import reports it. */
static void
text_sha256(const char *text, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;

	assert_int_equal(EVP_Digest(text, len, md, &mdlen, EVP_sha256(), NULL),
	    1);
	for (unsigned int i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* The store's own setting, which an import turns off for its transaction. */
static int
foreign_keys_on(struct unit_db *u)
{
	sqlite3_stmt *stmt;
	int on;

	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st),
	    "PRAGMA foreign_keys", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	on = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return on;
}

static int
first_note(const char *at, const char *who, const char *body, void *arg)
{
	snprintf(arg, 128, "%s", body);
	return 1;
}

static void
test_csv_quoting_commas_newlines_and_utf8_survive(void **state)
{
	struct unit_db *u = *state;
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen;
	struct mr_case c;
	char note[128] = "";

	assert_int_equal(import_text(u, "a.csv", HEADER
	    "12-3456789,1234567893,\"Doe, Jane\",2023,euc-not-applied;scoring-error,"
	    "62.5,-1.2,\"first line\nsecond, with \"\"quotes\"\"\"\n"
	    "123456789,,Clinique Zoë Müller,2023,other,,,\n",
	    0, 0, &seen, &st, &err), 0);
	assert_int_equal(st.rows, 2);
	assert_int_equal(st.imported, 2);
	assert_int_equal(mr_case_get(u->st, st.first_id, &c, &err), 0);
	assert_string_equal(c.name, "Doe, Jane");
	assert_string_equal(c.tin, "123456789");
	assert_int_equal(c.reasons, MR_REASON_EUC | MR_REASON_SCORING);
	assert_true(fabs(c.payment_adjustment + 1.2) < 1e-9);
	mr_case_release(&c);
	assert_int_equal(mr_case_notes_each(u->st, st.first_id, first_note, note,
	    &err), 0);
	assert_string_equal(note, "first line\nsecond, with \"quotes\"");
	assert_int_equal(mr_case_get(u->st, st.last_id, &c, &err), 0);
	assert_string_equal(c.name, "Clinique Zoë Müller");
	assert_string_equal(c.npi, "");
	mr_case_release(&c);
}

static void
test_one_bad_row_imports_nothing_and_every_bad_line_is_named(void **state)
{
	struct unit_db *u = *state;
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen;

	/* Line 3 holds a two-line note, so the bad rows start on 5 and 6. */
	assert_int_equal(import_text(u, "b.csv", HEADER
	    "123456789,1234567893,A,2023,other,,,\n"
	    "123456789,,B,2023,other,,,\"two\nlines\"\n"
	    "223456789,1234567898,C,2023,other,,,\n"
	    "323456789,,D,2016,other,,,\n"
	    "423456789,,E,2023,other,101,,\n",
	    0, 0, &seen, &st, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_non_null(strstr(err.msg, "3 of 5 rows are bad; nothing was imported"));
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.line[0], 5);
	assert_non_null(strstr(seen.why[0], "npi '1234567898': check digit"));
	assert_int_equal(seen.line[1], 6);
	assert_non_null(strstr(seen.why[1], "year '2016'"));
	assert_int_equal(seen.line[2], 7);
	assert_non_null(strstr(seen.why[2], "score '101'"));
	assert_int_equal(count_cases(u), 0);
}

static void
test_crlf_and_byte_order_mark_keep_line_numbers(void **state)
{
	struct unit_db *u = *state;
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen;

	/* What spreadsheets on Windows write: a BOM and CRLF line ends. */
	assert_int_equal(import_text(u, "w.csv", "\xef\xbb\xbftin,name,year,reason\r\n"
	    "123456789,A,2023,other\r\n"
	    "\r\n"
	    "223456789,B,2023,bogus\r\n",
	    0, 0, &seen, &st, &err), -1);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.line[0], 4);
	assert_non_null(strstr(seen.why[0], "reason 'bogus'"));
	assert_int_equal(st.rows, 2);
}

static void
test_skip_bad_imports_the_good_rows(void **state)
{
	struct unit_db *u = *state;
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen;

	assert_int_equal(import_text(u, "c.csv", HEADER
	    "123456789,1234567893,A,2023,other,,,\n"
	    "123456789,,B,2023,nonsense,,,\n"
	    "223456789,,C,2023,qp-status,,,\n",
	    1, 0, &seen, &st, &err), 0);
	assert_int_equal(st.imported, 2);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(seen.line[0], 3);
	assert_non_null(strstr(seen.why[0], "reason 'nonsense'"));
	assert_int_equal(count_cases(u), 2);
}

static void
test_duplicates_within_the_file_and_against_the_database(void **state)
{
	struct unit_db *u = *state;
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen;

	assert_int_equal(import_text(u, "d1.csv", HEADER
	    "123456789,1234567893,A,2023,other,,,\n",
	    0, 0, &seen, &st, &err), 0);
	assert_int_equal(import_text(u, "d2.csv", HEADER
	    "223456789,,G,2023,other,,,\n"
	    "22-3456789,,G again,2023,other,,,\n"
	    "123456789,1234567893,A again,2023,other,,,\n"
	    "123456789,1234567893,A for 2022,2022,other,,,\n",
	    0, 0, &seen, &st, &err), -1);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.line[0], 3);
	assert_non_null(strstr(seen.why[0], "line 2 already opens a case for "
	    "this TIN and performance year 2023"));
	assert_int_equal(seen.line[1], 4);
	assert_non_null(strstr(seen.why[1], "case 1 is already open"));
	assert_non_null(strstr(seen.why[1], "--force"));
	assert_true(foreign_keys_on(u));
	/* --force opens them all, as add --force does. */
	assert_int_equal(import_text(u, "d2.csv", HEADER
	    "223456789,,G,2023,other,,,\n"
	    "22-3456789,,G again,2023,other,,,\n"
	    "123456789,1234567893,A again,2023,other,,,\n",
	    0, 1, &seen, &st, &err), 0);
	assert_int_equal(count_cases(u), 4);
}

/*
 * With two keys sorted in memory at a time, the open cases' keys of a
 * file make many sorted runs, merged once the file is read: a duplicate
 * in another run than its first, one against the database, and two open
 * cases the database already held (opened with --force) are told apart.
 */
static void
test_duplicates_across_sorted_runs(void **state)
{
	struct unit_db *u = *state;
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen;
	const char *file = HEADER
	    "300000001,,P1,2023,other,,,\n"
	    "300000002,,P2,2023,other,,,\n"
	    "300000003,,P3,2023,other,,,\n"
	    "300000004,,P4,2023,other,,,\n"
	    "300000001,,P1 again,2023,other,,,\n"
	    "123456789,1234567893,A again,2023,other,,,\n"
	    "300000005,,P5,2022,other,,,\n";

	assert_int_equal(import_text(u, "d1.csv", HEADER
	    "123456789,1234567893,A,2023,other,,,\n"
	    "123456789,1234567893,A twice,2023,other,,,\n",
	    0, 1, &seen, &st, &err), 0);
	key_chunk = 2;
	assert_int_equal(import_text(u, "d2.csv", file, 0, 0, &seen, &st, &err),
	    -1);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.line[0], 6);
	assert_non_null(strstr(seen.why[0], "line 2 already opens a case for "
	    "this TIN and performance year 2023"));
	assert_int_equal(seen.line[1], 7);
	assert_non_null(strstr(seen.why[1], "case 1 is already open for this "
	    "TIN, NPI and performance year 2023"));
	assert_int_equal(count_cases(u), 2);
	/* The same rows but the two duplicates: all in, ids in file order. */
	assert_int_equal(import_text(u, "d3.csv", HEADER
	    "300000001,,P1,2023,other,,,\n"
	    "300000002,,P2,2023,other,,,\n"
	    "300000003,,P3,2023,other,,,\n"
	    "300000004,,P4,2023,other,,,\n"
	    "300000005,,P5,2022,other,,,\n",
	    0, 0, &seen, &st, &err), 0);
	assert_int_equal(seen.n, 0);
	assert_int_equal(st.imported, 5);
	assert_int_equal(st.first_id, 3);
	assert_int_equal(st.last_id, 7);
	key_chunk = 0;
}

/*
 * A bad row ends the check in bulk: the keys logged before it are moved
 * into the check row by row, which then finds a later duplicate of one of
 * them and names its first line; the rows turned down come in file order
 * and the good ones take consecutive ids.  A duplicate before the bad
 * row is found as well, and named before it.
 */
static void
test_bad_row_between_duplicates_keeps_file_order(void **state)
{
	struct unit_db *u = *state;
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen;

	key_chunk = 2;
	assert_int_equal(import_text(u, "e1.csv", HEADER
	    "300000001,,P1,2023,other,,,\n"
	    "300000002,,P2,2023,other,,,\n"
	    "300000003,,P3,2023,other,,,\n"
	    "300000009,,Bad,2023,nonsense,,,\n"
	    "300000002,,P2 again,2023,other,,,\n"
	    "300000004,,P4,2023,other,,,\n",
	    1, 0, &seen, &st, &err), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.line[0], 5);
	assert_non_null(strstr(seen.why[0], "reason 'nonsense'"));
	assert_int_equal(seen.line[1], 6);
	assert_non_null(strstr(seen.why[1], "line 3 already opens a case"));
	assert_int_equal(st.imported, 4);
	assert_int_equal(st.rejected, 2);
	assert_int_equal(st.last_id - st.first_id, 3);
	assert_int_equal(count_cases(u), 4);
	assert_int_equal(import_text(u, "e2.csv", HEADER
	    "400000001,,Q1,2023,other,,,\n"
	    "400000001,,Q1 again,2023,other,,,\n"
	    "400000002,,Q2,2023,other,,,\n"
	    "400000009,,Bad,2023,nonsense,,,\n"
	    "400000003,,Q3,2023,other,,,\n",
	    1, 0, &seen, &st, &err), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.line[0], 3);
	assert_non_null(strstr(seen.why[0], "line 2 already opens a case"));
	assert_int_equal(seen.line[1], 5);
	assert_non_null(strstr(seen.why[1], "reason 'nonsense'"));
	assert_int_equal(st.imported, 3);
	assert_int_equal(st.last_id - st.first_id, 2);
	assert_int_equal(count_cases(u), 7);
	key_chunk = 0;
}

static void
test_non_utf8_is_rejected_with_its_line(void **state)
{
	struct unit_db *u = *state;
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen;

	assert_int_equal(import_text(u, "e.csv", HEADER
	    "123456789,,Caf\xe9 Latin-1,2023,other,,,\n",
	    0, 0, &seen, &st, &err), -1);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.line[0], 2);
	assert_non_null(strstr(seen.why[0], "name: byte 3 is not valid UTF-8"));
	assert_int_equal(count_cases(u), 0);
}

/*
 * A NUL byte inside a CSV field must not cut the value short silently,
 * also in a quoted field over several lines, on its first line or a later.
 */
static void
test_csv_nul_byte_is_rejected_not_truncated(void **state)
{
	struct unit_db *u = *state;
	static const char text[] = "tin,name,year,reason\n"
	    "123456789,Doe\0 hidden,2023,other\n"
	    "223456789,Roe,2023,other\n"
	    "323456789,\"Poe\0\nmore\",2023,other\n"
	    "423456789,\"Loe\nrest\0\",2023,other\n";
	struct mr_import_opts o = { .reject = collect, .skip_bad = 1 };
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen = { 0 };
	char path[256];
	FILE *fp;

	o.arg = &seen;
	snprintf(path, sizeof path, "%s/nul.csv", u->dir);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, sizeof text - 1, fp), sizeof text - 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(mr_import_file(u->st, path, &o, &st, &err), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.line[0], 2);
	assert_int_equal(seen.line[1], 4);
	assert_int_equal(seen.line[2], 6);
	for (int i = 0; i < 3; i++)
		assert_non_null(strstr(seen.why[i], "name: the text holds a NUL"));
	assert_int_equal(st.imported, 1);
	assert_int_equal(count_cases(u), 1);
}

/*
 * The file is read in blocks of 1 MB and cut into lines: a line longer
 * than a block, a CRLF line and a last line without its newline all come
 * through whole, and the digest covers every byte.
 */
static void
test_long_lines_and_a_missing_last_newline_come_through(void **state)
{
	struct unit_db *u = *state;
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen;
	struct mr_buf b;
	char hex[65], *text;
	size_t len;

	mr_buf_init(&b, 4 << 20);
	assert_int_equal(mr_buf_printf(&b, "%s12-3456789,,Long,2023,"
	    "euc-not-applied,,,", HEADER), 0);
	for (int i = 0; i < 1500 * 1024 / 64; i++)
		assert_int_equal(mr_buf_add(&b, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
		    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", 64), 0);
	assert_int_equal(mr_buf_printf(&b, "\n22-3456789,,Crlf,2023,"
	    "scoring-error,,,\r\n32-3456789,,Last,2023,scoring-error,,,end"),
	    0);
	assert_non_null(text = mr_buf_take(&b, &len));
	assert_int_equal(import_text(u, "long.csv", text, 0, 0, &seen, &st,
	    &err), 0);
	assert_int_equal(seen.n, 0);
	assert_int_equal(st.imported, 3);
	assert_query_text(u, "SELECT group_concat(c.name || ':' || "
	    "ifnull(length(n.body), 0), ' ') FROM review_case c LEFT JOIN "
	    "case_note n ON n.case_id = c.id", "Long:1536000 Crlf:0 Last:3");
	text_sha256(text, len, hex);
	assert_string_equal(st.sha256, hex);
	free(text);
}

static int
finish_fails(void *arg)
{
	struct seen *s = arg;

	s->line[15] = s->n;	/* how many rejects had been handed over */
	return 1;
}

/* The caller's last word (its rejects file on disk) comes before the commit. */
static void
test_failing_finish_rolls_the_import_back(void **state)
{
	struct unit_db *u = *state;
	struct mr_import_opts o = { .reject = collect, .finish = finish_fails,
	    .skip_bad = 1 };
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen = { 0 };
	sqlite3_stmt *stmt;
	char path[256];

	o.arg = &seen;
	write_file(u, "f.csv", "tin,name,year,reason\n"
	    "123456789,A,2023,other\n223456789,B,2023,bogus\n", path,
	    sizeof path);
	assert_int_equal(mr_import_file(u->st, path, &o, &st, &err), -1);
	assert_int_equal(seen.line[15], 1);
	assert_non_null(strstr(err.msg, "nothing was imported"));
	assert_int_equal(count_cases(u), 0);
	/* The CHECK constraints are back on for the connection's next writer. */
	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st),
	    "PRAGMA ignore_check_constraints", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 0);
	sqlite3_finalize(stmt);
}

static void
test_whole_file_errors_name_the_problem(void **state)
{
	struct unit_db *u = *state;
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen;

	assert_int_equal(import_text(u, "f1.csv", "tin,npi,name,reason\n"
	    "123456789,,A,other\n", 0, 0, &seen, &st, &err), -1);
	assert_non_null(strstr(err.msg, "required column is missing: year"));
	assert_int_equal(import_text(u, "f2.csv", "tin,name,year,reason,colour\n"
	    "123456789,A,2023,other,red\n", 0, 0, &seen, &st, &err), -1);
	assert_non_null(strstr(err.msg, "column 'colour' is not known"));
	assert_int_equal(import_text(u, "f3.csv", "", 0, 0, &seen, &st, &err), -1);
	assert_non_null(strstr(err.msg, "is empty"));
	assert_int_equal(import_text(u, "f4.csv", "tin,name,year,reason\n", 0, 0,
	    &seen, &st, &err), -1);
	assert_non_null(strstr(err.msg, "no cases to import"));
	assert_int_equal(import_text(u, "f5.csv", "tin,name,year,reason\n"
	    "123456789,\"A,2023,other\n", 0, 0, &seen, &st, &err), -1);
	assert_non_null(strstr(err.msg, "not closed"));
	assert_int_equal(err.code, MR_EINVAL);
	assert_int_equal(count_cases(u), 0);
}

static void
test_jsonl_rows_and_bad_lines(void **state)
{
	struct unit_db *u = *state;
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen;
	struct mr_case c;

	assert_int_equal(import_text(u, "g.jsonl",
	    "{\"tin\":\"123456789\",\"npi\":\"1234567893\",\"name\":\"A\","
	    "\"year\":2023,\"reason\":[\"qp-status\",\"other\"],\"score\":85.49}\n"
	    "\n"
	    "{\"tin\":\"223456789\",\"name\":\"B\",\"year\":2023,"
	    "\"reason\":\"scoring-error\",\"colour\":\"red\"}\n"
	    "{\"tin\": \"323456789\", \"name\": \"C\"\n"
	    "[1,2]\n",
	    0, 0, &seen, &st, &err), -1);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.line[0], 3);
	assert_non_null(strstr(seen.why[0], "field 'colour' is not known"));
	assert_int_equal(seen.line[1], 4);
	assert_non_null(strstr(seen.why[1], "not valid JSON"));
	assert_int_equal(seen.line[2], 5);
	assert_int_equal(count_cases(u), 0);
	assert_int_equal(import_text(u, "g.jsonl",
	    "{\"tin\":\"123456789\",\"npi\":\"1234567893\",\"name\":\"A\","
	    "\"year\":2023,\"reason\":[\"qp-status\",\"other\"],\"score\":85.49,"
	    "\"status\":\"submitted\"}\n", 0, 0, &seen, &st, &err), 0);
	assert_int_equal(mr_case_get(u->st, st.first_id, &c, &err), 0);
	assert_int_equal(c.reasons, MR_REASON_QP_STATUS | MR_REASON_OTHER);
	assert_true(fabs(c.final_score - 85.49) < 1e-9);
	assert_string_equal(c.status, "submitted");
	mr_case_release(&c);
}

static char *
export_text(struct unit_db *u, enum mr_import_format fmt)
{
	struct mr_err err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	long n;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(mr_export_write(u->st, NULL, fmt, fp, &n, &err), 0);
	fclose(fp);
	return buf;
}

static void
round_trip(void **state, enum mr_import_format fmt, const char *name)
{
	struct unit_db *u = *state, v;
	struct mr_import_opts o = { .format = fmt };
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	struct seen seen;
	char *first, *second, path[256];

	assert_int_equal(import_text(u, "h.csv", "tin,npi,name,year,reason,score,"
	    "adjustment,practice,participation,owner,note,quality,cost,ia,pi\n"
	    "12-3456789,1234567893,\"Doe, Jane\",2023,qp-status;other,62.5,-1.2,"
	    "small,group,officer@practice.example,\"two\nlines, \"\"quoted\"\"\","
	    "70,,100,55.25\n"
	    "123456789,,\" Spaced Group \",2022,eligibility,100,8.25,,,,,,,,\n",
	    0, 0, &seen, &st, &err), 0);
	first = export_text(u, fmt);
	/* Into a second, empty database, then out again. */
	memset(&v, 0, sizeof v);
	snprintf(v.dir, sizeof v.dir, "%s", u->dir);
	snprintf(v.path, sizeof v.path, "%s/second.db", u->dir);
	assert_int_equal(mr_store_open(v.path, &v.st, &err), 0);
	mr_store_set_now(v.st, UNIT_NOW);
	write_file(u, name, first, path, sizeof path);
	assert_int_equal(mr_import_file(v.st, path, &o, &st, &err), 0);
	assert_int_equal(st.imported, 2);
	second = export_text(&v, fmt);
	assert_string_equal(first, second);
	assert_non_null(strstr(first, "officer@practice.example"));
	mr_store_close(v.st);
	free(first);
	free(second);
}

static void
test_export_then_import_round_trips_csv(void **state)
{
	round_trip(state, MR_FORMAT_CSV, "out.csv");
}

static void
test_export_then_import_round_trips_jsonl(void **state)
{
	round_trip(state, MR_FORMAT_JSONL, "out.jsonl");
}

static int
audit_after(const struct mr_audit_row *r, void *arg)
{
	if (strcmp(r->entity, "import") == 0)
		snprintf(arg, 512, "%s", r->after);
	return 0;
}

static void
test_large_load_rebuilds_indexes_and_audits_once(void **state)
{
	struct unit_db *u = *state;
	struct mr_import_opts o = { 0 };
	struct mr_import_stats st;
	struct mr_err err = { 0 };
	char path[256], hex[65], after[512] = "", want[100];
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	sqlite3_stmt *stmt;
	int64_t rows, bad;

	/* Enough rows for the drop-and-rebuild path and many writer batches. */
	fputs("tin,name,year,reason,note\n", fp);
	for (int i = 0; i < 12000; i++)
		fprintf(fp, "%09d,Practice number %d of the national roll,2023,"
		    "scoring-error,%s\n", 100000000 + i, i, i % 100 ? "" : "n");
	fclose(fp);
	write_file(u, "big.csv", text, path, sizeof path);
	/* The load runs on a small page cache of its own, then gives back the
	 * connection's. */
	assert_int_equal(sqlite3_exec(mr_store_db(u->st), "PRAGMA cache_size = "
	    "-1234", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(mr_import_file(u->st, path, &o, &st, &err), 0);
	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st), "PRAGMA "
	    "cache_size", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), -1234);
	sqlite3_finalize(stmt);
	assert_int_equal(st.imported, 12000);
	assert_int_equal(st.first_id, 1);
	assert_int_equal(st.last_id, 12000);
	/*
	 * The secondary indexes of review_case that lead with TIN or NPI were
	 * rebuilt after the load, those by year, status or deadline kept up as
	 * the rows went in; all are back and agree with the table.
	 */
	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st), "SELECT count(*), "
	    "sum((SELECT i.name FROM pragma_index_info(s.name) i WHERE i.seqno = 0) "
	    "IN ('tin', 'npi')) FROM sqlite_schema s WHERE s.type = 'index' AND "
	    "s.tbl_name = 'review_case' AND s.sql IS NOT NULL", -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_true(sqlite3_column_int(stmt, 0) >= 3);
	assert_true(sqlite3_column_int(stmt, 1) >= 2);
	assert_int_equal(st.indexes_rebuilt, sqlite3_column_int(stmt, 1));
	sqlite3_finalize(stmt);
	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st), "PRAGMA "
	    "integrity_check", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "ok");
	sqlite3_finalize(stmt);
	/* Notes land on their own cases across multi-row INSERTs. */
	assert_query_text(u, "SELECT group_concat(n.case_id || ':' || "
	    "substr(c.name, 17, 4)) FROM (SELECT * FROM case_note ORDER BY id "
	    "LIMIT 3) n JOIN review_case c ON c.id = n.case_id",
	    "1:0 of,101:100 ,201:200 ");
	text_sha256(text, len, hex);
	assert_string_equal(st.sha256, hex);
	assert_int_equal(mr_audit_each(u->st, "import", 0, audit_after, after,
	    &err), 0);
	snprintf(want, sizeof want, "\"sha256\":\"%s\"", hex);
	assert_non_null(strstr(after, want));
	assert_non_null(strstr(after, "\"imported\":12000"));
	assert_int_equal(mr_audit_verify(u->st, &bad, &rows, &err), 0);
	assert_int_equal(rows, 1);
	assert_true(foreign_keys_on(u));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_csv_quoting_commas_newlines_and_utf8_survive, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_one_bad_row_imports_nothing_and_every_bad_line_is_named, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_crlf_and_byte_order_mark_keep_line_numbers, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_skip_bad_imports_the_good_rows, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_within_the_file_and_against_the_database, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_across_sorted_runs, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_bad_row_between_duplicates_keeps_file_order, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_non_utf8_is_rejected_with_its_line, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_csv_nul_byte_is_rejected_not_truncated, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_failing_finish_rolls_the_import_back, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_whole_file_errors_name_the_problem, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_jsonl_rows_and_bad_lines, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_export_then_import_round_trips_csv, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_export_then_import_round_trips_jsonl, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_large_load_rebuilds_indexes_and_audits_once, unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_long_lines_and_a_missing_last_newline_come_through, unit_db_setup, unit_db_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
