/*
 * cli.h: what the subcommands of mipsreview share.
 *
 * Adding a subcommand "foo":
 *  1. write cli/cmd_foo.c with  int cmd_foo(struct cli_ctx *, struct cli_args *);
 *  2. declare it below;  3. add a row to commands[] in cli/main.c, declaring
 *     its options and operands (the dispatcher parses them);
 *  4. add it to cli/local.mk, man/mipsreview.1 and the bash completion.
 */
#ifndef CLI_H
#define CLI_H

#include <stdio.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_store;
struct mr_view;

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
	EXIT_NET	= 9,	/* CMS's server unreachable, or busy after retries */
	EXIT_TLS	= 10,	/* CMS's server certificate refused */
	EXIT_REMOTE	= 11,	/* CMS's server answered something unexpected */
};

struct cli_cmd;

struct cli_ctx {
	const char	*prog;		/* "mipsreview" */
	const struct cli_cmd *cmd;	/* the running command (its table row) */
	const char	*name;		/* "add", "window add": for messages */
	const char	*usage;		/* the running (sub)command's usage */
	char		 namebuf[64];
	char		*db_path;
	const char	*db_source;	/* what chose it (cli/where.c) */
	const char	*config_path;	/* NULL: none, built-in defaults */
	const char	*config_source;	/* what chose it (cli/where.c) */
	struct mr_store	*st;		/* opened by main() for CMD_NEEDS_DB */
	int		 json;		/* --json */
	int		 reveal;	/* --reveal: whole TINs */
	int		 color;		/* stdout is a terminal and NO_COLOR unset */
	long long	 now;		/* the clock (time_t) */
	const char	*viewer_zone;	/* the person's zone: $TZ or /etc/localtime */
	struct mr_view	*view;		/* made by cli_view() on first use */
};

/* The command opens the database (main() does it before running it). */
#define CMD_NEEDS_DB	0x1
/*
 * The command may change the database.  One without this flag runs with
 * the database read-only (PRAGMA query_only): a read cannot write.
 */
#define CMD_WRITES	0x2

/*
 * The options and operands of one run of a command, parsed by the
 * dispatcher from what the command's table row declares.
 */
struct cli_args {
	int		 argc;		/* the operands, options taken out */
	char		**argv;
	int		 help;		/* --help was given */
	/* A TIN read from standard input for "--tin -" or "tin=-". */
	char		 tin_stdin[64];
	char		 tin_field[68];	/* "tin=" and it, for FIELD=VALUE */
	/* the dispatcher's */
	const struct cli_cmd *cmd;
	int		 nopts;
	struct cli_optval *opts;
};

/*
 * A row of the command table (cli/main.c), as tmux's cmd_entry: the name,
 * the options and number of operands it takes, its help, and either the
 * function that runs it or a table of subcommands ("window add").
 *
 * opts declares the options, separated by blanks: "force" takes no value,
 * "tin=" takes one, "o|output=" is also -o.  --json, --reveal and --help
 * are every command's.  An option may be given more than once.
 */
struct cli_cmd {
	const char	*name;
	const char	*alias;		/* another name that runs it, or NULL */
	int		(*fn)(struct cli_ctx *, struct cli_args *);
	const char	*opts;
	int		 min_args;	/* operands at least ... */
	int		 max_args;	/* ... and at most (-1: any number) */
	const char	*missing;	/* said when operands are missing */
	const char	*usage;		/* arguments after the name */
	const char	*summary;	/* one line for "mipsreview help" */
	const char	*help;		/* option lines for "help CMD" */
	unsigned int	 flags;
	const struct cli_cmd *subs;	/* subcommands, or NULL */
};

/*
 * Find argv[0] (and, for a command with subcommands, argv[1]) in the table,
 * parse the options its row declares into *args and check the number of
 * operands.  EXIT_OK with ctx->cmd set (args->help when --help was asked),
 * or the exit status after saying what was wrong on stderr.  Free args with
 * cli_args_free() either way.
 */
int	cli_dispatch(struct cli_ctx *, const struct cli_cmd *table, int argc,
	    char **argv, struct cli_args *args);
void	cli_args_free(struct cli_args *);
/* The name in table nearest to word, if one is near enough to suggest. */
const char *cli_suggest(const struct cli_cmd *table, const char *word);

/*
 * An option's value (the last one given), "" for a given option that takes
 * no value, NULL if it was not given.  Asking for an option the command
 * does not declare aborts: that is a programming error.
 */
const char *cli_opt(const struct cli_args *, const char *name);
/* How many times the option was given, and the nth (from 0) value. */
int	cli_opt_count(const struct cli_args *, const char *name);
const char *cli_opt_nth(const struct cli_args *, const char *name, int nth);

/*
 * Which configuration (from --config's value or NULL) and which database
 * to use (cli/where.c); cli_locate_db() with create makes the per-user
 * default's folder.  cli_where() prints them and why (--where).
 */
void	cli_locate_config(struct cli_ctx *, const char *opt_config);
int	cli_locate_db(struct cli_ctx *, int create, struct mr_err *);
int	cli_where(struct cli_ctx *);

