/*
 * Unit tests of lib/mr_score: weights, redistribution and the payment
 * adjustment, each computed from the reference data in sql/ and checked
 * against the example its source publishes (../shared/domain.md section 3).
 */
#include "config.h"

#include <math.h>

#include "tests/unit/unit.h"
#include "lib/mr_case.h"
#include "lib/mr_score.h"
#include "lib/mr_whatif.h"

#define NOSCORE	NAN
#define near(a, b) (fabs((a) - (b)) < 1e-9)

static double
adjust(struct mr_store *st, int year, double score)
{
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };

	assert_int_equal(mr_score_load(st, year, &ref, &err), 0);
	mr_score_result_init(&res, NULL);
	assert_int_equal(mr_score_adjustment(&ref, score, &res, &err), 0);
	return res.adjustment;
}

static int
has_rule(const struct mr_score_result *res, const char *rule, const char *text)
{
	for (int i = 0; i < res->nrules; i++)
		if (strcmp(res->rules[i].rule, rule) == 0 &&
		    (text == NULL || strstr(res->rules[i].text, text) != NULL))
			return 1;
	return 0;
}

/* Source: blog.healthmonix.com PY2024 examples (domain.md section 3.4). */
static void
test_py2024_positive_side_matches_healthmonix(void **state)
{
	struct unit_db *u = *state;

	assert_true(fabs(adjust(u->st, 2024, 100) - 1.05) < 1e-9);
	assert_true(fabs(adjust(u->st, 2024, 90) - 0.63) < 1e-9);
	assert_true(fabs(adjust(u->st, 2024, 80) - 0.21) < 1e-9);
}

/* Source: mdinteractive.com 2024 rule: 75.00 -> 0 % (domain.md section 3.4). */
static void
test_score_exactly_at_threshold_is_zero(void **state)
{
	struct unit_db *u = *state;

	assert_true(adjust(u->st, 2024, 75) == 0);
	assert_true(adjust(u->st, 2024, 75.01) > 0);
	assert_true(adjust(u->st, 2024, 74.99) < 0);
}

/* Source: mdinteractive.com 2024 rule: 0.0-18.75 -> -9 %; 42 CFR 414.1405(b). */
static void
test_quarter_of_threshold_gets_full_negative(void **state)
{
	struct unit_db *u = *state;

	assert_true(near(adjust(u->st, 2024, 18.75), -9));
	assert_true(near(adjust(u->st, 2024, 0), -9));
	/* Just above a quarter: the line from -9 % at 0, not -9 % itself. */
	assert_true(near(adjust(u->st, 2024, 18.76), -9 * (75 - 18.76) / 75));
	assert_true(adjust(u->st, 2024, 18.76) > -6.76);
}

/*
 * Source: domain.md section 3.4, 42 CFR 414.1405(b) (law.lawstack.com
 * copy): below the threshold a linear sliding scale from 0 % at the
 * threshold to the full negative at a score of 0, scores up to a quarter
 * of the threshold held at the full negative.  Healthmonix's PY2024
 * negative examples (60 -> -1.73 %, 50 -> -2.89 %) are [U] in the facts
 * sheet and are not reproduced exactly.
 */
static void
test_negative_side_is_linear_from_zero_to_threshold(void **state)
{
	struct unit_db *u = *state;

	assert_true(near(adjust(u->st, 2024, 37.5), -4.5));
	assert_true(near(adjust(u->st, 2024, 60), -1.8));
	assert_true(near(adjust(u->st, 2024, 50), -3));
	assert_false(fabs(adjust(u->st, 2024, 60) - -1.73) < 0.01);
}

/* Source: aafp.org 2019 adjustments page; 42 CFR 414.1405(b)(4): PY2017 threshold 3, +-4 %. */
static void
test_py2017_quarter_threshold_and_range(void **state)
{
	struct unit_db *u = *state;

	assert_true(near(adjust(u->st, 2017, 0.75), -4));
	assert_true(near(adjust(u->st, 2017, 3), 0));
	assert_true(near(adjust(u->st, 2017, 1.875), -4 * (3 - 1.875) / 3));
}

