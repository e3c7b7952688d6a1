/*
 * feeds: the rendered calendar of every active feed, kept in memory.
 *
 * feeds_refresh() runs in the main thread whenever the database changed
 * (PRAGMA data_version) or the configuration was reloaded.  A feed whose
 * items did not change (mr_ical_digest) is not rendered again and keeps
 * its response and ETag; a changed one gets a new response, swapped in
 * through http_publish(), and the old one is released after the swap.
 */
#ifndef DAEMON_FEEDS_H
#define DAEMON_FEEDS_H

struct mr_store;
struct mr_ical_opts;

/* force: render every feed again (the options changed). 0 or -1. */
int	feeds_refresh(struct mr_store *, const struct mr_ical_opts *, int force);
/* Release every response (after http_stop()). */
void	feeds_free(void);

#endif /* DAEMON_FEEDS_H */
