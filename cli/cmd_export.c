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
#include "lib/mr_export.h"
#include "lib/mr_ident.h"
#include "lib/mr_import.h"
#include "lib/mr_view.h"

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

/* export csv and export jsonl: the row's name is the format. */
int
cmd_export_cases(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_case_filter f = { 0 };
	struct mr_err err = { 0 };
	enum mr_import_format fmt;
	const char *out = cli_opt(a, "output"), *v;
	char tin[10], *tmp = NULL;
	FILE *fp = stdout;
	long n = 0;
	int rc;

	if ((v = cli_opt(a, "year")) != NULL &&
	    (rc = cli_parse_year(ctx, v, &f.year)) != EXIT_OK)
		return rc;
	if ((v = cli_opt(a, "status")) != NULL) {
		if (!mr_state_valid(v)) {
			mr_err_set(&err, MR_EINVAL, "status '%s' is not known; "
			    "use one of: %s", v, MR_CASE_STATES);
			return cli_fail(ctx, &err);
		}
		f.status = v;
	}
	if ((v = cli_opt(a, "tin")) != NULL) {
		if (mr_tin_normalize(v, tin, sizeof tin, &err) == -1)
			return cli_fail(ctx, &err);
		f.tin = tin;
	}
	if (mr_import_format_parse(a->cmd->name, &fmt) == -1)
		abort();	/* the table routes only csv and jsonl here */
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
		return cli_print_json(cli_view(ctx) ? mr_view_export(ctx->view,
		    out, fmt == MR_FORMAT_CSV ? "csv" : "jsonl", n) : NULL);
	printf("exported %ld case%s to %s (TINs in full: keep the file "
	    "private)\n", n, n == 1 ? "" : "s", out);
	return EXIT_OK;
}
