/*
 * Unit tests of lib/mr_user: roles and TIN scope, passwords checked
 * against their argon2id hashes, API tokens, sessions with idle and
 * absolute expiry, CSRF tokens.
 */
#include "config.h"

#include "tests/unit/unit.h"
#include "lib/mr_user.h"

static const char *const two_tins[] = { "98-7654321", "123456789" };

static void
test_scope_of_limited_officer_and_admin(void **state)
{
	struct unit_db *u = *state;
	struct mr_principal p;
	struct mr_err err = { 0 };
	int64_t id;

	assert_int_equal(mr_user_add(u->st, "bob", MR_ROLE_OFFICER, two_tins,
	    2, "long enough", &id, &err), 0);
	assert_int_equal(mr_user_add(u->st, "root", MR_ROLE_ADMIN, NULL, 0,
	    "long enough", &id, &err), 0);
	assert_int_equal(mr_user_login(u->st, "bob", "long enough", &p, &err), 0);
	assert_int_equal(p.role, MR_ROLE_OFFICER);
	assert_false(p.all_tins);
	assert_int_equal(p.ntins, 2);
	assert_true(mr_user_scope_allows(&p, "987654321"));
	assert_true(mr_user_scope_allows(&p, "123456789"));
	assert_false(mr_user_scope_allows(&p, "111111111"));
	assert_true(mr_user_may_write(&p));
	mr_principal_clear(&p);
	assert_int_equal(mr_user_login(u->st, "root", "long enough", &p, &err), 0);
	assert_true(mr_user_scope_allows(&p, "111111111"));
	mr_principal_clear(&p);
	/* nobody is allowed nothing */
	memset(&p, 0, sizeof p);
	assert_false(mr_user_scope_allows(&p, "123456789"));
	assert_false(mr_user_may_write(&p));
}

