/*
 * Unit tests of lib/mr_ical (with hand-built deadline items, read back
 * through libical's parser) and lib/mr_feed.
 */
#include "config.h"

#include <libical/ical.h>
#include <openssl/evp.h>

#include "tests/unit/unit.h"
#include "lib/mr_audit.h"
#include "lib/mr_case.h"
#include "lib/mr_feed.h"
#include "lib/mr_ical.h"

/* PY2023 targeted review: 2024-10-11 19:00 America/Chicago. */
#define SEED_CLOSES	((time_t)1728691200)

struct out {
	char	*p;
	size_t	 len, cap;
	size_t	 calls, biggest;
};

static int
sink(const char *s, size_t len, void *arg)
{
	struct out *o = arg;

	o->calls++;
	if (len > o->biggest)
		o->biggest = len;
	if (o->len + len + 1 > o->cap) {
		o->cap = (o->len + len + 1) * 2;
		o->p = realloc(o->p, o->cap);
		assert_non_null(o->p);
	}
	memcpy(o->p + o->len, s, len);
	o->len += len;
	o->p[o->len] = '\0';
	return 0;
}

static struct mr_deadline_item
seed_item(void)
{
	struct mr_deadline_item it = {
		.what = "case", .id = 42, .kind = "targeted-review",
		.name = "Dr. Ada Example", .tin = "123456789", .npi = "1234567893",
		.status = "draft", .open = 1, .performance_year = 2023,
		.closes_at = SEED_CLOSES, .zone = "America/Chicago",
		.source = "CMS notice", .window_id = 7, .sequence = 3,
		.updated_at = "2024-10-01T12:00:00Z",
	};
	return it;
}

static struct mr_ical_opts
seed_opts(void)
{
	struct mr_ical_opts o = { .alarms = { 30 * 86400, 14 * 86400,
	    7 * 86400, 86400, 7200 }, .nalarms = 5, .calname = "Test" };

	for (int i = 0; i < MR_ICAL_KEYLEN; i++)
		o.key[i] = (unsigned char)(i * 7 + 1);
	return o;
}

