/*
 * mr_arena: text that lives and dies together.  Strings are copied into
 * chunks of 64 KB and freed all at once; a reset keeps the chunks for the
 * next round, so a loop that copies the same kind of text over and over
 * (import's batches of cases) calls malloc() only while it first grows.
 * It also spares a consumer thread the free() of strings another thread
 * allocated, which glibc pays for on both sides.
 */
#ifndef MR_ARENA_H
#define MR_ARENA_H

#include <stddef.h>

struct mr_arena_chunk;

struct mr_arena {
	struct mr_arena_chunk	*head;	/* every chunk, oldest first */
	struct mr_arena_chunk	*cur;	/* the one being filled */
};

/* Where an arena stands, to take back what was copied after it. */
struct mr_arena_mark {
	struct mr_arena_chunk	*chunk;
	size_t			 used;
};

void	mr_arena_init(struct mr_arena *);
/* A copy of s in the arena, or NULL if memory ran out. */
char	*mr_arena_strdup(struct mr_arena *, const char *s);
void	mr_arena_mark(const struct mr_arena *, struct mr_arena_mark *);
/* Forget what was copied since the mark (its strings must be unused). */
void	mr_arena_rewind(struct mr_arena *, const struct mr_arena_mark *);
/* Forget every string; keep the memory for the next. */
void	mr_arena_reset(struct mr_arena *);
void	mr_arena_free(struct mr_arena *);

#endif
