#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/mr_autoeuc.h"
#include "lib/mr_case.h"
#include "lib/mr_eligibility.h"
#include "lib/mr_grounds.h"
#include "lib/mr_ident.h"
#include "lib/mr_score.h"

struct found {
	struct mr_ground	*out;
	int			 max, n;
};

static struct mr_ground *
add(struct found *f, const char *id, enum mr_ground_finding finding,
    const char *reason, const char *fills, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static struct mr_ground *
add(struct found *f, const char *id, enum mr_ground_finding finding,
    const char *reason, const char *fills, const char *fmt, ...)
{
	struct mr_ground *g;
	va_list ap;

	if (f->n == f->max)
		return NULL;
	g = &f->out[f->n++];
	memset(g, 0, sizeof *g);
	snprintf(g->id, sizeof g->id, "%s", id);
	g->finding = finding;
	snprintf(g->reason, sizeof g->reason, "%s", reason);
	snprintf(g->fills, sizeof g->fills, "%s", fills);
	va_start(ap, fmt);
	vsnprintf(g->text, sizeof g->text, fmt, ap);
	va_end(ap);
	return g;
}

static void
set_field(struct mr_ground *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_field(struct mr_ground *g, const char *fmt, ...)
{
	va_list ap;

	if (g == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(g->field, sizeof g->field, fmt, ap);
	va_end(ap);
}

/* The evidence an eligibility record gives: the lookup's own answer. */
#define FILLS_LOOKUP	"participation-status"

static double
case_score(const struct mr_case *c, int idx)
{
	switch (1u << idx) {
	case MR_CAT_QUALITY:
		return c->quality_score;
	case MR_CAT_COST:
		return c->cost_score;
	case MR_CAT_IA:
		return c->ia_score;
	default:
		return c->pi_score;
	}
}

/* CMS's name of a category in extremeHardshipReasons. */
static const char *
euc_field(int idx)
{
	static const char *const names[MR_NCAT] = {
		"quality", "cost", "improvementActivities", "aci"
	};

	return names[idx];
}

static int
adjusted(const struct mr_case *c)
{
	return !isnan(c->payment_adjustment) && c->payment_adjustment != 0;
}

static void
scenario_grounds(struct found *f, const struct mr_case *c, int oi,
    const struct mr_elig_org *o, int group)
{
	const struct mr_elig_scenario *s = group ? &o->group : &o->individual;
	const char *sc = group ? "groupScenario" : "individualScenario";
	const char *level = group ? "group" : "individual";
	int apm_entity = strcmp(c->participation, "apm-entity") == 0;
	unsigned int scored = 0;
	struct mr_ground *g;
	mr_tri elig;

	if (!s->present)
		return;
	/* EUC recorded for categories the case shows scored. */
	if (s->euc == 1) {
		for (int i = 0; i < MR_NCAT; i++)
			if ((s->euc_categories & (1u << i)) &&
			    !isnan(case_score(c, i))) {
				g = add(f, "euc-category-scored", apm_entity ?
				    MR_GROUND_SUPPORTS : MR_GROUND_POSSIBLE,
				    "euc-not-applied", FILLS_LOOKUP ",hardship-approval",
				    "CMS's record marks an extreme and uncontrollable "
				    "circumstance for %s (%s%s%s), yet the case shows %s "
				    "scored (%.2f): the category should have been "
				    "reweighted to 0 %%%s", mr_category_name(i),
				    s->euc_event[0] ? s->euc_event : "event not named",
				    s->euc_sources[0] ? ", source " : "", s->euc_sources,
				    mr_category_name(i), case_score(c, i), apm_entity ?
				    "" : ", unless data was submitted for it (for "
				    "individuals and groups submitted data overrides "
				    "EUC reweighting)");
				set_field(g, "organizations[%d].%s."
				    "extremeHardshipReasons.%s", oi, sc, euc_field(i));
				if (g != NULL)
					g->reweight = 1u << i;
				scored |= 1u << i;
			}
	} else if (s->euc == 0 && (c->reasons & MR_REASON_EUC)) {
		g = add(f, "euc-not-recorded", MR_GROUND_CONTRADICTS,
		    "euc-not-applied", "", "CMS's record shows no extreme and "
		    "uncontrollable circumstance exception at the %s level: "
		    "the stated reason needs the approved application or "
		    "proof of an automatic EUC area", level);
		set_field(g, "organizations[%d].%s.extremeHardship", oi, sc);
	}
	/* PI not reweighted for a small practice, or despite aciReweighting. */
	if (!isnan(c->pi_score) && !(scored & MR_CAT_PI)) {
		if (s->pi_reweighting == 1 || s->pi_hardship == 1) {
			g = add(f, "pi-reweighting-due", MR_GROUND_POSSIBLE,
			    "scoring-error", FILLS_LOOKUP ",hardship-approval",
			    "CMS's record shows %s at the %s level, yet the case "
			    "shows Promoting Interoperability scored (%.2f): PI "
			    "should weigh 0 %% unless PI data was submitted",
			    s->pi_hardship == 1 ? "an approved PI hardship "
			    "exception" : "PI reweighting", level, c->pi_score);
			set_field(g, "organizations[%d].%s.%s", oi, sc,
			    s->pi_hardship == 1 ? "aciHardship" : "aciReweighting");
			if (g != NULL)
				g->reweight = MR_CAT_PI;
		} else if (s->small_practice == 1) {
			g = add(f, "small-practice-pi", MR_GROUND_POSSIBLE,
			    "scoring-error", FILLS_LOOKUP, "CMS's record marks a "
			    "small practice (15 or fewer clinicians) at the %s "
			    "level, yet the case shows Promoting Interoperability "
			    "scored (%.2f): CMS reweights PI automatically for "
			    "small practices, unless PI data was submitted",
			    level, c->pi_score);
			set_field(g, "organizations[%d].%s.smallGroupPractitioner",
			    oi, sc);
			if (g != NULL)
				g->reweight = MR_CAT_PI;
		}
	}
	/* Eligibility at the level that was adjusted. */
	elig = group ? s->eligible_group : s->eligible_individual;
	if (elig == 0 && adjusted(c)) {
		g = add(f, "not-eligible", MR_GROUND_SUPPORTS, "eligibility",
		    FILLS_LOOKUP ",tin-npi-record", "CMS's record shows the "
		    "clinician not MIPS eligible as %s under this TIN, yet the "
		    "case shows a payment adjustment of %+.2f %%", level,
		    c->payment_adjustment);
		set_field(g, "organizations[%d].%s.isEligible.%s", oi, sc, level);
	} else if (elig == 1 && (c->reasons & MR_REASON_ELIGIBILITY)) {
		g = add(f, "eligible", MR_GROUND_CONTRADICTS, "eligibility", "",
		    "CMS's record shows the clinician MIPS eligible as %s under "
		    "this TIN: the stated eligibility reason is not supported "
		    "at this level", level);
		set_field(g, "organizations[%d].%s.isEligible.%s", oi, sc, level);
	}
	if (s->low_volume == 1 && s->opted_in != 1 && adjusted(c)) {
		g = add(f, "low-volume", MR_GROUND_POSSIBLE, "eligibility",
		    FILLS_LOOKUP, "CMS's record places the clinician below the "
		    "low-volume threshold at the %s level (%s) without an "
		    "opt-in, yet the case shows a payment adjustment of "
		    "%+.2f %%", level, s->low_volume_reasons[0] ?
		    s->low_volume_reasons : "no reason code",
		    c->payment_adjustment);
		set_field(g, "organizations[%d].%s.lowVolumeSwitch", oi, sc);
	}
}

int
mr_grounds_find(const struct mr_case *c, const struct mr_elig_record *rec,
    struct mr_ground *out, int max, int *n, struct mr_err *err)
{
	struct found f = { out, max, 0 };
	struct mr_ground *g;
	char masked[16];
	int matched = 0, group;

	(void)err;
	/* QP status: a Qualifying APM Participant is excluded from MIPS. */
	if (strcmp(rec->qp_status, "Q") == 0 && adjusted(c)) {
		g = add(&f, "qp-status", MR_GROUND_SUPPORTS, "qp-status",
		    FILLS_LOOKUP ",qp-determination", "CMS's record shows QP "
		    "status Q (Qualifying APM Participant%s%s), yet the case "
		    "shows a MIPS payment adjustment of %+.2f %%: a QP is "
		    "excluded from MIPS (CMS lists this among targeted-review grounds)",
		    rec->qp_score_type[0] ? ", score type " : "",
		    rec->qp_score_type, c->payment_adjustment);
		set_field(g, "qpStatus");
	} else if (strcmp(rec->qp_status, "Q") != 0 &&
	    (c->reasons & MR_REASON_QP_STATUS)) {
		g = add(&f, "qp-status-not-recorded", MR_GROUND_CONTRADICTS,
		    "qp-status", "", "CMS's record shows QP status '%s', not Q: "
		    "the stated QP reason is not supported by this record (a "
		    "QP review needs the APM Entity's participation list and "
		    "snapshot dates)", rec->qp_status[0] ? rec->qp_status :
		    "none");
		set_field(g, "qpStatus");
	}
	if (rec->mips_eligible == 0 && adjusted(c)) {
		g = add(&f, "not-mips-eligible-clinician", MR_GROUND_SUPPORTS,
		    "eligibility", FILLS_LOOKUP, "CMS's record says the "
		    "clinician is not a MIPS eligible clinician, yet the case "
		    "shows a payment adjustment of %+.2f %%",
		    c->payment_adjustment);
		set_field(g, "amsMipsEligibleClinician");
	}
	group = strcmp(c->participation, "group") == 0 ||
	    strcmp(c->participation, "subgroup") == 0;
	for (int i = 0; i < rec->norgs; i++) {
		const struct mr_elig_org *o = &rec->orgs[i];

		if (!mr_elig_org_matches(o, c->tin))
			continue;
		matched++;
		scenario_grounds(&f, c, i, o, group);
		for (int j = 0; j < o->napms; j++) {
			const struct mr_elig_apm *a = &o->apms[j];

			if (strcmp(c->participation, "apm-entity") != 0 ||
			    a->euc != 1)
				continue;
			for (int k = 0; k < MR_NCAT; k++)
				if ((a->euc_categories & (1u << k)) &&
				    !isnan(case_score(c, k))) {
					g = add(&f, "apm-euc-category-scored",
					    MR_GROUND_SUPPORTS, "euc-not-applied",
					    FILLS_LOOKUP, "CMS's record marks an "
					    "extreme and uncontrollable circumstance "
					    "for %s of APM Entity %s, yet the case "
					    "shows it scored (%.2f); for APM Entities "
					    "submitted data does not override EUC "
					    "reweighting", mr_category_name(k),
					    a->entity_name, case_score(c, k));
					set_field(g, "organizations[%d].apms[%d]."
					    "extremeHardshipReasons.%s", i, j,
					    euc_field(k));
					if (g != NULL)
						g->reweight = 1u << k;
				}
		}
	}
	if (matched == 0) {
		mr_tin_mask(c->tin, masked, sizeof masked);
		g = add(&f, "tin-not-listed", (c->reasons &
		    MR_REASON_WRONG_TIN_NPI) ? MR_GROUND_POSSIBLE : MR_GROUND_NOTE,
		    "wrong-tin-npi", FILLS_LOOKUP, "CMS's record lists %d "
		    "organization%s for this NPI, none of which can be TIN %s: "
		    "CMS does not associate this clinician with the case's TIN "
		    "for this year", rec->norgs, rec->norgs == 1 ? "" : "s",
		    masked);
		set_field(g, "organizations[].TIN");
	}
	*n = f.n;
	return 0;
}

int
mr_grounds_place(struct mr_store *st, const struct mr_case *c,
    struct mr_ground *out, int max, int *n, struct mr_err *err)
{
	struct found f = { out, max, *n };
	struct mr_autoeuc_match m;
	struct mr_ground *g;
	char cats[64] = "";
	unsigned int scored = 0;
	int euc = (c->reasons & MR_REASON_EUC) != 0;

	if (mr_autoeuc_find(st, c->performance_year, c->county, c->zip, &m,
	    err) == -1)
		return -1;
	for (int i = 0; i < MR_NCAT; i++)
		if (!isnan(case_score(c, i))) {
			scored |= 1u << i;
			snprintf(cats + strlen(cats), sizeof cats - strlen(cats),
			    "%s%s", cats[0] ? ", " : "", mr_category_name(i));
		}
	switch (m.finding) {
	case MR_AUTOEUC_COVERED:
		g = add(&f, "automatic-euc-area", MR_GROUND_SUPPORTS,
		    "euc-not-applied", "fema-county", "%s was in an area CMS's "
		    "automatic EUC policy covered for PY%d: automatic EUC "
		    "applies, without an application%s%s%s (source: %s)",
		    m.place, c->performance_year, scored ? "; the case shows "
		    "scored: " : "", cats, scored ? ", each should have been "
		    "reweighted to 0 % unless data was submitted for it (for "
		    "individuals and groups submitted data overrides EUC "
		    "reweighting)" : "", m.source);
		set_field(g, "automatic EUC counties PY%d: %s",
		    c->performance_year, m.place);
		if (g != NULL)
			g->reweight = scored;
		break;
	case MR_AUTOEUC_POSSIBLE:
		g = add(&f, "automatic-euc-area", MR_GROUND_POSSIBLE,
		    "euc-not-applied", "fema-county", "%s lies in %s, which "
		    "CMS's automatic EUC policy covered for PY%d; a ZIP code "
		    "can span several counties, so record the practice's county "
		    "('mipsreview set %lld county=\"NAME, ST\"') to be sure "
		    "(source: %s)", m.place, m.counties, c->performance_year,
		    (long long)c->id, m.source);
		set_field(g, "automatic EUC county-ZIP crosswalk PY%d: %s",
		    c->performance_year, m.place);
		if (g != NULL)
			g->reweight = scored;
		break;
	case MR_AUTOEUC_NOT_COVERED:
		if (!euc)
			break;
		g = add(&f, "automatic-euc-not-covered", MR_GROUND_CONTRADICTS,
		    "euc-not-applied", "", "%s is in no area CMS's automatic "
		    "EUC policy covered for PY%d: the stated EUC reason needs "
		    "an approved EUC application (source: %s)", m.place,
		    c->performance_year, m.source);
		set_field(g, "automatic EUC counties PY%d", c->performance_year);
		break;
	default:
		if (!euc)
			break;
		if (m.place[0] == '\0')
			g = add(&f, "automatic-euc-place-unknown", MR_GROUND_NOTE,
			    "euc-not-applied", "", "the practice's county is not "
			    "recorded: set it ('mipsreview set %lld county=\"NAME, "
			    "ST\" zip=ZIP') to check CMS's automatic EUC areas "
			    "for PY%d", (long long)c->id, c->performance_year);
		else
			g = add(&f, "automatic-euc-year-unknown", MR_GROUND_NOTE,
			    "euc-not-applied", "", "CMS's list of automatic EUC "
			    "areas for PY%d is not in the reference data: "
			    "check CMS's automatic EUC policy for the year, and "
			    "import its county list as a reference pack (kind "
			    "euc-county)",
			    c->performance_year);
		set_field(g, "county, zip");
		break;
	}
	*n = f.n;
	return 0;
}

const char *
mr_ground_finding_name(enum mr_ground_finding f)
{
	switch (f) {
	case MR_GROUND_SUPPORTS:
		return "supports";
	case MR_GROUND_POSSIBLE:
		return "possibly";
	case MR_GROUND_CONTRADICTS:
		return "does-not-support";
	default:
		return "note";
	}
}

json_t *
mr_ground_to_json(const struct mr_ground *g)
{
	json_t *fills = json_array(), *cats = json_array();
	char buf[96], *tok, *save = NULL;

	snprintf(buf, sizeof buf, "%s", g->fills);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(fills, json_string(tok));
	for (int i = 0; i < MR_NCAT; i++)
		if (g->reweight & (1u << i))
			json_array_append_new(cats, json_string(mr_category_name(i)));
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o}",
	    "ground", g->id,
	    "finding", mr_ground_finding_name(g->finding),
	    "reason", g->reason,
	    "field", g->field,
	    "text", g->text,
	    "evidence", fills,
	    "reweight", cats);
}
