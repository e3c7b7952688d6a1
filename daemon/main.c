/*
 * mipsreviewd: the background service over the mipsreview database.
 *
 * Life cycle (OpenSMTPD/chrony order): parse options, read the
 * configuration, detach if asked (the parent waits until the child is
 * ready), open the database, listen, render the feeds, write the pidfile,
 * announce readiness (log line, $NOTIFY_SOCKET, the parent), then wait in
 * a poll() loop fed by a self-pipe: signal handlers only set flags.
 *   SIGHUP          re-read the configuration; keep the old one if the
 *                   new one is invalid
 *   SIGTERM/SIGINT  stop accepting, finish requests under way, exit 0
 * Changes the CLI commits are seen through PRAGMA data_version.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon/api.h"
#include "daemon/auth.h"
#include "daemon/feeds.h"
#include "daemon/http.h"
#include "daemon/log.h"
#include "daemon/notify.h"
#include "daemon/refresh.h"
#include "daemon/sched.h"
#include "daemon/web_http.h"
#include "lib/mr_config.h"
#include "lib/mr_file.h"
#include "lib/mr_ical.h"
#include "lib/mr_input.h"
#include "lib/mr_nodump.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG	SYSCONFDIR "/mipsreview/mipsreviewd.conf"
/* How often the database is asked whether another process changed it. */
#define POLL_MS		250
/* How long SIGTERM waits for requests under way. */
#define DRAIN_MS	2000

static int sigpipe_fds[2] = { -1, -1 };
static volatile sig_atomic_t got_term, got_hup;

/* Command-line settings, applied over every configuration read. */
static const char *opt_config, *opt_db, *opt_listen, *opt_pidfile;
static int config_is_default = 1;

static int ready_fd = -1;		/* --daemon: tells the parent */
static char *pidfile_written;

static void
on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
	(void)!write(sigpipe_fds[1], &c, 1);
	errno = saved;
}

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: mipsreviewd [-dnv] [--config FILE] [--db PATH] "
	    "[--listen ADDR:PORT] [--pidfile FILE]\n"
	    "  -c, --config FILE     configuration (default %s)\n"
	    "      --db PATH         database (overrides 'database')\n"
	    "  -l, --listen ADDR:PORT  feed address (overrides 'listen'; port 0: any)\n"
	    "  -d, --daemon          detach; the parent exits once the service is ready\n"
	    "  -p, --pidfile FILE    write the process id (overrides 'pidfile')\n"
	    "  -n, --check           check the configuration and database, then exit\n"
	    "  -v, --verbose         log debug messages\n", DEFAULT_CONFIG);
	exit(status);
}

/*
 * MIPSREVIEW_NOW, as mipsreview(1) takes it (@EPOCH or
 * YYYY-MM-DDTHH:MM:SSZ): the moment the API's objects count time left
 * from, so that they can be compared with the CLI's; 0 when unset.
 */
static time_t
fixed_clock(void)
{
	const char *s = getenv("MIPSREVIEW_NOW");
	struct tm tm = { 0 };
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return 0;
	if (s[0] == '@') {
		v = strtoll(s + 1, &end, 10);
		if (end != s + 1 && *end == '\0')
			return (time_t)v;
	} else if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) != NULL &&
	    *end == '\0')
		return timegm(&tm);
	fatalx("MIPSREVIEW_NOW '%s': @EPOCH or YYYY-MM-DDTHH:MM:SSZ is "
	    "expected", s);
}

/* The configuration file with the command line over it, or NULL and *err. */
static struct mr_config *
load_config(struct mr_err *err)
{
	struct mr_config *cfg = NULL;
	struct mr_err why = { 0 };

	if (mr_config_load(opt_config, config_is_default, &cfg, err) == -1)
		return NULL;
	/* Session cookies travel only over TLS when the site is https. */
	auth_init(strncasecmp(mr_config_get(cfg, MR_CFG_BASE_URL), "https://",
	    8) == 0, (time_t)mr_config_int(cfg, MR_CFG_SESSION_IDLE),
	    (time_t)mr_config_int(cfg, MR_CFG_SESSION_LIFETIME));
	if ((opt_db && mr_config_set(cfg, "database", opt_db, &why) == -1) ||
	    (opt_listen && mr_config_set(cfg, "listen", opt_listen, &why) == -1) ||
	    (opt_pidfile && mr_config_set(cfg, "pidfile", opt_pidfile, &why) == -1)) {
		mr_err_set(err, MR_EINVAL, "command line: %s", why.msg);
		mr_config_free(cfg);
		return NULL;
	}
	return cfg;
}

