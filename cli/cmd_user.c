/*
 * mipsreview user add|list|passwd|disable|enable|set|token: the accounts with which
 * the office's staff use mipsreviewd's pages and JSON API.  Passwords are
 * read from the terminal without echo, or from standard input with
 * --password-stdin; they never appear on a command line, where any user
 * of the machine could read them from the process list.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "lib/mr_user.h"
#include "lib/mr_view.h"

#define PASSWORD_BUF	(MR_PASSWORD_MAX + 2)

/* One line of fp into buf without its line end; -1 if too long or none. */
static int
read_line(FILE *fp, char *buf, size_t len)
{
	size_t n;

	if (fgets(buf, (int)len, fp) == NULL)
		return -1;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(fp))
		return -2;	/* longer than the buffer */
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

/* Ask on the terminal, echo off; prompt twice when confirm. */
static int
ask_password(struct cli_ctx *ctx, const char *account, int confirm,
    char *buf, size_t len)
{
	struct termios old, quiet;
	char *again = NULL;
	FILE *tty;
	int rc = EXIT_FAIL, restored = 1, got;

	if ((tty = fopen("/dev/tty", "r+")) == NULL ||
	    tcgetattr(fileno(tty), &old) == -1) {
		fprintf(stderr, "%s %s: no terminal to read the password "
		    "from; give it on standard input with --password-stdin\n",
		    ctx->prog, ctx->name);
		rc = EXIT_USAGE;
		goto out;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == -1)
		goto out;
	restored = 0;
	fprintf(tty, "password for %s: ", account);
	fflush(tty);
	got = read_line(tty, buf, len);
	fputc('\n', tty);
	if (got == 0 && confirm) {
		if ((again = malloc(len)) == NULL)
			goto out;
		fprintf(tty, "the same again: ");
		fflush(tty);
		got = read_line(tty, again, len);
		fputc('\n', tty);
		if (got == 0 && strcmp(buf, again) != 0) {
			fprintf(stderr, "%s %s: the two passwords differ; "
			    "nothing was changed\n", ctx->prog, ctx->name);
			rc = EXIT_INVALID;
			goto out;
		}
	}
	if (got != 0) {
		fprintf(stderr, "%s %s: %s\n", ctx->prog, ctx->name, got == -2 ?
		    "the password is too long" : "no password was given");
		rc = EXIT_INVALID;
		goto out;
	}
	rc = EXIT_OK;
out:
	if (!restored)
		(void)tcsetattr(fileno(tty), TCSAFLUSH, &old);
	if (tty != NULL)
		fclose(tty);
	if (again != NULL) {
		memset(again, 0, len);
		free(again);
	}
	if (rc != EXIT_OK)
		memset(buf, 0, len);
	return rc;
}

/* The password from --password-stdin (one line) or the terminal. */
static int
get_password(struct cli_ctx *ctx, struct cli_args *a, const char *account,
    char *buf, size_t len)
{
	int got;

	if (cli_opt(a, "password-stdin") == NULL)
		return ask_password(ctx, account, 1, buf, len);
	if ((got = read_line(stdin, buf, len)) != 0) {
		memset(buf, 0, len);
		fprintf(stderr, "%s %s: %s\n", ctx->prog, ctx->name, got == -2 ?
		    "the password on standard input is too long" :
		    "no password on standard input (one line is expected)");
		return EXIT_INVALID;
	}
	return EXIT_OK;
}

int
cmd_user_add(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	struct mr_user u = { 0 };
	enum mr_role role;
	const char **tins = NULL;
	char *pw = NULL;
	int64_t id;
	int rc, ntins = cli_opt_count(a, "tin");

	if (cli_opt(a, "role") == NULL)
		return cli_usage(ctx, "--role viewer|officer|admin is expected");
	if (mr_role_parse(cli_opt(a, "role"), &role, &err) == -1)
		return cli_fail(ctx, &err);
	if (ntins > 0 && (tins = calloc((size_t)ntins, sizeof *tins)) == NULL)
		return cli_print_json(NULL);
	for (int i = 0; i < ntins; i++)
		tins[i] = cli_opt_nth(a, "tin", i);
	if ((pw = malloc(PASSWORD_BUF)) == NULL) {
		rc = cli_print_json(NULL);
		goto out;
	}
	if ((rc = get_password(ctx, a, a->argv[0], pw, PASSWORD_BUF)) != EXIT_OK)
		goto out;
	if ((rc = cli_open_store(ctx)) != EXIT_OK)
		goto out;
	if (mr_user_add(ctx->st, a->argv[0], role, tins, ntins, pw, &id,
	    &err) == -1) {
		rc = cli_fail(ctx, &err);
		goto out;
	}
	if (ctx->json) {
		if (mr_user_get(ctx->st, a->argv[0], &u, &err) == -1) {
			rc = cli_fail(ctx, &err);
			goto out;
		}
		rc = cli_print_json(cli_view(ctx) ? mr_view_user(ctx->view, &u) :
		    NULL);
	} else {
		printf("%lld\n", (long long)id);
		rc = EXIT_OK;
	}
out:
	if (pw != NULL) {
		memset(pw, 0, PASSWORD_BUF);
		free(pw);
	}
	mr_user_clear(&u);
	free(tins);
	return rc;
}

