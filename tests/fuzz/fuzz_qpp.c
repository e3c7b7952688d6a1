/*
 * Answers of CMS's QPP Eligibility API (lookup): any bytes as the body
 * of a 200 answer, read into a record, shown as JSON and matched
 * against a TIN, as lookup does with what the server sent (asked for
 * NPI 1234567893, the one the seeds name).
 */
#include "config.h"

#include <stdlib.h>

#include <jansson.h>

#include "lib/mr_eligibility.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_elig_record rec;
	struct mr_err err = { 0 };
	json_t *j;
	char *s;

	if (mr_elig_parse((const char *)data, size, "1234567893", &rec,
	    &err) != 0)
		return 0;
	for (int i = 0; i < rec.norgs; i++)
		(void)mr_elig_org_matches(&rec.orgs[i], "123456789");
	if ((j = mr_elig_to_json(&rec, NULL, (time_t)1727740800)) != NULL) {
		s = json_dumps(j, JSON_COMPACT);
		free(s);
		json_decref(j);
	}
	mr_elig_release(&rec);
	return 0;
}
