/*
 * Unit tests of daemon/web_html and daemon/web: the one escaping
 * function, and the pages rendered from a scratch database, as each role
 * and as nobody.
 */
#include "config.h"

#include "tests/unit/unit.h"
#include "daemon/web.h"
#include "daemon/web_html.h"
#include "lib/mr_buf.h"
#include "lib/mr_case.h"
#include "lib/mr_window.h"

#define PAYLOAD	"<script>alert(\"x\")</script>"
#define PAYLOAD_SHOWN	"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"

static void
test_esc_turns_markup_into_text(void **state)
{
	struct mr_buf b;

	(void)state;
	mr_buf_init(&b, 4096);
	assert_int_equal(web_esc(&b, PAYLOAD), 0);
	assert_string_equal(mr_buf_str(&b), PAYLOAD_SHOWN);
	mr_buf_reset(&b);
	/* An attribute cannot be closed with either quote. */
	web_esc(&b, "\" onmouseover='x' & <img src=x onerror=alert(1)>");
	assert_string_equal(mr_buf_str(&b), "&quot; onmouseover=&#39;x&#39; "
	    "&amp; &lt;img src=x onerror=alert(1)&gt;");
	mr_buf_reset(&b);
	web_esc(&b, NULL);
	web_esc(&b, "");
	web_esc(&b, "plain text, \xc3\xa9t\xc3\xa9");
	assert_string_equal(mr_buf_str(&b), "plain text, \xc3\xa9t\xc3\xa9");
	mr_buf_free(&b);
}

static void
test_printf_escapes_every_string_argument(void **state)
{
	struct mr_buf b;

	(void)state;
	mr_buf_init(&b, 4096);
	assert_int_equal(web_printf(&b, "<td title=\"%s\">%s</td>%d %lld 100%%",
	    "a\"b", PAYLOAD, 7, 1234567890123LL), 0);
	assert_string_equal(mr_buf_str(&b), "<td title=\"a&quot;b\">"
	    PAYLOAD_SHOWN "</td>7 1234567890123 100%");
	mr_buf_free(&b);
}

static void
test_page_frame_has_skip_link_nav_and_csrf(void **state)
{
	struct mr_buf b;
	const char *s;

	(void)state;
	mr_buf_init(&b, 1 << 16);
	web_page_begin(&b, "Cases", WEB_NAV_CASES, "ada" PAYLOAD, "tok\"en");
	web_page_end(&b);
	s = mr_buf_str(&b);
	assert_non_null(strstr(s, "<a class=\"skip\" href=\"#main\">"));
	assert_non_null(strstr(s, "<main id=\"main\""));
	assert_non_null(strstr(s, "href=\"/app/cases\" aria-current=\"page\""));
	assert_non_null(strstr(s, "value=\"tok&quot;en\""));
	assert_non_null(strstr(s, "ada" PAYLOAD_SHOWN));
	assert_null(strstr(s, "<script>"));
	assert_non_null(strstr(s, "name=\"viewport\""));
	mr_buf_free(&b);
}

/* ---- pages ---- */

static const char *const tins_a[] = { "123456789" };

static const char *const tins_b[] = { "987654321" };

static const struct web_who admin = { .account_id = 1, .name = "root",
	.role = WEB_ADMIN };
static const struct web_who officer_a = { .account_id = 2, .name = "ofc",
	.role = WEB_OFFICER, .tins = tins_a, .ntins = 1 };
static const struct web_who viewer_a = { .account_id = 3, .name = "vw",
	.role = WEB_VIEWER, .tins = tins_a, .ntins = 1 };
static const struct web_who officer_b = { .account_id = 4, .name = "other",
	.role = WEB_OFFICER, .tins = tins_b, .ntins = 1 };

struct fields {
	const char *names[8];
	const char *values[8];
};

static const char *
get_field(void *cls, const char *name)
{
	struct fields *f = cls;

	for (int i = 0; i < 8 && f->names[i] != NULL; i++)
		if (strcmp(f->names[i], name) == 0)
			return f->values[i];
	return NULL;
}

