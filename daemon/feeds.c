#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "daemon/feeds.h"
#include "daemon/http.h"
#include "daemon/log.h"
#include "lib/mr_crypto.h"
#include "lib/mr_deadline.h"
#include "lib/mr_feed.h"
#include "lib/mr_ical.h"
#include "lib/mr_ident.h"
#include "lib/mr_store.h"

struct cached {
	struct mr_feed	 feed;
	unsigned char	 digest[32];
	struct http_feed served;
	long		 items;
	int		 seen;		/* still active in this refresh */
};

static struct cached *cache;
static size_t ncache;

struct buf {
	char	*p;
	size_t	 len, cap;
};

static int
buf_sink(const char *s, size_t len, void *arg)
{
	struct buf *b = arg;

	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 64 * 1024;
		char *np;

		while (cap < b->len + len)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL)
			return -1;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	return 0;
}

static void
release(struct http_feed *s)
{
	if (s->ok != NULL)
		MHD_destroy_response(s->ok);
	if (s->not_modified != NULL)
		MHD_destroy_response(s->not_modified);
	s->ok = s->not_modified = NULL;
}

static void
add_validators(struct MHD_Response *r, const struct http_feed *s,
    long long refresh)
{
	char date[40], cc[64];

	http_date(s->last_modified, date, sizeof date);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, s->etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, date);
	/* The URL is a secret: no shared cache may keep it. */
	snprintf(cc, sizeof cc, "private, max-age=%lld", refresh > 0 ? refresh : 0);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cc);
}

/* Render c's calendar into fresh responses in *s; digest: its digest too. */
static int
render(struct mr_store *st, const struct mr_ical_opts *o, struct cached *c,
    unsigned char *digest, const struct http_feed *prev, struct http_feed *s)
{
	struct mr_deadline_filter f = { .include_closed = 1 };
	struct mr_err err = { 0 };
	struct buf b = { 0 };
	unsigned char md[MR_SHA256_LEN];
	char *body;
	long count = 0;

	f.tin = c->feed.tin[0] ? c->feed.tin : NULL;
	f.year = c->feed.year;
	if (mr_ical_write_digest(st, &f, o, buf_sink, &b, &count, digest,
	    &err) == -1) {
		log_warnx("feed %lld: cannot render: %s", (long long)c->feed.id,
		    err.msg);
		free(b.p);
		return -1;
	}
	/* Keep only what the body needs: the feed lives as long as it is served. */
	if ((body = realloc(b.p, b.len ? b.len : 1)) == NULL)
		body = b.p;
	mr_sha256(body, b.len, md);
	memset(s, 0, sizeof *s);
	memcpy(s->token_hash, c->feed.token_hash, sizeof s->token_hash);
	s->id = c->feed.id;
	snprintf(s->etag, sizeof s->etag, "\"%02x%02x%02x%02x%02x%02x%02x%02x"
	    "%02x%02x%02x%02x\"", md[0], md[1], md[2], md[3], md[4], md[5],
	    md[6], md[7], md[8], md[9], md[10], md[11]);
	/* Last-Modified moves only when the bytes do. */
	if (prev != NULL && strcmp(prev->etag, s->etag) == 0) {
		s->last_modified = prev->last_modified;
		s->same_second = prev->same_second;
	} else {
		s->last_modified = time(NULL);
		s->same_second = prev != NULL &&
		    prev->last_modified >= s->last_modified;
	}
	s->ok = MHD_create_response_from_buffer_with_free_callback(b.len, body,
	    free);
	if (s->ok == NULL) {
		free(body);
		return -1;
	}
	if ((s->not_modified = http_not_modified()) == NULL) {
		release(s);
		return -1;
	}
	MHD_add_response_header(s->ok, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/calendar; charset=utf-8");
	MHD_add_response_header(s->ok, "X-Content-Type-Options", "nosniff");
	add_validators(s->ok, s, o->refresh);
	add_validators(s->not_modified, s, o->refresh);
	c->items = count;
	return 0;
}

static int
collect(const struct mr_feed *f, void *arg)
{
	struct cached **list = arg;
	struct cached *nl;
	size_t n = 0;

	/* A disabled person's subscriptions stop with their sign-in: left
	 * out of the table, the token answers as a revoked one does. */
	if (f->account_disabled)
		return 0;
	while ((*list)[n].feed.id != 0)
		n++;
	if ((nl = realloc(*list, (n + 2) * sizeof *nl)) == NULL)
		return 1;
	memset(&nl[n], 0, 2 * sizeof *nl);
	nl[n].feed = *f;
	*list = nl;
	return 0;
}

static int
health_line(const struct mr_deadline_item *it, void *arg)
{
	FILE *f = arg;

	/* No names or TINs: the health check is read by monitoring. */
	fprintf(f, "no deadline known: %s %lld (PY%d): %s; set one: %s\n",
	    it->what, (long long)it->id, it->performance_year, it->reason,
	    it->set_with);
	return 0;
}

static int
health_group(const struct mr_deadline_group *g, void *arg)
{
	FILE *f = arg;

	fprintf(f, "no deadline known: %lld %s%s (PY%d): %s; set one: %s; list "
	    "them: %s\n", g->count, g->what, g->count == 1 ? "" : "s",
	    g->performance_year, g->reason, g->set_with, g->list_with);
	return 0;
}

/*
 * /healthz: "ok", then the open items with no known deadline (the cases of
 * a year with no window as one line with their count, each filing with no
 * window), so that monitoring sees what nobody is reminded of.
 */
static void
health_refresh(struct mr_store *st)
{
	struct mr_err err = { 0 };
	char *body = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&body, &len)) == NULL)
		return;
	fputs("ok\n", f);
	if (mr_deadline_undated_summary(st, NULL, health_group, health_line, f,
	    &err) == -1)
		log_warnx("reading items without a deadline: %s", err.msg);
	if (fclose(f) == 0 && http_set_health(body) == -1)
		log_warnx("health: out of memory");
	free(body);
}