/* Source: billing-coding.com: PY2022 8.25 % = 6 % exceptional + 2.25 % base. */
static void
test_py2022_base_and_exceptional_bonus(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };

	assert_int_equal(mr_score_load(u->st, 2022, &ref, &err), 0);
	mr_score_result_init(&res, NULL);
	assert_int_equal(mr_score_adjustment(&ref, 100, &res, &err), 0);
	assert_true(near(res.adjustment, 8.25));
	assert_true(res.estimate);	/* the bonus's own scale is estimated */
	assert_true(has_rule(&res, "exceptional-bonus", NULL));
	mr_score_result_init(&res, NULL);
	assert_int_equal(mr_score_adjustment(&ref, 80, &res, &err), 0);
	assert_true(near(res.adjustment, 2.25 * 5 / 25));
	assert_false(res.estimate);
}

/* PY2025 has no published maximum (domain.md section 3.4): an estimate. */
static void
test_py2025_positive_side_is_an_estimate(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };

	assert_int_equal(mr_score_load(u->st, 2025, &ref, &err), 0);
	assert_int_equal(ref.scale_year, 2024);
	mr_score_result_init(&res, NULL);
	assert_int_equal(mr_score_adjustment(&ref, 100, &res, &err), 0);
	assert_true(res.estimate);
	assert_true(near(res.adjustment, 1.05));
	assert_true(has_rule(&res, "positive-scale", "estimate"));
	/* The full negative at a quarter of the threshold is the rule's. */
	mr_score_result_init(&res, NULL);
	assert_int_equal(mr_score_adjustment(&ref, 10, &res, &err), 0);
	assert_false(res.estimate);
}

/*
 * Source: 42 CFR 414.1405(b) for the line; blog.healthmonix.com for the
 * PY2024 examples it is measured against (60 -> -1.73 %, 50 -> -2.89 %).
 * The line gives -1.80 % and -3.00 %: the what-if computes the rule,
 * calls it an estimate and names the distance.
 */
static void
test_negative_side_is_an_estimate_naming_healthmonix_distance(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };

	assert_int_equal(mr_score_load(u->st, 2024, &ref, &err), 0);
	mr_score_result_init(&res, NULL);
	assert_int_equal(mr_score_adjustment(&ref, 60, &res, &err), 0);
	assert_true(near(res.adjustment, -1.80));
	assert_true(fabs(res.adjustment - -1.73) < 0.08);
	assert_true(res.estimate);
	assert_true(has_rule(&res, "negative-scale", "60 -> -1.73 % where the rule gives -1.80 %"));
	mr_score_result_init(&res, NULL);
	assert_int_equal(mr_score_adjustment(&ref, 50, &res, &err), 0);
	assert_true(near(res.adjustment, -3.00));
	assert_true(fabs(res.adjustment - -2.89) < 0.12);
	assert_true(has_rule(&res, "negative-scale", "0.07 and 0.11 points"));
}

/*
 * Source: 42 CFR 414.1380(c)(2)(i)(C)(9): from the 2024 payment year
 * (PY2022) a small practice's PI is reweighted without an application;
 * table (G) then gives 40/30/30/0.  Submitted PI data is still scored.
 */
static void
test_small_practice_pi_reweighted_automatically_from_py2022(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { 80, 50, 100, NOSCORE };
	double with_pi[MR_NCAT] = { 80, 50, 100, 60 };

	assert_int_equal(mr_score_load(u->st, 2023, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, s, 0, MR_PRACTICE_SMALL, &res,
	    &err), 0);
	assert_int_equal(res.reweighted, MR_CAT_PI);
	assert_true(near(res.w[0], 40) && near(res.w[2], 30));
	assert_true(near(res.final_score, 0.40 * 80 + 0.30 * 50 + 0.30 * 100));
	assert_true(has_rule(&res, "small-practice-pi", "without an application"));
	assert_int_equal(mr_score_final(&ref, with_pi, 0, MR_PRACTICE_SMALL,
	    &res, &err), 0);
	assert_int_equal(res.reweighted, 0);
	assert_true(has_rule(&res, "small-practice-pi", "is scored"));
	/* Not before PY2022: a small practice then had to apply. */
	assert_int_equal(mr_score_load(u->st, 2021, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_COST, MR_PRACTICE_SMALL,
	    &res, &err), -1);
	assert_non_null(strstr(err.msg, "pi has no score"));
}

