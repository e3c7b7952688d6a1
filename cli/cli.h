/*
 * cli.h: what the subcommands of mipsreview share.
 *
 * Adding a subcommand "foo":
 *  1. write cli/cmd_foo.c with  int cmd_foo(struct cli_ctx *, int, char **);
 *  2. declare it below;  3. add a row to commands[] in cli/main.c;
 *  4. add it to cli/local.mk and to the COMMANDS section of man/mipsreview.1.
 */
#ifndef CLI_H
#define CLI_H

#include <getopt.h>
#include <stdio.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_store;

/* Exit statuses, documented in mipsreview(1). */
enum {
	EXIT_OK		= 0,
	EXIT_FAIL	= 1,	/* anything not below */
	EXIT_USAGE	= 2,	/* unknown command or option, missing argument */
	EXIT_INVALID	= 3,	/* a value failed validation */
	EXIT_NOTFOUND	= 4,	/* no such case, window, filing ... */
	EXIT_REFUSED	= 5,	/* not allowed in the current state */
	EXIT_DB		= 6,	/* the database cannot be opened or used */
	EXIT_INTEGRITY	= 7,	/* verification found damage or tampering */
	EXIT_SEND	= 8,	/* some alerts could not be delivered */
};

struct cli_ctx {
	const char	*prog;		/* "mipsreview" */
	const struct cli_cmd *cmd;	/* the running subcommand */
	char		*db_path;
	const char	*config_path;	/* --config or $MIPSREVIEW_CONFIG */
	struct mr_store	*st;		/* opened by main() for CMD_NEEDS_DB */
	int		 json;		/* --json */
	int		 reveal;	/* --reveal: whole TINs */
	int		 color;		/* stdout is a terminal and NO_COLOR unset */
	long long	 now;		/* the clock (time_t) */
	const char	*viewer_zone;	/* the person's zone: $TZ or /etc/localtime */
};

#define CMD_NEEDS_DB	0x1
#define CMD_WRITES	0x2

struct cli_cmd {
	const char	*name;
	int		(*fn)(struct cli_ctx *, int, char **);
	const char	*usage;		/* arguments after the name */
	const char	*summary;	/* one line for "mipsreview help" */
	const char	*help;		/* option lines for "help CMD" */
	unsigned int	 flags;
};

/*
 * Options every command takes; list them in each command's long options
 * with CLI_COMMON_LONGOPTS and hand unknown option characters to
 * cli_common_option().
 */
#define CLI_OPT_JSON	0x100
#define CLI_OPT_REVEAL	0x101
#define CLI_OPT_HELP	'h'
#define CLI_COMMON_LONGOPTS \
	{ "json",   no_argument, NULL, CLI_OPT_JSON }, \
	{ "reveal", no_argument, NULL, CLI_OPT_REVEAL }, \
	{ "help",   no_argument, NULL, CLI_OPT_HELP }

/*
 * Handle a common option or a getopt error.  Returns -1 when the caller
 * should go on parsing, otherwise the exit status to return now.
 */
int	cli_common_option(struct cli_ctx *, int opt);
/* Print "usage: ..." for the running command to stderr; returns EXIT_USAGE. */
int	cli_usage(struct cli_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Print the error once, "mipsreview: msg"; returns the matching exit status. */
int	cli_fail(struct cli_ctx *, const struct mr_err *);
/* Parse a case/window/... id argument; EXIT_OK or an exit status. */
int	cli_parse_id(struct cli_ctx *, const char *what, const char *s,
	    long long *id);
/* A --year filter (a performance year, 2017 or later); EXIT_OK or a status. */
int	cli_parse_year(struct cli_ctx *, const char *s, int *year);
/* Print a JSON value on stdout (pretty, with a final newline), consuming it. */
int	cli_print_json(json_t *);
/* Text helpers: colour codes when ctx->color, "" otherwise. */
const char *cli_color(const struct cli_ctx *, const char *code);
/* Open ctx->st on demand (for commands that only sometimes need it). */
int	cli_open_store(struct cli_ctx *);

/* The command table, for help and completion. */
const struct cli_cmd *cli_commands(void);

int	cmd_add(struct cli_ctx *, int, char **);
int	cmd_list(struct cli_ctx *, int, char **);
int	cmd_show(struct cli_ctx *, int, char **);
int	cmd_set(struct cli_ctx *, int, char **);
int	cmd_status(struct cli_ctx *, int, char **);
int	cmd_note(struct cli_ctx *, int, char **);
int	cmd_audit(struct cli_ctx *, int, char **);
/* -- windows and due (issue 3) */
int	cmd_window(struct cli_ctx *, int, char **);
int	cmd_due(struct cli_ctx *, int, char **);
/* -- evidence (issue 6) */
int	cmd_attach(struct cli_ctx *, int, char **);
int	cmd_evidence(struct cli_ctx *, int, char **);
int	cmd_check(struct cli_ctx *, int, char **);
int	cmd_packet(struct cli_ctx *, int, char **);
/* The evidence checklist of a case, for show (cli/cmd_check.c). */
void	evidence_show_text(struct cli_ctx *, long long case_id);
json_t	*evidence_show_json(struct cli_ctx *, long long case_id);
/* -- hardship and what-if (issue 8) */
int	cmd_hardship(struct cli_ctx *, int, char **);
int	cmd_whatif(struct cli_ctx *, int, char **);
/* -- calendar export and feeds (issue 4) */
int	cmd_export_ics(struct cli_ctx *, int, char **);
int	cmd_feed(struct cli_ctx *, int, char **);
/* -- alerts (issue 5) */
int	cmd_alerts(struct cli_ctx *, int, char **);
/* -- import and export (issue 7) */
int	cmd_import(struct cli_ctx *, int, char **);
int	cmd_export(struct cli_ctx *, int, char **);
/*
 * A data file that lands atomically: open a 0600 temporary beside path,
 * write, then cli_atomic_close() with keep=1 flushes, fsyncs, renames it
 * over path and fsyncs the folder (keep=0 removes it).  Both print the
 * error and return an exit status (cli_atomic_open: NULL on failure).
 */
FILE	*cli_atomic_open(struct cli_ctx *, const char *path, char **tmp);
int	cli_atomic_close(struct cli_ctx *, FILE *, char *tmp, const char *path,
	    int keep);

#endif /* CLI_H */
