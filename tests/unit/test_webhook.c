/*
 * Webhooks: the Standard Webhooks signature against the specification's
 * own vector, the whsec_ secret form, the URL rules and what a message
 * shows (masked TIN, both zones, the acknowledgement command).
 */
#include "config.h"

#include "tests/unit/unit.h"

#include <jansson.h>

#include "lib/mr_acklink.h"
#include "lib/mr_deadline.h"
#include "lib/mr_webhook.h"

/*
 * The vector of the Standard Webhooks reference libraries' signing test
 * (standard-webhooks/standard-webhooks, libraries/go/webhook_test.go,
 * TestWebhookSign): secret, id, timestamp and body give this signature.
 */
static void
test_sign_matches_the_specification_vector(void **state)
{
	unsigned char key[MR_WEBHOOK_KEY_MAX];
	size_t keylen = 0;
	char sig[MR_WEBHOOK_SIG_LEN];
	const char *body = "{\"test\": 2432232314}";
	struct mr_err err = { 0 };

	(void)state;
	assert_int_equal(mr_webhook_secret_parse(
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 38, key, &keylen, &err), 0);
	assert_int_equal(keylen, 24);
	assert_int_equal(mr_webhook_sign(key, keylen,
	    "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, strlen(body), sig,
	    sizeof sig), 0);
	assert_string_equal(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	/* One byte of the body, the id or the time changes it. */
	assert_int_equal(mr_webhook_sign(key, keylen,
	    "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, body, strlen(body), sig,
	    sizeof sig), 0);
	assert_string_not_equal(sig,
	    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	assert_int_equal(mr_webhook_sign(key, keylen, "x", 1, body, strlen(body),
	    sig, MR_WEBHOOK_SIG_LEN - 1), -1);
}

static void
test_secret_form_is_whsec_and_24_to_64_bytes(void **state)
{
	unsigned char key[MR_WEBHOOK_KEY_MAX];
	size_t keylen = 0;
	struct mr_err err = { 0 };
	const char *ok = "  whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n";

	(void)state;
	assert_int_equal(mr_webhook_secret_parse(ok, strlen(ok), key, &keylen,
	    &err), 0);
	/* No prefix (the spec's libraries accept it; a file we keep must say
	   what it is), too short, not base64, two lines, too long. */
	assert_int_equal(mr_webhook_secret_parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	    32, key, &keylen, &err), -1);
	assert_non_null(strstr(err.msg, "whsec_"));
	assert_int_equal(mr_webhook_secret_parse("whsec_c2hvcnQ=", 14, key,
	    &keylen, &err), -1);
	assert_int_equal(mr_webhook_secret_parse("whsec_!!!!", 10, key, &keylen,
	    &err), -1);
	assert_int_equal(mr_webhook_secret_parse("whsec_MfKQ\nr8GK", 16, key,
	    &keylen, &err), -1);
	{
		char big[200];

		memcpy(big, "whsec_", 6);
		memset(big + 6, 'A', 92);	/* 69 bytes */
		big[98] = '\0';
		assert_int_equal(mr_webhook_secret_parse(big, strlen(big), key,
		    &keylen, &err), -1);
	}
}

static void
test_url_https_or_loopback_http_only(void **state)
{
	struct mr_err err = { 0 };
	char shown[300];

	(void)state;
	assert_int_equal(mr_webhook_url_check("slack",
	    "https://hooks.slack.com/services/T0/B0/XXXX", &err), 0);
	assert_int_equal(mr_webhook_url_check("generic",
	    "http://127.0.0.1:8080/hook", &err), 0);
	assert_int_equal(mr_webhook_url_check("generic",
	    "http://localhost/hook", &err), 0);
	assert_int_equal(mr_webhook_url_check("generic", "http://[::1]:9/x",
	    &err), 0);
	assert_int_equal(mr_webhook_url_check("generic",
	    "http://hooks.example.org/x", &err), -1);
	assert_non_null(strstr(err.msg, "not https"));
	assert_int_equal(mr_webhook_url_check("generic",
	    "http://127.0.0.1.example.org/x", &err), -1);
	assert_int_equal(mr_webhook_url_check("generic", "ftp://x/y", &err), -1);
	assert_int_equal(mr_webhook_url_check("generic",
	    "https://user:pw@example.org/x", &err), -1);
	assert_int_equal(mr_webhook_url_check("generic", "https:///x", &err), -1);
	assert_int_equal(mr_webhook_url_check("generic", "https://a:99999/",
	    &err), -1);
	assert_int_equal(mr_webhook_url_check("generic", "https://a b/", &err),
	    -1);
	assert_int_equal(mr_webhook_url_check("teams",
	    "https://contoso.webhook.office.com/webhookb2/abc", &err), -1);
	assert_non_null(strstr(err.msg, "Workflows"));
	assert_int_equal(mr_webhook_url_check("teams", "https://prod-01.westus."
	    "logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x",
	    &err), 0);
	mr_webhook_url_shown("https://hooks.slack.com/services/T0/B0/XXXX", shown,
	    sizeof shown);
	assert_string_equal(shown, "https://hooks.slack.com/...");
	mr_webhook_url_shown("https://example.org", shown, sizeof shown);
	assert_string_equal(shown, "https://example.org/");
}

static struct mr_deadline_item
item(void)
{
	struct mr_deadline_item it = { 0 };

	it.what = "case";
	it.id = 7;
	it.kind = "targeted-review";
	it.name = "Dr. Ada <Example> & Co";
	it.tin = "123456789";
	it.npi = "";
	it.status = "draft";
	it.open = 1;
	it.performance_year = 2023;
	it.closes_at = 1728691200;	/* 2024-10-11 7:00 PM CDT */
	it.zone = "America/Chicago";
	it.source = "";
	return it;
}

static void
test_messages_show_masked_tin_both_zones_and_the_ack_command(void **state)
{
	struct mr_deadline_item it = item();
	const char *kinds[] = { "slack", "teams", "generic" };

	(void)state;
	for (int k = 0; k < 3; k++) {
		char *m = mr_webhook_message(kinds[k], "reminder", &it, 14 * 86400,
		    UNIT_NOW, "Europe/Berlin", "msg_x", NULL);
		json_error_t je;
		json_t *j;

		assert_non_null(m);
		assert_non_null(j = json_loads(m, 0, &je));
		json_decref(j);
		assert_null(strstr(m, "123456789"));
		/* In a card's Markdown each '*' is escaped. */
		assert_non_null(strstr(m, k == 1 ?
		    "\\\\*\\\\*\\\\*\\\\*\\\\*6789" : "*****6789"));
		assert_non_null(strstr(m, "mipsreview alerts ack 7"));
		assert_non_null(strstr(m, "America/Chicago"));
		assert_non_null(strstr(m, "Europe/Berlin"));
		if (k == 0)	/* Slack's mrkdwn escapes & < > */
			assert_non_null(strstr(m, "Dr. Ada &lt;Example&gt; &amp; Co"));
		if (k == 1)
			assert_non_null(strstr(m,
			    "application/vnd.microsoft.card.adaptive"));
		if (k == 2)
			assert_non_null(strstr(m, "\"type\":\"deadline.reminder\""));
		free(m);
	}
}

/* A Fact's value of the card in m by its title. */
static const char *
teams_fact(json_t *m, const char *title)
{
	json_t *facts = json_object_get(json_array_get(json_object_get(
	    json_object_get(json_array_get(json_object_get(m, "attachments"),
	    0), "content"), "body"), 1), "facts"), *f;
	size_t i;

	json_array_foreach(facts, i, f)
		if (strcmp(json_string_value(json_object_get(f, "title")),
		    title) == 0)
			return json_string_value(json_object_get(f, "value"));
	return NULL;
}

static void
test_teams_markdown_and_slack_markup_in_names_are_escaped(void **state)
{
	struct mr_deadline_item it = item();
	json_t *j;
	char *m;

	(void)state;
	it.name = "[Open](https://evil.example) <https://x.example> *b* _i_ ~s~ "
	    "`c` \\ 1. two";
	m = mr_webhook_message("teams", "reminder", &it, 14 * 86400, UNIT_NOW,
	    NULL, "msg_x", NULL);
	assert_non_null(j = json_loads(m, 0, NULL));
	assert_string_equal(teams_fact(j, "Clinician"),
	    "\\[Open\\]\\(https://evil.example\\) \\<https://x.example\\> "
	    "\\*b\\* \\_i\\_ \\~s\\~ \\`c\\` \\\\ 1. two");
	json_decref(j);
	free(m);
	/* A list marker at the start of a value. */
	it.name = "12. Smith";
	m = mr_webhook_message("teams", "reminder", &it, 14 * 86400, UNIT_NOW,
	    NULL, "msg_x", NULL);
	assert_non_null(j = json_loads(m, 0, NULL));
	assert_string_equal(teams_fact(j, "Clinician"), "12\\. Smith");
	json_decref(j);
	free(m);
	it.name = "- Smith";
	m = mr_webhook_message("teams", "reminder", &it, 14 * 86400, UNIT_NOW,
	    NULL, "msg_x", NULL);
	assert_non_null(j = json_loads(m, 0, NULL));
	assert_string_equal(teams_fact(j, "Clinician"), "\\- Smith");
	json_decref(j);
	free(m);
	/* Slack: & < > escaped, so <URL|text> and <!here> cannot be made. */
	it.name = "<https://evil.example|Open> <!here> & co";
	m = mr_webhook_message("slack", "reminder", &it, 14 * 86400, UNIT_NOW,
	    NULL, "msg_x", NULL);
	assert_non_null(strstr(m, "&lt;https://evil.example|Open&gt; "
	    "&lt;!here&gt; &amp; co"));
	assert_non_null(j = json_loads(m, 0, NULL));
	/* The notification's text and the fields (the header is plain text). */
	assert_null(strchr(json_string_value(json_object_get(j, "text")), '<'));
	{
		json_t *fields = json_object_get(json_array_get(json_object_get(j,
		    "blocks"), 1), "fields"), *f;
		size_t i;

		assert_true(json_array_size(fields) > 0);
		json_array_foreach(fields, i, f) {
			assert_null(strchr(json_string_value(json_object_get(f,
			    "text")), '<'));
			assert_true(json_is_true(json_object_get(f, "verbatim")));
		}
	}
	json_decref(j);
	free(m);
}

/*
 * A link posted to a channel names the endpoint, not an address, and says
 * so under the signature: turning it into a mail's link (or back) breaks
 * the signature; a mail's link still verifies as a mail's.
 */
static void
test_channel_link_names_the_endpoint_under_the_signature(void **state)
{
	static const unsigned char key[MR_ACKLINK_KEY_BYTES] =
	    "0123456789abcdef0123456789abcde";
	struct mr_acklink l, got;
	struct mr_err err = { 0 };
	char tok[MR_ACKLINK_TOKEN_MAX + 1], bad[MR_ACKLINK_TOKEN_MAX + 16];

	(void)state;
	memset(&l, 0, sizeof l);
	snprintf(l.what, sizeof l.what, "case");
	l.id = 7;
	l.closes_at = 1728691200;
	snprintf(l.status, sizeof l.status, "draft");
	l.expires = 1728691200;
	snprintf(l.to, sizeof l.to, "ops");
	snprintf(l.via, sizeof l.via, "webhook");
	assert_int_equal(mr_acklink_sign(key, &l, tok, sizeof tok, &err), 0);
	assert_int_equal(strncmp(tok, "v2.webhook.case.7.1728691200.draft."
	    "1728691200.6f7073.", 53), 0);
	assert_int_equal(mr_acklink_verify(key, tok, 1728000000, &got, &err), 0);
	assert_string_equal(got.via, "webhook");
	assert_string_equal(got.to, "ops");
	assert_true(mr_acklink_names(&got, "ops"));
	/* The same fields as a mail's link: the signature no longer holds. */
	snprintf(bad, sizeof bad, "v1.%s", tok + strlen("v2.webhook."));
	assert_int_equal(mr_acklink_verify(key, bad, 1728000000, &got, &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	snprintf(bad, sizeof bad, "v2.mail.%s", tok + strlen("v2.webhook."));
	assert_int_equal(mr_acklink_verify(key, bad, 1728000000, &got, &err), -1);
	/* A mail's link is as it was, and verifies as a mail's. */
	memset(l.via, 0, sizeof l.via);
	snprintf(l.to, sizeof l.to, "ada@practice.example");
	assert_int_equal(mr_acklink_sign(key, &l, tok, sizeof tok, &err), 0);
	assert_int_equal(strncmp(tok, "v1.case.7.", 10), 0);
	assert_int_equal(mr_acklink_verify(key, tok, 1728000000, &got, &err), 0);
	assert_string_equal(got.via, "mail");
	snprintf(bad, sizeof bad, "v2.webhook.%s", tok + 3);
	assert_int_equal(mr_acklink_verify(key, bad, 1728000000, &got, &err), -1);
	/* Sent some other way: refused. */
	snprintf(l.via, sizeof l.via, "fax");
	assert_int_equal(mr_acklink_sign(key, &l, tok, sizeof tok, &err), -1);
}

static void
test_messages_carry_the_link_when_there_is_one(void **state)
{
	struct mr_deadline_item it = item();
	const char *url = "https://office.example/mr/app/ack?t=v2.webhook.x";
	const char *kinds[] = { "slack", "teams", "generic" };

	(void)state;
	for (int k = 0; k < 3; k++) {
		char *m = mr_webhook_message(kinds[k], "reminder", &it, 14 * 86400,
		    UNIT_NOW, NULL, "msg_x", url);

		assert_non_null(m);
		assert_non_null(strstr(m, url));
		assert_non_null(strstr(m, "mipsreview alerts ack 7"));
		if (k == 0)
			assert_non_null(strstr(m, "<https://office.example/mr/app/"
			    "ack?t=v2.webhook.x|Acknowledge it>"));
		if (k == 1)
			assert_non_null(strstr(m, "\"type\":\"Action.OpenUrl\""));
		if (k == 2)
			assert_non_null(strstr(m, "\"ack_url\":"));
		free(m);
		m = mr_webhook_message(kinds[k], "reminder", &it, 14 * 86400,
		    UNIT_NOW, NULL, "msg_x", NULL);
		assert_null(strstr(m, "/app/ack"));
		assert_null(strstr(m, "ack_url"));
		free(m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_matches_the_specification_vector),
		cmocka_unit_test(test_secret_form_is_whsec_and_24_to_64_bytes),
		cmocka_unit_test(test_url_https_or_loopback_http_only),
		cmocka_unit_test(
		    test_messages_show_masked_tin_both_zones_and_the_ack_command),
		cmocka_unit_test(
		    test_teams_markdown_and_slack_markup_in_names_are_escaped),
		cmocka_unit_test(
		    test_channel_link_names_the_endpoint_under_the_signature),
		cmocka_unit_test(test_messages_carry_the_link_when_there_is_one),
	};

	return cmocka_run_group_tests_name("webhook", tests, NULL, NULL);
}
