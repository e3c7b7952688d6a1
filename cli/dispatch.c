/*
 * The one command dispatcher of mipsreview: it picks the command (and the
 * subcommand) from the table in cli/main.c, parses the options that the
 * table row declares, checks the number of operands and hands the command
 * a struct cli_args.  A mistyped name gets a suggestion; every option error
 * starts with the command's name, so a script's log says whose it was.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

struct cli_optval {
	const char	*name;		/* points into the declaration */
	size_t		 len;
	const char	*value;		/* "" for an option without a value */
};

/* One declared option: "name", "name=" (takes a value), "o|name=" (-o too). */
struct decl {
	const char	*name;
	size_t		 len;
	int		 short_name;
	int		 has_value;
};

#define MAX_DECLS	48

static int
parse_decls(const char *spec, struct decl *d, int max)
{
	int n = 0;

	while (spec != NULL && *spec != '\0') {
		size_t len;

		while (*spec == ' ')
			spec++;
		if (*spec == '\0')
			break;
		len = strcspn(spec, " ");
		if (n == max)
			abort();	/* the table declares too many */
		memset(&d[n], 0, sizeof d[n]);
		if (len > 2 && spec[1] == '|') {
			d[n].short_name = (unsigned char)spec[0];
			spec += 2;
			len -= 2;
		}
		if (spec[len - 1] == '=') {
			d[n].has_value = 1;
			d[n].len = len - 1;
		} else
			d[n].len = len;
		d[n].name = spec;
		spec += len;
		n++;
	}
	return n;
}

/* The options every command takes, handled here. */
static const char common_opts[] = "json reveal h|help";

/*
 * The distance between two words: how many letters must be changed, added,
 * removed or swapped with their neighbour to turn one into the other
 * (Damerau-Levenshtein, optimal string alignment).
 */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[33][33];

	if (la > 32 || lb > 32)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *
cli_suggest(const struct cli_cmd *table, const char *word)
{
	const char *best = NULL, *prefixed = NULL;
	size_t bestd = (size_t)-1, len = strlen(word);
	int nprefixed = 0;

	for (const struct cli_cmd *c = table; c->name != NULL; c++) {
		size_t d = distance(word, c->name);

		if (d < bestd) {
			bestd = d;
			best = c->name;
		}
		if (len > 0 && strncmp(c->name, word, len) == 0) {
			prefixed = c->name;
			nprefixed++;
		}
	}
	/* A slip of one or two letters, or the start of one name only. */
	if (best != NULL && bestd <= (len > 4 ? 2 : 1))
		return best;
	return nprefixed == 1 ? prefixed : NULL;
}

static const struct cli_cmd *
find(const struct cli_cmd *table, const char *name)
{
	for (const struct cli_cmd *c = table; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0 ||
		    (c->alias != NULL && strcmp(c->alias, name) == 0))
			return c;
	return NULL;
}

/* "add, list, show, set or status" */
static void
list_names(FILE *fp, const struct cli_cmd *table)
{
	for (const struct cli_cmd *c = table; c->name != NULL; c++)
		fprintf(fp, "%s%s", c->name, c[1].name == NULL ? "" :
		    c[2].name == NULL ? " or " : ", ");
}

/* "mipsreview add: unknown option '--tni'" and the usage. */
static int
option_error(struct cli_ctx *ctx, const char *before, const char *what,
    const char *after)
{
	fprintf(stderr, "%s %s: %s'%s'%s", ctx->prog, ctx->name, before, what,
	    after);
	fprintf(stderr, "\nusage: mipsreview %s %s\n", ctx->name, ctx->usage);
	return EXIT_USAGE;
}

