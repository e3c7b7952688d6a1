#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/render.h"
#include "lib/mr_autoeuc.h"
#include "lib/mr_ident.h"
#include "lib/mr_view.h"
#include "lib/mr_when.h"

/*
 * The deadline of c as the views give it (its own, else its year's window):
 * 1 with the instant, zone and source, 0 when it has none, or -1 after
 * printing why it could not be read.
 */
int
render_case_deadline(struct cli_ctx *ctx, const struct mr_case *c,
    time_t *closes_at, const char **zone, const char **source)
{
	struct mr_view *v = cli_view(ctx);
	struct mr_err err = { 0 };
	int rc;

	if (v == NULL)
		return -1;
	if ((rc = mr_view_case_deadline(v, c, closes_at, zone, source,
	    &err)) == -1)
		cli_fail(ctx, &err);
	return rc;
}

void
render_tin(const struct cli_ctx *ctx, const char *tin, char *out, size_t len)
{
	if (ctx->reveal)
		snprintf(out, len, "%s", tin);
	else
		mr_tin_mask(tin, out, len);
}

void
render_num(double v, int sign, const char *suffix, char *out, size_t len)
{
	if (isnan(v))
		snprintf(out, len, "-");
	else
		snprintf(out, len, sign ? "%+.2f%s" : "%.2f%s", v, suffix);
}

void
render_case_header(const struct cli_ctx *ctx)
{
	printf("%s%-6s %-19s %-4s %-9s %-10s %-24s %-22s %-16s %s%s\n",
	    cli_color(ctx, "\033[1m"), "ID", "STATUS", "YEAR", "TIN", "NPI",
	    "NAME", "DEADLINE", "LEFT", "REASONS", cli_color(ctx, "\033[0m"));
}

/* "2024-10-11 19:00 CDT", the deadline as announced, for tables. */
void
render_short_time(time_t t, const char *zone, char *out, size_t len)
{
	struct tm tm;
	char ab[16];

	if (mr_when_local(t, zone, &tm, NULL, ab) == -1) {
		snprintf(out, len, "?");
		return;
	}
	snprintf(out, len, "%04d-%02d-%02d %02d:%02d %s", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, ab);
}

int
render_case_row(struct cli_ctx *ctx, const struct mr_case *c)
{
	/* Most rows share their year's window: format its time once. */
	static time_t last_closes;
	static char last_zone[64], last_when[48];
	char tin[16], reasons[128], when[48] = "-", left[40] = "-";
	const char *zone, *source;
	time_t closes;
	int has;

	render_tin(ctx, c->tin, tin, sizeof tin);
	mr_reasons_format(c->reasons, reasons, sizeof reasons);
	if ((has = render_case_deadline(ctx, c, &closes, &zone, &source)) == -1)
		return -1;
	if (has) {
		if (last_when[0] == '\0' || closes != last_closes ||
		    strcmp(zone, last_zone) != 0) {
			render_short_time(closes, zone, last_when,
			    sizeof last_when);
			last_closes = closes;
			snprintf(last_zone, sizeof last_zone, "%s", zone);
		}
		snprintf(when, sizeof when, "%s", last_when);
		if (mr_state_is_open(c->status))
			mr_when_left((time_t)ctx->now, closes, left, sizeof left);
	}
	printf("%-6lld %-19s %-4d %-9s %-10s %-24.24s %-22s %-16s %s\n",
	    (long long)c->id, c->status, c->performance_year, tin,
	    c->npi[0] ? c->npi : "-", c->name, when, left, reasons);
	return 0;
}

/*
 * The year's program facts, from the same view as show --json: what the
 * case's score is judged by, and whether CMS has published them.
 */
static void
render_program(struct cli_ctx *ctx, int year)
{
	struct mr_err err = { 0 };
	json_t *p = NULL, *maxpos;
	char pos[96];

	if (cli_view(ctx) == NULL ||
	    (p = mr_view_program(ctx->view, year, &err)) == NULL) {
		printf("  Program        - (%s)\n", err.msg[0] ? err.msg :
		    "out of memory");
		return;
	}
	maxpos = json_object_get(p, "max_positive_pct");
	if (json_is_number(maxpos))
		snprintf(pos, sizeof pos, "up to +%g%% (PY%d's published maximum)",
		    json_number_value(maxpos), (int)json_integer_value(
		    json_object_get(p, "max_positive_from")));
	else
		snprintf(pos, sizeof pos, "maximum positive not published");
	printf("  Program        threshold %g, adjustment down to -%g%%, %s\n",
	    json_number_value(json_object_get(p, "threshold")),
	    json_number_value(json_object_get(p, "max_negative_pct")), pos);
	if (json_is_true(json_object_get(p, "assumed")))
		printf("                 [assumed: not all of PY%d's figures are "
		    "published; PY%d's stand in]\n", year, (int)json_integer_value(
		    json_object_get(p, "assumed_from")));
	json_decref(p);
}