/*
 * Source: 42 CFR 414.1380(c)(3): complex patient bonus up to 10 points
 * from PY2022 ((c)(3)(viii)), up to 5 in PY2018-2019; 42 CFR 414.1380(c):
 * the final score is capped at 100.
 */
static void
test_complex_patient_bonus_capped_by_year_and_final_at_100(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { 90, 90, 100, 100 };
	struct mr_score_bonus b = { .complex_patient = 10 };

	assert_int_equal(mr_score_load(u->st, 2023, &ref, &err), 0);
	assert_int_equal(mr_score_final_bonus(&ref, s, 0, MR_PRACTICE_OTHER, &b,
	    &res, &err), 0);
	/* 0.3 x 90 + 0.3 x 90 + 0.15 x 100 + 0.25 x 100 = 94, + 10 -> 100. */
	assert_true(near(res.final_score, 100));
	assert_true(has_rule(&res, "complex-patient-bonus", "at most 100"));
	b.complex_patient = 10.5;
	assert_int_equal(mr_score_final_bonus(&ref, s, 0, MR_PRACTICE_OTHER, &b,
	    &res, &err), -1);
	assert_non_null(strstr(err.msg, "from 0 to 10 points"));
	assert_int_equal(mr_score_load(u->st, 2019, &ref, &err), 0);
	b.complex_patient = 6;
	assert_int_equal(mr_score_final_bonus(&ref, s, 0, MR_PRACTICE_OTHER, &b,
	    &res, &err), -1);
	assert_non_null(strstr(err.msg, "from 0 to 5 points"));
	assert_int_equal(mr_score_load(u->st, 2017, &ref, &err), 0);
	b.complex_patient = 1;
	assert_int_equal(mr_score_final_bonus(&ref, s, 0, MR_PRACTICE_OTHER, &b,
	    &res, &err), -1);
	assert_non_null(strstr(err.msg, "none in PY2017"));
}

/*
 * Source: 42 CFR 414.1380(b)(1)(v)(C): from the 2021 payment year (PY2019)
 * a small practice gets 6 measure bonus points in quality; (c)(4): PY2018
 * added 5 points to the final score.  Fewer than two scored categories
 * give the threshold and no bonus (ASCO; aafp.org).
 */
static void
test_small_practice_bonus_quality_points_and_py2018_five(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { 60, 80, 100, 50 };
	struct mr_score_bonus b = { .complex_patient = NAN, .small_practice = 1 };

	assert_int_equal(mr_score_load(u->st, 2023, &ref, &err), 0);
	assert_int_equal(mr_score_final_bonus(&ref, s, 0, MR_PRACTICE_SMALL, &b,
	    &res, &err), 0);
	/* quality 60 + 6/60 x 100 = 70: 0.3 x 70 + 0.3 x 80 + 0.15 x 100 + 0.25 x 50. */
	assert_true(near(res.score[0], 70));
	assert_true(near(res.final_score, 21 + 24 + 15 + 12.5));
	assert_true(res.estimate);
	assert_int_equal(mr_score_final_bonus(&ref, s, 0, MR_PRACTICE_OTHER, &b,
	    &res, &err), -1);
	assert_non_null(strstr(err.msg, "15 or fewer clinicians"));
	assert_int_equal(mr_score_load(u->st, 2018, &ref, &err), 0);
	assert_int_equal(mr_score_final_bonus(&ref, s, 0, MR_PRACTICE_SMALL, &b,
	    &res, &err), 0);
	/* 0.5 x 60 + 0.1 x 80 + 0.15 x 100 + 0.25 x 50 = 65.5, + 5. */
	assert_true(near(res.final_score, 70.5));
	assert_true(has_rule(&res, "small-practice-bonus", "+5 points"));
	assert_int_equal(mr_score_final_bonus(&ref, s, MR_CAT_QUALITY |
	    MR_CAT_COST | MR_CAT_IA, MR_PRACTICE_SMALL, &b, &res, &err), 0);
	assert_true(res.neutral);
	assert_true(near(res.final_score, 15));
	assert_true(has_rule(&res, "bonus", "no bonus is added"));
}

