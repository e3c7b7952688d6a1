/* mipsreview list: the cases, filtered. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_case.h"
#include "lib/mr_ident.h"

struct list_out {
	struct cli_ctx	*ctx;
	json_t		*array;
	long long	 n;
};

static int
list_one(const struct mr_case *c, void *arg)
{
	struct list_out *out = arg;

	out->n++;
	if (out->array != NULL)
		return json_array_append_new(out->array,
		    render_case_json(out->ctx, c)) == 0 ? 0 : 1;
	render_case_row(out->ctx, c);
	return 0;
}

int
cmd_list(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { O_YEAR = 0x200, O_STATUS, O_TIN, O_NPI, O_REASON, O_OPEN };
	static const struct option longopts[] = {
		{ "year", required_argument, NULL, O_YEAR },
		{ "status", required_argument, NULL, O_STATUS },
		{ "tin", required_argument, NULL, O_TIN },
		{ "npi", required_argument, NULL, O_NPI },
		{ "reason", required_argument, NULL, O_REASON },
		{ "open", no_argument, NULL, O_OPEN },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct mr_case_filter f = { 0 };
	struct list_out out = { .ctx = ctx };
	struct mr_err err = { 0 };
	char tin[10];
	unsigned int bit;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case O_YEAR:
			if ((rc = cli_parse_year(ctx, optarg, &f.year)) != EXIT_OK)
				return rc;
			break;
		case O_STATUS:
			if (!mr_state_valid(optarg)) {
				mr_err_set(&err, MR_EINVAL, "status '%s' is not "
				    "known; use one of: %s", optarg, MR_CASE_STATES);
				return cli_fail(ctx, &err);
			}
			f.status = optarg;
			break;
		case O_TIN:
			if (mr_tin_normalize(optarg, tin, sizeof tin, &err) == -1)
				return cli_fail(ctx, &err);
			f.tin = tin;
			break;
		case O_NPI:
			if (mr_npi_validate(optarg, &err) == -1)
				return cli_fail(ctx, &err);
			f.npi = optarg;
			break;
		case O_REASON:
			if (mr_reason_parse(optarg, &bit, &err) == -1)
				return cli_fail(ctx, &err);
			f.reasons |= bit;
			break;
		case O_OPEN:
			f.open_only = 1;
			break;
		default:
			if ((rc = cli_common_option(ctx, ch)) != -1)
				return rc;
		}
	}
	if (optind != argc)
		return cli_usage(ctx, "unexpected argument '%s'", argv[optind]);
	if (ctx->json && (out.array = json_array()) == NULL) {
		mr_err_set(&err, MR_EFAIL, "out of memory");
		return cli_fail(ctx, &err);
	}
	if (!ctx->json)
		render_case_header(ctx);
	if (mr_case_list(ctx->st, &f, list_one, &out, &err) == -1) {
		json_decref(out.array);
		return cli_fail(ctx, &err);
	}
	if (ctx->json)
		return cli_print_json(out.array);
	if (out.n == 0)
		printf("(no cases match)\n");
	return EXIT_OK;
}