struct list_out {
	struct cli_ctx	*ctx;
	json_t		*array;
	int		 n;
};

static int
list_one(const struct mr_user *u, void *arg)
{
	struct list_out *o = arg;
	char tins[64] = "all", tin[16];
	size_t off = 0;

	o->n++;
	if (o->array != NULL)
		return json_array_append_new(o->array,
		    mr_view_user(o->ctx->view, u)) == 0 ? 0 : 1;
	for (int i = 0; i < u->ntins && off < sizeof tins; i++) {
		int w;

		render_tin(o->ctx, u->tins[i], tin, sizeof tin);
		w = snprintf(tins + off, sizeof tins - off, "%s%s",
		    i ? "," : "", tin);
		if (w < 0 || (size_t)w >= sizeof tins - off) {
			snprintf(tins + sizeof tins - 5, 5, ",...");
			break;
		}
		off += (size_t)w;
	}
	if (o->n == 1)
		printf("%-4s %-20s %-8s %-8s %-6s %s\n", "ID", "NAME", "ROLE",
		    "STATE", "TOKENS", "TINS");
	printf("%-4lld %-20.64s %-8s %-8s %-6d %s\n", (long long)u->id,
	    u->name, mr_role_name(u->role), u->disabled_at[0] ? "disabled" :
	    u->password_changed_at[0] ? "active" : "no-pass", u->ntokens,
	    tins);
	return 0;
}

int
cmd_user_list(struct cli_ctx *ctx, struct cli_args *a)
{
	struct list_out o = { .ctx = ctx };
	struct mr_err err = { 0 };
	int rc;

	(void)a;
	if ((rc = cli_open_store(ctx)) != EXIT_OK)
		return rc;
	if (ctx->json && (cli_view(ctx) == NULL ||
	    (o.array = json_array()) == NULL))
		return cli_print_json(NULL);
	if (mr_user_each(ctx->st, list_one, &o, &err) == -1) {
		json_decref(o.array);
		return cli_fail(ctx, &err);
	}
	if (o.array != NULL)
		return cli_print_json(o.array);
	if (o.n == 0)
		printf("no accounts; add one with 'mipsreview user add NAME "
		    "--role admin'\n");
	return EXIT_OK;
}

int
cmd_user_passwd(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	char *pw;
	int rc;

	if ((pw = malloc(PASSWORD_BUF)) == NULL)
		return cli_print_json(NULL);
	if ((rc = get_password(ctx, a, a->argv[0], pw, PASSWORD_BUF)) != EXIT_OK)
		goto out;
	if ((rc = cli_open_store(ctx)) != EXIT_OK)
		goto out;
	if (mr_user_passwd(ctx->st, a->argv[0], pw, &err) == -1) {
		rc = cli_fail(ctx, &err);
		goto out;
	}
	fprintf(stderr, "password of '%s' set; its browser sessions ended\n",
	    a->argv[0]);
	rc = EXIT_OK;
out:
	memset(pw, 0, PASSWORD_BUF);
	free(pw);
	return rc;
}

int
cmd_user_disable(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	int rc;

	if ((rc = cli_open_store(ctx)) != EXIT_OK)
		return rc;
	if (mr_user_disable(ctx->st, a->argv[0], &err) == -1)
		return cli_fail(ctx, &err);
	printf("account '%s' disabled; its password, tokens and sessions no "
	    "longer work\n", a->argv[0]);
	return EXIT_OK;
}