void
render_autoeuc(struct cli_ctx *ctx, int year, const char *county,
    const char *zip)
{
	struct mr_autoeuc_match m;
	struct mr_err err = { 0 };
	char line[512];

	if (county[0] == '\0' && zip[0] == '\0')
		return;
	if (mr_autoeuc_find(ctx->st, year, county, zip, &m, &err) == -1) {
		fprintf(stderr, "%s: %s\n", ctx->prog, err.msg);
		return;
	}
	mr_autoeuc_summary(&m, year, line, sizeof line);
	printf("  Automatic EUC  %s\n", line);
}

int
render_case_full(struct cli_ctx *ctx, const struct mr_case *c)
{
	char tin[16], reasons[128], buf[4][32], score[32], adj[32];

	render_tin(ctx, c->tin, tin, sizeof tin);
	mr_reasons_format(c->reasons, reasons, sizeof reasons);
	render_num(c->final_score, 0, "", score, sizeof score);
	render_num(c->payment_adjustment, 1, "%", adj, sizeof adj);
	render_num(c->quality_score, 0, "", buf[0], sizeof buf[0]);
	render_num(c->cost_score, 0, "", buf[1], sizeof buf[1]);
	render_num(c->ia_score, 0, "", buf[2], sizeof buf[2]);
	render_num(c->pi_score, 0, "", buf[3], sizeof buf[3]);
	printf("%sCase %lld%s  %s  [%s]\n", cli_color(ctx, "\033[1m"),
	    (long long)c->id, cli_color(ctx, "\033[0m"), c->name, c->status);
	printf("  TIN            %s\n", tin);
	printf("  NPI            %s\n", c->npi[0] ? c->npi : "- (group)");
	printf("  Year           performance %d, payment %d\n",
	    c->performance_year, c->performance_year + 2);
	render_program(ctx, c->performance_year);
	printf("  Reasons        %s\n", reasons);
	printf("  Final score    %s\n", score);
	printf("  Adjustment     %s\n", adj);
	printf("  Categories     quality %s, cost %s, ia %s, pi %s\n",
	    buf[0], buf[1], buf[2], buf[3]);
	printf("  Practice       %s\n", c->practice[0] ? c->practice : "-");
	printf("  Participation  %s\n", c->participation[0] ? c->participation : "-");
	printf("  Owner          %s\n", c->owner ? c->owner : "-");
	{
		char sp[128];

		mr_special_statuses_format(c->special_statuses, sp, sizeof sp);
		printf("  Special status %s\n", sp[0] ? sp : "- (none recorded)");
	}
	printf("  County, ZIP    %s%s%s\n", c->county[0] ? c->county : "-",
	    c->zip[0] ? ", ZIP " : "", c->zip);
	render_autoeuc(ctx, c->performance_year, c->county, c->zip);
	printf("\n  Request (as CMS's targeted-review form asks)\n");
	printf("  Legal name     %s\n", c->legal_name ? c->legal_name : "-");
	if (c->apm_entity_id || strcmp(c->participation, "apm-entity") == 0)
		printf("  APM Entity ID  %s\n", c->apm_entity_id ?
		    c->apm_entity_id : "- (needed for an APM Entity)");
	if (c->virtual_group_id || strcmp(c->participation, "virtual-group") == 0)
		printf("  Virtual group  %s\n", c->virtual_group_id ?
		    c->virtual_group_id : "- (needed for a virtual group)");
	printf("  Requester      %s\n", c->requester_role[0] ?
	    c->requester_role : "-");
	printf("  Request no.    %s\n", c->request_number ? c->request_number :
	    "- (CMS's number, once submitted)");
	if (c->documents_requested_on[0])
		printf("  Docs asked on  %s (CMS's request for documents)\n",
		    c->documents_requested_on);
	if (c->explanation == NULL)
		printf("  Explanation    - (required before ready)\n");
	else {
		const char *p = c->explanation, *nl;

		printf("  Explanation    ");
		do {
			nl = strchr(p, '\n');
			printf("%s%.*s\n", p == c->explanation ? "" :
			    "                 ", nl ? (int)(nl - p) : (int)strlen(p), p);
			p = nl ? nl + 1 : NULL;
		} while (p != NULL);
	}
	printf("\n");
	if (c->filing_id != 0)
		printf("  Filing         hardship %lld (should have caused "
		    "reweighting)\n", (long long)c->filing_id);
	{
		char human[64], local[64], left[40];
		const char *zone, *source;
		time_t closes;
		int has;

		if ((has = render_case_deadline(ctx, c, &closes, &zone,
		    &source)) == -1)
			return -1;
		if (has) {
			mr_when_format_human(closes, zone, human, sizeof human);
			mr_when_format_human(closes, ctx->viewer_zone, local,
			    sizeof local);
			mr_when_left((time_t)ctx->now, closes, left, sizeof left);
			printf("  Deadline       %s (%s)\n", human, zone);
			if (strcmp(zone, ctx->viewer_zone) != 0)
				printf("                 %s (%s, your zone)\n",
				    local, ctx->viewer_zone);
			printf("  Time left      %s\n", mr_state_is_open(c->status) ?
			    left : "- (no longer open)");
			printf("  Deadline from  %s\n", source);
		} else
			printf("  Deadline       - (no targeted-review window is "
			    "known for %d; add one with 'mipsreview window add')\n",
			    c->performance_year);
	}
	printf("  Created        %s\n", c->created_at);
	printf("  Updated        %s\n", c->updated_at);
	return 0;
}

