/* mipsreview packet: the review packet of a case, ready to upload. */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include "cli/cli.h"
#include "lib/mr_packet.h"
#include "lib/mr_view.h"

int
cmd_packet(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_packet_info info;
	struct mr_err err = { 0 };
	const char *out = cli_opt(a, "output");
	long long id;
	int rc;

	if (out == NULL)
		return cli_usage(ctx, "-o OUT is required (a folder, or a name "
		    "ending in .tar.gz or .zip)");
	if ((rc = cli_parse_id(ctx, "case", a->argv[0], &id)) != EXIT_OK)
		return rc;
	signal(SIGXFSZ, SIG_IGN);	/* a size limit is a write error */
	if (mr_packet_write(ctx->st, id, out, ctx->reveal, &info, &err) == -1)
		return cli_fail(ctx, &err);
	if (ctx->json)
		return cli_print_json(cli_view(ctx) ? mr_view_packet(ctx->view,
		    out, &info) : NULL);
	printf("packet written to %s (%s, %d evidence file%s, %lld bytes); "
	    "check it with: sha256sum -c SHA256SUMS, in %s\n", out,
	    mr_packet_format_name(info.format), info.files,
	    info.files == 1 ? "" : "s", (long long)info.bytes,
	    info.format == MR_PACKET_FOLDER ? "that folder" :
	    "the folder the archive unpacks to");
	return EXIT_OK;
}
