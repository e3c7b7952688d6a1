#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/log.h"
#include "daemon/refresh.h"
#include "lib/mr_config.h"
#include "lib/mr_grounds_watch.h"
#include "lib/mr_qpp.h"
#include "lib/mr_store.h"

/* CMS's records change with its data loads, not by the minute. */
#define MIN_INTERVAL	3600
/* While a run is under way the main loop looks in every second. */
#define POLL_RUNNING	1000

static struct {
	int				 configured;
	long long			 interval;	/* 0: off */
	struct mr_qpp_settings		 qs;
	time_t				 next;		/* 0: not yet known */
	int				 running;	/* a thread to join */
	pthread_t			 th;
	atomic_int			 done;
	atomic_int			 stop;
	char				*db;
	int				 rc;
	struct mr_grounds_watch_result	 res;
	struct mr_err			 err;
} R;

static void
configure(const struct mr_config *cfg)
{
	long long secs[1];
	struct mr_err err = { 0 };
	int n;

	R.configured = 1;
	R.interval = 0;
	R.next = 0;
	if (mr_config_get(cfg, MR_CFG_QPP_REFRESH) == NULL)
		return;
	if ((n = mr_config_offsets(cfg, MR_CFG_QPP_REFRESH, secs, 1,
	    &err)) != 1) {
		log_warnx("qpp_refresh: %s; records are not refreshed",
		    n == -1 ? err.msg : "one interval (like 1d) is expected");
		return;
	}
	if (mr_qpp_settings_from_config(cfg, &R.qs, &err) == -1) {
		log_warnx("qpp_refresh: %s; records are not refreshed", err.msg);
		return;
	}
	R.interval = secs[0];
	if (R.interval < MIN_INTERVAL) {
		log_warnx("qpp_refresh: %lld seconds is too often to ask CMS; "
		    "using 1h", R.interval);
		R.interval = MIN_INTERVAL;
	}
	log_info("records of open cases refreshed every %lld s from %s",
	    R.interval, R.qs.base_url);
}

static void *
run(void *arg)
{
	struct mr_grounds_watch_opts o = { 0 };
	struct mr_qpp_client *client = NULL;
	struct mr_store *st = NULL;

	(void)arg;
	memset(&R.err, 0, sizeof R.err);
	R.rc = -1;
	if (mr_store_open(R.db, &st, &R.err) == -1 ||
	    mr_qpp_client_new(&R.qs, &client, &R.err) == -1)
		goto out;
	mr_store_set_actor(st, "mipsreviewd");
	o.api_version = R.qs.api_version;
	o.stop = &R.stop;
	R.rc = mr_grounds_watch_run(st, client, &o, &R.res, &R.err);
out:
	mr_qpp_client_free(client);
	if (st != NULL)
		mr_store_close(st);
	atomic_store(&R.done, 1);
	return NULL;
}

static void
collect(time_t now)
{
	pthread_join(R.th, NULL);
	R.running = 0;
	if (R.rc == -1)
		log_warnx("refresh of CMS's records: %s", R.err.msg);
	else
		log_info("refresh of CMS's records: %d open cases, %d asked, "
		    "%d changed, %d failed, %d grounds changes%s", R.res.cases,
		    R.res.asked, R.res.changed, R.res.failed,
		    R.res.grounds_changes, R.res.stopped ? " (stopped early)" :
		    "");
	R.next = now + (time_t)R.interval;
}

static int
sleep_ms(time_t now, int timeout)
{
	long long ms;

	if (R.running)
		return timeout < POLL_RUNNING ? timeout : POLL_RUNNING;
	if (R.interval == 0 || R.next == 0)
		return timeout;
	ms = ((long long)R.next - (long long)now) * 1000;
	if (ms < 0)
		ms = 0;
	return ms < timeout ? (int)ms : timeout;
}

int
refresh_run(struct mr_store *st, const struct mr_config *cfg, int timeout)
{
	struct mr_err err = { 0 };
	sigset_t block, old;
	time_t now = mr_store_now(st), last;

	if (!R.configured)
		configure(cfg);
	if (R.running && atomic_load(&R.done))
		collect(now);
	if (R.running || R.interval == 0)
		return sleep_ms(now, timeout);
	if (R.next == 0) {
		if (mr_grounds_watch_last_run(st, &last, &err) == -1) {
			log_warnx("qpp_refresh: %s", err.msg);
			last = now;
		}
		R.next = last != 0 ? last + (time_t)R.interval : now;
	}
	if (now < R.next)
		return sleep_ms(now, timeout);
	free(R.db);
	if ((R.db = strdup(mr_store_path(st))) == NULL) {
		log_warnx("qpp_refresh: out of memory");
		R.next = now + (time_t)R.interval;
		return sleep_ms(now, timeout);
	}
	atomic_store(&R.done, 0);
	atomic_store(&R.stop, 0);
	memset(&R.res, 0, sizeof R.res);
	/* Signals stay with the main thread. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (pthread_create(&R.th, NULL, run, NULL) != 0) {
		log_warnx("qpp_refresh: cannot start a thread");
		R.next = now + (time_t)R.interval;
	} else {
		R.running = 1;
		log_info("refreshing CMS's records of the open cases");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return sleep_ms(now, timeout);
}

void
refresh_reload(const struct mr_config *cfg)
{
	configure(cfg);
}

void
refresh_stop(void)
{
	if (R.running) {
		atomic_store(&R.stop, 1);
		pthread_join(R.th, NULL);
		R.running = 0;
	}
	free(R.db);
	memset(&R, 0, sizeof R);
}