/* Source: aao.org MIPS 2022 small-practices article: no cost -> 55/0/15/30 (verified). */
static void
test_py2022_no_cost_redistribution(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { 80, NOSCORE, 100, 50 };

	assert_int_equal(mr_score_load(u->st, 2022, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_COST, MR_PRACTICE_OTHER,
	    &res, &err), 0);
	assert_true(near(res.w[0], 55) && near(res.w[1], 0) &&
	    near(res.w[2], 15) && near(res.w[3], 30));
	assert_true(near(res.final_score, 0.55 * 80 + 0.15 * 100 + 0.30 * 50));
	assert_false(res.unverified);
}

/*
 * Source: mdinteractive.com, 2023 QPP proposed and final rule summaries:
 * a small practice without cost and PI weighs quality and IA 50 % each;
 * the non-small row (85/0/15/0) is [U].
 */
static void
test_small_practice_without_cost_and_pi(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { 80, NOSCORE, 100, NOSCORE };

	assert_int_equal(mr_score_load(u->st, 2023, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_COST | MR_CAT_PI,
	    MR_PRACTICE_SMALL, &res, &err), 0);
	assert_true(near(res.final_score, 90));
	assert_false(res.unverified);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_COST | MR_CAT_PI,
	    MR_PRACTICE_UNKNOWN, &res, &err), 0);
	assert_true(near(res.final_score, 0.85 * 80 + 0.15 * 100));
	/* Both rows are in 42 CFR 414.1380(c)(2)(ii)(F) and (G). */
	assert_false(res.unverified);
	assert_true(has_rule(&res, "small-practice", "50 %"));
}

/* Source: go.northwestahec.wakehealth.edu (414.1380(c)(2)(ii)(D)): PY2020 cost at 0 % for all. */
static void
test_py2020_cost_is_reweighted_for_everyone(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { 60, NOSCORE, 100, 80 };

	assert_int_equal(mr_score_load(u->st, 2020, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, s, 0, MR_PRACTICE_OTHER, &res,
	    &err), 0);
	assert_true(near(res.final_score, 0.55 * 60 + 0.15 * 100 + 0.30 * 80));
	assert_true(has_rule(&res, "automatic-reweighting", "cost"));
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_PI, MR_PRACTICE_OTHER,
	    &res, &err), 0);
	assert_true(near(res.w[0], 85) && near(res.w[2], 15));
}

/* Source: aao.org EyeNet 2019: a PI exception puts quality at 70 %. */
static void
test_py2019_pi_exception_quality_70(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { 50, 50, 100, NOSCORE };

	assert_int_equal(mr_score_load(u->st, 2019, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_PI, MR_PRACTICE_OTHER,
	    &res, &err), 0);
	assert_true(near(res.w[0], 70));
	assert_true(near(res.final_score, 0.70 * 50 + 0.15 * 50 + 0.15 * 100));
}

/* Source: ASCO; aafp.org: fewer than two scorable categories -> the threshold. */
static void
test_every_category_reweighted_gives_threshold(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double none[MR_NCAT] = { NOSCORE, NOSCORE, NOSCORE, NOSCORE };

	assert_int_equal(mr_score_load(u->st, 2023, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, none, MR_CAT_ALL,
	    MR_PRACTICE_OTHER, &res, &err), 0);
	assert_true(res.neutral);
	assert_true(near(res.final_score, 75));
	assert_int_equal(mr_score_adjustment(&ref, res.final_score, &res, &err), 0);
	assert_true(res.adjustment == 0);
	assert_true(has_rule(&res, "fewer-than-two", "no category"));
	/* Three reweighted, one scored: also the threshold. */
	none[0] = 20;
	assert_int_equal(mr_score_final(&ref, none, MR_CAT_COST | MR_CAT_IA |
	    MR_CAT_PI, MR_PRACTICE_OTHER, &res, &err), 0);
	assert_true(res.neutral && near(res.final_score, 75));
	assert_true(has_rule(&res, "fewer-than-two", "only quality"));
}

