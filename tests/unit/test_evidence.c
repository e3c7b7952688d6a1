/* Unit tests of lib/mr_evidence: the store, the checklist and verify. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "tests/unit/unit.h"
#include "lib/mr_audit.h"
#include "lib/mr_case.h"
#include "lib/mr_checklist.h"
#include "lib/mr_evidence.h"
#include "lib/mr_hardship.h"
#include "lib/mr_packet.h"

/*
 * fsync fails with EIO for the next fsync_failures calls; when
 * fsync_watch names a path, fsync_watched counts the syncs of it.
 */
static int fsync_failures;
static const char *fsync_watch;
static int fsync_watched;
int __real_fsync(int);
int __wrap_fsync(int fd);

int
__wrap_fsync(int fd)
{
	char link[64], target[PATH_MAX];
	ssize_t n;

	if (fsync_watch != NULL) {
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		if ((n = readlink(link, target, sizeof target - 1)) > 0) {
			target[n] = '\0';
			if (strcmp(target, fsync_watch) == 0)
				fsync_watched++;
		}
	}
	if (fsync_failures > 0) {
		fsync_failures--;
		errno = EIO;
		return -1;
	}
	return __real_fsync(fd);
}

/* Descriptors this process has open. */
static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static int64_t
add_case(struct unit_db *u, const char *reason)
{
	struct mr_case_input in = {
		.tin = "12-3456789", .npi = "1234567893", .name = "Dr. Ada Example",
		.year = "2023", .reasons = { reason }, .nreasons = 1,
	};
	struct mr_err err = { 0 };
	int64_t id;

	assert_int_equal(mr_case_add(u->st, &in, 1, &id, &err), 0);
	return id;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void
path_in(struct unit_db *u, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", u->dir, name);
}

/* Entries in the store folder (0 if it does not exist). */
static int
store_entries(struct unit_db *u)
{
	char cmd[256], buf[32];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof cmd, "ls -A '%s/evidence' 2>/dev/null | wc -l",
	    u->dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (fgets(buf, sizeof buf, p) != NULL)
		n = (int)strtol(buf, NULL, 10);
	pclose(p);
	return n;
}

static int
count_rows(struct unit_db *u, const char *sql)
{
	sqlite3_stmt *stmt;
	int n;

	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st), sql, -1, &stmt,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static int
attach1(struct unit_db *u, int64_t case_id, const char *path, const char *kind,
    struct mr_evidence_result *r, struct mr_err *err)
{
	struct mr_evidence_file f = { path, NULL };

	return mr_evidence_attach(u->st, "case", case_id, &f, 1, kind, NULL, r,
	    err);
}

static void
test_attach_stores_content_under_its_sha256_private(void **state)
{
	struct unit_db *u = *state;
	struct mr_evidence_result r;
	struct mr_evidence ev;
	struct mr_err err = { 0 };
	struct stat sb;
	char path[256], stored[256];
	int64_t c = add_case(u, "scoring-error");

	path_in(u, "receipt.txt", path, sizeof path);
	write_file(path, "hello\n");
	assert_int_equal(attach1(u, c, path, "submission-receipt", &r, &err), 0);
	assert_int_equal(r.deduplicated, 0);
	assert_int_equal(mr_evidence_get(u->st, r.id, &ev, &err), 0);
	/* sha256sum of "hello\n" */
	assert_string_equal(ev.sha256,
	    "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
	assert_string_equal(ev.original_name, "receipt.txt");
	assert_int_equal(ev.size, 6);
	assert_string_equal(ev.media_type, "text/plain");
	assert_string_equal(ev.kind, "submission-receipt");
	assert_string_equal(ev.attached_by, "tester");
	assert_null(ev.detached_by);
	snprintf(stored, sizeof stored, "%s/evidence/%s", u->dir, ev.sha256);
	assert_int_equal(stat(stored, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(stored, sizeof stored, "%s/evidence", u->dir);
	assert_int_equal(stat(stored, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(store_entries(u), 1);	/* no temporary file left */
	mr_evidence_release(&ev);
}

static void
test_same_content_is_stored_once_for_two_cases(void **state)
{
	struct unit_db *u = *state;
	struct mr_evidence_result r1, r2;
	struct mr_err err = { 0 };
	char a[256], b[256];
	int64_t c1 = add_case(u, "other"), c2 = add_case(u, "other");

	path_in(u, "a.txt", a, sizeof a);
	path_in(u, "b.txt", b, sizeof b);
	write_file(a, "same bytes");
	write_file(b, "same bytes");
	assert_int_equal(attach1(u, c1, a, NULL, &r1, &err), 0);
	assert_int_equal(attach1(u, c2, b, NULL, &r2, &err), 0);
	assert_int_equal(r2.deduplicated, 1);
	assert_int_equal(store_entries(u), 1);
	assert_int_equal(count_rows(u, "SELECT count(*) FROM evidence"), 2);
}

static void
test_same_content_twice_on_one_case_refused_and_nothing_changes(void **state)
{
	struct unit_db *u = *state;
	struct mr_evidence_result r;
	struct mr_err err = { 0 };
	char a[256];
	int64_t c = add_case(u, "other");

	path_in(u, "a.txt", a, sizeof a);
	write_file(a, "content");
	assert_int_equal(attach1(u, c, a, NULL, &r, &err), 0);
	assert_int_equal(attach1(u, c, a, NULL, &r, &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	assert_non_null(strstr(err.msg, "already attached"));
	assert_int_equal(count_rows(u, "SELECT count(*) FROM evidence"), 1);
	assert_int_equal(store_entries(u), 1);
}

static void
test_all_or_nothing_when_one_file_of_several_is_bad(void **state)
{
	struct unit_db *u = *state;
	struct mr_evidence_result r[2];
	struct mr_err err = { 0 };
	char a[256], missing[256];
	struct mr_evidence_file f[2];
	int64_t c = add_case(u, "other");
	int audit_before = count_rows(u, "SELECT count(*) FROM audit");

	path_in(u, "a.txt", a, sizeof a);
	path_in(u, "missing.txt", missing, sizeof missing);
	write_file(a, "good");
	f[0].path = a;
	f[0].name = NULL;
	f[1].path = missing;
	f[1].name = NULL;
	assert_int_equal(mr_evidence_attach(u->st, "case", c, f, 2, NULL, NULL,
	    r, &err), -1);
	assert_int_equal(err.code, MR_ENOTFOUND);
	assert_non_null(strstr(err.msg, "missing.txt"));
	assert_int_equal(count_rows(u, "SELECT count(*) FROM evidence"), 0);
	assert_int_equal(count_rows(u, "SELECT count(*) FROM audit"), audit_before);
	assert_int_equal(store_entries(u), 0);	/* a.txt's temporary copy gone */
}

struct grow {
	const char	*path;
	int		 inplace;
	int		 done;
};

/* The copy hook: change the file after the first chunk. */
static void
change_file(const char *path, int64_t copied, void *arg)
{
	struct grow *g = arg;
	int fd;

	if (g->done)
		return;
	g->done = 1;
	fd = open(g->path, O_WRONLY | (g->inplace ? 0 : O_APPEND));
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "XXXX", 4), 4);
	close(fd);
}

static void
make_big(const char *path, size_t size)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	for (size_t i = 0; i < size; i++)
		fputc((int)('a' + i % 26), fp);
	assert_int_equal(fclose(fp), 0);
}

static void
test_file_changing_during_copy_is_rejected_and_nothing_recorded(void **state)
{
	struct unit_db *u = *state;
	struct mr_evidence_result r;
	struct mr_err err = { 0 };
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct grow g = { 0 };
	char big[256];
	int64_t c = add_case(u, "other");

	/* Several buffers' worth, so the change lands mid-copy. */
	path_in(u, "growing.bin", big, sizeof big);
	make_big(big, 10 * 1024 * 1024);
	g.path = big;
	mr_evidence_set_copy_hook(change_file, &g);
	assert_int_equal(attach1(u, c, big, NULL, &r, &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	assert_non_null(strstr(err.msg, "changed while it was being copied"));

	/* Same size, overwritten in place: caught by the modification time
	 * (set in the past first, so the change cannot share its tick). */
	make_big(big, 10 * 1024 * 1024);
	assert_int_equal(utimensat(AT_FDCWD, big, old, 0), 0);
	g.done = 0;
	g.inplace = 1;
	assert_int_equal(attach1(u, c, big, NULL, &r, &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	mr_evidence_set_copy_hook(NULL, NULL);

	assert_int_equal(count_rows(u, "SELECT count(*) FROM evidence"), 0);
	assert_int_equal(store_entries(u), 0);
}

struct sweeper {
	struct unit_db	*u;
	int		 done;
	int		 nproblems;
	int		 sweep_rc;
};

/* Mid-copy: another verify --sweep of the whole store runs. */
static void
sweep_now(const char *path, int64_t copied, void *arg)
{
	struct sweeper *sw = arg;
	struct mr_err err = { 0 };
	int nfiles;

	(void)path;
	(void)copied;
	if (sw->done++)
		return;
	sw->sweep_rc = mr_evidence_verify(sw->u->st, NULL, 0, 1, NULL, NULL,
	    &nfiles, &sw->nproblems, &err);
}

static void
test_sweep_leaves_the_copy_of_an_attach_in_progress(void **state)
{
	struct unit_db *u = *state;
	struct mr_evidence_result r;
	struct mr_err err = { 0 };
	struct sweeper sw = { .u = u };
	char big[256], left[256];
	int64_t c = add_case(u, "other");

	path_in(u, "big.bin", big, sizeof big);
	make_big(big, 10 * 1024 * 1024);
	/* The sweep must neither remove nor report the copy being made. */
	mr_evidence_set_copy_hook(sweep_now, &sw);
	assert_int_equal(attach1(u, c, big, NULL, &r, &err), 0);
	mr_evidence_set_copy_hook(NULL, NULL);
	assert_int_equal(sw.sweep_rc, 0);
	assert_int_equal(sw.nproblems, 0);
	assert_int_equal(count_rows(u, "SELECT count(*) FROM evidence"), 1);
	assert_int_equal(store_entries(u), 1);

	/* With no attach running, a temporary file is a leftover: swept. */
	snprintf(left, sizeof left, "%s/evidence/.tmp-leftover", u->dir);
	write_file(left, "crash residue");
	sw.done = 0;
	sweep_now(NULL, 0, &sw);
	assert_int_equal(sw.sweep_rc, 0);
	assert_int_equal(access(left, F_OK), -1);
}

static void
test_fsync_error_records_nothing_and_closes_the_copy(void **state)
{
	struct unit_db *u = *state;
	struct mr_evidence_result r;
	struct mr_err err = { 0 };
	char path[256], out[256];
	int64_t c = add_case(u, "other");
	int fds;

	path_in(u, "receipt.txt", path, sizeof path);
	write_file(path, "hello\n");
	fds = open_fds();
	fsync_failures = 1;
	assert_int_equal(attach1(u, c, path, NULL, &r, &err), -1);
	fsync_failures = 0;
	assert_non_null(strstr(err.msg, "Input/output error"));
	assert_int_equal(open_fds(), fds);
	assert_int_equal(count_rows(u, "SELECT count(*) FROM evidence"), 0);
	assert_int_equal(store_entries(u), 0);

	/* The packet's files likewise. */
	assert_int_equal(attach1(u, c, path, NULL, &r, &err), 0);
	path_in(u, "packet", out, sizeof out);
	fds = open_fds();
	fsync_failures = 1;
	assert_int_equal(mr_packet_write(u->st, c, out, 0, NULL, &err), -1);
	fsync_failures = 0;
	assert_non_null(strstr(err.msg, "Input/output error"));
	assert_int_equal(open_fds(), fds);
	assert_int_equal(access(out, F_OK), -1);
}

static void
test_first_attach_syncs_the_folder_that_gets_the_store(void **state)
{
	struct unit_db *u = *state;
	struct mr_evidence_result r;
	struct mr_err err = { 0 };
	char path[256], real[PATH_MAX];
	int64_t c = add_case(u, "other");

	path_in(u, "receipt.txt", path, sizeof path);
	write_file(path, "hello\n");
	assert_non_null(realpath(u->dir, real));
	fsync_watch = real;
	fsync_watched = 0;
	assert_int_equal(attach1(u, c, path, NULL, &r, &err), 0);
	fsync_watch = NULL;
	/* The new evidence/ entry in the database's folder is on disk
	 * before the row naming a file in it is committed. */
	assert_true(fsync_watched >= 1);
}

static void
test_large_odd_sized_file_is_copied_exactly(void **state)
{
	struct unit_db *u = *state;
	struct mr_evidence_result r;
	struct mr_evidence ev;
	struct mr_err err = { 0 };
	char big[256], cmd[700];
	int nfiles, nproblems;
	int64_t c = add_case(u, "other");

	/* Whole blocks go to the disk directly, the odd tail through the
	 * page cache: the copy must still be byte for byte the original. */
	path_in(u, "odd.bin", big, sizeof big);
	make_big(big, 9 * 1024 * 1024 + 4097);
	assert_int_equal(attach1(u, c, big, NULL, &r, &err), 0);
	assert_int_equal(mr_evidence_get(u->st, r.id, &ev, &err), 0);
	assert_int_equal(ev.size, 9 * 1024 * 1024 + 4097);
	snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s/evidence/%s'", big, u->dir,
	    ev.sha256);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(mr_evidence_verify(u->st, NULL, 0, 0, NULL, NULL,
	    &nfiles, &nproblems, &err), 0);
	assert_int_equal(nproblems, 0);
	mr_evidence_release(&ev);
}

static void
test_unsafe_names_are_refused(void **state)
{
	struct mr_err err = { 0 };

	(void)state;
	assert_int_equal(mr_evidence_name_valid("receipt 2024 ü.pdf", &err), 0);
	assert_int_equal(mr_evidence_name_valid("../etc/passwd", &err), -1);
	assert_int_equal(mr_evidence_name_valid("..", &err), -1);
	assert_int_equal(mr_evidence_name_valid("a\nb.pdf", &err), -1);
	assert_null(strchr(err.msg, '\n'));	/* the message stays one line */
	assert_non_null(strstr(err.msg, "a\\x0ab.pdf"));
	/* C1 controls: NEL (a line break) and CSI (a terminal escape). */
	assert_int_equal(mr_evidence_name_valid("a\xc2\x85" "b.pdf", &err), -1);
	assert_non_null(strstr(err.msg, "U+0085"));
	assert_non_null(strstr(err.msg, "a\\xc2\\x85b.pdf"));
	assert_int_equal(mr_evidence_name_valid("a\xc2\x9b" "31mb.pdf", &err), -1);
	/* U+2028 LINE SEPARATOR */
	assert_int_equal(mr_evidence_name_valid("a\xe2\x80\xa8" "b.pdf", &err), -1);
	assert_non_null(strstr(err.msg, "U+2028"));
	/* U+00A0 (no-break space) and U+2027 are printable. */
	assert_int_equal(mr_evidence_name_valid("a\xc2\xa0" "b\xe2\x80\xa7.pdf",
	    &err), 0);
	assert_int_equal(mr_evidence_name_valid("bad\xff.pdf", &err), -1);
	assert_non_null(strstr(err.msg, "UTF-8"));
	assert_int_equal(mr_evidence_kind_valid("receipt", &err), -1);
	assert_non_null(strstr(err.msg, "submission-receipt"));
}

static void
test_checklist_and_ready_gate_follow_the_reasons(void **state)
{
	struct unit_db *u = *state;
	struct mr_evidence_result r;
	struct mr_err err = { 0 };
	char missing[256], a[256], b[256];
	int n;
	int64_t c = add_case(u, "wrong-tin-npi");

	assert_int_equal(mr_checklist_missing(u->st, c, missing, sizeof missing,
	    &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(missing,
	    "feedback-report, submission-receipt, tin-npi-record");

	assert_int_equal(mr_store_begin(u->st, &err), 0);
	assert_int_equal(mr_checklist_gate_ready(u->st, c, 0, &err), -1);
	mr_store_rollback(u->st);
	assert_int_equal(err.code, MR_ECONFLICT);
	assert_non_null(strstr(err.msg, "submission-receipt, tin-npi-record"));

	path_in(u, "r.txt", a, sizeof a);
	path_in(u, "p.txt", b, sizeof b);
	write_file(a, "receipt");
	write_file(b, "pecos");
	{
		char f[256];

		path_in(u, "f.txt", f, sizeof f);
		write_file(f, "final score report");
		assert_int_equal(attach1(u, c, f, "feedback-report", &r, &err),
		    0);
	}
	assert_int_equal(attach1(u, c, a, "submission-receipt", &r, &err), 0);
	assert_int_equal(mr_checklist_missing(u->st, c, missing, sizeof missing,
	    &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(missing, "tin-npi-record");
	assert_int_equal(attach1(u, c, b, "tin-npi-record", &r, &err), 0);
	assert_int_equal(mr_checklist_missing(u->st, c, missing, sizeof missing,
	    &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mr_store_begin(u->st, &err), 0);
	assert_int_equal(mr_checklist_gate_ready(u->st, c, 0, &err), 0);
	assert_int_equal(mr_store_commit(u->st, &err), 0);
}

static void
test_forced_ready_is_audited(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	int64_t c = add_case(u, "qp-status");

	assert_int_equal(mr_store_begin(u->st, &err), 0);
	assert_int_equal(mr_checklist_gate_ready(u->st, c, 1, &err), 0);
	assert_int_equal(mr_store_commit(u->st, &err), 0);
	assert_int_equal(count_rows(u, "SELECT count(*) FROM audit WHERE action "
	    "LIKE 'ready --force%' AND after LIKE '%qp-determination%'"), 1);
}

static void
test_checklist_rows_are_marked_unverified_advice(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	json_t *o;
	int64_t c = add_case(u, "euc-not-applied");

	o = mr_checklist_json(u->st, c, &err);
	assert_non_null(o);
	assert_false(json_is_true(json_object_get(o, "complete")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(o,
	    "missing"), 0)), "feedback-report");
	assert_string_equal(json_string_value(json_array_get(json_object_get(o,
	    "missing"), 1)), "hardship-approval");
	assert_true(json_is_false(json_object_get(json_array_get(
	    json_object_get(o, "checklist"), 0), "verified")));
	assert_true(json_is_true(json_object_get(json_array_get(
	    json_object_get(o, "checklist"), 0), "advice")));
	assert_non_null(strstr(json_string_value(json_object_get(o, "note")),
	    "414.1385"));
	json_decref(o);
	assert_int_equal(count_rows(u, "SELECT count(*) FROM evidence_requirement "
	    "WHERE verified != 0"), 0);
}

struct findings {
	int	missing;
	int	altered;
	int	unreferenced;
	int	swept;
	char	names[512];
};

static int
collect(const struct mr_evidence_problem *p, void *arg)
{
	struct findings *f = arg;
	size_t off = strlen(f->names);

	if (strcmp(p->what, "missing") == 0)
		f->missing++;
	else if (strcmp(p->what, "altered") == 0)
		f->altered++;
	else if (strcmp(p->what, "unreferenced") == 0)
		f->unreferenced++;
	else if (strcmp(p->what, "swept") == 0)
		f->swept++;
	snprintf(f->names + off, sizeof f->names - off, "%s;",
	    p->ev ? p->ev->original_name : p->file);
	return 0;
}

static void
test_verify_reports_missing_altered_and_unreferenced_by_name(void **state)
{
	struct unit_db *u = *state;
	struct mr_evidence_result r1, r2;
	struct mr_evidence ev1, ev2;
	struct findings f = { 0 };
	struct mr_err err = { 0 };
	char a[256], b[256], p[512];
	int nfiles, nproblems;
	int64_t c = add_case(u, "other");

	path_in(u, "one.txt", a, sizeof a);
	path_in(u, "two.txt", b, sizeof b);
	write_file(a, "one");
	write_file(b, "two");
	assert_int_equal(attach1(u, c, a, NULL, &r1, &err), 0);
	assert_int_equal(attach1(u, c, b, NULL, &r2, &err), 0);
	assert_int_equal(mr_evidence_verify(u->st, NULL, 0, 0, collect, &f,
	    &nfiles, &nproblems, &err), 0);
	assert_int_equal(nfiles, 2);
	assert_int_equal(nproblems, 0);

	assert_int_equal(mr_evidence_get(u->st, r1.id, &ev1, &err), 0);
	assert_int_equal(mr_evidence_get(u->st, r2.id, &ev2, &err), 0);
	snprintf(p, sizeof p, "%s/evidence/%s", u->dir, ev1.sha256);
	assert_int_equal(chmod(p, 0600), 0);
	write_file(p, "tampered");
	snprintf(p, sizeof p, "%s/evidence/%s", u->dir, ev2.sha256);
	assert_int_equal(unlink(p), 0);
	snprintf(p, sizeof p, "%s/evidence/.tmp-leftover", u->dir);
	write_file(p, "crash residue");
	assert_int_equal(mr_evidence_verify(u->st, NULL, 0, 0, collect, &f,
	    &nfiles, &nproblems, &err), 0);
	assert_int_equal(nproblems, 3);
	assert_int_equal(f.altered, 1);
	assert_int_equal(f.missing, 1);
	assert_int_equal(f.unreferenced, 1);
	assert_non_null(strstr(f.names, "one.txt"));
	assert_non_null(strstr(f.names, "two.txt"));
	assert_non_null(strstr(f.names, ".tmp-leftover"));

	/* Verifying one case skips the unreferenced scan; sweep removes. */
	memset(&f, 0, sizeof f);
	assert_int_equal(mr_evidence_verify(u->st, "case", c, 0, collect, &f,
	    &nfiles, &nproblems, &err), 0);
	assert_int_equal(nproblems, 2);
	memset(&f, 0, sizeof f);
	assert_int_equal(mr_evidence_verify(u->st, NULL, 0, 1, collect, &f,
	    &nfiles, &nproblems, &err), 0);
	assert_int_equal(f.swept, 1);
	assert_int_equal(access(p, F_OK), -1);
	mr_evidence_release(&ev1);
	mr_evidence_release(&ev2);
}

static void
test_detach_keeps_the_record_and_frees_the_file_when_unneeded(void **state)
{
	struct unit_db *u = *state;
	struct mr_evidence_result r1, r2;
	struct mr_evidence ev;
	struct mr_err err = { 0 };
	char a[256];
	int64_t c1 = add_case(u, "other"), c2 = add_case(u, "other");

	path_in(u, "shared.txt", a, sizeof a);
	write_file(a, "shared");
	assert_int_equal(attach1(u, c1, a, NULL, &r1, &err), 0);
	assert_int_equal(attach1(u, c2, a, NULL, &r2, &err), 0);
	assert_int_equal(mr_evidence_detach(u->st, r1.id, "wrong case", &err), 0);
	assert_int_equal(store_entries(u), 1);	/* case 2 still needs it */
	assert_int_equal(mr_evidence_get(u->st, r1.id, &ev, &err), 0);
	assert_non_null(ev.detached_by);
	mr_evidence_release(&ev);
	assert_int_equal(mr_evidence_detach(u->st, r1.id, NULL, &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	assert_int_equal(mr_evidence_detach(u->st, r2.id, NULL, &err), 0);
	assert_int_equal(store_entries(u), 0);
	assert_int_equal(count_rows(u, "SELECT count(*) FROM evidence"), 2);
	assert_int_equal(count_rows(u, "SELECT count(*) FROM audit WHERE action "
	    "= 'detach evidence' AND after LIKE '%wrong case%'"), 1);
	/* Detached content may be attached again. */
	assert_int_equal(attach1(u, c1, a, NULL, &r1, &err), 0);
}

static void
test_hardship_filing_takes_evidence(void **state)
{
	struct unit_db *u = *state;
	struct mr_hardship_input in = {
		.tin = "12-3456789", .npi = "1234567893", .year = "2023",
		.type = "euc", .categories = "quality,ia,pi",
		.event = "Change Healthcare cyberattack", .name = "Dr. Ada Example",
	};
	struct mr_evidence_result r;
	struct mr_evidence_file f;
	struct mr_evidence ev;
	struct mr_err err = { 0 };
	char a[256];
	int64_t id;

	assert_int_equal(mr_hardship_add(u->st, &in, &id, NULL, &err), 0);
	path_in(u, "approval.txt", a, sizeof a);
	write_file(a, "EUC approved");
	f.path = a;
	f.name = NULL;
	assert_int_equal(mr_evidence_attach(u->st, "hardship", id, &f, 1,
	    "hardship-approval", NULL, &r, &err), 0);
	assert_int_equal(mr_evidence_get(u->st, r.id, &ev, &err), 0);
	assert_string_equal(ev.subject, "hardship");
	assert_int_equal(ev.subject_id, id);
	mr_evidence_release(&ev);
	assert_int_equal(count_rows(u, "SELECT count(*) FROM audit WHERE entity "
	    "= 'hardship' AND action = 'attach evidence'"), 1);
	assert_int_equal(mr_evidence_attach(u->st, "hardship", id + 41, &f, 1,
	    NULL, NULL, &r, &err), -1);
	assert_int_equal(err.code, MR_ENOTFOUND);
	assert_non_null(strstr(err.msg, "does not exist"));
}

static void
test_hardship_subject_fails_cleanly_without_filings_table(void **state)
{
	struct unit_db *u = *state;
	struct mr_evidence_result r;
	struct mr_evidence_file f;
	struct mr_err err = { 0 };
	char a[256];

	/* A database without the hardship module (evidence alone). */
	assert_int_equal(mr_store_exec(u->st, "PRAGMA foreign_keys = OFF; "
	    "DROP TABLE hardship_filing", &err), 0);
	path_in(u, "h.txt", a, sizeof a);
	write_file(a, "approval");
	f.path = a;
	f.name = NULL;
	assert_int_equal(mr_evidence_attach(u->st, "hardship", 1, &f, 1,
	    "hardship-approval", NULL, &r, &err), -1);
	assert_int_equal(err.code, MR_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no hardship filings"));
	assert_int_equal(store_entries(u), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, unit_db_setup, unit_db_teardown)
		T(test_attach_stores_content_under_its_sha256_private),
		T(test_same_content_is_stored_once_for_two_cases),
		T(test_same_content_twice_on_one_case_refused_and_nothing_changes),
		T(test_all_or_nothing_when_one_file_of_several_is_bad),
		T(test_file_changing_during_copy_is_rejected_and_nothing_recorded),
		T(test_large_odd_sized_file_is_copied_exactly),
	T(test_first_attach_syncs_the_folder_that_gets_the_store),
	T(test_fsync_error_records_nothing_and_closes_the_copy),
	T(test_sweep_leaves_the_copy_of_an_attach_in_progress),
		T(test_unsafe_names_are_refused),
		T(test_checklist_and_ready_gate_follow_the_reasons),
		T(test_forced_ready_is_audited),
		T(test_checklist_rows_are_marked_unverified_advice),
		T(test_verify_reports_missing_altered_and_unreferenced_by_name),
		T(test_detach_keeps_the_record_and_frees_the_file_when_unneeded),
		T(test_hardship_filing_takes_evidence),
		T(test_hardship_subject_fails_cleanly_without_filings_table),
#undef T
	};

	return cmocka_run_group_tests_name("evidence", tests, NULL, NULL);
}
