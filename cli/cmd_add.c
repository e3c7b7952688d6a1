/* mipsreview add: open a targeted-review case. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_case.h"

int
cmd_add(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { O_TIN = 0x200, O_NPI, O_NAME, O_YEAR, O_REASON, O_SCORE, O_ADJ,
	    O_PRACTICE, O_PART, O_OWNER, O_NOTE, O_QUALITY, O_COST, O_IA, O_PI,
	    O_FORCE };
	static const struct option longopts[] = {
		{ "tin", required_argument, NULL, O_TIN },
		{ "npi", required_argument, NULL, O_NPI },
		{ "name", required_argument, NULL, O_NAME },
		{ "year", required_argument, NULL, O_YEAR },
		{ "reason", required_argument, NULL, O_REASON },
		{ "score", required_argument, NULL, O_SCORE },
		{ "adjustment", required_argument, NULL, O_ADJ },
		{ "practice", required_argument, NULL, O_PRACTICE },
		{ "participation", required_argument, NULL, O_PART },
		{ "owner", required_argument, NULL, O_OWNER },
		{ "note", required_argument, NULL, O_NOTE },
		{ "quality", required_argument, NULL, O_QUALITY },
		{ "cost", required_argument, NULL, O_COST },
		{ "ia", required_argument, NULL, O_IA },
		{ "pi", required_argument, NULL, O_PI },
		{ "force", no_argument, NULL, O_FORCE },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct mr_case_input in = { 0 };
	struct mr_case c;
	struct mr_err err = { 0 };
	int64_t id;
	int ch, rc, force = 0;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case O_TIN: in.tin = optarg; break;
		case O_NPI: in.npi = optarg; break;
		case O_NAME: in.name = optarg; break;
		case O_YEAR: in.year = optarg; break;
		case O_REASON:
			if (in.nreasons == (int)(sizeof in.reasons / sizeof in.reasons[0]))
				return cli_usage(ctx, "too many --reason options");
			in.reasons[in.nreasons++] = optarg;
			break;
		case O_SCORE: in.score = optarg; break;
		case O_ADJ: in.adjustment = optarg; break;
		case O_PRACTICE: in.practice = optarg; break;
		case O_PART: in.participation = optarg; break;
		case O_OWNER: in.owner = optarg; break;
		case O_NOTE: in.note = optarg; break;
		case O_QUALITY: in.quality = optarg; break;
		case O_COST: in.cost = optarg; break;
		case O_IA: in.ia = optarg; break;
		case O_PI: in.pi = optarg; break;
		case O_FORCE: force = 1; break;
		default:
			if ((rc = cli_common_option(ctx, ch)) != -1)
				return rc;
		}
	}
	if (optind != argc)
		return cli_usage(ctx, "unexpected argument '%s'", argv[optind]);
	if (in.tin == NULL)
		return cli_usage(ctx, "--tin is required");
	if (in.name == NULL)
		return cli_usage(ctx, "--name is required");
	if (in.year == NULL)
		return cli_usage(ctx, "--year is required");
	if (in.nreasons == 0)
		return cli_usage(ctx, "at least one --reason is required");
	if (mr_case_add(ctx->st, &in, force, &id, &err) == -1)
		return cli_fail(ctx, &err);
	if (!ctx->json) {
		printf("%lld\n", (long long)id);
		return EXIT_OK;
	}
	if (mr_case_get(ctx->st, id, &c, &err) == -1)
		return cli_fail(ctx, &err);
	rc = cli_print_json(render_case_json(ctx, &c));
	mr_case_release(&c);
	return rc;
}