int
cmd_user_enable(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	struct mr_user u = { 0 };
	int rc;

	if ((rc = cli_open_store(ctx)) != EXIT_OK)
		return rc;
	if (mr_user_enable(ctx->st, a->argv[0], &err) == -1 ||
	    mr_user_get(ctx->st, a->argv[0], &u, &err) == -1)
		return cli_fail(ctx, &err);
	printf("account '%s' enabled; its password works again", a->argv[0]);
	if (u.ntokens > 0)
		printf(", and so do its %d API token%s (revoke one with "
		    "'mipsreview user token revoke ID')", u.ntokens,
		    u.ntokens == 1 ? "" : "s");
	printf("\n");
	mr_user_clear(&u);
	return EXIT_OK;
}

/* user set NAME [--role R] [--tin TIN...|--no-tin] */
int
cmd_user_set(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	struct mr_user u = { 0 };
	enum mr_role role;
	const char **tins = NULL, *r = cli_opt(a, "role");
	int rc, changed, ntins = cli_opt_count(a, "tin"),
	    no_tin = cli_opt(a, "no-tin") != NULL;

	if (r == NULL && ntins == 0 && !no_tin)
		return cli_usage(ctx, "nothing to set: --role, --tin or "
		    "--no-tin is expected");
	if (ntins > 0 && no_tin)
		return cli_usage(ctx, "--tin and --no-tin exclude each other");
	if (r != NULL && mr_role_parse(r, &role, &err) == -1)
		return cli_fail(ctx, &err);
	if (ntins > 0 && (tins = calloc((size_t)ntins, sizeof *tins)) == NULL)
		return cli_print_json(NULL);
	for (int i = 0; i < ntins; i++)
		tins[i] = cli_opt_nth(a, "tin", i);
	if ((rc = cli_open_store(ctx)) != EXIT_OK)
		goto out;
	if (mr_user_set(ctx->st, a->argv[0], r != NULL ? &role : NULL,
	    ntins > 0 || no_tin, tins, ntins, &changed, &err) == -1 ||
	    mr_user_get(ctx->st, a->argv[0], &u, &err) == -1) {
		rc = cli_fail(ctx, &err);
		goto out;
	}
	if (ctx->json)
		rc = cli_print_json(cli_view(ctx) ? mr_view_user(ctx->view, &u) :
		    NULL);
	else {
		char tin[16];

		printf("account '%s' %s: %s, ", u.name, changed ? "changed" :
		    "unchanged", mr_role_name(u.role));
		if (u.ntins == 0)
			printf("every TIN");
		for (int i = 0; i < u.ntins; i++) {
			render_tin(ctx, u.tins[i], tin, sizeof tin);
			printf("%s%s", i ? ", " : "TINs ", tin);
		}
		printf("\n");
		rc = EXIT_OK;
	}
out:
	mr_user_clear(&u);
	free(tins);
	return rc;
}

int
cmd_user_token(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 };
	char token[MR_TOKEN_LEN + 1], owner[65];
	long long tid;
	int64_t id;
	int rc;

	if (strcmp(a->argv[0], "add") == 0) {
		if ((rc = cli_open_store(ctx)) != EXIT_OK)
			return rc;
		if (mr_user_token_add(ctx->st, a->argv[1], token, sizeof token,
		    &id, &err) == -1)
			return cli_fail(ctx, &err);
		if (ctx->json)
			rc = cli_print_json(cli_view(ctx) ?
			    mr_view_user_token_added(ctx->view, id, a->argv[1],
			    token) : NULL);
		else {
			printf("%s\n", token);
			fprintf(stderr, "API token %lld for '%s' added; it is "
			    "shown only once: keep it safe (send it as "
			    "'Authorization: Bearer TOKEN')\n", (long long)id,
			    a->argv[1]);
			rc = EXIT_OK;
		}
		memset(token, 0, sizeof token);
		return rc;
	}
	if (strcmp(a->argv[0], "revoke") == 0) {
		if ((rc = cli_parse_id(ctx, "token", a->argv[1], &tid)) != EXIT_OK)
			return rc;
		if ((rc = cli_open_store(ctx)) != EXIT_OK)
			return rc;
		if (mr_user_token_revoke(ctx->st, tid, owner, &err) == -1)
			return cli_fail(ctx, &err);
		printf("API token %lld of '%s' revoked\n", tid, owner);
		return EXIT_OK;
	}
	return cli_usage(ctx, "'%s': add NAME or revoke ID is expected",
	    a->argv[0]);
}