static void
test_viewer_reads_only_and_admin_takes_no_tins(void **state)
{
	struct unit_db *u = *state;
	struct mr_principal p;
	struct mr_err err = { 0 };
	int64_t id;

	assert_int_equal(mr_user_add(u->st, "vera", MR_ROLE_VIEWER, NULL, 0,
	    "long enough", &id, &err), 0);
	assert_int_equal(mr_user_login(u->st, "vera", "long enough", &p, &err), 0);
	assert_true(p.all_tins);
	assert_false(mr_user_may_write(&p));
	mr_principal_clear(&p);
	assert_int_equal(mr_user_add(u->st, "adm", MR_ROLE_ADMIN, two_tins, 1,
	    "long enough", &id, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_int_equal(mr_user_add(u->st, "vera", MR_ROLE_VIEWER, NULL, 0,
	    "long enough", &id, &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	assert_int_equal(mr_user_add(u->st, "x y", MR_ROLE_VIEWER, NULL, 0,
	    "long enough", &id, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_int_equal(mr_user_add(u->st, "short", MR_ROLE_VIEWER, NULL, 0,
	    "1234567", &id, &err), -1);
	assert_non_null(strstr(err.msg, "too short"));
}

static void
test_wrong_password_and_unknown_name_say_the_same(void **state)
{
	struct unit_db *u = *state;
	struct mr_principal p;
	struct mr_err e1 = { 0 }, e2 = { 0 };
	int64_t id;

	assert_int_equal(mr_user_add(u->st, "bob", MR_ROLE_OFFICER, NULL, 0,
	    "long enough", &id, &e1), 0);
	assert_int_equal(mr_user_login(u->st, "bob", "long enougH", &p, &e1), -1);
	assert_int_equal(mr_user_login(u->st, "nobody", "long enough", &p,
	    &e2), -1);
	assert_int_equal(e1.code, MR_ENOTFOUND);
	assert_string_equal(e1.msg, e2.msg);
	/* a new password works, the old one no longer does */
	assert_int_equal(mr_user_passwd(u->st, "bob", "another one", &e1), 0);
	assert_int_equal(mr_user_login(u->st, "bob", "long enough", &p, &e1), -1);
	assert_int_equal(mr_user_login(u->st, "bob", "another one", &p, &e1), 0);
	mr_principal_clear(&p);
}

static void
test_password_is_stored_as_argon2id_only(void **state)
{
	struct unit_db *u = *state;
	struct mr_err err = { 0 };
	sqlite3_stmt *stmt;
	int64_t id;

	assert_int_equal(mr_user_add(u->st, "bob", MR_ROLE_OFFICER, NULL, 0,
	    "secret sauce 42", &id, &err), 0);
	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st),
	    "SELECT password_hash FROM account", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_non_null(strstr((const char *)sqlite3_column_text(stmt, 0),
	    "$argon2id$v=19$m=65536,t=3,p=1$"));
	assert_null(strstr((const char *)sqlite3_column_text(stmt, 0),
	    "secret sauce"));
	sqlite3_finalize(stmt);
	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st),
	    "SELECT count(*) FROM audit WHERE after LIKE '%argon2%' "
	    "OR after LIKE '%secret sauce%'", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 0);
	sqlite3_finalize(stmt);
}

static void
test_token_works_until_revoked_or_disabled(void **state)
{
	struct unit_db *u = *state;
	struct mr_principal p;
	struct mr_err err = { 0 };
	char tok[MR_TOKEN_LEN + 1], tok2[MR_TOKEN_LEN + 1], owner[65];
	int64_t id, tid, tid2;

	assert_int_equal(mr_user_add(u->st, "root", MR_ROLE_ADMIN, NULL, 0,
	    "long enough", &id, &err), 0);
	assert_int_equal(mr_user_add(u->st, "bot", MR_ROLE_VIEWER, two_tins, 2,
	    NULL, &id, &err), 0);
	assert_int_equal(mr_user_token_add(u->st, "bot", tok, sizeof tok, &tid,
	    &err), 0);
	assert_int_equal(strlen(tok), MR_TOKEN_LEN);
	assert_memory_equal(tok, "mrt_", 4);
	assert_int_equal(mr_user_token_add(u->st, "bot", tok2, sizeof tok2,
	    &tid2, &err), 0);
	assert_string_not_equal(tok, tok2);
	assert_int_equal(mr_user_by_token(u->st, tok, &p, &err), 0);
	assert_string_equal(p.name, "bot");
	mr_principal_clear(&p);
	/* an account without a password cannot log in */
	assert_int_equal(mr_user_login(u->st, "bot", "", &p, &err), -1);
	assert_int_equal(mr_user_token_revoke(u->st, tid, owner, &err), 0);
	assert_string_equal(owner, "bot");
	assert_int_equal(mr_user_by_token(u->st, tok, &p, &err), -1);
	assert_int_equal(err.code, MR_ENOTFOUND);
	assert_int_equal(mr_user_token_revoke(u->st, tid, owner, &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	tok2[10] ^= 1;
	assert_int_equal(mr_user_by_token(u->st, tok2, &p, &err), -1);
	tok2[10] ^= 1;
	assert_int_equal(mr_user_by_token(u->st, tok2, &p, &err), 0);
	mr_principal_clear(&p);
	assert_int_equal(mr_user_disable(u->st, "bot", &err), 0);
	assert_int_equal(mr_user_by_token(u->st, tok2, &p, &err), -1);
	/* the last admin stays */
	assert_int_equal(mr_user_disable(u->st, "root", &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
}

static void
test_session_expires_idle_absolute_and_ended(void **state)
{
	struct unit_db *u = *state;
	struct mr_session_limits lim = { .idle = 600, .absolute = 3600 };
	struct mr_principal p;
	struct mr_err err = { 0 };
	char sid[MR_SECRET_LEN + 1], csrf[MR_SECRET_LEN + 1];
	int64_t id;

	assert_int_equal(mr_user_add(u->st, "bob", MR_ROLE_OFFICER, NULL, 0,
	    "long enough", &id, &err), 0);
	assert_int_equal(mr_session_create(u->st, id, sid, sizeof sid, &err), 0);
	assert_int_equal(strlen(sid), MR_SECRET_LEN);
	assert_int_equal(mr_session_lookup(u->st, sid, &lim, &p, &err), 0);
	assert_string_equal(p.name, "bob");
	mr_principal_clear(&p);
	/* used every 500 s it lives to its absolute limit, no longer */
	for (int i = 1; i <= 7; i++) {
		mr_store_set_now(u->st, UNIT_NOW + 500 * i);
		assert_int_equal(mr_session_lookup(u->st, sid, &lim, &p, &err), 0);
		mr_principal_clear(&p);
	}
	mr_store_set_now(u->st, UNIT_NOW + 3601);
	assert_int_equal(mr_session_lookup(u->st, sid, &lim, &p, &err), -1);
	assert_int_equal(err.code, MR_ENOTFOUND);
	/* idle */
	mr_store_set_now(u->st, UNIT_NOW);
	assert_int_equal(mr_session_create(u->st, id, sid, sizeof sid, &err), 0);
	mr_store_set_now(u->st, UNIT_NOW + 601);
	assert_int_equal(mr_session_lookup(u->st, sid, &lim, &p, &err), -1);
	/* ended */
	mr_store_set_now(u->st, UNIT_NOW);
	assert_int_equal(mr_session_create(u->st, id, sid, sizeof sid, &err), 0);
	mr_session_csrf(sid, csrf);
	assert_true(mr_session_csrf_check(sid, csrf));
	assert_string_not_equal(csrf, sid);
	csrf[0] = csrf[0] == 'A' ? 'B' : 'A';
	assert_false(mr_session_csrf_check(sid, csrf));
	assert_false(mr_session_csrf_check(sid, ""));
	assert_int_equal(mr_session_end(u->st, sid, &err), 0);
	assert_int_equal(mr_session_lookup(u->st, sid, &lim, &p, &err), -1);
	/* a new password ends the sessions */
	assert_int_equal(mr_session_create(u->st, id, sid, sizeof sid, &err), 0);
	assert_int_equal(mr_user_passwd(u->st, "bob", "brand new one", &err), 0);
	assert_int_equal(mr_session_lookup(u->st, sid, &lim, &p, &err), -1);
	assert_int_equal(mr_session_lookup(u->st, "not a session", &lim, &p,
	    &err), -1);
	/* a day later the next sign-in sweeps them all away */
	mr_store_set_now(u->st, UNIT_NOW + MR_SESSION_SWEEP_AFTER + 1);
	assert_int_equal(mr_session_create(u->st, id, sid, sizeof sid, &err), 0);
	{
		sqlite3_stmt *stmt;

		assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st),
		    "SELECT count(*) FROM account_session", -1, &stmt, NULL),
		    SQLITE_OK);
		assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(stmt, 0), 1);
		sqlite3_finalize(stmt);
	}
}

static void
test_set_role_and_tins_and_enable_again(void **state)
{
	struct unit_db *u = *state;
	struct mr_principal p;
	struct mr_err err = { 0 };
	char tok[MR_TOKEN_LEN + 1];
	const enum mr_role admin = MR_ROLE_ADMIN, viewer = MR_ROLE_VIEWER;
	const char *const one[] = { "111111111" };
	int64_t id, tid;
	int changed;

	assert_int_equal(mr_user_add(u->st, "root", MR_ROLE_ADMIN, NULL, 0,
	    "long enough", &id, &err), 0);
	assert_int_equal(mr_user_add(u->st, "bob", MR_ROLE_OFFICER, two_tins,
	    2, "long enough", &id, &err), 0);
	assert_int_equal(mr_user_token_add(u->st, "bob", tok, sizeof tok, &tid,
	    &err), 0);
	/* new TINs replace the old, from the next lookup on */
	assert_int_equal(mr_user_set(u->st, "bob", NULL, true, one, 1,
	    &changed, &err), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(mr_user_by_token(u->st, tok, &p, &err), 0);
	assert_false(mr_user_scope_allows(&p, "123456789"));
	assert_true(mr_user_scope_allows(&p, "111111111"));
	assert_int_equal(p.role, MR_ROLE_OFFICER);
	mr_principal_clear(&p);
	/* an admin takes no TINs; the same again changes nothing */
	assert_int_equal(mr_user_set(u->st, "bob", &admin, false, NULL, 0,
	    &changed, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_int_equal(mr_user_set(u->st, "bob", NULL, true, one, 1,
	    &changed, &err), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(mr_user_set(u->st, "bob", &viewer, true, NULL, 0,
	    &changed, &err), 0);
	assert_int_equal(mr_user_by_token(u->st, tok, &p, &err), 0);
	assert_true(p.all_tins);
	assert_false(mr_user_may_write(&p));
	mr_principal_clear(&p);
	/* the last active admin keeps the role */
	assert_int_equal(mr_user_set(u->st, "root", &viewer, false, NULL, 0,
	    &changed, &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	/* disabled: nothing works; enabled: password and token again */
	assert_int_equal(mr_user_disable(u->st, "bob", &err), 0);
	assert_int_equal(mr_user_by_token(u->st, tok, &p, &err), -1);
	assert_int_equal(mr_user_enable(u->st, "bob", &err), 0);
	assert_int_equal(mr_user_by_token(u->st, tok, &p, &err), 0);
	mr_principal_clear(&p);
	assert_int_equal(mr_user_login(u->st, "bob", "long enough", &p, &err), 0);
	mr_principal_clear(&p);
	assert_int_equal(mr_user_enable(u->st, "bob", &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
}

static void
test_failed_logins_are_kept_per_account_and_address(void **state)
{
	struct unit_db *u = *state;
	struct mr_login_failures f;
	struct mr_err err = { 0 };
	int64_t id;

	assert_int_equal(mr_user_add(u->st, "bob", MR_ROLE_OFFICER, NULL, 0,
	    "long enough", &id, &err), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(mr_login_failed(u->st, "bob", "192.0.2.7",
		    &err), 0);
	assert_int_equal(mr_login_failed(u->st, "no such one", "192.0.2.7",
	    &err), 0);
	assert_int_equal(mr_login_failures_get(u->st, "bob", "192.0.2.7", &f,
	    &err), 0);
	assert_int_equal(f.name_count, 3);
	assert_int_equal(f.name_last, UNIT_NOW);
	assert_int_equal(f.addr_count, 4);
	/* a name that is no account has no count that outlives the daemon */
	assert_int_equal(mr_login_failures_get(u->st, "no such one", "x", &f,
	    &err), 0);
	assert_int_equal(f.name_count, 0);
	assert_int_equal(f.addr_count, 0);
	/* a day later the address starts afresh */
	mr_store_set_now(u->st, UNIT_NOW + 86401);
	assert_int_equal(mr_login_failures_get(u->st, "bob", "192.0.2.7", &f,
	    &err), 0);
	assert_int_equal(f.addr_count, 0);
	assert_int_equal(mr_login_failed(u->st, "bob", "192.0.2.7", &err), 0);
	assert_int_equal(mr_login_failures_get(u->st, "bob", "192.0.2.7", &f,
	    &err), 0);
	assert_int_equal(f.addr_count, 1);
	assert_int_equal(f.name_count, 4);
	/* a success clears both */
	assert_int_equal(mr_login_succeeded(u->st, id, "192.0.2.7", &err), 0);
	assert_int_equal(mr_login_failures_get(u->st, "bob", "192.0.2.7", &f,
	    &err), 0);
	assert_int_equal(f.name_count + f.addr_count, 0);
}

static void
test_only_an_unlimited_account_changes_windows(void **state)
{
	struct mr_err err = { 0 };

	(void)state;
	assert_true(mr_user_may_change_windows(MR_ROLE_ADMIN, true, &err));
	assert_true(mr_user_may_change_windows(MR_ROLE_OFFICER, true, &err));
	assert_false(mr_user_may_change_windows(MR_ROLE_OFFICER, false, &err));
	assert_int_equal(err.code, MR_ECONFLICT);
	/* a window is every practice's deadline; one case has its own */
	assert_non_null(strstr(err.msg, "applies to every practice"));
	assert_non_null(strstr(err.msg, "case's own deadline"));
	assert_false(mr_user_may_change_windows(MR_ROLE_VIEWER, true, &err));
	assert_non_null(strstr(err.msg, "viewer"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_scope_of_limited_officer_and_admin,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_viewer_reads_only_and_admin_takes_no_tins,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_wrong_password_and_unknown_name_say_the_same,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_password_is_stored_as_argon2id_only,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_token_works_until_revoked_or_disabled,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_session_expires_idle_absolute_and_ended,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_set_role_and_tins_and_enable_again,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_failed_logins_are_kept_per_account_and_address,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test(
		    test_only_an_unlimited_account_changes_windows),
	};
	return cmocka_run_group_tests_name("user", tests, NULL, NULL);
}