/* Render items into a string (the caller frees it). */
static char *
render(const struct mr_ical_opts *o, const struct mr_deadline_item *items,
    int n, struct out *stats)
{
	struct out out = { 0 };
	struct mr_ical *w;
	struct mr_err err = { 0 };

	assert_int_equal(mr_ical_begin(o, sink, &out, &w, &err), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(mr_ical_add(w, &items[i], &err), 0);
	assert_int_equal(mr_ical_end(w, &err), 0);
	if (stats != NULL)
		*stats = out;
	return out.p;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static icalcomponent *
parse_clean(const char *s)
{
	icalcomponent *cal = icalparser_parse_string(s);

	assert_non_null(cal);
	assert_int_equal(icalcomponent_count_errors(cal), 0);
	return cal;
}

static void
test_event_and_task_close_at_the_announced_wall_clock(void **state)
{
	struct mr_ical_opts o = seed_opts();
	struct mr_deadline_item it = seed_item();
	char *s = render(&o, &it, 1, NULL);
	icalcomponent *cal = parse_clean(s), *ev, *todo;
	struct icaltimetype t;

	(void)state;
	assert_non_null(strstr(s, "DTSTART;TZID=America/Chicago:20241011T190000\r\n"));
	assert_non_null(strstr(s, "DUE;TZID=America/Chicago:20241011T190000\r\n"));
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	todo = icalcomponent_get_first_component(cal, ICAL_VTODO_COMPONENT);
	assert_non_null(ev);
	assert_non_null(todo);
	/* libical resolves the TZID against our VTIMEZONE: the instant holds. */
	t = icalcomponent_get_dtstart(ev);
	assert_non_null(t.zone);
	assert_int_equal((long long)icaltime_as_timet_with_zone(t, t.zone),
	    (long long)SEED_CLOSES);
	t = icalcomponent_get_due(todo);
	assert_int_equal((long long)icaltime_as_timet_with_zone(t, t.zone),
	    (long long)SEED_CLOSES);
	icalcomponent_free(cal);
	free(s);
}

static void
test_vtimezone_is_plain_iana_compact_and_written_once(void **state)
{
	struct mr_ical_opts o = seed_opts();
	struct mr_deadline_item it[2] = { seed_item(), seed_item() };
	char *s, *vtz;

	(void)state;
	it[1].id = 43;
	it[1].closes_at += 7 * 86400;
	s = render(&o, it, 2, NULL);
	assert_int_equal(count(s, "BEGIN:VTIMEZONE"), 1);
	assert_non_null(strstr(s, "TZID:America/Chicago\r\n"));
	assert_null(strstr(s, "freeassociation"));
	assert_null(strstr(s, "UNTIL="));	/* python-icalendar trips on it */
	vtz = strstr(s, "BEGIN:VTIMEZONE");
	assert_true(vtz < strstr(s, "BEGIN:VEVENT"));
	assert_int_equal(count(s, "BEGIN:DAYLIGHT"), 1);
	assert_int_equal(count(s, "BEGIN:STANDARD"), 1);
	assert_true(strstr(s, "END:VTIMEZONE") - vtz < 600);
	free(s);
}

static void
test_zone_without_daylight_time_and_utc(void **state)
{
	struct mr_ical_opts o = seed_opts();
	struct mr_deadline_item it[2] = { seed_item(), seed_item() };
	char *s;
	icalcomponent *cal;

	(void)state;
	it[0].zone = "Asia/Tokyo";	/* 2024-10-12 09:00 JST */
	it[1].id = 43;
	it[1].zone = "UTC";
	s = render(&o, it, 2, NULL);
	cal = parse_clean(s);
	assert_non_null(strstr(s, "DTSTART;TZID=Asia/Tokyo:20241012T090000\r\n"));
	assert_int_equal(count(s, "BEGIN:DAYLIGHT"), 0);
	assert_non_null(strstr(s, "DTSTART:20241012T000000Z\r\n"));
	assert_int_equal(count(s, "BEGIN:VTIMEZONE"), 1);
	icalcomponent_free(cal);
	free(s);
}

static void
test_alarms_ring_on_the_event_only(void **state)
{
	struct mr_ical_opts o = seed_opts();
	struct mr_deadline_item it = seed_item();
	char *s = render(&o, &it, 1, NULL);
	icalcomponent *cal = parse_clean(s), *ev, *todo;

	(void)state;
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	todo = icalcomponent_get_first_component(cal, ICAL_VTODO_COMPONENT);
	assert_int_equal(icalcomponent_count_components(ev, ICAL_VALARM_COMPONENT), 5);
	assert_int_equal(icalcomponent_count_components(todo, ICAL_VALARM_COMPONENT), 0);
	assert_non_null(strstr(s, "TRIGGER:-P30D\r\n"));
	assert_non_null(strstr(s, "TRIGGER:-PT2H\r\n"));
	/* The task points at its event. */
	assert_string_equal(icalproperty_get_relatedto(
	    icalcomponent_get_first_property(todo, ICAL_RELATEDTO_PROPERTY)),
	    icalcomponent_get_uid(ev));
	icalcomponent_free(cal);
	free(s);
}

static void
test_uids_are_stable_opaque_and_keyed(void **state)
{
	struct mr_ical_opts o = seed_opts();
	char a[64], b[64], c[64], d[64], e[64];

	(void)state;
	mr_ical_uid(o.key, "case", 42, "event", a, sizeof a);
	mr_ical_uid(o.key, "case", 42, "event", b, sizeof b);
	mr_ical_uid(o.key, "case", 42, "todo", c, sizeof c);
	mr_ical_uid(o.key, "case", 43, "event", d, sizeof d);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	assert_int_equal(strlen(a), 32 + strlen("@mipsreview"));
	assert_null(strstr(a, "42"));
	o.key[0] ^= 1;
	mr_ical_uid(o.key, "case", 42, "event", e, sizeof e);
	assert_string_not_equal(a, e);
}

/*
 * Items in a row that differ in kind, zone, deadline and last change: each
 * gets its own UIDs (as mr_ical_uid makes them), reminders, time and
 * DTSTAMP, not the previous item's.
 */
static void
test_each_item_keeps_its_own_fields(void **state)
{
	struct mr_ical_opts o = seed_opts();
	struct mr_deadline_item it[3];
	char uid[64], line[128];
	char *s;

	(void)state;
	it[0] = it[1] = it[2] = seed_item();
	it[1].id = 43;
	it[1].kind = "pi-hardship";
	it[1].what = "hardship";
	it[1].zone = "America/New_York";
	it[1].updated_at = "2024-10-02T08:30:00Z";
	it[2].id = 44;
	it[2].closes_at = SEED_CLOSES + 86400;
	s = render(&o, it, 3, NULL);
	icalcomponent_free(parse_clean(s));
	for (int i = 0; i < 3; i++) {
		mr_ical_uid(o.key, it[i].what, it[i].id, "event", uid, sizeof uid);
		snprintf(line, sizeof line, "UID:%s\r\n", uid);
		assert_int_equal(count(s, line), 1);
		snprintf(line, sizeof line, "RELATED-TO:%s\r\n", uid);
		assert_int_equal(count(s, line), 1);
		mr_ical_uid(o.key, it[i].what, it[i].id, "todo", uid, sizeof uid);
		snprintf(line, sizeof line, "UID:%s\r\n", uid);
		assert_int_equal(count(s, line), 1);
	}
	assert_int_equal(count(s, "DESCRIPTION:Reminder: Targeted review deadline\r\n"), 10);
	assert_int_equal(count(s, "DESCRIPTION:Reminder: PI hardship exception deadline\r\n"), 5);
	assert_int_equal(count(s, "DTSTART;TZID=America/Chicago:20241011T190000\r\n"), 1);
	assert_int_equal(count(s, "DTSTART;TZID=America/New_York:20241011T200000\r\n"), 1);
	assert_int_equal(count(s, "DTSTART;TZID=America/Chicago:20241012T190000\r\n"), 1);
	assert_int_equal(count(s, "DTSTAMP:20241001T120000Z\r\n"), 4);
	assert_int_equal(count(s, "DTSTAMP:20241002T083000Z\r\n"), 2);
	assert_int_equal(count(s, "Closes Oct 11 2024 7:00 PM CDT"), 1);
	assert_int_equal(count(s, "Closes Oct 11 2024 8:00 PM EDT"), 1);
	assert_int_equal(count(s, "Closes Oct 12 2024 7:00 PM CDT"), 1);
	assert_non_null(strstr(s, "Filing 43 in mipsreview"));
	free(s);
}

static void
test_summary_masks_tin_and_keeps_one_line(void **state)
{
	struct mr_ical_opts o = seed_opts();
	struct mr_deadline_item it = seed_item();
	char *s;
	icalcomponent *cal;
	const char *sum;

	(void)state;
	it.name = "Dr. Ada\r\nExample; MD";
	s = render(&o, &it, 1, NULL);
	cal = parse_clean(s);
	assert_null(strstr(s, "123456789"));
	assert_null(strstr(s, "1234567893"));	/* nor the NPI */
	sum = icalcomponent_get_summary(icalcomponent_get_first_component(cal,
	    ICAL_VEVENT_COMPONENT));
	assert_string_equal(sum, "Targeted review deadline: Dr. Ada  Example; MD "
	    "(TIN *****6789)");
	assert_null(strchr(sum, '\n'));
	icalcomponent_free(cal);
	free(s);
}

static void
test_long_utf8_text_folds_and_reads_back(void **state)
{
	struct mr_ical_opts o = seed_opts();
	struct mr_deadline_item it = seed_item();
	char name[400] = "", want[600], *s, *line, *save = NULL;
	icalcomponent *cal, *ev;

	(void)state;
	/* 2-byte and 3-byte characters, and every character TEXT escapes. */
	for (int i = 0; i < 15; i++)
		snprintf(name + strlen(name), sizeof name - strlen(name), "%s",
		    "Zoë,Łódź;€\\ ");
	it.name = name;
	s = render(&o, &it, 1, NULL);
	cal = parse_clean(s);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	snprintf(want, sizeof want, "Targeted review deadline: %s (TIN *****6789)",
	    name);
	assert_string_equal(icalcomponent_get_summary(ev), want);
	assert_non_null(strstr(icalcomponent_get_description(ev),
	    "Closes Oct 11 2024 7:00 PM CDT (America/Chicago).\n"));
	/* No line is longer than 75 octets, none starts inside a character. */
	for (line = strtok_r(s, "\r\n", &save); line != NULL;
	    line = strtok_r(NULL, "\r\n", &save)) {
		assert_true(strlen(line) <= 75);
		assert_true(((unsigned char)line[line[0] == ' '] & 0xc0) != 0x80);
	}
	icalcomponent_free(cal);
	free(s);
}

static void
test_overlong_name_is_cut_between_characters(void **state)
{
	struct mr_ical_opts o = seed_opts();
	struct mr_deadline_item it = seed_item();
	char name[1200] = "";
	icalcomponent *cal;
	char *s;

	(void)state;
	for (int i = 0; i < 300; i++)
		snprintf(name + strlen(name), sizeof name - strlen(name), "%s", "ë");
	memmove(name + 1, name + 2, strlen(name + 2) + 1);	/* odd offset */
	it.name = name;
	s = render(&o, &it, 1, NULL);
	cal = parse_clean(s);
	assert_non_null(icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT));
	icalcomponent_free(cal);
	free(s);
}

static void
test_decided_and_withdrawn_items_stay_completed_or_cancelled(void **state)
{
	struct mr_ical_opts o = seed_opts();
	struct mr_deadline_item it[2] = { seed_item(), seed_item() };
	icalcomponent *cal, *ev, *todo;
	char *s;

	(void)state;
	it[0].open = 0;
	it[0].status = "approved";
	it[1].id = 43;
	it[1].open = 0;
	it[1].status = "withdrawn";
	s = render(&o, it, 2, NULL);
	cal = parse_clean(s);
	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	todo = icalcomponent_get_first_component(cal, ICAL_VTODO_COMPONENT);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CONFIRMED);
	assert_int_equal(icalcomponent_get_status(todo), ICAL_STATUS_COMPLETED);
	assert_int_equal(icalcomponent_count_components(ev, ICAL_VALARM_COMPONENT), 0);
	ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
	todo = icalcomponent_get_next_component(cal, ICAL_VTODO_COMPONENT);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CANCELLED);
	assert_int_equal(icalcomponent_get_status(todo), ICAL_STATUS_CANCELLED);
	assert_int_equal(count(s, "BEGIN:VALARM"), 0);
	icalcomponent_free(cal);
	free(s);
}