static int
parse_options(struct cli_ctx *ctx, const struct cli_cmd *cmd, int argc,
    char **argv, struct cli_args *a)
{
	struct decl d[MAX_DECLS];
	struct option longopts[MAX_DECLS + 1];
	char shortopts[2 * MAX_DECLS + 2], *sp = shortopts, namebuf[MAX_DECLS][40];
	int n, ncommon, ch, idx;

	ncommon = parse_decls(common_opts, d, MAX_DECLS);
	n = ncommon + parse_decls(cmd->opts, d + ncommon, MAX_DECLS - ncommon);
	/* ':' first: a missing value is told apart from an unknown option. */
	*sp++ = ':';
	for (int i = 0; i < n; i++) {
		if (d[i].len >= sizeof namebuf[i])
			abort();
		memcpy(namebuf[i], d[i].name, d[i].len);
		namebuf[i][d[i].len] = '\0';
		longopts[i] = (struct option){ namebuf[i], d[i].has_value ?
		    required_argument : no_argument, NULL, 0x100 + i };
		if (d[i].short_name != 0) {
			*sp++ = (char)d[i].short_name;
			if (d[i].has_value)
				*sp++ = ':';
		}
	}
	*sp = '\0';
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };

	if ((a->opts = calloc((size_t)argc + 1, sizeof *a->opts)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", ctx->prog);
		return EXIT_FAIL;
	}
	a->cmd = cmd;
	optind = 0;		/* a fresh scan (GNU: also resets its state) */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (ch == '?' || ch == ':') {
			const char *what = argv[optind - 1];

			if (ch == ':')
				return option_error(ctx, "option ", what,
				    " needs a value");
			if (optopt >= 0x100)	/* --flag=value */
				return option_error(ctx, "option ", what,
				    " takes no value");
			return option_error(ctx, "unknown option ", what, "");
		}
		idx = ch >= 0x100 ? ch - 0x100 : -1;
		for (int i = 0; idx == -1 && i < n; i++)
			if (d[i].short_name == ch)
				idx = i;
		if (idx < 0)
			abort();
		if (idx < ncommon) {
			if (d[idx].name[0] == 'j')
				ctx->json = 1;
			else if (d[idx].name[0] == 'r')
				ctx->reveal = 1;
			else
				a->help = 1;
			continue;
		}
		a->opts[a->nopts].name = d[idx].name;
		a->opts[a->nopts].len = d[idx].len;
		a->opts[a->nopts].value = d[idx].has_value ? optarg : "";
		a->nopts++;
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	return EXIT_OK;
}

/*
 * A TIN given as "-" is read from the first line of standard input, so
 * the whole number never shows in ps or /proc/PID/cmdline (a TIN is an
 * EIN or a Social Security number).  One byte at a time: the rest of
 * standard input stays unread.  The command validates the TIN as usual.
 */
static int
read_stdin_tin(struct cli_ctx *ctx, struct cli_args *a, const char *what)
{
	char *t = a->tin_stdin, c;
	size_t n = 0;
	ssize_t r;

	if (t[0] != '\0')
		return EXIT_OK;		/* read once, used by every "-" */
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "TIN: ");
	for (;;) {
		r = read(STDIN_FILENO, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			fprintf(stderr, "%s %s: %s: cannot read standard input: "
			    "%s\n", ctx->prog, ctx->name, what, strerror(errno));
			return EXIT_FAIL;
		}
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= sizeof a->tin_stdin) {
			fprintf(stderr, "%s %s: %s: the first line of standard "
			    "input is too long for a TIN; write only the TIN, e.g. "
			    "12-3456789\n", ctx->prog, ctx->name, what);
			return EXIT_INVALID;
		}
		t[n++] = c;
	}
	while (n > 0 && (t[n - 1] == '\r' || t[n - 1] == ' ' ||
	    t[n - 1] == '\t'))
		n--;
	t[n] = '\0';
	n = strspn(t, " \t");
	memmove(t, t + n, strlen(t + n) + 1);
	if (t[0] == '\0') {
		fprintf(stderr, "%s %s: %s reads the TIN from standard input, "
		    "which held none; pipe it in, e.g. from a file: %s "
		    "<tin.txt\n", ctx->prog, ctx->name, what, what);
		return EXIT_INVALID;
	}
	return EXIT_OK;
}

/* Put a TIN read from standard input where "--tin -" or "tin=-" stood. */
static int
resolve_stdin_tin(struct cli_ctx *ctx, struct cli_args *a)
{
	int rc;

	for (int i = 0; i < a->nopts; i++)
		if (a->opts[i].len == 3 &&
		    strncmp(a->opts[i].name, "tin", 3) == 0 &&
		    strcmp(a->opts[i].value, "-") == 0) {
			if ((rc = read_stdin_tin(ctx, a, "--tin -")) != EXIT_OK)
				return rc;
			a->opts[i].value = a->tin_stdin;
		}
	/* set CASE tin=- and hardship set FILING tin=- */
	for (int i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], "tin=-") == 0) {
			if ((rc = read_stdin_tin(ctx, a, "tin=-")) != EXIT_OK)
				return rc;
			snprintf(a->tin_field, sizeof a->tin_field, "tin=%s",
			    a->tin_stdin);
			a->argv[i] = a->tin_field;
		}
	return EXIT_OK;
}

