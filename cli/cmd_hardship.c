/*
 * mipsreview hardship: EUC and Promoting Interoperability hardship-exception
 * filings — add, list, show, set, status.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_autoeuc.h"
#include "lib/mr_buf.h"
#include "lib/mr_hardship.h"
#include "lib/mr_ident.h"
#include "lib/mr_score.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"
#include "lib/mr_view.h"

static void
print_warnings(const struct cli_ctx *ctx, const struct mr_hardship_warnings *w)
{
	for (int i = 0; i < w->n; i++)
		fprintf(stderr, "%s: warning: %s\n", ctx->prog, w->msg[i]);
}

/* The categories, "*" or " (data submitted)" marking those with data;
 * all four with marks take 89 bytes, so 128 always hold them. */
static void
format_categories(const struct mr_hardship *h, int marks, char *buf, size_t len)
{
	struct mr_buf b;

	mr_buf_init_fixed(&b, buf, len);
	for (int i = 0; i < MR_NCAT; i++)
		if (h->categories & (1u << i))
			(void)mr_buf_printf(&b, "%s%s%s", b.len ? (marks ? ", " :
			    ",") : "", mr_category_name(i), (h->submitted &
			    (1u << i)) ? (marks ? " (data submitted)" : "*") : "");
}

int
cmd_hardship_add(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_hardship_input in = { 0 };
	struct mr_hardship_warnings warn = { .n = 0 };
	struct mr_hardship h;
	struct mr_err err = { 0 };
	int64_t id;
	int rc;

	in.tin = cli_opt(a, "tin");
	in.npi = cli_opt(a, "npi");
	in.name = cli_opt(a, "name");
	in.participation = cli_opt(a, "participation");
	in.year = cli_opt(a, "year");
	in.type = cli_opt(a, "type");
	in.categories = cli_opt(a, "categories");
	in.submitted = cli_opt(a, "submitted");
	in.event = cli_opt(a, "event");
	in.window = cli_opt(a, "window");
	in.filed = cli_opt(a, "filed");
	in.confirmation = cli_opt(a, "confirmation");
	in.owner = cli_opt(a, "owner");
	in.notes = cli_opt(a, "notes");
	in.county = cli_opt(a, "county");
	in.zip = cli_opt(a, "zip");
	in.force = cli_opt(a, "force") != NULL;
	if (in.tin == NULL)
		return cli_usage(ctx, "--tin is required");
	if (in.year == NULL)
		return cli_usage(ctx, "--year is required");
	if (in.type == NULL)
		return cli_usage(ctx, "--type euc|pi is required");
	if (in.categories == NULL)
		return cli_usage(ctx, "--categories is required");
	if (in.event == NULL)
		return cli_usage(ctx, "--event is required");
	if (mr_hardship_add(ctx->st, &in, &id, &warn, &err) == -1)
		return cli_fail(ctx, &err);
	print_warnings(ctx, &warn);
	if (!ctx->json) {
		printf("%lld\n", (long long)id);
		return EXIT_OK;
	}
	if (mr_hardship_get(ctx->st, id, &h, &err) == -1)
		return cli_fail(ctx, &err);
	rc = cli_print_json(cli_view(ctx) ? mr_view_filing(ctx->view, &h,
	    &warn) : NULL);
	mr_hardship_release(&h);
	return rc;
}

struct list_out {
	struct cli_ctx	*ctx;
	json_t		*array;
	long long	 n;
};

static int
list_one(const struct mr_hardship *h, void *arg)
{
	struct list_out *out = arg;
	struct mr_hardship_window win;
	struct mr_err err = { 0 };
	char tin[16], cats[128], due[48] = "-";

	out->n++;
	if (out->array != NULL)
		return json_array_append_new(out->array,
		    mr_view_filing(out->ctx->view, h, NULL)) == 0 ? 0 : 1;
	render_tin(out->ctx, h->tin, tin, sizeof tin);
	format_categories(h, 0, cats, sizeof cats);
	if (h->window_id != 0 && mr_hardship_window(out->ctx->st, h->window_id,
	    &win, &err) == 0)
		render_short_time((time_t)win.closes_at, win.zone, due,
		    sizeof due);
	printf("%-6lld %-10s %-4s %-4d %-9s %-10s %-24s %s\n", (long long)h->id,
	    h->status, h->type, h->performance_year, tin,
	    h->npi[0] ? h->npi : "-", cats, due);
	return 0;
}

