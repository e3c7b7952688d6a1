/*
 * The claim of an outgoing ledger's row (lib/mr_lease.h), on the digest
 * ledger: a lease that ran out is taken over once and audited, a live one
 * is left alone, and of senders claiming at the same moment one wins.
 */
#include "config.h"

#include "tests/unit/unit.h"

#include <sys/wait.h>

#include <sqlite3.h>

#include "lib/mr_lease.h"

#define LEASE	90
#define RACERS	4

static char ada[] = "ada@practice.example";

static int
read_row(struct mr_store *st, void *arg, struct mr_lease_row *w,
    struct mr_err *err)
{
	const struct mr_lease_col key[] = {
		{ "recipient", arg, 0 },
		{ "local_day", "2024-10-01", 0 },
	};

	return mr_lease_read(st, "alert_digest", key, 2, "reading", w, err);
}

/* Claim ada's digest of 2024-10-01 as token at the store's clock. */
static int
claim(struct mr_store *st, const char *token, struct mr_lease_claimed *got,
    struct mr_err *err)
{
	const struct mr_lease_col cols[] = {
		{ "recipient", ada, 0 },
		{ "local_day", "2024-10-01", 0 },
		{ "zone", "UTC", 0 },
		{ "due_at", NULL, (int64_t)UNIT_NOW },
		{ "message_id", "<digest.2024-10-01@practice.example>", 0 },
	};
	struct mr_lease_claim c = {
		.table = "alert_digest",
		.doing = "claiming a digest",
		.audit = MR_LEASE_AUDIT_DIGEST,
		.cols = cols,
		.ncols = sizeof cols / sizeof cols[0],
		.read = read_row,
		.arg = ada,
	};

	mr_lease_mail_terms(&c, token, LEASE, 1);
	return mr_lease_claim(st, &c, got, err);
}