/*
 * Category scores whose weighted sum is exactly the PY2023 threshold
 * (86.5 x 30 + 83.96 x 30 + 93.03 x 15 + 39.63 x 25 = 7500) must get the
 * neutral 0 %, not a penalty from binary rounding (74.99999999999999).
 */
static void
test_weighted_sum_exactly_at_threshold_is_neutral(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double score[MR_NCAT] = { 86.5, 83.96, 93.03, 39.63 };

	assert_int_equal(mr_score_load(u->st, 2023, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, score, 0, MR_PRACTICE_OTHER,
	    &res, &err), 0);
	assert_true(res.final_score == 75);
	assert_int_equal(mr_score_adjustment(&ref, res.final_score, &res, &err), 0);
	assert_true(res.adjustment == 0);
}

static void
test_reweighting_a_category_without_score_needs_no_score(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { 80, NOSCORE, 100, 50 };

	assert_int_equal(mr_score_load(u->st, 2023, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_COST, MR_PRACTICE_OTHER,
	    &res, &err), 0);
	/* Not reweighting it: the missing score is named with the fix. */
	assert_int_equal(mr_score_final(&ref, s, 0, MR_PRACTICE_OTHER, &res,
	    &err), -1);
	assert_int_equal(err.code, MR_EINVAL);
	assert_non_null(strstr(err.msg, "cost has no score"));
	assert_non_null(strstr(err.msg, "--score cost=N"));
}

/* PY2017 weighs cost at 0 % (nrdrsupport.acr.org): reweighting it changes nothing. */
static void
test_py2017_cost_reweighting_changes_nothing(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result a, b;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { 50, NOSCORE, 100, 40 };

	assert_int_equal(mr_score_load(u->st, 2017, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, s, 0, MR_PRACTICE_OTHER, &a,
	    &err), 0);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_COST, MR_PRACTICE_OTHER,
	    &b, &err), 0);
	assert_true(near(a.final_score, 0.60 * 50 + 0.15 * 100 + 0.25 * 40));
	assert_true(near(a.final_score, b.final_score));
	assert_true(has_rule(&b, "reweighting", "changes nothing"));
}