static int64_t
seed(struct unit_db *u)
{
	struct mr_case_input in = { .tin = "123456789", .npi = "1234567893",
	    .name = "Dr. " PAYLOAD, .year = "2023",
	    .reasons = { "scoring-error" }, .nreasons = 1 };
	struct mr_case_input other = { .tin = "987654321",
	    .name = "Secret Clinic", .year = "2023", .reasons = { "other" },
	    .nreasons = 1 };
	struct mr_window_input w = { .kind = "targeted-review", .year = "2023",
	    .name = "PY2023 targeted review",
	    .closes = "2024-10-11 20:00 America/New_York",
	    .source = "CMS notice" };
	struct mr_err err = { 0 };
	int64_t id, id2, wid;

	assert_int_equal(mr_window_add(u->st, &w, &wid, &err), 0);
	assert_int_equal(mr_case_add(u->st, &in, 1, &id, &err), 0);
	assert_int_equal(mr_case_add(u->st, &other, 1, &id2, &err), 0);
	assert_int_equal(mr_case_add_note(u->st, id, "note " PAYLOAD, &err), 0);
	return id;
}

static struct web_reply
route(struct unit_db *u, const struct web_who *who, int post, const char *path,
    struct fields *f)
{
	struct web_req r = { .st = u->st, .who = who, .csrf = "CSRFTOKEN",
	    .post = post, .now = UNIT_NOW, .default_zone = "Asia/Tokyo",
	    .field = get_field, .field_cls = f };
	struct web_reply out;

	assert_int_equal(web_route(&r, path, &out), 0);
	return out;
}

static void
test_due_shows_in_scope_items_escaped_in_both_zones(void **state)
{
	struct unit_db *u = *state;
	struct fields f = { { NULL }, { NULL } };
	struct web_reply out;
	const char *s;

	seed(u);
	out = route(u, &officer_a, 0, "/app/due", &f);
	s = mr_buf_str(&out.body);
	assert_int_equal(out.status, 200);
	assert_non_null(strstr(s, "Dr. " PAYLOAD_SHOWN));
	assert_null(strstr(s, "<script>"));
	assert_null(strstr(s, "Secret Clinic"));
	/* Announced in New York, shown also in the viewer's Tokyo. */
	assert_non_null(strstr(s, "2024-10-11T20:00:00-04:00"));
	assert_non_null(strstr(s, "America/New_York"));
	assert_non_null(strstr(s, "Asia/Tokyo"));
	assert_non_null(strstr(s, "*****6789"));
	assert_null(strstr(s, "123456789"));
	mr_buf_free(&out.body);

	out = route(u, &admin, 0, "/app/due", &f);
	assert_non_null(strstr(mr_buf_str(&out.body), "Secret Clinic"));
	mr_buf_free(&out.body);
}

static void
test_due_refuses_an_unknown_zone_with_the_library_message(void **state)
{
	struct unit_db *u = *state;
	struct fields f = { { "zone" }, { "Mars/Olympus" } };
	struct web_reply out;

	seed(u);
	out = route(u, &admin, 0, "/app/due", &f);
	assert_int_equal(out.status, 400);
	assert_non_null(strstr(mr_buf_str(&out.body), "Mars/Olympus"));
	assert_non_null(strstr(mr_buf_str(&out.body), "role=\"alert\""));
	mr_buf_free(&out.body);
}

static void
test_nobody_gets_the_sign_in_form_and_401(void **state)
{
	struct unit_db *u = *state;
	struct fields f = { { NULL }, { NULL } };
	static const char *const paths[] = { "/app/due", "/app/cases",
	    "/app/cases/1", "/app/hardship", "/app/windows",
	    "/app/cases/1/packet" };
	struct web_reply out;

	seed(u);
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		out = route(u, NULL, 0, paths[i], &f);
		assert_int_equal(out.status, 401);
		assert_non_null(strstr(mr_buf_str(&out.body), "action=\"/app/login\""));
		assert_null(strstr(mr_buf_str(&out.body), "Dr. "));
		assert_int_equal(out.file[0], '\0');
		mr_buf_free(&out.body);
	}
}

