/*
 * Unit tests of lib/mr_eligibility and lib/mr_grounds: CMS's sample record
 * (tests/data/qpp, from the API's documentation) read field by field,
 * bodies that are not records refused, masked TINs matched, kept records
 * replaced, and the grounds a record supports for a case.
 */
#include "config.h"

#include <math.h>

#include "tests/unit/unit.h"
#include "lib/mr_case.h"
#include "lib/mr_eligibility.h"
#include "lib/mr_grounds.h"
#include "lib/mr_qpp.h"
#include "lib/mr_score.h"

static char *
slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *fp;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/tests/data/qpp/%s", getenv("top_srcdir") ?
	    getenv("top_srcdir") : ".", name);
	assert_non_null(fp = fopen(path, "rb"));
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	assert_non_null(buf = malloc((size_t)n + 1));
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
test_sample_record_reads_every_documented_field(void **state)
{
	struct mr_elig_record rec;
	struct mr_err err = { 0 };
	size_t len;
	char *body = slurp("sample_response_200.json", &len);

	(void)state;
	assert_int_equal(mr_elig_parse(body, len, "1234567890", &rec, &err), 0);
	assert_string_equal(rec.first_name, "Buffy");
	assert_string_equal(rec.qp_status, "Q");
	assert_string_equal(rec.qp_score_type, "MI");
	assert_int_equal(rec.is_maqi, 1);
	assert_int_equal(rec.mips_eligible, 1);
	assert_int_equal(rec.norgs, 1);
	assert_string_equal(rec.orgs[0].tin_masked, "XXXXXXXXXX");
	assert_string_equal(rec.orgs[0].zip, "000261234");
	assert_int_equal(rec.orgs[0].individual.eligible_individual, 0);
	assert_int_equal(rec.orgs[0].individual.euc, 1);
	assert_int_equal(rec.orgs[0].individual.euc_categories, MR_CAT_ALL);
	assert_string_equal(rec.orgs[0].individual.euc_sources, "auto-fema");
	assert_string_equal(rec.orgs[0].individual.euc_event, "Natural Disaster");
	assert_string_equal(rec.orgs[0].individual.low_volume_reasons, "BOTH");
	assert_int_equal(rec.orgs[0].group.present, 1);
	assert_int_equal(rec.orgs[0].group.eligible_group, 0);
	assert_int_equal(rec.orgs[0].group.eligible_individual, -1);
	assert_int_equal(rec.orgs[0].napms, 1);
	/* The line breaks of apmName are flattened. */
	assert_string_equal(rec.orgs[0].apms[0].apm_name, "Medicare Shared "
	    "Savings Program Accountable Care Organizations");
	assert_int_equal(rec.orgs[0].apms[0].advanced, 0);
	mr_elig_release(&rec);
	free(body);
}

static void
test_bodies_that_are_not_records_are_refused(void **state)
{
	static const char *bad[] = {
		"", "{", "[]", "{\"data\": []}", "{\"data\": {}}",
		"{\"data\": {\"npi\": \"1234567893\"}}",	/* another NPI */
		"{\"data\": {\"npi\": \"1234567890\", \"organizations\": {}}}",
		"{\"data\": {\"npi\": \"1234567890\"}, \"data\": {}}",
		"{\"error\": {\"message\": \"No individual clinician\"}}",
	};
	struct mr_elig_record rec;
	struct mr_err err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(mr_elig_parse(bad[i], strlen(bad[i]),
		    "1234567890", &rec, &err), -1);
		assert_int_equal(err.code, MR_EREMOTE);
	}
	/* Fields of another type are unknown, not errors. */
	{
		const char *odd = "{\"data\": {\"npi\": \"1234567890\", "
		    "\"qpStatus\": 7, \"organizations\": [1, {\"TIN\": 5, "
		    "\"individualScenario\": {\"isEligible\": {\"group\": "
		    "\"true\"}, \"extremeHardship\": \"maybe\"}}]}}";

		assert_int_equal(mr_elig_parse(odd, strlen(odd), "1234567890",
		    &rec, &err), 0);
		assert_string_equal(rec.qp_status, "");
		assert_int_equal(rec.norgs, 1);
		assert_string_equal(rec.orgs[0].tin_masked, "");
		assert_int_equal(rec.orgs[0].individual.eligible_group, 1);
		assert_int_equal(rec.orgs[0].individual.euc, -1);
		assert_int_equal(rec.orgs[0].group.present, 0);
		mr_elig_release(&rec);
	}
}

