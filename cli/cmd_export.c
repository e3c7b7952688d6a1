/* mipsreview export csv|jsonl: the cases as a file that import reads back. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/mr_case.h"
#include "lib/mr_ident.h"
#include "lib/mr_import.h"

FILE *
cli_atomic_open(struct cli_ctx *ctx, const char *path, char **tmp)
{
	FILE *fp;
	int fd;

	if (asprintf(tmp, "%s.XXXXXX", path) == -1) {
		*tmp = NULL;
		fprintf(stderr, "%s: out of memory\n", ctx->prog);
		return NULL;
	}
	/* mkstemp creates it 0600 whatever the umask. */
	if ((fd = mkstemp(*tmp)) == -1) {
		fprintf(stderr, "%s: cannot create '%s': %s\n", ctx->prog, path,
		    strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", ctx->prog, path, strerror(errno));
		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return fp;
}

int
cli_atomic_close(struct cli_ctx *ctx, FILE *fp, char *tmp, const char *path,
    int keep)
{
	char *dcopy = NULL;
	int rc = EXIT_FAIL, dfd;

	if (!keep) {
		fclose(fp);
		unlink(tmp);
		free(tmp);
		return EXIT_OK;
	}
	if (fflush(fp) == EOF || ferror(fp) || fsync(fileno(fp)) == -1) {
		fprintf(stderr, "%s: writing '%s': %s\n", ctx->prog, path,
		    strerror(errno));
		fclose(fp);
		goto fail;
	}
	if (fclose(fp) == EOF || rename(tmp, path) == -1) {
		fprintf(stderr, "%s: writing '%s': %s\n", ctx->prog, path,
		    strerror(errno));
		goto fail;
	}
	/* The rename is durable once the folder is. */
	if ((dcopy = strdup(path)) != NULL &&
	    (dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dcopy);
	free(tmp);
	return EXIT_OK;
fail:
	unlink(tmp);
	free(tmp);
	return rc;
}

int
cmd_export(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { O_YEAR = 0x200, O_STATUS, O_TIN };
	static const struct option longopts[] = {
		{ "year", required_argument, NULL, O_YEAR },
		{ "status", required_argument, NULL, O_STATUS },
		{ "tin", required_argument, NULL, O_TIN },
		{ "output", required_argument, NULL, 'o' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct mr_case_filter f = { 0 };
	struct mr_err err = { 0 };
	enum mr_import_format fmt;
	const char *out = NULL;
	char tin[10], *tmp = NULL;
	FILE *fp = stdout;
	long n = 0;
	int ch, rc;

	/* iCalendar is the calendar module's (cli/cmd_export_ics.c). */
	if (argc >= 2 && strcmp(argv[1], "ics") == 0)
		return cmd_export_ics(ctx, argc - 1, argv + 1);
	while ((ch = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
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
		case 'o':
			out = optarg;
			break;
		default:
			if ((rc = cli_common_option(ctx, ch)) != -1)
				return rc;
		}
	}
	if (argc - optind != 1)
		return cli_usage(ctx, "one format is expected: csv or jsonl");
	if (mr_import_format_parse(argv[optind], &fmt) == -1) {
		fprintf(stderr, "%s: format '%s': use ics, csv or jsonl\n",
		    ctx->prog, argv[optind]);
		return EXIT_USAGE;
	}
	if (out != NULL && strcmp(out, "-") != 0 &&
	    (fp = cli_atomic_open(ctx, out, &tmp)) == NULL)
		return EXIT_FAIL;
	if (mr_export_write(ctx->st, &f, fmt, fp, &n, &err) == -1) {
		if (tmp != NULL)
			cli_atomic_close(ctx, fp, tmp, out, 0);
		return cli_fail(ctx, &err);
	}
	if (tmp == NULL)
		return EXIT_OK;		/* main() checks that stdout was written */
	if ((rc = cli_atomic_close(ctx, fp, tmp, out, 1)) != EXIT_OK)
		return rc;
	if (ctx->json)
		return cli_print_json(json_pack("{s:s, s:s, s:I}", "file", out,
		    "format", fmt == MR_FORMAT_CSV ? "csv" : "jsonl",
		    "cases", (json_int_t)n));
	printf("exported %ld case%s to %s (TINs in full: keep the file "
	    "private)\n", n, n == 1 ? "" : "s", out);
	return EXIT_OK;
}