static int
calendar_opts(struct mr_store *st, const struct mr_config *cfg,
    struct mr_ical_opts *o, struct mr_err *err)
{
	if (mr_ical_opts_from_config(cfg, o, err) == -1)
		return -1;
	o->refresh = mr_config_int(cfg, MR_CFG_REFRESH_INTERVAL);
	return mr_ical_key(st, o, err);
}

static int
same_opts(const struct mr_ical_opts *a, const struct mr_ical_opts *b)
{
	return a->nalarms == b->nalarms && a->refresh == b->refresh &&
	    memcmp(a->alarms, b->alarms, sizeof a->alarms) == 0 &&
	    strcmp(a->calname ? a->calname : "", b->calname ? b->calname : "") == 0;
}

static int
same_value(const struct mr_config *a, const struct mr_config *b,
    enum mr_config_id k)
{
	const char *x = mr_config_get(a, k), *y = mr_config_get(b, k);

	return (x == NULL && y == NULL) || (x && y && strcmp(x, y) == 0);
}

/*
 * --daemon: fork; the parent stays until the child reports readiness
 * (exit 0) or dies (exit 1), so a service manager or script knows the
 * outcome.  Messages the child prints before then still reach the
 * terminal.
 */
static void
detach(void)
{
	int fds[2], status;
	pid_t pid;
	char c;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0) {
		close(fds[1]);
		while ((n = read(fds[0], &c, 1)) == -1 && errno == EINTR)
			;
		if (n == 1 && c == 'R')
			_exit(0);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		_exit(WIFEXITED(status) && WEXITSTATUS(status) != 0 ?
		    WEXITSTATUS(status) : 1);
	}
	close(fds[0]);
	ready_fd = fds[1];
	if (setsid() == -1)
		fatal("setsid");
}