static void
test_case_page_checks_scope_and_shows_notes_as_text(void **state)
{
	struct unit_db *u = *state;
	struct fields f = { { NULL }, { NULL } };
	struct web_reply out;
	char path[64];
	const char *s;
	int64_t id = seed(u);

	snprintf(path, sizeof path, "/app/cases/%lld", (long long)id);
	out = route(u, &officer_b, 0, path, &f);
	assert_int_equal(out.status, 404);
	assert_null(strstr(mr_buf_str(&out.body), "Dr. "));
	mr_buf_free(&out.body);

	out = route(u, &officer_a, 0, path, &f);
	s = mr_buf_str(&out.body);
	assert_int_equal(out.status, 200);
	assert_non_null(strstr(s, "note " PAYLOAD_SHOWN));
	assert_null(strstr(s, "<script>"));
	/* The moves the workflow allows from draft, as forms with the token. */
	assert_non_null(strstr(s, "value=\"ready\""));
	assert_non_null(strstr(s, "value=\"withdrawn\""));
	assert_null(strstr(s, "value=\"approved\""));
	assert_non_null(strstr(s, "name=\"csrf\" value=\"CSRFTOKEN\""));
	assert_non_null(strstr(s, "enctype=\"multipart/form-data\""));
	assert_non_null(strstr(s, "Evidence checklist"));
	mr_buf_free(&out.body);

	/* A viewer reads the case but is offered no form. */
	out = route(u, &viewer_a, 0, path, &f);
	assert_int_equal(out.status, 200);
	assert_null(strstr(mr_buf_str(&out.body), "/status\""));
	mr_buf_free(&out.body);
}

static void
test_status_move_is_audited_under_the_account(void **state)
{
	struct unit_db *u = *state;
	struct fields bad = { { "state", "csrf" }, { "approved", "x" } };
	struct fields good = { { "state", "note" }, { "withdrawn", "dup" } };
	struct mr_err err = { 0 };
	struct web_reply out;
	struct mr_case c;
	char path[64];
	int64_t id = seed(u);

	snprintf(path, sizeof path, "/app/cases/%lld/status", (long long)id);
	/* Not allowed by the workflow: the library's message, no change. */
	out = route(u, &officer_a, 1, path, &bad);
	assert_int_equal(out.status, 409);
	assert_non_null(strstr(mr_buf_str(&out.body), "role=\"alert\""));
	mr_buf_free(&out.body);
	/* A viewer may not; to an officer of another practice it is absent. */
	out = route(u, &viewer_a, 1, path, &good);
	assert_int_equal(out.status, 403);
	mr_buf_free(&out.body);
	out = route(u, &officer_b, 1, path, &good);
	assert_int_equal(out.status, 404);
	mr_buf_free(&out.body);
	assert_int_equal(mr_case_get(u->st, id, &c, &err), 0);
	assert_string_equal(c.status, "draft");
	mr_case_release(&c);

	out = route(u, &officer_a, 1, path, &good);
	assert_int_equal(out.status, 303);
	assert_non_null(strstr(out.location, "/app/cases/"));
	mr_buf_free(&out.body);
	assert_int_equal(mr_case_get(u->st, id, &c, &err), 0);
	assert_string_equal(c.status, "withdrawn");
	mr_case_release(&c);
	assert_string_equal(mr_store_actor(u->st), "ofc");
}

