/*
 * mipsreview export ics: the deadlines as an iCalendar file.
 *
 * Decided and withdrawn items stay in the file (STATUS COMPLETED or
 * CANCELLED) so that a calendar that imported them earlier sees them
 * close instead of keeping a stale reminder.  With -o the file lands
 * atomically (temporary file, fsync, rename, fsync of the folder), 0600.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/mr_config.h"
#include "lib/mr_deadline.h"
#include "lib/mr_file.h"
#include "lib/mr_ical.h"
#include "lib/mr_ident.h"
#include "lib/mr_view.h"

static int
file_sink(const char *buf, size_t len, void *arg)
{
	return fwrite(buf, 1, len, arg) == len ? 0 : -1;
}

/* Write the calendar to path: whole, or not at all (lib/mr_file). */
static int
write_atomic(struct cli_ctx *ctx, const char *path,
    const struct mr_deadline_filter *f, const struct mr_ical_opts *o,
    long *count)
{
	struct mr_file *file;
	struct mr_err err = { 0 };

	if (mr_file_open(path, 0600, &file, &err) == -1)
		return cli_fail(ctx, &err);
	(void)setvbuf(mr_file_stream(file), NULL, _IOFBF, 1 << 16);
	if (mr_ical_write(ctx->st, f, o, file_sink, mr_file_stream(file), count,
	    &err) == -1) {
		mr_file_abort(file);
		return cli_fail(ctx, &err);
	}
	if (mr_file_commit(file, &err) == -1)
		return cli_fail(ctx, &err);
	return EXIT_OK;
}

int
cmd_export_ics(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_deadline_filter f = { .include_closed = 1 };
	struct mr_ical_opts o;
	struct mr_config *cfg = NULL;
	struct mr_err err = { 0 };
	const char *out = cli_opt(a, "output"), *v;
	char tin[10];
	long long id;
	long count = 0;
	int rc;

	if ((v = cli_opt(a, "case")) != NULL) {
		if ((rc = cli_parse_id(ctx, "case", v, &id)) != EXIT_OK)
			return rc;
		f.case_id = id;
		f.what = "case";
		f.id = id;
	}
	if ((v = cli_opt(a, "tin")) != NULL) {
		if (mr_tin_normalize(v, tin, sizeof tin, &err) == -1)
			return cli_fail(ctx, &err);
		f.tin = tin;
	}
	if ((v = cli_opt(a, "year")) != NULL &&
	    (rc = cli_parse_year(ctx, v, &f.year)) != EXIT_OK)
		return rc;
	if (f.case_id != 0 && (f.tin != NULL || f.year != 0))
		return cli_usage(ctx, "--case selects one case; it does not mix "
		    "with --tin or --year");

	if (mr_config_load(ctx->config_path, 0, &cfg, &err) == -1)
		return cli_fail(ctx, &err);
	if (mr_ical_opts_from_config(cfg, &o, &err) == -1 ||
	    mr_ical_key(ctx->st, &o, &err) == -1) {
		rc = cli_fail(ctx, &err);
		goto done;
	}
	/* The next export of these zones then needs no libical. */
	o.keep_zones = 1;
	if (out == NULL || strcmp(out, "-") == 0) {
		/* The calendar is one long stream: fewer, larger writes. */
		(void)setvbuf(stdout, NULL, _IOFBF, 1 << 16);
		if (mr_ical_write(ctx->st, &f, &o, file_sink, stdout, &count,
		    &err) == -1) {
			rc = cli_fail(ctx, &err);
			goto done;
		}
		rc = EXIT_OK;
		goto done;
	}
	if ((rc = write_atomic(ctx, out, &f, &o, &count)) != EXIT_OK)
		goto done;
	if (ctx->json)
		rc = cli_print_json(cli_view(ctx) ?
		    mr_view_calendar_export(ctx->view, out, count) : NULL);
	else
		printf("%ld deadline%s written to %s\n", count, count == 1 ? "" :
		    "s", out);
done:
	mr_config_free(cfg);
	return rc;
}