/* A year or scenario without reference data is said, not guessed. */
static void
test_missing_reference_data_is_said_not_guessed(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { 80, 50, NOSCORE, 50 };

	/* Every scenario of 42 CFR 414.1380(c)(2)(ii) is shipped; a row an
	 * office removed is missing, and the what-if says so. */
	assert_int_equal(sqlite3_exec(mr_store_db(u->st), "DELETE FROM "
	    "score_weight WHERE performance_year = 2018 AND reweighted = 'ia'",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(mr_score_load(u->st, 2018, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_IA, MR_PRACTICE_OTHER,
	    &res, &err), -1);
	assert_int_equal(err.code, MR_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no published redistribution"));
	assert_int_equal(mr_score_load(u->st, 2016, &ref, &err), -1);
	assert_int_equal(err.code, MR_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no MIPS program data"));
}

static void
test_category_lists_refuse_unknown_five_and_twice(void **state)
{
	struct mr_err err = { 0 };
	unsigned int bits;
	char buf[32];

	assert_int_equal(mr_category_list_parse("categories", "pi,quality",
	    &bits, &err), 0);
	assert_int_equal(bits, MR_CAT_PI | MR_CAT_QUALITY);
	mr_category_format(bits, buf, sizeof buf);
	assert_string_equal(buf, "quality,pi");
	assert_int_equal(mr_category_list_parse("categories", "quality,aci",
	    &bits, &err), -1);
	assert_non_null(strstr(err.msg, "'aci' is not known"));
	assert_int_equal(mr_category_list_parse("categories",
	    "quality,cost,ia,pi,cost", &bits, &err), -1);
	assert_non_null(strstr(err.msg, "5 categories"));
	assert_int_equal(mr_category_list_parse("categories", "ia,ia", &bits,
	    &err), -1);
	assert_non_null(strstr(err.msg, "ia is listed twice"));
	assert_int_equal(mr_category_list_parse("categories", "", &bits, &err), -1);
	assert_int_equal(mr_category_list_parse("categories", ",", &bits, &err), -1);
}

/* Every reference row names a source; the [U] rows are the unverified ones. */
static void
test_reference_rows_carry_sources_and_marks(void **state)
{
	struct unit_db *u = *state;
	sqlite3_stmt *stmt;

	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st),
	    "SELECT (SELECT count(*) FROM score_weight WHERE source = ''), "
	    "(SELECT count(*) FROM score_weight WHERE performance_year = 2023 "
	    "AND verified = 0), (SELECT count(*) FROM score_weight WHERE "
	    "performance_year = 2023 AND verified = 1)", -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 0);
	/* 42 CFR 414.1380(c)(2)(ii)(F) and (G) confirm every PY2023 row. */
	assert_int_equal(sqlite3_column_int(stmt, 1), 0);
	assert_int_equal(sqlite3_column_int(stmt, 2), 13);	/* weights, 10 scenarios, 2 small */
	sqlite3_finalize(stmt);
	/* Every one- and two-category scenario of tables (A) to (G), for
	 * PY2017 to PY2025 (PY2017 weighs cost at 0 %: three scenarios). */
	assert_int_equal(sqlite3_prepare_v2(mr_store_db(u->st),
	    "SELECT performance_year, count(*), sum(verified) FROM score_weight "
	    "WHERE reweighted <> '' AND practice = 'any' AND performance_year "
	    "BETWEEN 2017 AND 2025 GROUP BY performance_year ORDER BY 1", -1,
	    &stmt, NULL), SQLITE_OK);
	for (int y = 2017; y <= 2025; y++) {
		assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(stmt, 0), y);
		assert_int_equal(sqlite3_column_int(stmt, 1), y == 2017 ? 3 : 10);
		assert_int_equal(sqlite3_column_int(stmt, 2), y == 2017 ? 3 : 10);
	}
	sqlite3_finalize(stmt);
}

/*
 * Source: 42 CFR 414.1380(c)(2)(ii)(F), "beginning with the 2024 MIPS
 * payment year" (PY2022 on), row "No Quality and no Improvement
 * Activities": quality 0, cost 30, IA 0, PI 70 (not cost 50 / PI 50).
 */
static void
test_no_quality_no_ia_is_cost_30_pi_70_per_42cfr_414_1380_c2iiF(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { NOSCORE, 60, NOSCORE, 90 };

	for (int y = 2022; y <= 2025; y++) {
		assert_int_equal(mr_score_load(u->st, y, &ref, &err), 0);
		assert_int_equal(mr_score_final(&ref, s, MR_CAT_QUALITY |
		    MR_CAT_IA, MR_PRACTICE_OTHER, &res, &err), 0);
		assert_true(near(res.w[0], 0) && near(res.w[1], 30) &&
		    near(res.w[2], 0) && near(res.w[3], 70));
		assert_true(near(res.final_score, 0.30 * 60 + 0.70 * 90));
		assert_false(res.unverified);
		assert_true(has_rule(&res, "redistribution", "quality,ia"));
		assert_non_null(strstr(res.rules[1].source, "414.1380(c)(2)(ii)(F)"));
	}
}

/*
 * Source: 42 CFR 414.1380(c)(2)(ii)(G), small practices from the 2024
 * MIPS payment year: no PI gives quality 40, cost 30, IA 30.
 */
static void
test_small_practice_no_pi_is_40_30_30_per_42cfr_414_1380_c2iiG(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { 80, 50, 100, NOSCORE };

	assert_int_equal(mr_score_load(u->st, 2024, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_PI, MR_PRACTICE_SMALL,
	    &res, &err), 0);
	assert_true(near(res.w[0], 40) && near(res.w[1], 30) &&
	    near(res.w[2], 30) && near(res.w[3], 0));
	assert_true(near(res.final_score, 0.40 * 80 + 0.30 * 50 + 0.30 * 100));
	assert_false(res.unverified);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_PI, MR_PRACTICE_OTHER,
	    &res, &err), 0);
	assert_true(near(res.w[0], 55) && near(res.w[2], 15));
}

