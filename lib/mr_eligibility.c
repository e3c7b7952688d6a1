#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lib/mr_crypto.h"
#include "lib/mr_eligibility.h"
#include "lib/mr_hex.h"
#include "lib/mr_qpp.h"
#include "lib/mr_score.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"

/* Copy CMS's text, cut to len, control characters as spaces. */
static void
text_copy(char *dst, size_t len, const json_t *v)
{
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	size_t n = strlen(s);

	if (n >= len) {
		n = len - 1;
		/* Do not cut a UTF-8 sequence in two. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
	for (char *p = dst; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			*p = ' ';
	/* Trailing spaces (apmName ends in a line break). */
	while (n > 0 && dst[n - 1] == ' ')
		dst[--n] = '\0';
}

/* A boolean of CMS's; the schema lets isEligible.group be a string too. */
static mr_tri
tri(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	const char *s;

	if (json_is_boolean(v))
		return json_is_true(v) ? 1 : 0;
	if (json_is_string(v)) {
		s = json_string_value(v);
		if (strcmp(s, "true") == 0 || strcmp(s, "Y") == 0)
			return 1;
		if (strcmp(s, "false") == 0 || strcmp(s, "N") == 0)
			return 0;
	}
	return -1;
}

/* Append word to a "a,b" list in buf, if it fits whole. */
static void
list_add(char *buf, size_t len, const char *word)
{
	size_t n = strlen(buf), w = strlen(word);

	if (n + (n ? 1 : 0) + w + 1 > len)
		return;
	if (n)
		buf[n++] = ',';
	memcpy(buf + n, word, w + 1);
}

static void
strings_list(char *buf, size_t len, const json_t *arr, const char *field)
{
	const json_t *v;
	char word[32];
	size_t i;

	buf[0] = '\0';
	if (!json_is_array(arr))
		return;
	json_array_foreach(arr, i, v) {
		text_copy(word, sizeof word, field ? json_object_get(v, field) : v);
		if (word[0] != '\0')
			list_add(buf, len, word);
	}
}

static void
euc_read(const json_t *obj, mr_tri *euc, unsigned int *cats)
{
	static const struct {
		const char	*field;
		unsigned int	 bit;
	} map[] = {
		{ "quality", MR_CAT_QUALITY },
		{ "cost", MR_CAT_COST },
		{ "improvementActivities", MR_CAT_IA },
		{ "aci", MR_CAT_PI },
	};
	const json_t *r = json_object_get(obj, "extremeHardshipReasons");

	*euc = tri(obj, "extremeHardship");
	*cats = 0;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (tri(r, map[i].field) == 1)
			*cats |= map[i].bit;
}

static void
scenario_read(const json_t *o, struct mr_elig_scenario *s)
{
	const json_t *el;

	memset(s, 0, sizeof *s);
	s->present = json_is_object(o);
	el = json_object_get(o, "isEligible");
	s->eligible_individual = tri(el, "individual");
	s->eligible_group = tri(el, "group");
	s->eligible_mips_apm = tri(el, "mipsApm");
	s->eligible_virtual_group = tri(el, "virtualGroup");
	s->small_practice = tri(o, "smallGroupPractitioner");
	s->facility_based = tri(o, "isFacilityBased");
	s->non_patient_facing = tri(o, "nonPatientFacing");
	s->hospital_based = tri(o, "hospitalBasedClinician");
	s->rural = tri(o, "ruralClinician");
	s->hpsa = tri(o, "hpsaClinician");
	s->asc = tri(o, "ambulatorySurgicalCenter");
	s->pi_hardship = tri(o, "aciHardship");
	s->pi_reweighting = tri(o, "aciReweighting");
	euc_read(o, &s->euc, &s->euc_categories);
	text_copy(s->euc_event, sizeof s->euc_event,
	    json_object_get(o, "extremeHardshipEventType"));
	strings_list(s->euc_sources, sizeof s->euc_sources,
	    json_object_get(o, "extremeHardshipSources"), NULL);
	s->low_volume = tri(o, "lowVolumeSwitch");
	strings_list(s->low_volume_reasons, sizeof s->low_volume_reasons,
	    json_object_get(o, "lowVolumeStatusReasons"), "lowVolStusRsnCd");
	s->opted_in = tri(o, "isOptedIn");
}

static void
apm_read(const json_t *o, struct mr_elig_apm *a)
{
	memset(a, 0, sizeof *a);
	text_copy(a->entity_name, sizeof a->entity_name,
	    json_object_get(o, "entityName"));
	text_copy(a->apm_id, sizeof a->apm_id, json_object_get(o, "apmId"));
	text_copy(a->apm_name, sizeof a->apm_name, json_object_get(o, "apmName"));
	text_copy(a->subdivision_name, sizeof a->subdivision_name,
	    json_object_get(o, "subdivisionName"));
	a->advanced = tri(o, "advancedApmFlag");
	a->mips_apm = tri(o, "mipsApmFlag");
	a->small = tri(o, "lvtSmallStatus");
	euc_read(o, &a->euc, &a->euc_categories);
}

/* Organizations and APM Entities per record: far more than any clinician has. */
#define MAX_ORGS	1000
#define MAX_APMS	1000

int
mr_elig_parse(const char *body, size_t len, const char *npi,
    struct mr_elig_record *rec, struct mr_err *err)
{
	json_t *root = NULL, *data, *orgs, *o, *apms, *a;
	json_error_t jerr;
	size_t i, j;
	int rc = -1;

	memset(rec, 0, sizeof *rec);
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		mr_err_set(err, MR_EREMOTE, "the answer about NPI %s is not JSON "
		    "(byte %d: %s); nothing was stored", npi, jerr.position,
		    jerr.text);
		goto out;
	}
	data = json_object_get(root, "data");
	if (!json_is_object(data)) {
		mr_err_set(err, MR_EREMOTE, "the answer about NPI %s holds no "
		    "eligibility record (no \"data\" object); nothing was "
		    "stored", npi);
		goto out;
	}
	text_copy(rec->npi, sizeof rec->npi, json_object_get(data, "npi"));
	if (strcmp(rec->npi, npi) != 0) {
		mr_err_set(err, MR_EREMOTE, "the answer is about NPI '%s', not "
		    "the NPI %s asked for; nothing was stored", rec->npi, npi);
		goto out;
	}
	text_copy(rec->first_name, sizeof rec->first_name,
	    json_object_get(data, "firstName"));
	text_copy(rec->last_name, sizeof rec->last_name,
	    json_object_get(data, "lastName"));
	text_copy(rec->qp_status, sizeof rec->qp_status,
	    json_object_get(data, "qpStatus"));
	text_copy(rec->qp_score_type, sizeof rec->qp_score_type,
	    json_object_get(data, "qpScoreType"));
	rec->is_maqi = tri(data, "isMaqi");
	rec->mips_eligible = tri(data, "amsMipsEligibleClinician");
	orgs = json_object_get(data, "organizations");
	if (orgs != NULL && !json_is_array(orgs)) {
		mr_err_set(err, MR_EREMOTE, "the answer about NPI %s: "
		    "\"organizations\" is not a list; nothing was stored", npi);
		goto out;
	}
	if (json_array_size(orgs) > MAX_ORGS) {
		mr_err_set(err, MR_EREMOTE, "the answer about NPI %s lists %zu "
		    "organizations, more than %d; nothing was stored", npi,
		    json_array_size(orgs), MAX_ORGS);
		goto out;
	}
	if (json_array_size(orgs) > 0 && (rec->orgs = calloc(
	    json_array_size(orgs), sizeof *rec->orgs)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	json_array_foreach(orgs, i, o) {
		struct mr_elig_org *org = &rec->orgs[rec->norgs];

		if (!json_is_object(o))
			continue;
		rec->norgs++;
		text_copy(org->tin_masked, sizeof org->tin_masked,
		    json_object_get(o, "TIN"));
		text_copy(org->name, sizeof org->name,
		    json_object_get(o, "prvdrOrgName"));
		text_copy(org->city, sizeof org->city, json_object_get(o, "city"));
		text_copy(org->state, sizeof org->state, json_object_get(o, "state"));
		text_copy(org->zip, sizeof org->zip, json_object_get(o, "zip"));
		scenario_read(json_object_get(o, "individualScenario"),
		    &org->individual);
		scenario_read(json_object_get(o, "groupScenario"), &org->group);
		apms = json_object_get(o, "apms");
		if (!json_is_array(apms) || json_array_size(apms) == 0)
			continue;
		if (json_array_size(apms) > MAX_APMS) {
			mr_err_set(err, MR_EREMOTE, "the answer about NPI %s lists "
			    "more than %d APM Entities for one organization; "
			    "nothing was stored", npi, MAX_APMS);
			goto out;
		}
		if ((org->apms = calloc(json_array_size(apms),
		    sizeof *org->apms)) == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		json_array_foreach(apms, j, a)
			if (json_is_object(a))
				apm_read(a, &org->apms[org->napms++]);
	}
	rc = 0;
out:
	json_decref(root);
	if (rc == -1)
		mr_elig_release(rec);
	return rc;
}

void
mr_elig_release(struct mr_elig_record *rec)
{
	for (int i = 0; i < rec->norgs; i++)
		free(rec->orgs[i].apms);
	free(rec->orgs);
	rec->orgs = NULL;
	rec->norgs = 0;
}

int
mr_elig_org_matches(const struct mr_elig_org *org, const char *tin)
{
	size_t m = strlen(org->tin_masked), t = strlen(tin);

	for (size_t k = 1; k <= m; k++) {
		char c = org->tin_masked[m - k];

		if (c < '0' || c > '9')
			continue;
		if (k > t || tin[t - k] != c)
			return 0;
	}
	return 1;
}

void
mr_elig_kept_release(struct mr_elig_kept *k)
{
	free(k->body);
	k->body = NULL;
	k->len = 0;
}

int
mr_elig_keep(struct mr_store *st, const char *npi, int year, int run,
    int api_version, const struct mr_qpp_answer *ans, int *changed,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char sha[65], at[24];
	int rc = -1, began = 0;

	*changed = 1;
	mr_sha256_hex(ans->body, ans->len, sha);
	mr_when_iso_utc(ans->retrieved_at, at, sizeof at);
	if (mr_store_begin(st, err) == -1)
		return -1;
	began = 1;
	if (mr_store_prepare(st, "SELECT sha256 FROM eligibility_record "
	    "WHERE npi = ? AND performance_year = ?", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, npi, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, year);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*changed = strcmp(mr_store_col_text(stmt, 0), sha) != 0;
	sqlite3_finalize(stmt);
	if (mr_store_prepare(st, "INSERT OR REPLACE INTO eligibility_record "
	    "(npi, performance_year, run_number, api_version, url, "
	    "retrieved_at, server_date, sha256, body) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, npi, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, year);
	if (run > 0)
		sqlite3_bind_int(stmt, 3, run);
	else
		sqlite3_bind_null(stmt, 3);
	sqlite3_bind_int(stmt, 4, api_version);
	sqlite3_bind_text(stmt, 5, ans->url, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, at, -1, SQLITE_STATIC);
	mr_store_bind_text_or_null(stmt, 7, ans->server_date);
	sqlite3_bind_text(stmt, 8, sha, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 9, ans->body, (int)ans->len, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "keeping the eligibility record");
		goto out;
	}
	if (mr_store_commit(st, err) == -1)
		goto out;
	began = 0;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	if (began)
		mr_store_rollback(st);
	return rc;
}

int
mr_elig_load(struct mr_store *st, const char *npi, int year,
    struct mr_elig_kept *k, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	const void *blob;
	struct tm tm;
	int rc = -1, n;

	memset(k, 0, sizeof *k);
	if (mr_store_prepare(st, "SELECT run_number, api_version, url, "
	    "retrieved_at, server_date, sha256, body FROM eligibility_record "
	    "WHERE npi = ? AND performance_year = ?", &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, npi, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 2, year);
	if ((n = sqlite3_step(stmt)) != SQLITE_ROW) {
		if (n == SQLITE_DONE)
			mr_err_set(err, MR_ENOTFOUND, "no eligibility record of NPI "
			    "%s for %d is kept; 'mipsreview lookup %s --year %d' "
			    "asks CMS", npi, year, npi, year);
		else
			mr_store_dberr(st, err, "reading the eligibility record");
		goto out;
	}
	snprintf(k->npi, sizeof k->npi, "%s", npi);
	k->performance_year = year;
	k->run_number = sqlite3_column_int(stmt, 0);
	k->api_version = sqlite3_column_int(stmt, 1);
	snprintf(k->url, sizeof k->url, "%s", mr_store_col_text(stmt, 2));
	snprintf(k->retrieved_at, sizeof k->retrieved_at, "%s",
	    mr_store_col_text(stmt, 3));
	memset(&tm, 0, sizeof tm);
	if (strptime(k->retrieved_at, "%Y-%m-%dT%H:%M:%SZ", &tm) != NULL)
		k->retrieved_epoch = timegm(&tm);
	snprintf(k->server_date, sizeof k->server_date, "%s",
	    mr_store_col_text(stmt, 4));
	snprintf(k->sha256, sizeof k->sha256, "%s", mr_store_col_text(stmt, 5));
	n = sqlite3_column_bytes(stmt, 6);
	blob = sqlite3_column_blob(stmt, 6);
	if ((k->body = malloc((size_t)n + 1)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (n > 0)
		memcpy(k->body, blob, (size_t)n);
	k->body[n] = '\0';
	k->len = (size_t)n;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* JSON: true, false or null for unknown. */
static json_t *
jtri(mr_tri v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static json_t *
jlist(const char *csv)
{
	json_t *a = json_array();
	char buf[128], *tok, *save = NULL;

	snprintf(buf, sizeof buf, "%s", csv);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(tok));
	return a;
}

static json_t *
jcats(unsigned int cats)
{
	json_t *a = json_array();

	for (int i = 0; i < MR_NCAT; i++)
		if (cats & (1u << i))
			json_array_append_new(a, json_string(mr_category_name(i)));
	return a;
}

static json_t *
jstr_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

static json_t *
scenario_json(const struct mr_elig_scenario *s)
{
	if (!s->present)
		return json_null();
	return json_pack("{s:{s:o,s:o,s:o,s:o},s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
	    "s:o,s:o,s:{s:o,s:o,s:o,s:o},s:o,s:o,s:o}",
	    "eligible",
	    "individual", jtri(s->eligible_individual),
	    "group", jtri(s->eligible_group),
	    "mips_apm", jtri(s->eligible_mips_apm),
	    "virtual_group", jtri(s->eligible_virtual_group),
	    "small_practice", jtri(s->small_practice),
	    "facility_based", jtri(s->facility_based),
	    "non_patient_facing", jtri(s->non_patient_facing),
	    "hospital_based", jtri(s->hospital_based),
	    "rural", jtri(s->rural),
	    "hpsa", jtri(s->hpsa),
	    "ambulatory_surgical_center", jtri(s->asc),
	    "pi_hardship", jtri(s->pi_hardship),
	    "pi_reweighting", jtri(s->pi_reweighting),
	    "euc",
	    "granted", jtri(s->euc),
	    "categories", jcats(s->euc_categories),
	    "event_type", jstr_or_null(s->euc_event),
	    "sources", jlist(s->euc_sources),
	    "low_volume", jtri(s->low_volume),
	    "low_volume_reasons", jlist(s->low_volume_reasons),
	    "opted_in", jtri(s->opted_in));
}

static json_t *
apm_json(const struct mr_elig_apm *a)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:{s:o,s:o}}",
	    "entity_name", jstr_or_null(a->entity_name),
	    "apm_id", jstr_or_null(a->apm_id),
	    "apm_name", jstr_or_null(a->apm_name),
	    "subdivision_name", jstr_or_null(a->subdivision_name),
	    "advanced_apm", jtri(a->advanced),
	    "mips_apm", jtri(a->mips_apm),
	    "small_practice", jtri(a->small),
	    "euc",
	    "granted", jtri(a->euc),
	    "categories", jcats(a->euc_categories));
}

json_t *
mr_elig_to_json(const struct mr_elig_record *rec,
    const struct mr_elig_kept *kept, time_t now)
{
	json_t *o, *orgs, *org, *apms;

	orgs = json_array();
	for (int i = 0; orgs != NULL && i < rec->norgs; i++) {
		const struct mr_elig_org *g = &rec->orgs[i];

		apms = json_array();
		for (int j = 0; apms != NULL && j < g->napms; j++)
			json_array_append_new(apms, apm_json(&g->apms[j]));
		org = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
		    "tin", json_string(g->tin_masked),
		    "name", jstr_or_null(g->name),
		    "city", jstr_or_null(g->city),
		    "state", jstr_or_null(g->state),
		    "zip", jstr_or_null(g->zip),
		    "individual", scenario_json(&g->individual),
		    "group", scenario_json(&g->group),
		    "apms", apms ? apms : json_null());
		json_array_append_new(orgs, org);
	}
	o = json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o}",
	    "npi", rec->npi,
	    "first_name", jstr_or_null(rec->first_name),
	    "last_name", jstr_or_null(rec->last_name),
	    "qp_status", jstr_or_null(rec->qp_status),
	    "qp_score_type", jstr_or_null(rec->qp_score_type),
	    "is_maqi", jtri(rec->is_maqi),
	    "mips_eligible_clinician", jtri(rec->mips_eligible));
	if (o == NULL || orgs == NULL) {
		json_decref(o);
		json_decref(orgs);
		return NULL;
	}
	json_object_set_new(o, "organizations", orgs);
	if (kept != NULL) {
		json_object_set_new(o, "performance_year",
		    json_integer(kept->performance_year));
		json_object_set_new(o, "run_number", kept->run_number > 0 ?
		    json_integer(kept->run_number) : json_null());
		json_object_set_new(o, "api_version",
		    json_integer(kept->api_version));
		json_object_set_new(o, "url", json_string(kept->url));
		json_object_set_new(o, "retrieved_at",
		    json_string(kept->retrieved_at));
		json_object_set_new(o, "age_seconds", json_integer(
		    (json_int_t)(now - kept->retrieved_epoch)));
		json_object_set_new(o, "server_date",
		    jstr_or_null(kept->server_date));
		json_object_set_new(o, "sha256", json_string(kept->sha256));
	}
	return o;
}