static void
test_sequence_last_modified_and_refresh(void **state)
{
	struct mr_ical_opts o = seed_opts();
	struct mr_deadline_item it = seed_item();
	char *s;

	(void)state;
	o.refresh = 3600;
	s = render(&o, &it, 1, NULL);
	assert_int_equal(count(s, "SEQUENCE:3\r\n"), 2);
	assert_int_equal(count(s, "LAST-MODIFIED:20241001T120000Z\r\n"), 2);
	/* No METHOD: a subscription is no iTIP message (and libical would
	 * then demand an ORGANIZER). */
	assert_null(strstr(s, "METHOD"));
	assert_non_null(strstr(s, "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));
	assert_non_null(strstr(s, "X-PUBLISHED-TTL:PT1H\r\n"));
	free(s);
	/* The same items give the same bytes: the ETag holds. */
	s = render(&o, &it, 1, NULL);
	{
		char *again = render(&o, &it, 1, NULL);

		assert_string_equal(s, again);
		free(again);
	}
	free(s);
}

static void
test_large_calendars_stream_one_item_at_a_time(void **state)
{
	struct mr_ical_opts o = seed_opts();
	struct mr_deadline_item it = seed_item();
	struct out out = { 0 };
	struct mr_ical *w;
	struct mr_err err = { 0 };

	(void)state;
	assert_int_equal(mr_ical_begin(&o, sink, &out, &w, &err), 0);
	for (int i = 0; i < 3000; i++) {
		it.id = i + 1;
		assert_int_equal(mr_ical_add(w, &it, &err), 0);
	}
	assert_int_equal(mr_ical_count(w), 3000);
	assert_int_equal(mr_ical_end(w, &err), 0);
	/* Each piece handed over is one component, never the calendar. */
	assert_true(out.biggest < 4096);
	assert_true(out.len > 3000 * 1000);
	assert_int_equal(count(out.p, "BEGIN:VEVENT"), 3000);
	free(out.p);
}

static void
test_unknown_zone_is_refused(void **state)
{
	struct mr_ical_opts o = seed_opts();
	struct mr_deadline_item it = seed_item();
	struct out out = { 0 };
	struct mr_ical *w;
	struct mr_err err = { 0 };

	(void)state;
	it.zone = "America/Chicag";
	assert_int_equal(mr_ical_begin(&o, sink, &out, &w, &err), 0);
	assert_int_equal(mr_ical_add(w, &it, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_non_null(strstr(err.msg, "America/Chicag"));
	mr_ical_free(w);
	free(out.p);
}

static void
test_digest_follows_the_items(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input in = { .tin = "12-3456789", .name = "Dr. Ada",
	    .year = "2023", .reasons = { "other" }, .nreasons = 1 };
	const char *set[] = { "name=Dr. Ada Example" };
	struct mr_deadline_filter f = { .include_closed = 1 };
	struct mr_ical_opts o;
	struct mr_err err = { 0 };
	unsigned char d1[32], d2[32], d3[32];
	int64_t id;

	memset(&o, 0, sizeof o);
	assert_int_equal(mr_ical_key(u->st, &o, &err), 0);
	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), 0);
	assert_int_equal(mr_ical_digest(u->st, &f, &o, d1, &err), 0);
	assert_int_equal(mr_ical_digest(u->st, &f, &o, d2, &err), 0);
	assert_memory_equal(d1, d2, 32);
	assert_int_equal(mr_case_set(u->st, id, set, 1, 0, &err), 0);
	assert_int_equal(mr_ical_digest(u->st, &f, &o, d3, &err), 0);
	assert_memory_not_equal(d1, d3, 32);
	/* Other options, other calendar. */
	o.nalarms = 1;
	o.alarms[0] = 3600;
	assert_int_equal(mr_ical_digest(u->st, &f, &o, d2, &err), 0);
	assert_memory_not_equal(d2, d3, 32);
}

/* A calendar written with its digest gives the digest taken alone. */
static void
test_digest_taken_while_writing_is_the_same(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input in = { .tin = "12-3456789", .name = "Dr. Ada",
	    .year = "2023", .reasons = { "other" }, .nreasons = 1 };
	struct mr_deadline_filter f = { .include_closed = 1 };
	struct mr_ical_opts o;
	struct mr_err err = { 0 };
	struct out out = { 0 }, again = { 0 };
	unsigned char alone[32], written[32];
	long count = 0;
	int64_t id;

	memset(&o, 0, sizeof o);
	o.nalarms = 1;
	o.alarms[0] = 86400;
	assert_int_equal(mr_ical_key(u->st, &o, &err), 0);
	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), 0);
	in.tin = "98-7654321";
	assert_int_equal(mr_case_add(u->st, &in, 0, &id, &err), 0);
	assert_int_equal(mr_ical_digest(u->st, &f, &o, alone, &err), 0);
	memset(written, 0, sizeof written);
	assert_int_equal(mr_ical_write_digest(u->st, &f, &o, sink, &out, &count,
	    written, &err), 0);
	assert_true(count >= 2);
	assert_memory_equal(alone, written, 32);
	/* The same calendar as without the digest. */
	assert_int_equal(mr_ical_write(u->st, &f, &o, sink, &again, NULL, &err),
	    0);
	assert_int_equal(out.len, again.len);
	assert_memory_equal(out.p, again.p, out.len);
	free(out.p);
	free(again.p);
}

