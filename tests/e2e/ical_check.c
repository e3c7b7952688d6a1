/*
 * ical-check FILE: parse an iCalendar file with libical, as a client
 * would, and print one line per event or task:
 *   VEVENT uid sequence utc-instant tzid status alarms
 *   VTODO  uid sequence utc-instant tzid status related-to
 * Exits 1 when the file does not parse or libical reports any error
 * (X-LIC-ERROR), naming them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL)
		return NULL;
	do {
		if (len + 65536 > cap) {
			cap = (len + 65536) * 2;
			if ((buf = realloc(buf, cap + 1)) == NULL)
				exit(2);
		}
		n = fread(buf + len, 1, 65536, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	buf[len] = '\0';
	return buf;
}

static void
show(icalcomponent *c, int todo)
{
	struct icaltimetype t = todo ? icalcomponent_get_due(c) :
	    icalcomponent_get_dtstart(c);
	icalproperty *seq = icalcomponent_get_first_property(c,
	    ICAL_SEQUENCE_PROPERTY);
	icalproperty *rel = icalcomponent_get_first_property(c,
	    ICAL_RELATEDTO_PROPERTY);
	time_t utc = icaltime_as_timet_with_zone(t, t.zone ? t.zone :
	    icaltimezone_get_utc_timezone());
	char iso[32];
	struct tm tm;

	gmtime_r(&utc, &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%s\t%s\t%d\t%s\t%s\t%s\t", todo ? "VTODO" : "VEVENT",
	    icalcomponent_get_uid(c), seq ? icalproperty_get_sequence(seq) : 0,
	    iso, t.zone ? icaltimezone_get_tzid((icaltimezone *)t.zone) :
	    (icaltime_is_utc(t) ? "UTC" : "floating"),
	    icalproperty_status_to_string(icalcomponent_get_status(c)));
	if (todo)
		printf("%s\n", rel ? icalproperty_get_relatedto(rel) : "-");
	else
		printf("%d\n", icalcomponent_count_components(c,
		    ICAL_VALARM_COMPONENT));
}

int
main(int argc, char **argv)
{
	icalcomponent *cal, *c, *sub;
	icalproperty *p;
	char *text;
	int errors;

	if (argc != 2) {
		fprintf(stderr, "usage: ical-check FILE\n");
		return 2;
	}
	if ((text = slurp(argv[1])) == NULL) {
		perror(argv[1]);
		return 2;
	}
	if ((cal = icalparser_parse_string(text)) == NULL) {
		fprintf(stderr, "ical-check: %s does not parse\n", argv[1]);
		return 1;
	}
	if ((errors = icalcomponent_count_errors(cal)) > 0) {
		/* Name each error: X-LIC-ERROR properties anywhere in the tree. */
		for (c = cal; c != NULL; c = NULL)
			for (sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
			    sub != NULL;
			    sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
				for (p = icalcomponent_get_first_property(sub,
				    ICAL_XLICERROR_PROPERTY); p != NULL;
				    p = icalcomponent_get_next_property(sub,
				    ICAL_XLICERROR_PROPERTY))
					fprintf(stderr, "ical-check: %s\n",
					    icalproperty_get_xlicerror(p));
		fprintf(stderr, "ical-check: %d error(s)\n", errors);
		return 1;
	}
	for (c = icalcomponent_get_first_component(cal, ICAL_ANY_COMPONENT);
	    c != NULL; c = icalcomponent_get_next_component(cal, ICAL_ANY_COMPONENT)) {
		if (icalcomponent_isa(c) == ICAL_VEVENT_COMPONENT)
			show(c, 0);
		else if (icalcomponent_isa(c) == ICAL_VTODO_COMPONENT)
			show(c, 1);
	}
	icalcomponent_free(cal);
	free(text);
	return 0;
}
