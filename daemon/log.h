/*
 * log: the daemon's one logging API (OpenBSD log.c style).  Foreground
 * logs go to stderr (journald under systemd), otherwise to syslog.
 * Identifiers (TINs) never reach a log line whole.
 */
#ifndef DAEMON_LOG_H
#define DAEMON_LOG_H

void	log_init(int to_stderr, int verbose);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif /* DAEMON_LOG_H */
