/*
 * mipsreviewd: the background service over the mipsreview database.
 *
 * Life cycle: parse options, open (and migrate) the database, announce
 * readiness, then wait for signals in a poll() loop fed by a self-pipe:
 * SIGTERM/SIGINT finish and exit 0, SIGHUP reloads.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/log.h"
#include "lib/mr_store.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#define DEFAULT_DB	LOCALSTATEDIR "/lib/mipsreview/mipsreview.db"

static int sigpipe_fds[2] = { -1, -1 };
static volatile sig_atomic_t got_term, got_hup;

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
usage(void)
{
	fprintf(stderr, "usage: mipsreviewd [-v] [--db PATH]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sigaction sa;
	struct mr_store *st = NULL;
	struct mr_err err = { 0 };
	struct pollfd pfd;
	const char *db = DEFAULT_DB;
	int ch, verbose = 0;
	char buf[16];

	umask(077);
	while ((ch = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			db = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	log_init(1, verbose);
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
	log_info("ready: database %s (schema %d)", db, mr_store_schema_version(st));
	pfd.fd = sigpipe_fds[0];
	pfd.events = POLLIN;
	while (!got_term) {
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
			fatal("poll");
		while (read(sigpipe_fds[0], buf, sizeof buf) > 0)
			;
		if (got_hup) {
			got_hup = 0;
			log_info("reloaded");
		}
	}
	log_info("stopping");
	mr_store_close(st);
	return 0;
}