static int
feed_collect(const struct mr_feed *f, void *arg)
{
	struct mr_feed *out = arg;

	for (; out->id != 0; out++)
		;
	*out = *f;
	return 0;
}

static int
audit_has_token(const struct mr_audit_row *r, void *arg)
{
	const char *token = arg;

	if ((r->after && strstr(r->after, token)) ||
	    (r->before && strstr(r->before, token)))
		fail_msg("audit row %lld shows the token", (long long)r->id);
	return 0;
}

static void
test_feed_token_is_random_and_stored_only_hashed(void **state)
{
	struct unit_db *u = *state;
	struct mr_feed feeds[4];
	struct mr_err err = { 0 };
	char t1[MR_FEED_TOKEN_LEN + 1], t2[MR_FEED_TOKEN_LEN + 1];
	unsigned char h[MR_FEED_HASH_LEN];
	sqlite3_stmt *stmt;
	int64_t id;

	assert_int_equal(mr_feed_add(u->st, "officer", "123-45-6789", 2023, t1,
	    sizeof t1, &id, &err), 0);
	assert_int_equal(mr_feed_add(u->st, "board", NULL, 0, t2, sizeof t2, &id,
	    &err), 0);
	assert_int_equal(strlen(t1), 32);	/* 192 bits, base64url */
	assert_true(mr_feed_token_wellformed(t1, strlen(t1)));
	assert_string_not_equal(t1, t2);
	memset(feeds, 0, sizeof feeds);
	assert_int_equal(mr_feed_each(u->st, 0, feed_collect, feeds, &err), 0);
	assert_string_equal(feeds[0].name, "officer");
	assert_string_equal(feeds[0].tin, "123456789");
	assert_int_equal(feeds[0].year, 2023);
	mr_feed_hash_token(t1, strlen(t1), h);
	assert_memory_equal(feeds[0].token_hash, h, sizeof h);
	/* The token appears in no column of the database, nor in the audit. */
	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st), "SELECT count(*) "
	    "FROM calendar_feed WHERE instr(name || token_hash || created_at, ?1)",
	    -1, &stmt, NULL), SQLITE_OK);
	sqlite3_bind_text(stmt, 1, t1, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 0);
	sqlite3_finalize(stmt);
	assert_int_equal(mr_audit_each(u->st, "feed", 0, audit_has_token, t1,
	    &err), 0);
}