/*
 * Source: 42 CFR 414.1380(c)(2)(ii)(E) (2023 payment year, PY2021), row
 * "No Cost and no Improvement Activities": quality 70, PI 30; and table
 * (A) (2019 payment year, PY2017), "no quality": IA 50, PI 50.
 */
static void
test_earlier_tables_per_42cfr_414_1380_c2iiA_and_E(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { 80, NOSCORE, 40, 60 };

	assert_int_equal(mr_score_load(u->st, 2021, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_IA, MR_PRACTICE_OTHER,
	    &res, &err), 0);
	assert_true(near(res.w[0], 70) && near(res.w[3], 30));
	assert_true(near(res.final_score, 0.70 * 80 + 0.30 * 60));
	assert_false(res.unverified);
	assert_int_equal(mr_score_load(u->st, 2017, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_QUALITY,
	    MR_PRACTICE_OTHER, &res, &err), 0);
	assert_true(near(res.w[2], 50) && near(res.w[3], 50));
	assert_true(near(res.final_score, 0.50 * 40 + 0.50 * 60));
}

/*
 * PY2027 has no published figures: PY2026's threshold and weights stand in
 * and every rule that used them says so.  PY2026 has its own weights but
 * CMS has not restated the redistribution table: PY2025's is assumed.
 */
static void
test_unpublished_year_assumes_latest_values(void **state)
{
	struct unit_db *u = *state;
	struct mr_score_ref ref;
	struct mr_score_result res;
	struct mr_err err = { 0 };
	double s[MR_NCAT] = { 80, 50, 100, 90 };
	int marked = 0;

	assert_int_equal(mr_score_load(u->st, 2027, &ref, &err), 0);
	assert_int_equal(ref.program_from, 2026);
	assert_int_equal(ref.weights_from, 2026);
	assert_int_equal(mr_score_ref_assumed(&ref), 2026);
	assert_true(ref.threshold == 75);
	assert_int_equal(mr_score_final(&ref, s, 0, MR_PRACTICE_OTHER, &res,
	    &err), 0);
	assert_int_equal(mr_score_adjustment(&ref, res.final_score, &res,
	    &err), 0);
	assert_int_equal(res.assumed_from, 2026);
	for (int i = 0; i < res.nrules; i++)
		if (res.rules[i].assumed_from == 2026) {
			marked++;
			assert_non_null(strstr(res.rules[i].text, "assumed"));
		}
	assert_true(marked >= 2);	/* weights, threshold */

	assert_int_equal(mr_score_load(u->st, 2026, &ref, &err), 0);
	assert_int_equal(mr_score_ref_assumed(&ref), 0);
	assert_int_equal(ref.redistribution_from, 2025);
	assert_int_equal(mr_score_final(&ref, s, 0, MR_PRACTICE_OTHER, &res,
	    &err), 0);
	assert_int_equal(res.assumed_from, 0);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_COST, MR_PRACTICE_OTHER,
	    &res, &err), 0);
	assert_int_equal(res.assumed_from, 2025);
	assert_true(res.w[0] == 55 && res.w[3] == 30);	/* the no-cost row */

	/* A year with its own table assumes nothing. */
	assert_int_equal(mr_score_load(u->st, 2023, &ref, &err), 0);
	assert_int_equal(mr_score_final(&ref, s, MR_CAT_COST, MR_PRACTICE_OTHER,
	    &res, &err), 0);
	assert_int_equal(res.assumed_from, 0);
}