/* A value of a view as one line of text. */
static void
change_value(FILE *fp, const json_t *v)
{
	char *text;
	size_t i;

	if (v == NULL || json_is_null(v) ||
	    (json_is_array(v) && json_array_size(v) == 0)) {
		fputs("(none)", fp);
		return;
	}
	/* A deadline: its wall clock where it was announced. */
	if (json_is_object(v) && json_is_string(json_object_get(v,
	    "closes_local"))) {
		fprintf(fp, "%s (%s)", json_string_value(json_object_get(v,
		    "closes_local")), json_is_string(json_object_get(v, "zone")) ?
		    json_string_value(json_object_get(v, "zone")) : "UTC");
		return;
	}
	if (json_is_string(v) && strpbrk(json_string_value(v), "\n\r\t") ==
	    NULL) {
		fputs(json_string_value(v), fp);
		return;
	}
	if (json_is_array(v)) {
		const json_t *e;
		int strings = 1;

		json_array_foreach(v, i, e)
			strings &= json_is_string(e);
		if (strings) {
			json_array_foreach(v, i, e)
				fprintf(fp, "%s%s", i ? ", " : "",
				    json_string_value(e));
			return;
		}
	}
	/* Numbers, booleans, and text with line breaks, as JSON writes them. */
	if ((text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT)) != NULL)
		fputs(text, fp);
	free(text);
}

static int
changes_of(FILE *fp, const char *prefix, const json_t *before,
    const json_t *after)
{
	/* Bookkeeping, and the case's own deadline, which "deadline" shows. */
	static const char *const skip[] = { "updated_at", "revision",
	    "own_deadline", NULL };
	const char *key;
	const json_t *now, *was;
	char path[128];
	int n = 0, skipped;

	json_object_foreach((json_t *)after, key, now) {
		skipped = 0;
		for (int i = 0; skip[i] != NULL; i++)
			skipped |= strcmp(key, skip[i]) == 0;
		was = json_object_get(before, key);
		if (skipped || (was != NULL && json_equal((json_t *)was,
		    (json_t *)now)))
			continue;
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." :
		    "", key);
		if (json_is_object(now) && json_is_object(was) &&
		    json_object_get(now, "closes_local") == NULL) {
			n += changes_of(fp, path, was, now);
			continue;
		}
		fprintf(fp, "%s: ", path);
		change_value(fp, was);
		fputs(" -> ", fp);
		change_value(fp, now);
		fputc('\n', fp);
		n++;
	}
	return n;
}

int
render_changes(FILE *fp, const json_t *before, const json_t *after)
{
	if (before == NULL || after == NULL)
		return 0;
	return changes_of(fp, "", before, after);
}

json_t *
cli_case_view(struct cli_ctx *ctx, long long id)
{
	struct mr_case c;
	json_t *v = NULL;

	if (cli_view(ctx) != NULL && mr_case_get(ctx->st, id, &c, NULL) == 0) {
		v = mr_view_case(ctx->view, &c, NULL);
		mr_case_release(&c);
	}
	return v;
}

void
cli_print_changes(const char *what, long long id, json_t *before,
    json_t *after)
{
	if (before != NULL && after != NULL &&
	    render_changes(stdout, before, after) == 0)
		printf("%s %lld: nothing changed\n", what, id);
	json_decref(before);
	json_decref(after);
}
