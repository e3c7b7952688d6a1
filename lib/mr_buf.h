/*
 * mr_buf: a growable text buffer with a size cap, as curl's dynbuf.  It
 * grows by doubling, always holds a terminating NUL, and stops at max
 * bytes: an append that would pass the cap (or finds no memory) fails,
 * frees the buffer and makes every later append fail too, so a caller can
 * append a whole message and check once at the end.
 *
 * A fixed buffer writes into the caller's array instead and never grows:
 * for short texts (a list of names, a message part) that have a size
 * known in advance, so that a text that would not fit is reported, not
 * silently cut as a chain of snprintf() calls would cut it.
 */
#ifndef MR_BUF_H
#define MR_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct mr_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* the most it may hold, without the NUL */
	int	 failed;	/* an append failed: the buffer is gone */
	int	 fixed;		/* the caller's array: never grown nor freed */
};

/* An empty buffer that may grow to max bytes. */
void	mr_buf_init(struct mr_buf *, size_t max);
/*
 * A buffer over the caller's array of size bytes (the NUL included, so
 * it holds size - 1 bytes of text).  An append that does not fit fails
 * and leaves the array holding the text before it; later appends fail.
 */
void	mr_buf_init_fixed(struct mr_buf *, char *storage, size_t size);
/* Append n bytes; 0, or -1 (and the buffer failed) past the cap or memory. */
int	mr_buf_add(struct mr_buf *, const void *, size_t n);
/* Append formatted text; 0 or -1 as mr_buf_add(). */
int	mr_buf_printf(struct mr_buf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	mr_buf_vprintf(struct mr_buf *, const char *fmt, va_list)
	    __attribute__((format(printf, 2, 0)));
/* The text so far ("" when empty or failed); valid until the next append. */
const char *mr_buf_str(const struct mr_buf *);
/*
 * Hand the text to the caller (free() it); NULL if the buffer failed.
 * Not for a fixed buffer, whose text is the caller's array already.
 */
char	*mr_buf_take(struct mr_buf *, size_t *len);
/* Empty the buffer but keep its memory, for a buffer reused per record. */
void	mr_buf_reset(struct mr_buf *);
void	mr_buf_free(struct mr_buf *);

#endif /* MR_BUF_H */
