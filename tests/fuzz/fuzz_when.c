/*
 * Time expressions as people type them (--closes, --due, --within,
 * calendar_alarms): the first line is the text, the second, if any, the
 * default zone.  Every accepted time is formatted back.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/mr_config.h"
#include "lib/mr_when.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *zone = NULL, *nl;
	struct mr_when w;
	struct mr_err err = { 0 };
	long long secs[16], d;
	char buf[128];

	if ((nl = strchr(text, '\n')) != NULL) {
		*nl = '\0';
		zone = nl + 1;
		zone[strcspn(zone, "\n")] = '\0';
		if (mr_when_zone_valid(zone, &err) != 0)
			zone = NULL;
	}
	if (mr_when_parse(text, zone, &w, &err) == 0) {
		(void)mr_when_format_human(w.utc, w.zone, buf, sizeof buf);
		(void)mr_when_format_local(w.utc, w.zone, buf, sizeof buf);
		mr_when_left(0, w.utc, buf, sizeof buf);
	}
	(void)mr_when_parse_duration(text, &d, &err);
	(void)mr_offsets_parse(text, secs, 16, &err);
	free(text);
	return 0;
}
