#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/mr_arena.h"

#define CHUNK_SIZE	(64 * 1024)

struct mr_arena_chunk {
	struct mr_arena_chunk	*next;
	size_t			 size, used;
	char			 data[];
};

void
mr_arena_init(struct mr_arena *a)
{
	a->head = a->cur = NULL;
}

static struct mr_arena_chunk *
chunk_new(size_t need)
{
	size_t size = need > CHUNK_SIZE ? need : CHUNK_SIZE;
	struct mr_arena_chunk *k;

	if ((k = malloc(sizeof *k + size)) == NULL)
		return NULL;
	k->next = NULL;
	k->size = size;
	k->used = 0;
	return k;
}

char *
mr_arena_strdup(struct mr_arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	struct mr_arena_chunk *k = a->cur, *prev = NULL;
	char *p;

	/*
	 * Past the current chunk, take the next kept one that has room; a
	 * text longer than a chunk gets a chunk of its own, put in line.
	 */
	while (k != NULL && k->size - k->used < n) {
		prev = k;
		k = k->next;
		if (k != NULL)
			k->used = 0;	/* unused, or forgotten by a rewind */
	}
	if (k == NULL) {
		if ((k = chunk_new(n)) == NULL)
			return NULL;
		if (prev != NULL) {
			k->next = prev->next;
			prev->next = k;
		} else
			a->head = k;
	}
	a->cur = k;
	p = k->data + k->used;
	memcpy(p, s, n);
	k->used += n;
	return p;
}

void
mr_arena_mark(const struct mr_arena *a, struct mr_arena_mark *m)
{
	m->chunk = a->cur;
	m->used = a->cur != NULL ? a->cur->used : 0;
}

void
mr_arena_rewind(struct mr_arena *a, const struct mr_arena_mark *m)
{
	/* Chunks after the mark's are kept; they are emptied when reached. */
	if (m->chunk == NULL) {
		mr_arena_reset(a);
		return;
	}
	a->cur = m->chunk;
	a->cur->used = m->used;
}

void
mr_arena_reset(struct mr_arena *a)
{
	for (struct mr_arena_chunk *k = a->head; k != NULL; k = k->next)
		k->used = 0;
	a->cur = a->head;
}

void
mr_arena_free(struct mr_arena *a)
{
	struct mr_arena_chunk *k, *next;

	for (k = a->head; k != NULL; k = next) {
		next = k->next;
		free(k);
	}
	a->head = a->cur = NULL;
}
