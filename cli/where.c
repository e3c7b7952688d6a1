/*
 * Which database and which configuration a command uses, and why:
 *
 *   database       --db, else $MIPSREVIEW_DB, else the 'database' of the
 *                  configuration (its default when not set there), else
 *                  the per-user default $XDG_DATA_HOME/mipsreview/mipsreview.db
 *   configuration  --config, else $MIPSREVIEW_CONFIG, else the system's
 *                  SYSCONFDIR/mipsreview/mipsreviewd.conf when it exists
 *
 * So on an installed system the CLI and mipsreviewd share one database
 * without any option, and a person without that file keeps a private one.
 * "mipsreview --where" shows the outcome.
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/mr_config.h"
#include "lib/mr_place.h"

#define SYSTEM_CONFIG SYSCONFDIR "/mipsreview/mipsreviewd.conf"

/*
 * The per-user default, $XDG_DATA_HOME/mipsreview/mipsreview.db; with
 * create, its folder and missing parents are made 0700 (it holds PII).
 */
static char *
default_db_path(int create)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char *dir = NULL, *path = NULL;
	struct passwd *pw;
	int n;

	if (xdg != NULL && xdg[0] == '/')
		n = asprintf(&dir, "%s/mipsreview", xdg);
	else {
		if (home == NULL || *home == '\0')
			home = (pw = getpwuid(getuid())) ? pw->pw_dir : "/";
		n = asprintf(&dir, "%s/.local/share/mipsreview", home);
	}
	if (n == -1)
		return NULL;
	for (char *p = dir + 1; create && *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(dir, 0700);
		*p = '/';
	}
	if (create)
		(void)mkdir(dir, 0700);
	if (asprintf(&path, "%s/mipsreview.db", dir) == -1)
		path = NULL;
	free(dir);
	return path;
}

void
cli_locate_config(struct cli_ctx *ctx, const char *opt_config)
{
	const char *env = getenv("MIPSREVIEW_CONFIG");

	if (opt_config != NULL) {
		ctx->config_path = opt_config;
		ctx->config_source = "--config";
	} else if (env != NULL && *env != '\0') {
		ctx->config_path = env;
		ctx->config_source = "MIPSREVIEW_CONFIG";
	} else if (access(SYSTEM_CONFIG, F_OK) == 0) {
		ctx->config_path = SYSTEM_CONFIG;
		ctx->config_source = "system";
	} else {
		ctx->config_path = NULL;
		ctx->config_source = "none";
	}
}

int
cli_locate_db(struct cli_ctx *ctx, int create, struct mr_err *err)
{
	const char *env = getenv("MIPSREVIEW_DB");
	struct mr_config *cfg = NULL;

	if (ctx->db_path != NULL)
		return 0;
	if (env != NULL && *env != '\0') {
		ctx->db_path = strdup(env);
		ctx->db_source = "MIPSREVIEW_DB";
	} else if (ctx->config_path != NULL) {
		if (mr_config_load(ctx->config_path, 0, &cfg, err) == -1)
			return -1;
		ctx->db_path = strdup(mr_config_get(cfg, MR_CFG_DATABASE));
		ctx->db_source = mr_config_is_set(cfg, MR_CFG_DATABASE) ? "config" :
		    "config-default";
		mr_config_free(cfg);
	} else {
		ctx->db_path = default_db_path(create);
		ctx->db_source = "default";
	}
	if (ctx->db_path == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	return 0;
}

/* Why the database is the one it is, in words. */
static void
db_reason(const struct cli_ctx *ctx, char *buf, size_t len)
{
	const char *s = ctx->db_source;

	if (strcmp(s, "--db") == 0)
		snprintf(buf, len, "the --db option");
	else if (strcmp(s, "MIPSREVIEW_DB") == 0)
		snprintf(buf, len, "$MIPSREVIEW_DB");
	else if (strcmp(s, "config") == 0)
		snprintf(buf, len, "'database' in %s", ctx->config_path);
	else if (strcmp(s, "config-default") == 0)
		snprintf(buf, len, "the default of 'database', not set in %s",
		    ctx->config_path);
	else
		snprintf(buf, len, "the per-user default (no --db, "
		    "$MIPSREVIEW_DB or %s)", SYSTEM_CONFIG);
}

static void
config_reason(const struct cli_ctx *ctx, char *buf, size_t len)
{
	const char *s = ctx->config_source;

	if (strcmp(s, "--config") == 0)
		snprintf(buf, len, "the --config option");
	else if (strcmp(s, "MIPSREVIEW_CONFIG") == 0)
		snprintf(buf, len, "$MIPSREVIEW_CONFIG");
	else if (strcmp(s, "system") == 0)
		snprintf(buf, len, "the system configuration");
	else
		snprintf(buf, len, "no --config, $MIPSREVIEW_CONFIG or %s",
		    SYSTEM_CONFIG);
}

int
cli_where(struct cli_ctx *ctx)
{
	struct mr_err err = { 0 }, perr = { 0 };
	struct mr_place pl;
	struct passwd *pw;
	char dbwhy[4200], cfwhy[4200], group[64];
	const char *who;
	int usable, rc;

	if (cli_locate_db(ctx, 0, &err) == -1)
		return cli_fail(ctx, &err);
	usable = mr_place_check(ctx->db_path, &pl, &perr) == 0;
	if (usable)
		mr_place_group_name(&pl, group, sizeof group);
	db_reason(ctx, dbwhy, sizeof dbwhy);
	config_reason(ctx, cfwhy, sizeof cfwhy);
	who = (pw = getpwuid(geteuid())) ? pw->pw_name : "unknown";
	if (ctx->json) {
		rc = cli_print_json(json_pack("{s:{s:s, s:s, s:s, s:s?, s:s?, "
		    "s:b}, s:{s:s?, s:s, s:s}, s:s, s:b, s:s?}",
		    "database", "path", ctx->db_path, "source", ctx->db_source,
		    "reason", dbwhy, "sharing", usable ?
		    mr_place_sharing_name(pl.sharing) : NULL, "group", usable &&
		    pl.sharing == MR_SHARE_GROUP ? group : NULL,
		    "exists", usable && pl.exists,
		    "configuration", "path", ctx->config_path, "source",
		    ctx->config_source, "reason", cfwhy,
		    "audited_as", who, "usable", usable,
		    "problem", usable ? NULL : perr.msg));
		return rc == EXIT_OK && !usable ? EXIT_DB : rc;
	}
	printf("database:      %s\n  chosen by:   %s\n", ctx->db_path, dbwhy);
	if (usable && pl.sharing == MR_SHARE_GROUP)
		printf("  shared with: group %s (files 0660, evidence 0640, "
		    "folders 2770)\n", group);
	else if (usable)
		printf("  shared with: nobody (files 0600, folders 0700)\n");
	if (usable && !pl.exists)
		printf("  (not created yet: the first command that writes "
		    "creates it)\n");
	printf("configuration: %s\n  chosen by:   %s\n", ctx->config_path ?
	    ctx->config_path : "(none: built-in defaults)", cfwhy);
	printf("audited as:    %s\n", who);
	if (!usable) {
		fprintf(stderr, "%s: %s\n", ctx->prog, perr.msg);
		return EXIT_DB;
	}
	return EXIT_OK;
}