static void
test_feed_names_are_unique_and_revocation_sticks(void **state)
{
	struct unit_db *u = *state;
	struct mr_feed feeds[4], gone;
	struct mr_err err = { 0 };
	char t[MR_FEED_TOKEN_LEN + 1];
	int64_t id;

	assert_int_equal(mr_feed_add(u->st, "officer", NULL, 0, t, sizeof t, &id,
	    &err), 0);
	assert_int_equal(mr_feed_add(u->st, "officer", NULL, 0, t, sizeof t, &id,
	    &err), -1);
	assert_int_equal(err.code, MR_ECONFLICT);
	assert_int_equal(mr_feed_add(u->st, "12", NULL, 0, t, sizeof t, &id,
	    &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_int_equal(mr_feed_add(u->st, "x", "12345", 0, t, sizeof t, &id,
	    &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_int_equal(mr_feed_revoke(u->st, "officer", &gone, &err), 0);
	assert_string_not_equal(gone.revoked_at, "");
	assert_int_equal(mr_feed_revoke(u->st, "officer", &gone, &err), -1);
	assert_int_equal(err.code, MR_ENOTFOUND);
	memset(feeds, 0, sizeof feeds);
	assert_int_equal(mr_feed_each(u->st, 0, feed_collect, feeds, &err), 0);
	assert_int_equal(feeds[0].id, 0);
	memset(feeds, 0, sizeof feeds);
	assert_int_equal(mr_feed_each(u->st, 1, feed_collect, feeds, &err), 0);
	assert_int_equal(feeds[0].id, 1);
	/* The name is free again; revoke by id works too. */
	assert_int_equal(mr_feed_add(u->st, "officer", NULL, 0, t, sizeof t, &id,
	    &err), 0);
	assert_int_equal(mr_feed_revoke(u->st, "#2", &gone, &err), 0);
	assert_int_equal(gone.id, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_and_task_close_at_the_announced_wall_clock),
		cmocka_unit_test(test_vtimezone_is_plain_iana_compact_and_written_once),
		cmocka_unit_test(test_zone_without_daylight_time_and_utc),
		cmocka_unit_test(test_alarms_ring_on_the_event_only),
		cmocka_unit_test(test_uids_are_stable_opaque_and_keyed),
		cmocka_unit_test(test_each_item_keeps_its_own_fields),
		cmocka_unit_test(test_summary_masks_tin_and_keeps_one_line),
		cmocka_unit_test(test_long_utf8_text_folds_and_reads_back),
		cmocka_unit_test(test_overlong_name_is_cut_between_characters),
		cmocka_unit_test(test_decided_and_withdrawn_items_stay_completed_or_cancelled),
		cmocka_unit_test(test_sequence_last_modified_and_refresh),
		cmocka_unit_test(test_large_calendars_stream_one_item_at_a_time),
		cmocka_unit_test(test_unknown_zone_is_refused),
		cmocka_unit_test_setup_teardown(test_digest_taken_while_writing_is_the_same,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_digest_follows_the_items,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_feed_token_is_random_and_stored_only_hashed,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test_setup_teardown(test_feed_names_are_unique_and_revocation_sticks,
		    unit_db_setup, unit_db_teardown),
	};

	return cmocka_run_group_tests_name("ical", tests, NULL, NULL);
}
