#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/render.h"
#include "lib/mr_ident.h"

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
	printf("%s%-6s %-19s %-4s %-9s %-10s %-28s %s%s\n",
	    cli_color(ctx, "\033[1m"), "ID", "STATUS", "YEAR", "TIN", "NPI",
	    "NAME", "REASONS", cli_color(ctx, "\033[0m"));
}

void
render_case_row(const struct cli_ctx *ctx, const struct mr_case *c)
{
	char tin[16], reasons[128];

	render_tin(ctx, c->tin, tin, sizeof tin);
	mr_reasons_format(c->reasons, reasons, sizeof reasons);
	printf("%-6lld %-19s %-4d %-9s %-10s %-28.28s %s\n", (long long)c->id,
	    c->status, c->performance_year, tin, c->npi[0] ? c->npi : "-",
	    c->name, reasons);
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
	printf("  Created        %s\n", c->created_at);
	printf("  Updated        %s\n", c->updated_at);
}

json_t *
render_case_json(const struct cli_ctx *ctx, const struct mr_case *c)
{
	json_t *o = mr_case_to_json(c, ctx->reveal);

	return o;
}
