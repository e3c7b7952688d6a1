/*
 * sched: the daemon's alert scheduler.  It runs the same planner and
 * ledger as 'mipsreview alerts send' (lib/mr_alert), waking when the next
 * reminder falls due rather than on a timer, planning again when another
 * process changed the database (PRAGMA data_version), and backing off
 * while the mail server fails.  It runs in the main loop's thread.
 */
#ifndef DAEMON_SCHED_H
#define DAEMON_SCHED_H

struct mr_config;
struct mr_store;

/*
 * Send what is due, then return how long the main loop may sleep (ms, at
 * most timeout) before the next reminder falls due.
 */
int	sched_run(struct mr_store *, const struct mr_config *, int timeout);
/* The configuration changed (SIGHUP): plan again with it. */
void	sched_reload(const struct mr_config *);
/* Release what the scheduler holds. */
void	sched_stop(void);

#endif /* DAEMON_SCHED_H */
