/* mr_buf: a growable text buffer with a size cap (see lib/mr_buf.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mr_buf.h"

void
mr_buf_init(struct mr_buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

void
mr_buf_init_fixed(struct mr_buf *b, char *storage, size_t size)
{
	memset(b, 0, sizeof *b);
	b->fixed = 1;
	b->data = storage;
	b->cap = size;
	b->max = size > 0 ? size - 1 : 0;
	if (size > 0)
		storage[0] = '\0';
	else
		b->failed = 1;
}

void
mr_buf_reset(struct mr_buf *b)
{
	b->len = 0;
	if (b->fixed && b->cap > 0)
		b->failed = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
mr_buf_free(struct mr_buf *b)
{
	if (b->fixed) {
		b->len = 0;
		return;
	}
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static int
fail(struct mr_buf *b)
{
	if (!b->fixed)
		mr_buf_free(b);
	b->failed = 1;
	return -1;
}

int
mr_buf_add(struct mr_buf *b, const void *p, size_t n)
{
	size_t want, cap;
	char *nd;

	if (b->failed)
		return -1;
	if (n > b->max - b->len)
		return fail(b);
	want = b->len + n + 1;
	if (want > b->cap) {
		for (cap = b->cap ? b->cap : 64; cap < want; cap *= 2)
			;
		if (cap > b->max + 1)
			cap = b->max + 1;
		if ((nd = realloc(b->data, cap)) == NULL)
			return fail(b);
		b->data = nd;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
mr_buf_vprintf(struct mr_buf *b, const char *fmt, va_list ap)
{
	char small[256], *big = NULL;
	va_list again;
	int n, rc;

	if (b->failed)
		return -1;
	va_copy(again, ap);
	n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= 0 && (size_t)n < sizeof small) {
		va_end(again);
		return mr_buf_add(b, small, (size_t)n);
	}
	if (n >= 0)
		n = vasprintf(&big, fmt, again);
	va_end(again);
	if (n < 0)
		return fail(b);
	rc = mr_buf_add(b, big, (size_t)n);
	free(big);
	return rc;
}

int
mr_buf_printf(struct mr_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = mr_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
mr_buf_str(const struct mr_buf *b)
{
	return b->data != NULL ? b->data : "";
}

char *
mr_buf_take(struct mr_buf *b, size_t *len)
{
	char *d;

	if (b->failed || b->fixed)
		return NULL;
	if (b->data == NULL && mr_buf_add(b, "", 0) == -1)
		return NULL;
	d = b->data;
	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}