static void
test_masked_tin_matches_visible_digits_only(void **state)
{
	struct mr_elig_org o;

	(void)state;
	memset(&o, 0, sizeof o);
	snprintf(o.tin_masked, sizeof o.tin_masked, "XXXXX6789");
	assert_true(mr_elig_org_matches(&o, "123456789"));
	assert_false(mr_elig_org_matches(&o, "123451111"));
	snprintf(o.tin_masked, sizeof o.tin_masked, "XXXXXXXXXX");
	assert_true(mr_elig_org_matches(&o, "987654321"));
	snprintf(o.tin_masked, sizeof o.tin_masked, "1234567890");
	assert_false(mr_elig_org_matches(&o, "123456789"));
}

static void
test_keep_replaces_and_reports_change(void **state)
{
	struct unit_db *u = *state;
	static char body[] = "{\"data\":{\"npi\":\"1234567893\"}}";
	struct mr_qpp_answer ans = { 0 };
	struct mr_elig_kept k;
	struct mr_err err = { 0 };
	int changed = -1;

	ans.body = body;
	ans.len = strlen(ans.body);
	ans.retrieved_at = UNIT_NOW;
	snprintf(ans.url, sizeof ans.url, "https://qpp.cms.gov/x");
	assert_int_equal(mr_elig_keep(u->st, "1234567893", 2024, 0, 6, &ans,
	    &changed, &err), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(mr_elig_keep(u->st, "1234567893", 2024, 2, 6, &ans,
	    &changed, &err), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(mr_elig_load(u->st, "1234567893", 2024, &k, &err), 0);
	assert_int_equal(k.run_number, 2);
	assert_int_equal(k.len, ans.len);
	assert_memory_equal(k.body, ans.body, ans.len);
	assert_int_equal(k.retrieved_epoch, UNIT_NOW);
	mr_elig_kept_release(&k);
	assert_int_equal(mr_elig_load(u->st, "1234567893", 2023, &k, &err), -1);
	assert_int_equal(err.code, MR_ENOTFOUND);
}

static int
has(const struct mr_ground *g, int n, const char *id,
    enum mr_ground_finding f)
{
	for (int i = 0; i < n; i++)
		if (strcmp(g[i].id, id) == 0 && g[i].finding == f)
			return 1;
	return 0;
}

static void
test_grounds_of_the_sample_record(void **state)
{
	struct mr_ground g[MR_GROUNDS_MAX];
	struct mr_elig_record rec;
	struct mr_err err = { 0 };
	struct mr_case c;
	size_t len;
	char *body = slurp("sample_response_200.json", &len);
	int n;

	(void)state;
	assert_int_equal(mr_elig_parse(body, len, "1234567890", &rec, &err), 0);
	memset(&c, 0, sizeof c);
	snprintf(c.tin, sizeof c.tin, "123456789");
	snprintf(c.npi, sizeof c.npi, "1234567890");
	c.payment_adjustment = -3;
	c.final_score = c.ia_score = c.pi_score = c.cost_score = NAN;
	c.quality_score = 50;
	assert_int_equal(mr_grounds_find(&c, &rec, g, MR_GROUNDS_MAX, &n,
	    &err), 0);
	assert_true(has(g, n, "qp-status", MR_GROUND_SUPPORTS));
	assert_true(has(g, n, "euc-category-scored", MR_GROUND_POSSIBLE));
	assert_true(has(g, n, "not-eligible", MR_GROUND_SUPPORTS));
	/* Low volume without opt-in: the sample opted in, so no ground. */
	assert_false(has(g, n, "low-volume", MR_GROUND_POSSIBLE));
	/* No adjustment: no QP ground, and a QP reason is supported. */
	c.payment_adjustment = 0;
	c.reasons = MR_REASON_QP_STATUS;
	assert_int_equal(mr_grounds_find(&c, &rec, g, MR_GROUNDS_MAX, &n,
	    &err), 0);
	assert_false(has(g, n, "qp-status", MR_GROUND_SUPPORTS));
	assert_false(has(g, n, "qp-status-not-recorded", MR_GROUND_CONTRADICTS));
	snprintf(rec.qp_status, sizeof rec.qp_status, "N");
	assert_int_equal(mr_grounds_find(&c, &rec, g, MR_GROUNDS_MAX, &n,
	    &err), 0);
	assert_true(has(g, n, "qp-status-not-recorded", MR_GROUND_CONTRADICTS));
	mr_elig_release(&rec);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_record_reads_every_documented_field),
		cmocka_unit_test(test_bodies_that_are_not_records_are_refused),
		cmocka_unit_test(test_masked_tin_matches_visible_digits_only),
		cmocka_unit_test_setup_teardown(test_keep_replaces_and_reports_change,
		    unit_db_setup, unit_db_teardown),
		cmocka_unit_test(test_grounds_of_the_sample_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
