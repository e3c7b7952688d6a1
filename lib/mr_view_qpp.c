#include "config.h"

#include <stdbool.h>
#include <stdint.h>

#include "lib/mr_case.h"
#include "lib/mr_eligibility.h"
#include "lib/mr_grounds.h"
#include "lib/mr_qpp_batch.h"
#include "lib/mr_view.h"

json_t *
mr_view_lookup(const struct mr_view *v, const struct mr_elig_record *rec,
    const struct mr_elig_kept *kept, bool fetched, bool changed,
    int64_t evidence_id)
{
	json_t *o = mr_elig_to_json(rec, kept, mr_view_opts(v)->now);

	if (o == NULL)
		return NULL;
	if (json_object_set_new(o, "source", json_string(fetched ? "cms" :
	    "kept")) == -1 || json_object_set_new(o, "changed", fetched ?
	    json_boolean(changed) : json_null()) == -1 ||
	    json_object_set_new(o, "evidence_id", evidence_id ?
	    json_integer(evidence_id) : json_null()) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
mr_view_grounds(const struct mr_view *v, const struct mr_case *c,
    const struct mr_elig_kept *kept, const struct mr_ground *g, int n)
{
	json_t *arr = json_array(), *o;

	for (int i = 0; arr != NULL && i < n; i++)
		if (json_array_append_new(arr, mr_ground_to_json(&g[i])) == -1) {
			json_decref(arr);
			arr = NULL;
		}
	if (arr == NULL)
		return NULL;
	o = json_pack("{s:I,s:o,s:i,s:o,s:o,s:o,s:o,s:o}",
	    "case_id", (json_int_t)c->id,
	    "npi", c->npi[0] ? json_string(c->npi) : json_null(),
	    "performance_year", c->performance_year,
	    "county", c->county[0] ? json_string(c->county) : json_null(),
	    "zip", c->zip[0] ? json_string(c->zip) : json_null(),
	    "record_retrieved_at", kept ? json_string(kept->retrieved_at) :
	    json_null(),
	    "record_age_seconds", kept ? json_integer((json_int_t)
	    (mr_view_opts(v)->now - kept->retrieved_epoch)) : json_null(),
	    "grounds", arr);
	return o;
}

json_t *
mr_view_lookup_batch(const struct mr_view *v, const struct mr_qpp_item *it,
    int n, int grounds, int cases)
{
	static const char *const states[] = { "pending", "fetched", "kept",
	    "failed" };
	int count[4] = { 0 }, changed = 0;
	json_t *arr = json_array();

	(void)v;
	for (int i = 0; arr != NULL && i < n; i++) {
		count[it[i].state]++;
		changed += it[i].state == MR_QPP_ITEM_FETCHED && it[i].changed;
		if (json_array_append_new(arr, json_pack("{s:s,s:i,s:s,s:o,s:o}",
		    "npi", it[i].npi, "performance_year", it[i].year,
		    "state", states[it[i].state],
		    "changed", it[i].state == MR_QPP_ITEM_FETCHED ?
		    json_boolean(it[i].changed) : json_null(),
		    "error", it[i].state == MR_QPP_ITEM_FAILED ?
		    json_string(it[i].err.msg) : json_null())) == -1) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (arr == NULL)
		return NULL;
	return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:o}",
	    "records", n,
	    "fetched", count[MR_QPP_ITEM_FETCHED],
	    "changed", changed,
	    "kept", count[MR_QPP_ITEM_FRESH],
	    "failed", count[MR_QPP_ITEM_FAILED],
	    "grounds_found", grounds,
	    "cases_with_grounds", cases,
	    "items", arr);
}