int
cmd_hardship_list(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_hardship_filter f = { 0 };
	struct list_out out = { .ctx = ctx };
	struct mr_err err = { 0 };
	const char *v;
	char tin[10];
	int rc;

	if ((v = cli_opt(a, "year")) != NULL &&
	    (rc = cli_parse_year(ctx, v, &f.year)) != EXIT_OK)
		return rc;
	if ((v = cli_opt(a, "status")) != NULL) {
		if (!mr_hardship_state_valid(v)) {
			mr_err_set(&err, MR_EINVAL, "status '%s' is not known; "
			    "use one of: %s", v, MR_HARDSHIP_STATES);
			return cli_fail(ctx, &err);
		}
		f.status = v;
	}
	if ((v = cli_opt(a, "type")) != NULL) {
		if (strcmp(v, "euc") != 0 && strcmp(v, "pi") != 0) {
			mr_err_set(&err, MR_EINVAL, "type '%s' is not known; use "
			    "euc or pi", v);
			return cli_fail(ctx, &err);
		}
		f.type = v;
	}
	if ((v = cli_opt(a, "tin")) != NULL) {
		if (mr_tin_normalize(v, tin, sizeof tin, &err) == -1)
			return cli_fail(ctx, &err);
		f.tin = tin;
	}
	f.open_only = cli_opt(a, "open") != NULL;
	if (ctx->json && (cli_view(ctx) == NULL ||
	    (out.array = json_array()) == NULL)) {
		mr_err_set(&err, MR_EFAIL, "out of memory");
		return cli_fail(ctx, &err);
	}
	if (!ctx->json)
		printf("%s%-6s %-10s %-4s %-4s %-9s %-10s %-24s %s%s\n",
		    cli_color(ctx, "\033[1m"), "ID", "STATUS", "TYPE", "YEAR",
		    "TIN", "NPI", "CATEGORIES (*data)", "DEADLINE",
		    cli_color(ctx, "\033[0m"));
	if (mr_hardship_list(ctx->st, &f, list_one, &out, &err) == -1) {
		json_decref(out.array);
		return cli_fail(ctx, &err);
	}
	if (ctx->json)
		return cli_print_json(out.array);
	if (out.n == 0)
		printf("(no filings match)\n");
	return EXIT_OK;
}