/* The what-if computation the CLI and the API share (lib/mr_whatif). */
static void
test_whatif_reweighting_pi_raises_a_case_with_low_pi(void **state)
{
	struct unit_db *u = *state;
	struct mr_case_input ci = {
		.tin = "12-3456789", .npi = "1234567893", .name = "Dr. Ada Example",
		.year = "2023", .reasons = { "euc-not-applied" }, .nreasons = 1,
		.quality = "80", .cost = "60", .ia = "100", .pi = "40",
	};
	struct mr_whatif_input in;
	struct mr_whatif *w = NULL;
	struct mr_err err = { 0 };
	int64_t id;
	int both = 0, dollars = 0;

	assert_int_equal(mr_case_add(u->st, &ci, 0, &id, &err), 0);
	mr_whatif_input_init(&in);
	assert_int_equal(mr_whatif_parse_reweight(&in, "pi", &err), 0);
	assert_int_equal(mr_whatif_parse_charges(&in, "100000", &err), 0);
	assert_int_equal(mr_whatif_compute(u->st, id, &in, &w, &err), 0);
	/* 80 x 30 % + 60 x 30 % + 100 x 15 % + 40 x 25 % (42 CFR 414.1380(c)) */
	assert_true(near(w->current.final_score, 67));
	assert_false(w->current.final_reported);
	assert_int_equal(w->whatif.reweighted & (1u << 3), 1u << 3);
	assert_true(w->whatif.final_score > w->current.final_score);
	assert_true(w->whatif.adjustment > w->current.adjustment);
	for (int i = 0; i < w->nrules; i++) {
		both += strcmp(w->rules[i].applies_to, "both") == 0;
		dollars += strcmp(w->rules[i].rule->rule, "dollars") == 0 &&
		    w->rules[i].rule->estimate;
	}
	assert_true(both > 0);
	assert_int_equal(dollars, 1);
	mr_whatif_free(w);

	/* A category given twice, across two lists, is refused. */
	mr_whatif_input_init(&in);
	assert_int_equal(mr_whatif_parse_scores(&in, "quality=90", &err), 0);
	assert_int_equal(mr_whatif_parse_scores(&in, "cost=1,quality=9", &err), -1);
	assert_non_null(strstr(err.msg, "quality is given twice"));
	assert_int_equal(mr_whatif_parse_reweight(&in, "pi", &err), 0);
	assert_int_equal(mr_whatif_parse_reweight(&in, "cost,pi", &err), -1);
	/* An unknown case is MR_ENOTFOUND and nothing is handed out. */
	w = (struct mr_whatif *)&in;
	assert_int_equal(mr_whatif_compute(u->st, id + 1, &in, &w, &err), -1);
	assert_int_equal(err.code, MR_ENOTFOUND);
	assert_null(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, unit_db_setup, unit_db_teardown)
		T(test_py2024_positive_side_matches_healthmonix),
		T(test_score_exactly_at_threshold_is_zero),
		T(test_quarter_of_threshold_gets_full_negative),
		T(test_negative_side_is_linear_from_zero_to_threshold),
		T(test_py2017_quarter_threshold_and_range),
		T(test_py2022_base_and_exceptional_bonus),
		T(test_py2025_positive_side_is_an_estimate),
		T(test_py2022_no_cost_redistribution),
		T(test_small_practice_without_cost_and_pi),
		T(test_py2020_cost_is_reweighted_for_everyone),
		T(test_py2019_pi_exception_quality_70),
		T(test_every_category_reweighted_gives_threshold),
		T(test_weighted_sum_exactly_at_threshold_is_neutral),
		T(test_reweighting_a_category_without_score_needs_no_score),
		T(test_py2017_cost_reweighting_changes_nothing),
		T(test_missing_reference_data_is_said_not_guessed),
		T(test_category_lists_refuse_unknown_five_and_twice),
		T(test_reference_rows_carry_sources_and_marks),
		T(test_no_quality_no_ia_is_cost_30_pi_70_per_42cfr_414_1380_c2iiF),
		T(test_small_practice_no_pi_is_40_30_30_per_42cfr_414_1380_c2iiG),
		T(test_earlier_tables_per_42cfr_414_1380_c2iiA_and_E),
		T(test_negative_side_is_an_estimate_naming_healthmonix_distance),
		T(test_small_practice_pi_reweighted_automatically_from_py2022),
		T(test_complex_patient_bonus_capped_by_year_and_final_at_100),
		T(test_small_practice_bonus_quality_points_and_py2018_five),
		T(test_unpublished_year_assumes_latest_values),
		T(test_whatif_reweighting_pi_raises_a_case_with_low_pi),
#undef T
	};

	return cmocka_run_group_tests_name("score", tests, NULL, NULL);
}
