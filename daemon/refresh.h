/*
 * refresh: mipsreviewd's refresh of CMS's eligibility records of the open
 * cases (qpp_refresh, off unless set).  A run goes in a thread of its own
 * with its own database connection (it waits on CMS for minutes at the
 * API's rate limit) and keeps the grounds changes it finds
 * (lib/mr_grounds_watch); the alert scheduler then tells each once.  The
 * next run is due qpp_refresh after the last one started, across restarts.
 */
#ifndef DAEMON_REFRESH_H
#define DAEMON_REFRESH_H

struct mr_config;
struct mr_store;

/* Start a run when one is due, collect one that ended; the ms the main
 * loop may sleep (at most timeout). */
int	refresh_run(struct mr_store *, const struct mr_config *, int timeout);
/* The configuration changed (SIGHUP). */
void	refresh_reload(const struct mr_config *);
/* Stop a run under way (no more requests) and wait for it. */
void	refresh_stop(void);

#endif /* DAEMON_REFRESH_H */
