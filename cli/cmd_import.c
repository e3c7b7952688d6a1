/* mipsreview import FILE.csv|FILE.jsonl: open many cases at once. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/mr_file.h"
#include "lib/mr_import.h"
#include "lib/mr_view.h"

struct import_ui {
	struct cli_ctx	*ctx;
	const char	*path;
	/* --skip-bad: the rejects file being written */
	FILE		*rej;
	int		 rej_header;
	int		 rej_errno;	/* writing it failed: why */
	int		 bar;		/* stderr is a terminal */
	int		 last_pct;
};

static void
rej_field(FILE *fp, const char *s, int last)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' ||
	    (s[0] != '\0' && s[strlen(s) - 1] == ' ')) {
		putc('"', fp);
		for (; *s != '\0'; s++) {
			if (*s == '"')
				putc('"', fp);
			putc(*s, fp);
		}
		putc('"', fp);
	} else
		fputs(s, fp);
	putc(last ? '\n' : ',', fp);
}

static void
bar_clear(struct import_ui *ui)
{
	if (ui->bar && ui->last_pct >= 0) {
		fputs("\r\033[K", stderr);
		ui->last_pct = -1;
	}
}

static int
on_reject(const struct mr_import_reject *r, void *arg)
{
	struct import_ui *ui = arg;
	char line[24];

	if (ui->rej == NULL) {
		bar_clear(ui);
		fprintf(stderr, "%s: %s:%ld: %s\n", ui->ctx->prog, ui->path,
		    r->line, r->reason);
		return 0;
	}
	/* The rejects file: line, reject_reason, then the row as it was.
	 * import skips those two columns, so a corrected file reads back. */
	if (!ui->rej_header) {
		rej_field(ui->rej, "line", 0);
		rej_field(ui->rej, "reject_reason", r->nnames == 0);
		for (int i = 0; i < r->nnames; i++)
			rej_field(ui->rej, r->names[i], i == r->nnames - 1);
		ui->rej_header = 1;
	}
	snprintf(line, sizeof line, "%ld", r->line);
	rej_field(ui->rej, line, 0);
	rej_field(ui->rej, r->reason, r->nvalues == 0);
	for (int i = 0; i < r->nvalues; i++)
		rej_field(ui->rej, r->values[i], i == r->nvalues - 1);
	if (ferror(ui->rej)) {
		ui->rej_errno = errno ? errno : EIO;
		return 1;
	}
	return 0;
}

/*
 * Before the commit: the rejects file complete and on disk, so that a full
 * disk stops the import instead of leaving cases imported whose rejects
 * were lost.  Only the rename is left for after the commit.
 */
static int
on_finish(void *arg)
{
	struct import_ui *ui = arg;

	if (ui->rej == NULL)
		return 0;
	if (!ui->rej_header) {
		/* Nothing was rejected: the header alone, so an old
		 * rejects file does not linger under the name. */
		rej_field(ui->rej, "line", 0);
		rej_field(ui->rej, "reject_reason", 0);
		for (int i = 0; mr_import_columns[i] != NULL; i++)
			rej_field(ui->rej, mr_import_columns[i],
			    mr_import_columns[i + 1] == NULL);
		ui->rej_header = 1;
	}
	errno = 0;
	if (fflush(ui->rej) == EOF || ferror(ui->rej) ||
	    fsync(fileno(ui->rej)) == -1) {
		ui->rej_errno = errno ? errno : EIO;
		return 1;
	}
	return 0;
}

static void
on_progress(long long done, long long total, long rows, void *arg)
{
	struct import_ui *ui = arg;
	int pct, width = 30, fill;

	if (!ui->bar || total <= 0)
		return;
	pct = (int)(done * 100 / total);
	if (pct == ui->last_pct)
		return;
	ui->last_pct = pct;
	fill = pct * width / 100;
	fprintf(stderr, "\rimporting [%.*s%*s] %3d%%  %ld rows", fill,
	    "##############################", width - fill, "", pct, rows);
	fflush(stderr);
}

static int
format_from_name(const char *path, enum mr_import_format *fmt)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL)
		return -1;
	if (strcasecmp(dot, ".csv") == 0)
		*fmt = MR_FORMAT_CSV;
	else if (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0)
		*fmt = MR_FORMAT_JSONL;
	else
		return -1;
	return 0;
}

int
cmd_import(struct cli_ctx *ctx, struct cli_args *a)
{
	struct import_ui ui = { .ctx = ctx, .last_pct = -1 };
	struct mr_import_opts o = { .reject = on_reject, .finish = on_finish,
	    .progress = on_progress, .arg = &ui };
	struct mr_import_stats s;
	struct mr_err err = { 0 };
	const char *format = cli_opt(a, "format");
	const char *rejects = cli_opt(a, "skip-bad");
	struct mr_file *rejfile = NULL;
	int failed;

	o.force = cli_opt(a, "force") != NULL;
	ui.path = a->argv[0];
	if (format == NULL && strcmp(ui.path, "-") == 0)
		return cli_usage(ctx, "standard input has no name to tell its "
		    "format by: give --format csv|jsonl");
	if (format != NULL ? mr_import_format_parse(format, &o.format) == -1 :
	    format_from_name(ui.path, &o.format) == -1)
		return cli_usage(ctx, format ? "format '%s': use csv or jsonl" :
		    "cannot tell the format of '%s': name it .csv or .jsonl, or "
		    "give --format csv|jsonl", format ? format : ui.path);
	ui.bar = isatty(STDERR_FILENO);
	if (rejects != NULL) {
		o.skip_bad = 1;
		if (mr_file_open(rejects, 0600, &rejfile, &err) == -1)
			return cli_fail(ctx, &err);
		ui.rej = mr_file_stream(rejfile);
	}
	failed = mr_import_file(ctx->st, ui.path, &o, &s, &err) == -1;
	bar_clear(&ui);
	if (rejfile != NULL && failed)
		mr_file_abort(rejfile);
	else if (rejfile != NULL) {
		struct mr_err ferr = { 0 };

		if (mr_file_commit(rejfile, &ferr) == -1) {
			fprintf(stderr, "%s: %s; the cases were imported (%ld), "
			    "only the rejects file is missing\n", ctx->prog,
			    ferr.msg, s.imported);
			return EXIT_FAIL;
		}
	}
	if (failed && ui.rej_errno != 0) {
		fprintf(stderr, "%s: cannot write the rejects file '%s': %s; "
		    "nothing was imported (free some space or choose another "
		    "path)\n", ctx->prog, rejects, strerror(ui.rej_errno));
		return EXIT_FAIL;
	}
	if (failed)
		return cli_fail(ctx, &err);
	if (ctx->json)
		return cli_print_json(cli_view(ctx) ? mr_view_import(ctx->view,
		    ui.path, &s, rejects) : NULL);
	if (s.imported > 0)
		printf("imported %ld case%s (ids %lld-%lld) from %s", s.imported,
		    s.imported == 1 ? "" : "s", (long long)s.first_id,
		    (long long)s.last_id, ui.path);
	else
		printf("imported no cases from %s", ui.path);
	if (rejects != NULL)
		printf("; %ld row%s rejected, listed in %s", s.rejected,
		    s.rejected == 1 ? "" : "s", rejects);
	putchar('\n');
	return EXIT_OK;
}
