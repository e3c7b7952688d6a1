#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/render.h"
#include "lib/mr_deadline.h"
#include "lib/mr_ident.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"
#include "lib/mr_window.h"

/*
 * A case's deadline: its own, else its year's latest-closing
 * targeted-review window.  Windows are few, so list renders hundreds of
 * thousands of cases from this small per-year cache instead of a query
 * per row.
 */
struct year_window {
	int	 year;
	int	 known;		/* 1: a window exists */
	time_t	 closes_at;
	char	 zone[64];
	char	 source[512];
	char	 when[48];	/* render_short_time of closes_at, once */
	char	 utc[32];	/* closes_at as ISO UTC, once */
	char	 local[48];	/* closes_at in zone, ISO with offset, once */
};
static struct year_window year_cache[64];
static int year_cache_n;

static int
latest_window(const struct mr_window *w, void *arg)
{
	struct year_window *y = arg;

	if (!y->known || w->closes_at >= y->closes_at) {
		y->known = 1;
		y->closes_at = w->closes_at;
		snprintf(y->zone, sizeof y->zone, "%s", w->zone);
		snprintf(y->source, sizeof y->source, "%s", w->source);
	}
	return 0;
}

/* The cache entry of a year (after render_case_deadline found it). */
static const struct year_window *
year_get(int year)
{
	for (int i = 0; i < year_cache_n; i++)
		if (year_cache[i].year == year)
			return &year_cache[i];
	return NULL;
}

int
render_case_deadline(const struct cli_ctx *ctx, const struct mr_case *c,
    time_t *closes_at, const char **zone, const char **source)
{
	struct year_window *y = NULL;
	struct mr_err err;

	if (c->has_deadline) {
		*closes_at = c->deadline_at;
		*zone = c->deadline_zone;
		*source = c->deadline_source ? c->deadline_source :
		    "deadline set on the case";
		return 1;
	}
	for (int i = 0; i < year_cache_n; i++)
		if (year_cache[i].year == c->performance_year)
			y = &year_cache[i];
	if (y == NULL) {
		if (year_cache_n == (int)(sizeof year_cache / sizeof year_cache[0]))
			year_cache_n = 0;
		y = &year_cache[year_cache_n++];
		memset(y, 0, sizeof *y);
		y->year = c->performance_year;
		if (mr_window_each(ctx->st, c->performance_year,
		    "targeted-review", latest_window, y, &err) == -1)
			y->known = 0;
	}
	if (!y->known)
		return 0;
	if (y->when[0] == '\0') {
		render_short_time(y->closes_at, y->zone, y->when, sizeof y->when);
		mr_when_iso_utc(y->closes_at, y->utc, sizeof y->utc);
		mr_when_format_local(y->closes_at, y->zone, y->local,
		    sizeof y->local);
	}
	*closes_at = y->closes_at;
	*zone = y->zone;
	*source = y->source;
	return 1;
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

void
render_case_row(const struct cli_ctx *ctx, const struct mr_case *c)
{
	char tin[16], reasons[128], when[48] = "-", left[40] = "-";
	const char *zone, *source;
	time_t closes;

	render_tin(ctx, c->tin, tin, sizeof tin);
	mr_reasons_format(c->reasons, reasons, sizeof reasons);
	if (render_case_deadline(ctx, c, &closes, &zone, &source)) {
		if (c->has_deadline)
			render_short_time(closes, zone, when, sizeof when);
		else	/* the year's window: formatted once per year */
			snprintf(when, sizeof when, "%s",
			    year_get(c->performance_year)->when);
		if (mr_state_is_open(c->status))
			mr_when_left((time_t)ctx->now, closes, left, sizeof left);
	}
	printf("%-6lld %-19s %-4d %-9s %-10s %-24.24s %-22s %-16s %s\n",
	    (long long)c->id, c->status, c->performance_year, tin,
	    c->npi[0] ? c->npi : "-", c->name, when, left, reasons);
}

void
render_case_full(const struct cli_ctx *ctx, const struct mr_case *c)
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
	printf("  Reasons        %s\n", reasons);
	printf("  Final score    %s\n", score);
	printf("  Adjustment     %s\n", adj);
	printf("  Categories     quality %s, cost %s, ia %s, pi %s\n",
	    buf[0], buf[1], buf[2], buf[3]);
	printf("  Practice       %s\n", c->practice[0] ? c->practice : "-");
	printf("  Participation  %s\n", c->participation[0] ? c->participation : "-");
	printf("  Owner          %s\n", c->owner ? c->owner : "-");
	if (c->filing_id != 0)
		printf("  Filing         hardship %lld (should have caused "
		    "reweighting)\n", (long long)c->filing_id);
	{
		char human[64], local[64], left[40];
		const char *zone, *source;
		time_t closes;

		if (render_case_deadline(ctx, c, &closes, &zone, &source)) {
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
}

json_t *
render_case_json(const struct cli_ctx *ctx, const struct mr_case *c)
{
	json_t *o = mr_case_to_json(c, ctx->reveal);
	const char *zone, *source;
	time_t closes;

	if (o == NULL)
		return NULL;
	if (render_case_deadline(ctx, c, &closes, &zone, &source)) {
		json_t *d;

		if (c->has_deadline)
			d = mr_deadline_json(closes, zone, (time_t)ctx->now);
		else {	/* the year's window: its texts are formatted once */
			const struct year_window *y = year_get(c->performance_year);
			char left[40];

			mr_when_left((time_t)ctx->now, closes, left, sizeof left);
			d = json_pack("{s:s, s:s, s:s, s:I, s:s}", "closes_at",
			    y->utc, "zone", y->zone, "closes_local", y->local,
			    "seconds_left", (json_int_t)(closes - (time_t)ctx->now),
			    "time_left", left);
		}
		json_object_set_new(d, "source", json_string(source));
		json_object_set_new(o, "deadline", d);
	} else
		json_object_set_new(o, "deadline", json_null());
	return o;
}