int
cli_dispatch(struct cli_ctx *ctx, const struct cli_cmd *table, int argc,
    char **argv, struct cli_args *a)
{
	const struct cli_cmd *cmd, *sub;
	const char *guess;
	int rc;

	if ((cmd = find(table, argv[0])) == NULL) {
		fprintf(stderr, "%s: unknown command '%s'; ", ctx->prog, argv[0]);
		if ((guess = cli_suggest(table, argv[0])) != NULL)
			fprintf(stderr, "did you mean '%s'?\n", guess);
		else
			fprintf(stderr, "'mipsreview help' lists them\n");
		return EXIT_USAGE;
	}
	ctx->cmd = cmd;
	ctx->name = cmd->name;
	if (cmd->subs != NULL) {
		if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0) {
			if (argc >= 2) {
				a->help = 1;
				return EXIT_OK;
			}
			fprintf(stderr, "%s %s: a subcommand is expected: ",
			    ctx->prog, cmd->name);
			list_names(stderr, cmd->subs);
			fprintf(stderr, "\nusage: mipsreview %s %s\n", cmd->name,
			    cmd->usage);
			return EXIT_USAGE;
		}
		if ((sub = find(cmd->subs, argv[1])) == NULL) {
			fprintf(stderr, "%s %s: unknown subcommand '%s'; ",
			    ctx->prog, cmd->name, argv[1]);
			if ((guess = cli_suggest(cmd->subs, argv[1])) != NULL)
				fprintf(stderr, "did you mean '%s'?\n", guess);
			else {
				fprintf(stderr, "use ");
				list_names(stderr, cmd->subs);
				fputc('\n', stderr);
			}
			return EXIT_USAGE;
		}
		/* The sub's row knows its options; the parent's its help. */
		snprintf(ctx->namebuf, sizeof ctx->namebuf, "%s %s", cmd->name,
		    sub->name);
		ctx->name = ctx->namebuf;
		argc--;
		argv++;
	} else
		sub = cmd;
	ctx->usage = sub->usage;
	if ((rc = parse_options(ctx, sub, argc, argv, a)) != EXIT_OK)
		return rc;
	if (a->help)
		return EXIT_OK;
	if (a->argc < sub->min_args) {
		fprintf(stderr, "%s %s: %s\nusage: mipsreview %s %s\n", ctx->prog,
		    ctx->name, sub->missing != NULL ? sub->missing :
		    "an argument is missing", ctx->name, ctx->usage);
		return EXIT_USAGE;
	}
	if (sub->max_args >= 0 && a->argc > sub->max_args) {
		fprintf(stderr, "%s %s: unexpected argument '%s'\nusage: "
		    "mipsreview %s %s\n", ctx->prog, ctx->name,
		    a->argv[sub->max_args], ctx->name, ctx->usage);
		return EXIT_USAGE;
	}
	return resolve_stdin_tin(ctx, a);
}

/* A name the command's row does not declare is a programming error. */
static void
check_declared(const struct cli_args *a, const char *name)
{
	struct decl d[MAX_DECLS];
	int n = parse_decls(a->cmd->opts, d, MAX_DECLS);

	for (int i = 0; i < n; i++)
		if (strlen(name) == d[i].len &&
		    strncmp(d[i].name, name, d[i].len) == 0)
			return;
	fprintf(stderr, "mipsreview: internal error: option --%s is not "
	    "declared for %s\n", name, a->cmd->name);
	abort();
}

const char *
cli_opt_nth(const struct cli_args *a, const char *name, int nth)
{
	size_t len = strlen(name);

	check_declared(a, name);
	for (int i = 0; i < a->nopts; i++)
		if (a->opts[i].len == len &&
		    strncmp(a->opts[i].name, name, len) == 0 && nth-- == 0)
			return a->opts[i].value;
	return NULL;
}

int
cli_opt_count(const struct cli_args *a, const char *name)
{
	int n = 0;

	while (cli_opt_nth(a, name, n) != NULL)
		n++;
	return n;
}

const char *
cli_opt(const struct cli_args *a, const char *name)
{
	int n = cli_opt_count(a, name);

	return n == 0 ? NULL : cli_opt_nth(a, name, n - 1);
}

void
cli_args_free(struct cli_args *a)
{
	free(a->opts);
	a->opts = NULL;
}