static void
show_text(struct cli_ctx *ctx, const struct mr_hardship *h)
{
	struct mr_hardship_warnings w;
	struct mr_hardship_window win;
	struct mr_err err = { 0 };
	char tin[16], cats[128], due[48];

	render_tin(ctx, h->tin, tin, sizeof tin);
	format_categories(h, 1, cats, sizeof cats);
	printf("%sFiling %lld%s  %s hardship, PY%d (payment year %d)  [%s]\n",
	    cli_color(ctx, "\033[1m"), (long long)h->id, cli_color(ctx, "\033[0m"),
	    strcmp(h->type, "pi") == 0 ? "Promoting Interoperability" : "EUC",
	    h->performance_year, h->performance_year + 2, h->status);
	printf("  TIN            %s\n", tin);
	printf("  NPI            %s\n", h->npi[0] ? h->npi : "- (whole TIN)");
	printf("  Name           %s\n", h->name ? h->name : "-");
	printf("  Participation  %s\n", h->participation[0] ? h->participation : "-");
	printf("  Event          %s\n", h->event ? h->event : "-");
	printf("  Categories     %s\n", cats);
	printf("  County, ZIP    %s%s%s\n", h->county[0] ? h->county : "-",
	    h->zip[0] ? ", ZIP " : "", h->zip);
	render_autoeuc(ctx, h->performance_year, h->county, h->zip);
	if (h->window_id != 0 && mr_hardship_window(ctx->st, h->window_id, &win,
	    &err) == 0) {
		render_short_time((time_t)win.closes_at, win.zone, due,
		    sizeof due);
		printf("  Window         %lld  %s (%s)\n", (long long)win.id,
		    win.name, win.kind);
		printf("  Deadline       %s (%s)\n", due, win.zone);
		printf("  Source         %s\n", win.source);
	} else
		printf("  Deadline       none: no window for this year and type\n");
	printf("  Filed          %s\n", h->filed_at[0] ? h->filed_at : "-");
	printf("  Confirmation   %s\n", h->confirmation ? h->confirmation : "-");
	printf("  Owner          %s\n", h->owner ? h->owner : "-");
	printf("  Revision       %lld\n", (long long)h->revision);
	printf("  Created        %s\n", h->created_at);
	printf("  Updated        %s\n", h->updated_at);
	if (h->notes != NULL)
		printf("\nNotes\n  %s\n", h->notes);
	mr_hardship_advise(h, &w);
	if (h->county[0] != '\0' || h->zip[0] != '\0') {
		struct mr_autoeuc_match m;

		if (mr_hardship_place(ctx->st, h, &m, &w, &err) == -1)
			fprintf(stderr, "%s: %s\n", ctx->prog, err.msg);
	}
	if (w.n > 0)
		printf("\nAdvice\n");
	for (int i = 0; i < w.n; i++)
		printf("  - %s\n", w.msg[i]);
}

int
cmd_hardship_show(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_hardship h;
	struct mr_err err = { 0 };
	long long id;
	int rc;

	if ((rc = cli_parse_id(ctx, "filing", a->argv[0], &id)) != EXIT_OK)
		return rc;
	if (mr_hardship_get(ctx->st, id, &h, &err) == -1)
		return cli_fail(ctx, &err);
	if (ctx->json)
		rc = cli_print_json(cli_view(ctx) ?
		    mr_view_filing(ctx->view, &h, NULL) : NULL);
	else {
		show_text(ctx, &h);
		rc = EXIT_OK;
	}
	mr_hardship_release(&h);
	return rc;
}

/* The filing's JSON view now, for what set and status changed. */
static json_t *
filing_view(struct cli_ctx *ctx, long long id)
{
	struct mr_hardship h;
	json_t *v = NULL;

	if (cli_view(ctx) != NULL && mr_hardship_get(ctx->st, id, &h,
	    NULL) == 0) {
		v = mr_view_filing(ctx->view, &h, NULL);
		mr_hardship_release(&h);
	}
	return v;
}

int
cmd_hardship_set(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_hardship_warnings warn = { .n = 0 };
	struct mr_err err = { 0 };
	json_t *before;
	long long id;
	int rc;

	if ((rc = cli_parse_id(ctx, "filing", a->argv[0], &id)) != EXIT_OK)
		return rc;
	before = filing_view(ctx, id);
	if (mr_hardship_set(ctx->st, id, (const char *const *)(a->argv + 1),
	    a->argc - 1, &warn, &err) == -1) {
		json_decref(before);
		return cli_fail(ctx, &err);
	}
	print_warnings(ctx, &warn);
	cli_print_changes("filing", id, before, filing_view(ctx, id));
	return EXIT_OK;
}

int
cmd_hardship_status(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	const char *note = cli_opt(a, "note");
	json_t *before;
	long long id;
	int rc;

	if ((rc = cli_parse_id(ctx, "filing", a->argv[0], &id)) != EXIT_OK)
		return rc;
	before = filing_view(ctx, id);
	if (mr_hardship_set_status(ctx->st, id, a->argv[1], note,
	    &err) == -1) {
		json_decref(before);
		return cli_fail(ctx, &err);
	}
	cli_print_changes("filing", id, before, filing_view(ctx, id));
	return EXIT_OK;
}
