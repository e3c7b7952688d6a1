/* Unit tests of lib/mr_audit: the hash chain catches edits and deletions. */
#include "config.h"

#include "tests/unit/unit.h"
#include "lib/mr_audit.h"
#include "lib/mr_case.h"

static void
add_cases(struct unit_db *u, int n)
{
	struct mr_case_input in = { .tin = "123456789", .name = "Group",
	    .year = "2023", .reasons = { "other" }, .nreasons = 1,
	    .legal_name = "Group LLC", .requester_role = "clinician",
	    .explanation = "Data filed under the wrong TIN." };
	struct mr_err err = { 0 };
	int64_t id;

	for (int i = 0; i < n; i++)
		assert_int_equal(mr_case_add(u->st, &in, 1, &id, &err), 0);
}

static void
test_every_change_appends_a_verified_row(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	int64_t bad, n;

	add_cases(u, 3);
	assert_int_equal(mr_case_set_status(u->st, 2, "ready", NULL, &err), 0);
	assert_int_equal(mr_case_add_note(u->st, 3, "called CMS", &err), 0);
	assert_int_equal(mr_audit_verify(u->st, &bad, &n, &err), 0);
	assert_int_equal(n, 5);
}

static void
test_edited_row_is_named(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	int64_t bad, n;

	add_cases(u, 4);
	assert_int_equal(mr_store_exec(u->st, "UPDATE audit SET who = 'mallory' "
	    "WHERE id = 2", &err), 0);
	assert_int_equal(mr_audit_verify(u->st, &bad, &n, &err), -1);
	assert_int_equal(err.code, MR_EINTEGRITY);
	assert_int_equal(bad, 2);
}

static void
test_deleted_middle_row_is_caught(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	int64_t bad, n;

	add_cases(u, 4);
	assert_int_equal(mr_store_exec(u->st, "DELETE FROM audit WHERE id = 2",
	    &err), 0);
	assert_int_equal(mr_audit_verify(u->st, &bad, &n, &err), -1);
	assert_int_equal(bad, 3);
}

static void
test_deleted_last_row_is_caught(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	int64_t bad, n;

	add_cases(u, 3);
	assert_int_equal(mr_store_exec(u->st, "DELETE FROM audit WHERE id = 3",
	    &err), 0);
	assert_int_equal(mr_audit_verify(u->st, &bad, &n, &err), -1);
	assert_int_equal(err.code, MR_EINTEGRITY);
}

static void
test_rehashed_forgery_still_breaks_the_next_link(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	int64_t bad, n;

	add_cases(u, 3);
	/* A forger who also rewrites the row's own hash is caught at row 2. */
	assert_int_equal(mr_store_exec(u->st, "UPDATE audit SET hash = "
	    "'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' "
	    "WHERE id = 1", &err), 0);
	assert_int_equal(mr_audit_verify(u->st, &bad, &n, &err), -1);
	assert_int_equal(bad, 1);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, unit_db_setup, unit_db_teardown)
	const struct CMUnitTest tests[] = {
		T(test_every_change_appends_a_verified_row),
		T(test_edited_row_is_named),
		T(test_deleted_middle_row_is_caught),
		T(test_deleted_last_row_is_caught),
		T(test_rehashed_forgery_still_breaks_the_next_link),
	};
#undef T

	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
