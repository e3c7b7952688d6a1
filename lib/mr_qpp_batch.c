#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mr_eligibility.h"
#include "lib/mr_qpp.h"
#include "lib/mr_qpp_batch.h"

/*
 * Workers fetch and read the answers; only the caller's thread touches
 * the database, keeping each answer as it is handed over.
 */
struct slot {
	int			 item;
	int			 ok;
	struct mr_qpp_answer	 ans;
};

struct batch {
	struct mr_qpp_client	*client;
	struct mr_qpp_item	*items;
	const struct mr_qpp_batch_opts *opts;
	int			*todo;		/* item indexes to ask for */
	int			 ntodo, next;	/* next index of todo to take */
	struct slot		*done;		/* answers waiting to be kept */
	int			 ndone, nsettled;
	int			 stop;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
};

static void *
worker(void *arg)
{
	struct batch *b = arg;
	struct mr_qpp_item *it;
	struct mr_elig_record rec;
	struct slot s;

	for (;;) {
		pthread_mutex_lock(&b->lock);
		if (b->stop || b->next == b->ntodo) {
			pthread_mutex_unlock(&b->lock);
			return NULL;
		}
		s.item = b->todo[b->next++];
		pthread_mutex_unlock(&b->lock);
		it = &b->items[s.item];
		memset(&s.ans, 0, sizeof s.ans);
		s.ok = mr_qpp_fetch(b->client, it->npi, it->year, 0,
		    b->opts->now, &s.ans, &it->err) == 0;
		/* Only a readable record about this NPI is kept. */
		if (s.ok && mr_elig_parse(s.ans.body, s.ans.len, it->npi, &rec,
		    &it->err) == -1) {
			s.ok = 0;
			mr_qpp_answer_release(&s.ans);
		} else if (s.ok)
			mr_elig_release(&rec);
		pthread_mutex_lock(&b->lock);
		b->done[b->ndone++] = s;
		pthread_cond_signal(&b->cond);
		pthread_mutex_unlock(&b->lock);
	}
}

int
mr_qpp_batch(struct mr_store *st, struct mr_qpp_client *client,
    struct mr_qpp_item *items, int n, const struct mr_qpp_batch_opts *opts,
    struct mr_err *err)
{
	struct batch b = { .client = client, .items = items, .opts = opts };
	pthread_t th[MR_QPP_BATCH_CONCURRENCY];
	struct mr_elig_kept kept;
	struct mr_err lerr;
	struct slot s;
	int nth = 0, rc = -1, settled = 0;

	pthread_mutex_init(&b.lock, NULL);
	pthread_cond_init(&b.cond, NULL);
	if ((b.todo = calloc(n > 0 ? n : 1, sizeof *b.todo)) == NULL ||
	    (b.done = calloc(n > 0 ? n : 1, sizeof *b.done)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	/* Records still fresh are not asked for again: a re-run after an
	 * interruption goes on where it stopped. */
	for (int i = 0; i < n; i++) {
		items[i].state = MR_QPP_ITEM_PENDING;
		memset(&lerr, 0, sizeof lerr);
		if (opts->fresh_secs > 0 && mr_elig_load(st, items[i].npi,
		    items[i].year, &kept, &lerr) == 0) {
			if (kept.retrieved_epoch >= opts->now - opts->fresh_secs)
				items[i].state = MR_QPP_ITEM_FRESH;
			mr_elig_kept_release(&kept);
		} else if (opts->fresh_secs > 0 && lerr.code != MR_ENOTFOUND) {
			*err = lerr;
			goto out;
		}
		if (items[i].state == MR_QPP_ITEM_FRESH) {
			if (opts->progress)
				opts->progress(++settled, n, opts->arg);
		} else
			b.todo[b.ntodo++] = i;
	}
	for (; nth < MR_QPP_BATCH_CONCURRENCY && nth < b.ntodo; nth++)
		if (pthread_create(&th[nth], NULL, worker, &b) != 0) {
			mr_err_set(err, MR_EFAIL, "cannot start a thread");
			break;
		}
	if (nth == 0 && b.ntodo > 0)
		goto out;
	for (int kept_n = 0; kept_n < b.ntodo; kept_n++) {
		pthread_mutex_lock(&b.lock);
		while (b.ndone == 0)
			pthread_cond_wait(&b.cond, &b.lock);
		s = b.done[--b.ndone];
		pthread_mutex_unlock(&b.lock);
		if (s.ok) {
			struct mr_qpp_item *it = &items[s.item];

			if (mr_elig_keep(st, it->npi, it->year, 0,
			    opts->api_version, &s.ans, &it->changed,
			    &it->err) == 0)
				it->state = MR_QPP_ITEM_FETCHED;
			else
				it->state = MR_QPP_ITEM_FAILED;
			mr_qpp_answer_release(&s.ans);
		} else
			items[s.item].state = MR_QPP_ITEM_FAILED;
		if (opts->progress)
			opts->progress(++settled, n, opts->arg);
	}
	rc = 0;
out:
	pthread_mutex_lock(&b.lock);
	b.stop = 1;
	pthread_mutex_unlock(&b.lock);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	while (b.done && b.ndone > 0)
		mr_qpp_answer_release(&b.done[--b.ndone].ans);
	free(b.todo);
	free(b.done);
	pthread_cond_destroy(&b.cond);
	pthread_mutex_destroy(&b.lock);
	return rc;
}