static void
test_only_an_account_of_every_tin_extends_a_window(void **state)
{
	struct unit_db *u = *state;
	struct fields ext = { { "closes", "source" },
	    { "2024-11-11 20:00 America/New_York", "QPP notice" } };
	struct fields nosource = { { "closes" },
	    { "2024-11-11 20:00 America/New_York" } };
	const struct web_who officer_all = { .account_id = 5, .name = "all",
	    .role = WEB_OFFICER, .all_tins = 1 };
	struct fields none = { { NULL }, { NULL } };
	struct mr_err err = { 0 };
	struct web_reply out;
	struct mr_window_input in = { .kind = "other", .year = "2024",
	    .name = "office review", .closes = "2024-11-01 20:00 America/New_York",
	    .source = "CMS notice" };
	struct mr_window w;
	char path[64], action[96];
	int64_t wid;

	seed(u);
	assert_int_equal(mr_window_add(u->st, &in, &wid, &err), 0);
	snprintf(path, sizeof path, "/app/windows/%lld/extend", (long long)wid);
	snprintf(action, sizeof action, "action=\"%s\"", path);
	/* the page offers the form only to who may use it, and says why */
	out = route(u, &officer_a, 0, "/app/windows", &none);
	assert_int_equal(out.status, 200);
	assert_null(strstr(mr_buf_str(&out.body), "/extend\""));
	assert_null(strstr(mr_buf_str(&out.body), action));
	assert_non_null(strstr(mr_buf_str(&out.body),
	    "a review window applies to every practice"));
	mr_buf_free(&out.body);
	out = route(u, &officer_all, 0, "/app/windows", &none);
	assert_non_null(strstr(mr_buf_str(&out.body), action));
	assert_non_null(strstr(mr_buf_str(&out.body),
	    "<th scope=\"col\">Extend</th>"));
	mr_buf_free(&out.body);
	/* a limited officer is refused, whatever the form says */
	out = route(u, &officer_a, 1, path, &ext);
	assert_int_equal(out.status, 403);
	assert_non_null(strstr(mr_buf_str(&out.body), "case&#39;s own deadline"));
	mr_buf_free(&out.body);
	out = route(u, &viewer_a, 1, path, &ext);
	assert_int_equal(out.status, 403);
	mr_buf_free(&out.body);
	out = route(u, &admin, 1, path, &nosource);
	assert_int_equal(out.status, 400);
	mr_buf_free(&out.body);
	assert_int_equal(mr_window_get(u->st, wid, &w, &err), 0);
	assert_string_equal(w.source, "CMS notice");
	mr_window_release(&w);
	/* an officer of every TIN extends it, with its source */
	out = route(u, &officer_all, 1, path, &ext);
	assert_int_equal(out.status, 303);
	mr_buf_free(&out.body);
	assert_int_equal(mr_window_get(u->st, wid, &w, &err), 0);
	assert_string_equal(w.source, "QPP notice");
	mr_window_release(&w);
	assert_string_equal(mr_store_actor(u->st), "all");
}

static void
test_cases_filters_and_refuses_bad_ones(void **state)
{
	struct unit_db *u = *state;
	struct fields badtin = { { "tin" }, { "12-34" } };
	struct fields year = { { "year" }, { "2023" } };
	struct web_reply out;

	seed(u);
	out = route(u, &admin, 0, "/app/cases", &badtin);
	assert_int_equal(out.status, 400);
	assert_non_null(strstr(mr_buf_str(&out.body), "TIN"));
	mr_buf_free(&out.body);
	out = route(u, &officer_a, 0, "/app/cases", &year);
	assert_int_equal(out.status, 200);
	assert_non_null(strstr(mr_buf_str(&out.body), "Dr. " PAYLOAD_SHOWN));
	assert_null(strstr(mr_buf_str(&out.body), "Secret Clinic"));
	mr_buf_free(&out.body);
}

static void
test_whatif_checks_scope_and_shows_the_library_message(void **state)
{
	struct unit_db *u = *state;
	struct fields bad = { { "reweight" }, { "nonsense" } };
	struct fields none = { { NULL }, { NULL } };
	struct web_reply out;
	char path[64];
	int64_t id = seed(u);

	snprintf(path, sizeof path, "/app/cases/%lld/whatif", (long long)id);
	out = route(u, &officer_b, 0, path, &none);
	assert_int_equal(out.status, 404);
	mr_buf_free(&out.body);
	out = route(u, &viewer_a, 0, path, &bad);
	assert_int_equal(out.status, 400);
	assert_non_null(strstr(mr_buf_str(&out.body), "nonsense"));
	assert_non_null(strstr(mr_buf_str(&out.body), "role=\"alert\""));
	mr_buf_free(&out.body);
}