/*
 * "mipsreview add: MESSAGE" and the usage of the running command on
 * stderr; returns EXIT_USAGE.
 */
int	cli_usage(struct cli_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Print the error once, "mipsreview: msg"; returns the matching exit status. */
int	cli_fail(struct cli_ctx *, const struct mr_err *);
/* The exit status matching an error, without printing it. */
int	cli_fail_status(const struct mr_err *);
/* Parse a case/window/... id argument; EXIT_OK or an exit status. */
int	cli_parse_id(struct cli_ctx *, const char *what, const char *s,
	    long long *id);
/* A --year filter (a performance year, 2017 or later); EXIT_OK or a status. */
int	cli_parse_year(struct cli_ctx *, const char *s, int *year);
/*
 * The --year, --status and --tin filters of a case listing into *f; the
 * normalized TIN goes into tin (>= 10 bytes), which f then points to.
 */
struct mr_case_filter;
int	cli_parse_case_filter(struct cli_ctx *, struct cli_args *,
	    struct mr_case_filter *f, char *tin, size_t tinlen);
/* Print a JSON value on stdout (pretty, with a final newline), consuming it. */
int	cli_print_json(json_t *);
/* Text helpers: colour codes when ctx->color, "" otherwise. */
const char *cli_color(const struct cli_ctx *, const char *code);
/*
 * The JSON views (lib/mr_view.h) for this person now: the clock, their zone
 * and --reveal.  Made on first use, after the options are parsed; NULL
 * when out of memory.
 */
struct mr_view *cli_view(struct cli_ctx *);
/* Open ctx->st on demand (for commands that only sometimes need it). */
int	cli_open_store(struct cli_ctx *);

/* The commands (cli/cmd_<name>.c); subcommands are cmd_<name>_<sub>. */
#define CLI_COMMAND(fn) int fn(struct cli_ctx *, struct cli_args *)
CLI_COMMAND(cmd_add);
CLI_COMMAND(cmd_list);
CLI_COMMAND(cmd_show);
CLI_COMMAND(cmd_set);
CLI_COMMAND(cmd_status);
CLI_COMMAND(cmd_note);
CLI_COMMAND(cmd_audit);
CLI_COMMAND(cmd_window_add);
CLI_COMMAND(cmd_window_list);
CLI_COMMAND(cmd_window_show);
CLI_COMMAND(cmd_window_set);
CLI_COMMAND(cmd_window_extend);
CLI_COMMAND(cmd_due);
CLI_COMMAND(cmd_attach);
CLI_COMMAND(cmd_evidence_list);
CLI_COMMAND(cmd_evidence_show);
CLI_COMMAND(cmd_evidence_verify);
CLI_COMMAND(cmd_evidence_detach);
CLI_COMMAND(cmd_check);
CLI_COMMAND(cmd_packet);
CLI_COMMAND(cmd_hardship_add);
CLI_COMMAND(cmd_hardship_list);
CLI_COMMAND(cmd_hardship_show);
CLI_COMMAND(cmd_hardship_set);
CLI_COMMAND(cmd_hardship_status);
CLI_COMMAND(cmd_whatif);
CLI_COMMAND(cmd_export_ics);
CLI_COMMAND(cmd_export_cases);
CLI_COMMAND(cmd_feed_add);
CLI_COMMAND(cmd_feed_list);
CLI_COMMAND(cmd_feed_revoke);
CLI_COMMAND(cmd_alerts_send);
CLI_COMMAND(cmd_alerts_list);
CLI_COMMAND(cmd_alerts_ack);
CLI_COMMAND(cmd_alerts_status);
CLI_COMMAND(cmd_alerts_log);
CLI_COMMAND(cmd_webhook_add);
CLI_COMMAND(cmd_webhook_list);
CLI_COMMAND(cmd_webhook_remove);
CLI_COMMAND(cmd_webhook_test);
CLI_COMMAND(cmd_import);
CLI_COMMAND(cmd_lookup);
CLI_COMMAND(cmd_grounds);
CLI_COMMAND(cmd_reference_list);
CLI_COMMAND(cmd_reference_import);
CLI_COMMAND(cmd_reference_export);
CLI_COMMAND(cmd_user_add);
CLI_COMMAND(cmd_user_list);
CLI_COMMAND(cmd_user_passwd);
CLI_COMMAND(cmd_user_disable);
CLI_COMMAND(cmd_user_enable);
CLI_COMMAND(cmd_user_set);
CLI_COMMAND(cmd_user_token);
/* The evidence checklist of a case, for show (cli/cmd_check.c). */
void	evidence_show_text(struct cli_ctx *, long long case_id);

/*
 * Post the due alerts to the webhooks (cli/cmd_webhook.c), for 'alerts
 * send': a line per delivery and a summary, or with array the reports as
 * JSON there.  *problems counts deliveries that failed or were refused.
 */
struct mr_alert_settings;
struct mr_config;
int	cli_webhook_send(struct cli_ctx *, const struct mr_config *,
	    const struct mr_alert_settings *, json_t **array, int *problems);

#endif /* CLI_H */