static long long
number(struct mr_store *st, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_err err = { 0 };
	long long n = -1;

	assert_int_equal(mr_store_prepare(st, sql, &stmt, &err), 0);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

static void
text(struct mr_store *st, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_err err = { 0 };

	buf[0] = '\0';
	assert_int_equal(mr_store_prepare(st, sql, &stmt, &err), 0);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		snprintf(buf, len, "%s", mr_store_col_text(stmt, 0));
	sqlite3_finalize(stmt);
}

static long long
takeovers(struct mr_store *st)
{
	return number(st, "SELECT count(*) FROM audit WHERE entity = 'digest' "
	    "AND action = 'taken-over'");
}

static void
test_lapsed_lease_is_taken_over_once_with_its_audit_row(void **state)
{
	struct unit_db *u = *state;
	struct mr_lease_claimed got;
	struct mr_err err = { 0 };
	char s[512], want[128];
	int64_t id;

	assert_int_equal(claim(u->st, "host:1:a", &got, &err), 0);
	assert_int_equal(got.is, MR_LEASE_FREE);
	assert_int_equal(got.takeover, 0);
	assert_int_equal(got.attempt, 1);
	id = got.id;
	assert_true(id > 0);

	/* Its sender dies; past its lease another takes the row over. */
	mr_store_set_now(u->st, UNIT_NOW + LEASE);
	assert_int_equal(claim(u->st, "host:2:b", &got, &err), 0);
	assert_int_equal(got.is, MR_LEASE_FREE);
	assert_int_equal(got.id, id);
	assert_int_equal(got.takeover, 1);
	assert_int_equal(got.maybe_sent, 0);
	assert_int_equal(got.attempt, 2);
	assert_int_equal(number(u->st, "SELECT count(*) FROM alert_digest"), 1);
	text(u->st, "SELECT state || ' ' || claim_token || ' ' || lease_until "
	    "|| ' ' || attempts FROM alert_digest", s, sizeof s);
	snprintf(want, sizeof want, "claimed host:2:b %lld 2",
	    (long long)UNIT_NOW + 2 * LEASE);
	assert_string_equal(s, want);
	assert_int_equal(takeovers(u->st), 1);
	text(u->st, "SELECT after FROM audit WHERE action = 'taken-over'", s,
	    sizeof s);
	assert_string_equal(s, "{\"note\":\"the previous sender died before "
	    "the end of the message: it was not delivered\","
	    "\"previous_sender\":\"host:1:a\",\"sender\":\"host:2:b\","
	    "\"state\":\"claimed\"}");

	/* Taken over once: the new holder's lease keeps the next one out. */
	assert_int_equal(claim(u->st, "host:3:c", &got, &err), 0);
	assert_int_equal(got.is, MR_LEASE_HELD);
	assert_int_equal(takeovers(u->st), 1);
}

static void
test_lease_taken_over_from_sending_may_have_arrived(void **state)
{
	struct unit_db *u = *state;
	struct mr_lease_claimed got;
	struct mr_lease_sending snd = { 0 };
	struct mr_err err = { 0 };
	char s[512];

	assert_int_equal(claim(u->st, "host:1:a", &got, &err), 0);
	snd.st = u->st;
	snd.table = "alert_digest";
	snd.what = "digest";
	snd.id = got.id;
	snd.token = "host:1:a";
	assert_int_equal(mr_lease_mark_sending(&snd), 0);
	mr_store_set_now(u->st, UNIT_NOW + LEASE + 1);
	assert_int_equal(claim(u->st, "host:2:b", &got, &err), 0);
	assert_int_equal(got.is, MR_LEASE_FREE);
	assert_int_equal(got.takeover, 1);
	assert_int_equal(got.maybe_sent, 1);
	text(u->st, "SELECT after FROM audit WHERE action = 'taken-over'", s,
	    sizeof s);
	assert_non_null(strstr(s, "\"state\":\"sending\""));
	assert_non_null(strstr(s, "it may have been delivered"));
	/* The first sender, back from a stall, must not send it too. */
	assert_int_equal(mr_lease_mark_sending(&snd), -1);
	assert_int_equal(snd.err.code, MR_ESEND);
}

static void
test_held_lease_is_not_taken_over(void **state)
{
	struct unit_db *u = *state;
	struct mr_lease_claimed got;
	struct mr_err err = { 0 };
	char s[256];

	assert_int_equal(claim(u->st, "host:1:a", &got, &err), 0);
	/* The last second of the lease is still its holder's. */
	mr_store_set_now(u->st, UNIT_NOW + LEASE - 1);
	assert_int_equal(claim(u->st, "host:2:b", &got, &err), 0);
	assert_int_equal(got.is, MR_LEASE_HELD);
	assert_int_equal(got.takeover, 0);
	text(u->st, "SELECT claim_token || ' ' || attempts FROM alert_digest",
	    s, sizeof s);
	assert_string_equal(s, "host:1:a 1");
	assert_int_equal(takeovers(u->st), 0);
	/* A sender wakes for it when the lease ends. */
	assert_int_equal(mr_lease_wake(&got.was, 1, UNIT_NOW + LEASE - 1),
	    UNIT_NOW + LEASE);
}

static void
test_failed_row_is_tried_again_without_a_takeover(void **state)
{
	struct unit_db *u = *state;
	struct mr_lease_claimed got;
	struct mr_err err = { 0 };

	assert_int_equal(claim(u->st, "host:1:a", &got, &err), 0);
	assert_int_equal(mr_store_exec(u->st, "UPDATE alert_digest SET state = "
	    "'failed', claim_token = NULL, lease_until = NULL, retry_at = "
	    "1727741000", &err), 0);
	/* Before its retry_at it waits; then it is claimed, no takeover. */
	assert_int_equal(claim(u->st, "host:2:b", &got, &err), 0);
	assert_int_equal(got.is, MR_LEASE_RETRY_LATER);
	assert_int_equal(mr_lease_wake(&got.was, 1, UNIT_NOW), 1727741000);
	/* Unless the run is told to try it now. */
	assert_int_equal(mr_lease_wake(&got.was, 0, UNIT_NOW), UNIT_NOW);
	mr_store_set_now(u->st, 1727741000);
	assert_int_equal(claim(u->st, "host:2:b", &got, &err), 0);
	assert_int_equal(got.is, MR_LEASE_FREE);
	assert_int_equal(got.takeover, 0);
	assert_int_equal(got.attempt, 2);
	assert_int_equal(takeovers(u->st), 0);
}

/*
 * RACERS processes, each with its own connection, claim the row at once
 * (released together by closing a pipe) as token "racer:N"; each exits
 * with what its claim found.  Returns how many claimed it.
 */
static int
race(struct unit_db *u, time_t now, char *winner, size_t len)
{
	pid_t pid[RACERS];
	int go[2], won = 0, status;

	assert_int_equal(pipe(go), 0);
	for (int i = 0; i < RACERS; i++) {
		assert_true((pid[i] = fork()) != -1);
		if (pid[i] == 0) {
			struct mr_store *st = NULL;
			struct mr_lease_claimed got;
			struct mr_err err = { 0 };
			char token[32], c;

			close(go[1]);
			if (mr_store_open(u->path, &st, &err) == -1)
				_exit(99);
			mr_store_set_actor(st, "tester");
			mr_store_set_now(st, now);
			snprintf(token, sizeof token, "racer:%d", i);
			if (read(go[0], &c, 1) != 0)
				_exit(98);
			if (claim(st, token, &got, &err) == -1)
				_exit(97);
			mr_store_close(st);
			_exit(got.is);
		}
	}
	close(go[0]);
	close(go[1]);
	for (int i = 0; i < RACERS; i++) {
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == MR_LEASE_FREE) {
			won++;
			snprintf(winner, len, "racer:%d", i);
		} else
			assert_int_equal(WEXITSTATUS(status), MR_LEASE_HELD);
	}
	return won;
}

static void
test_racing_claimers_get_one_winner(void **state)
{
	struct unit_db *u = *state;
	char winner[32] = "", s[64];

	/* A row none has written yet: one inserts it, the others find it. */
	assert_int_equal(race(u, UNIT_NOW, winner, sizeof winner), 1);
	assert_int_equal(number(u->st, "SELECT count(*) FROM alert_digest"), 1);
	text(u->st, "SELECT claim_token FROM alert_digest", s, sizeof s);
	assert_string_equal(s, winner);

	/* Its lease runs out: one takes it over, audited once. */
	assert_int_equal(race(u, UNIT_NOW + LEASE, winner, sizeof winner), 1);
	text(u->st, "SELECT claim_token || ' ' || attempts FROM alert_digest",
	    s, sizeof s);
	assert_string_equal(strtok(s, " "), winner);
	assert_string_equal(strtok(NULL, " "), "2");
	assert_int_equal(takeovers(u->st), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_lapsed_lease_is_taken_over_once_with_its_audit_row,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_lease_taken_over_from_sending_may_have_arrived,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_held_lease_is_not_taken_over,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_failed_row_is_tried_again_without_a_takeover,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_racing_claimers_get_one_winner,
		    unit_db_setup, unit_db_teardown),
	};

	return cmocka_run_group_tests_name("lease", tests, NULL, NULL);
}