int
feeds_refresh(struct mr_store *st, const struct mr_ical_opts *o, int force)
{
	struct cached *next = calloc(1, sizeof *next), *old;
	struct http_feed *table = NULL, *gone = NULL;
	struct mr_err err = { 0 };
	size_t n = 0, ngone = 0, rendered = 0;
	struct timespec t0, t1;
	int rc = -1;

	if (next == NULL)
		return -1;
	health_refresh(st);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (mr_feed_each(st, 0, collect, &next, &err) == -1) {
		log_warnx("reading feeds: %s", err.msg);
		goto out;
	}
	while (next[n].feed.id != 0)
		n++;
	if ((table = calloc(n ? n : 1, sizeof *table)) == NULL ||
	    (gone = calloc(ncache + n + 1, sizeof *gone)) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct cached *c = &next[i];
		struct mr_deadline_filter f = { .include_closed = 1 };
		int compare;

		old = NULL;
		for (size_t j = 0; j < ncache; j++)
			if (cache[j].feed.id == c->feed.id)
				old = &cache[j];
		f.tin = c->feed.tin[0] ? c->feed.tin : NULL;
		f.year = c->feed.year;
		/*
		 * A feed served before is rendered again only when its digest
		 * moved; a new one (or every one, forced) is rendered at once,
		 * its digest taken in the same pass.
		 */
		compare = old != NULL && !force && old->served.ok != NULL;
		if (compare && mr_ical_digest(st, &f, o, c->digest, &err) == -1) {
			log_warnx("feed %lld: %s", (long long)c->feed.id, err.msg);
			memset(c->digest, 0, sizeof c->digest);
		}
		if (compare &&
		    memcmp(old->digest, c->digest, sizeof c->digest) == 0) {
			/* Unchanged: keep the response (and its ETag). */
			c->served = old->served;
			c->items = old->items;
			old->seen = 1;
		} else if (render(st, o, c, compare ? NULL : c->digest,
		    old ? &old->served : NULL, &c->served) == 0) {
			rendered++;
			log_info("feed %lld rendered: %ld items",
			    (long long)c->feed.id, c->items);
		} else if (old != NULL) {
			/* Keep serving what we had rather than nothing. */
			c->served = old->served;
			c->items = old->items;
			old->seen = 1;
		}
		if (c->served.ok == NULL) {
			/* Nothing to serve: the token must still not match. */
			memcpy(c->served.token_hash, c->feed.token_hash,
			    sizeof c->served.token_hash);
		}
		table[i] = c->served;
	}
	if (http_publish(table, n) == -1)
		goto out;
	/* Responses no longer in the table can go now: none is reachable. */
	for (size_t j = 0; j < ncache; j++)
		if (!cache[j].seen)
			gone[ngone++] = cache[j].served;
	for (size_t j = 0; j < ngone; j++)
		release(&gone[j]);
	free(cache);
	cache = next;
	ncache = n;
	for (size_t j = 0; j < ncache; j++)
		cache[j].seen = 0;
	next = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Hand the rendering's scratch memory back; the feeds stay. */
	if (rendered > 0)
		malloc_trim(0);
	if (rendered > 0)
		log_info("feeds: %zu active, %zu rendered in %.1f ms", n, rendered,
		    (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	rc = 0;
out:
	if (next != NULL) {
		/* Failed before the swap: drop what was rendered for it. */
		for (size_t i = 0; i < n; i++) {
			int shared = 0;

			for (size_t j = 0; j < ncache; j++)
				if (cache[j].served.ok == next[i].served.ok)
					shared = 1;
			if (!shared)
				release(&next[i].served);
			for (size_t j = 0; j < ncache; j++)
				cache[j].seen = 0;
		}
		free(next);
	}
	free(table);
	free(gone);
	return rc;
}

void
feeds_free(void)
{
	for (size_t i = 0; i < ncache; i++)
		release(&cache[i].served);
	free(cache);
	cache = NULL;
	ncache = 0;
}