static void
add_accounts(struct unit_db *u)
{
	struct mr_err err = { 0 };

	assert_int_equal(mr_store_exec(u->st, "INSERT INTO account (id, name, "
	    "role, created_at) VALUES (1, 'root', 'admin', '2024-01-01'), "
	    "(2, 'ofc', 'officer', '2024-01-01'), (3, 'vw', 'viewer', "
	    "'2024-01-01'), (4, 'other', 'officer', '2024-01-01')", &err), 0);
}

static void
test_feeds_are_the_accounts_own_and_within_its_scope(void **state)
{
	struct unit_db *u = *state;
	struct fields add = { { "name" }, { "ada-feed" } };
	struct fields other_tin = { { "name", "tin" }, { "x", "987654321" } };
	struct fields none = { { NULL }, { NULL } };
	struct web_req r = { .st = u->st, .who = &officer_a, .csrf = "C",
	    .post = 1, .now = UNIT_NOW, .base_url = "https://cal.example.org/",
	    .field = get_field, .field_cls = &add };
	struct web_reply out;
	const char *s;

	seed(u);
	add_accounts(u);
	assert_int_equal(web_route(&r, "/app/feeds", &out), 0);
	s = mr_buf_str(&out.body);
	assert_int_equal(out.status, 200);
	/* The address, shown this once, ... */
	assert_non_null(strstr(s, "value=\"https://cal.example.org/calendar/"));
	assert_non_null(strstr(s, "ada-feed"));
	mr_buf_free(&out.body);
	/* ... and never again. */
	out = route(u, &officer_a, 0, "/app/feeds", &none);
	s = mr_buf_str(&out.body);
	assert_non_null(strstr(s, "ada-feed"));
	assert_null(strstr(s, "/calendar/"));
	assert_non_null(strstr(s, "*****6789"));	/* limited to its TIN */
	mr_buf_free(&out.body);
	/* Another account sees none of it and cannot revoke it. */
	out = route(u, &officer_b, 0, "/app/feeds", &none);
	assert_null(strstr(mr_buf_str(&out.body), "ada-feed"));
	mr_buf_free(&out.body);
	out = route(u, &officer_b, 1, "/app/feeds/1/revoke", &none);
	assert_int_equal(out.status, 404);
	mr_buf_free(&out.body);
	/* A TIN outside the account's scope is refused. */
	out = route(u, &officer_a, 1, "/app/feeds", &other_tin);
	assert_int_equal(out.status, 403);
	mr_buf_free(&out.body);
	/* Its owner revokes it. */
	out = route(u, &officer_a, 1, "/app/feeds/1/revoke", &none);
	assert_int_equal(out.status, 303);
	mr_buf_free(&out.body);
	out = route(u, &officer_a, 0, "/app/feeds", &none);
	assert_non_null(strstr(mr_buf_str(&out.body), "revoked"));
	mr_buf_free(&out.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_esc_turns_markup_into_text),
		cmocka_unit_test(test_printf_escapes_every_string_argument),
		cmocka_unit_test(test_page_frame_has_skip_link_nav_and_csrf),
		cmocka_unit_test_setup_teardown(
		    test_only_an_account_of_every_tin_extends_a_window,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_due_shows_in_scope_items_escaped_in_both_zones,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_due_refuses_an_unknown_zone_with_the_library_message,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_nobody_gets_the_sign_in_form_and_401,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_case_page_checks_scope_and_shows_notes_as_text,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_status_move_is_audited_under_the_account,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_cases_filters_and_refuses_bad_ones,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_whatif_checks_scope_and_shows_the_library_message,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(
		    test_feeds_are_the_accounts_own_and_within_its_scope,
		    unit_db_setup, unit_db_teardown),
	};

	return cmocka_run_group_tests_name("web", tests, NULL, NULL);
}