static void
detach_done(int keep_stderr)
{
	int fd;

	if (ready_fd == -1)
		return;
	(void)!write(ready_fd, "R", 1);
	close(ready_fd);
	ready_fd = -1;
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (!keep_stderr)
			dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

static void
write_pidfile(const char *path)
{
	struct mr_file *file;
	struct mr_err err = { 0 };
	char buf[32];
	FILE *fp;
	long other;

	/* Regular files only: a FIFO planted as the pidfile would hang here. */
	if (mr_input_fopen(path, "pidfile", &fp, &err) == 0) {
		if (fscanf(fp, "%ld", &other) == 1 && other > 0 &&
		    other != (long)getpid() && kill((pid_t)other, 0) == 0)
			fatalx("pidfile %s: mipsreviewd already runs as process "
			    "%ld", path, other);
		fclose(fp);
	}
	snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (mr_file_open(path, 0644, &file, &err) == -1)
		fatalx("pidfile: %s", err.msg);
	fputs(buf, mr_file_stream(file));
	if (mr_file_commit(file, &err) == -1)
		fatalx("pidfile: %s", err.msg);
	if ((pidfile_written = strdup(path)) == NULL)
		fatal("pidfile");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'D' },
		{ "listen", required_argument, NULL, 'l' },
		{ "daemon", no_argument, NULL, 'd' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "check", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sigaction sa;
	sigset_t block, old;
	struct mr_store *st = NULL;
	struct mr_config *cfg = NULL, *ncfg;
	struct mr_ical_opts opts, nopts;
	struct mr_err err = { 0 };
	struct pollfd pfd;
	const char *db, *pidfile;
	char bound[96], why[256], buf[16];
	int64_t seen_version, v;
	int ch, verbose = 0, daemonize = 0, check = 0, to_stderr;

	umask(077);
	/* TINs, feed tokens and the SMTP password live in this memory. */
	if (mr_nodump(&err) == -1)
		fatalx("%s", err.msg);
	opt_config = DEFAULT_CONFIG;
	mr_when_init();		/* before any thread: see lib/mr_when.h */
	while ((ch = getopt_long(argc, argv, "c:l:dp:nvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			opt_config = optarg;
			config_is_default = 0;
			break;
		case 'D':
			opt_db = optarg;
			break;
		case 'l':
			opt_listen = optarg;
			break;
		case 'd':
			daemonize = 1;
			break;
		case 'p':
			opt_pidfile = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	log_init(1, verbose);
	if ((cfg = load_config(&err)) == NULL)
		fatalx("%s", err.msg);
	db = mr_config_get(cfg, MR_CFG_DATABASE);
	if (check) {
		if (mr_store_open(db, &st, &err) == -1 ||
		    calendar_opts(st, cfg, &opts, &err) == -1)
			fatalx("%s", err.msg);
		printf("configuration OK: %s, database %s (schema %d)\n",
		    mr_config_path(cfg) ? mr_config_path(cfg) : "defaults", db,
		    mr_store_schema_version(st));
		mr_store_close(st);
		mr_config_free(cfg);
		return 0;
	}
	to_stderr = strcmp(mr_config_get(cfg, MR_CFG_LOG), "stderr") == 0;
	if (daemonize)
		detach();
	log_init(to_stderr, verbose);

	if (pipe2(sigpipe_fds, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (mr_store_open(db, &st, &err) == -1)
		fatalx("%s", err.msg);
	/* The daemon reads a few rows now and then: a small page cache. */
	if (mr_store_exec(st, "PRAGMA cache_size = -256", &err) == -1)
		fatalx("%s", err.msg);
	if (calendar_opts(st, cfg, &opts, &err) == -1)
		fatalx("%s", err.msg);
	/* The server's thread inherits this mask: signals come to main. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (web_http_init(db, mr_config_get(cfg, MR_CFG_ALERT_ZONE),
	    mr_config_get(cfg, MR_CFG_BASE_URL)) == -1 ||
	    api_init(db, mr_config_get(cfg, MR_CFG_ALERT_ZONE),
	    fixed_clock()) == -1)
		fatalx("out of memory");
	web_http_set_now(fixed_clock());
	if (http_start(mr_config_get(cfg, MR_CFG_LISTEN), bound, sizeof bound, why,
	    sizeof why) == -1)
		fatalx("%s", why);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	log_info("listening on %s", bound);
	seen_version = mr_store_data_version(st);
	if (feeds_refresh(st, &opts, 1) == -1)
		log_warnx("feeds could not all be rendered; retrying on the "
		    "next change");
	if ((pidfile = mr_config_get(cfg, MR_CFG_PIDFILE)) != NULL)
		write_pidfile(pidfile);
	log_info("ready: database %s (schema %d)", db,
	    mr_store_schema_version(st));
	notify("READY=1");
	detach_done(to_stderr);

	pfd.fd = sigpipe_fds[0];
	pfd.events = POLLIN;
	while (!got_term) {
		int timeout = POLL_MS;

		/* Alerts: send what is due; sleep until the next one. */
		timeout = sched_run(st, cfg, timeout);
		/* CMS's records of the open cases, when qpp_refresh asks. */
		timeout = refresh_run(st, cfg, timeout);
		if (poll(&pfd, 1, timeout) == -1 && errno != EINTR)
			fatal("poll");
		while (read(sigpipe_fds[0], buf, sizeof buf) > 0)
			;
		if (got_term)
			break;
		if (got_hup) {
			got_hup = 0;
			notify("RELOADING=1");
			if ((ncfg = load_config(&err)) == NULL ||
			    calendar_opts(st, ncfg, &nopts, &err) == -1) {
				log_warnx("reload: %s; keeping the previous "
				    "configuration", err.msg);
				mr_config_free(ncfg);
			} else {
				int force = !same_opts(&opts, &nopts);

				if (!same_value(cfg, ncfg, MR_CFG_LISTEN) ||
				    !same_value(cfg, ncfg, MR_CFG_DATABASE))
					log_warnx("reload: listen and database "
					    "change only when mipsreviewd restarts");
				if (!same_value(cfg, ncfg, MR_CFG_LOG))
					log_init(strcmp(mr_config_get(ncfg, MR_CFG_LOG),
					    "stderr") == 0, verbose);
				mr_config_free(cfg);
				cfg = ncfg;
				opts = nopts;
				/* alerts */
				sched_reload(cfg);
				refresh_reload(cfg);
				log_info("reloaded configuration %s",
				    mr_config_path(cfg) ? mr_config_path(cfg) :
				    "(defaults)");
				if (force)
					(void)feeds_refresh(st, &opts, 1);
			}
			notify("READY=1");
		}
		/* Commits by other processes (the CLI) bump data_version. */
		if ((v = mr_store_data_version(st)) != seen_version && v != -1) {
			seen_version = v;
			(void)feeds_refresh(st, &opts, 0);
		}
	}
	notify("STOPPING=1");
	log_info("stopping");
	/* alerts */
	sched_stop();
	refresh_stop();
	http_stop(DRAIN_MS);
	feeds_free();
	if (pidfile_written != NULL) {
		unlink(pidfile_written);
		free(pidfile_written);
	}
	mr_store_close(st);
	mr_config_free(cfg);
	log_info("stopped");
	return 0;
}
