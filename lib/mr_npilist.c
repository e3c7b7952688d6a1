#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "lib/mr_ident.h"
#include "lib/mr_npilist.h"

struct reader {
	struct mr_npilist *list;
	const char	*name;
	struct mr_err	*err;
	long		 line;		/* of the record being read */
	int		 field;		/* index in the record */
	int		 npi_col;	/* -1 until the header is read */
	int		 header;	/* 1 while reading the header row */
	int		 seen_npi;	/* the record had its npi field */
	int		 failed;
	size_t		 cap;
};

static int
add_npi(struct reader *r, const char *s, size_t len)
{
	char npi[11];
	struct mr_err why = { 0 };

	while (len > 0 && isspace((unsigned char)*s))
		s++, len--;
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0 || len > 10) {
		mr_err_set(r->err, MR_EINVAL, "%s:%ld: '%.*s' is not an NPI "
		    "(10 digits)", r->name, r->line, (int)(len > 20 ? 20 : len),
		    s);
		return -1;
	}
	memcpy(npi, s, len);
	npi[len] = '\0';
	if (mr_npi_validate(npi, &why) == -1) {
		mr_err_set(r->err, MR_EINVAL, "%s:%ld: %s", r->name, r->line,
		    why.msg);
		return -1;
	}
	for (int i = 0; i < r->list->n; i++)
		if (strcmp(r->list->npi[i], npi) == 0)
			return 0;
	if (r->list->n == MR_NPILIST_MAX) {
		mr_err_set(r->err, MR_EINVAL, "%s: more than %d NPIs; split the "
		    "file", r->name, MR_NPILIST_MAX);
		return -1;
	}
	if ((size_t)r->list->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		void *p = realloc(r->list->npi, cap * sizeof *r->list->npi);

		if (p == NULL) {
			mr_err_set(r->err, MR_EFAIL, "out of memory");
			return -1;
		}
		r->list->npi = p;
		r->cap = cap;
	}
	memcpy(r->list->npi[r->list->n++], npi, 11);
	return 0;
}

static void
csv_field(void *s, size_t len, void *arg)
{
	struct reader *r = arg;
	const char *f = s;

	if (r->failed)
		return;
	if (r->header) {
		if (len == 3 && strncasecmp(f, "npi", 3) == 0) {
			if (r->npi_col != -1) {
				mr_err_set(r->err, MR_EINVAL, "%s:%ld: column "
				    "'npi' appears twice", r->name, r->line);
				r->failed = 1;
			}
			r->npi_col = r->field;
		}
	} else if (r->field == r->npi_col) {
		r->seen_npi = 1;
		if (add_npi(r, f, len) == -1)
			r->failed = 1;
	}
	r->field++;
}

static void
csv_record(int c, void *arg)
{
	struct reader *r = arg;

	(void)c;
	if (r->failed)
		return;
	if (r->header) {
		if (r->npi_col == -1) {
			mr_err_set(r->err, MR_EINVAL, "%s:%ld: the header row "
			    "names no 'npi' column (a CSV file needs one; or "
			    "give one NPI a line)", r->name, r->line);
			r->failed = 1;
		}
		r->header = 0;
	} else if (!r->seen_npi) {
		mr_err_set(r->err, MR_EINVAL, "%s:%ld: the row has no npi field",
		    r->name, r->line);
		r->failed = 1;
	}
	r->field = 0;
	r->seen_npi = 0;
}

/* The next line of data from *off: its start and length without the end. */
static int
next_line(const char *data, size_t len, size_t *off, const char **s,
    size_t *n)
{
	const char *nl;

	if (*off >= len)
		return 0;
	*s = data + *off;
	nl = memchr(*s, '\n', len - *off);
	*n = nl ? (size_t)(nl - *s) : len - *off;
	*off += *n + (nl != NULL);
	if (*n > 0 && (*s)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

static int
blank(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	return n == 0 || *s == '#';
}

int
mr_npilist_parse(const char *data, size_t len, const char *name,
    struct mr_npilist *list, struct mr_err *err)
{
	struct reader r = { list, name, err, 0, 0, -1, 1, 0, 0, 0 };
	struct csv_parser p;
	const char *s;
	size_t off = 0, n;
	int have_parser = 0, csv = -1, rc = -1;

	list->npi = NULL;
	list->n = 0;
	if (memchr(data, '\0', len) != NULL) {
		mr_err_set(err, MR_EINVAL, "%s: a NUL byte: not a text file",
		    name);
		goto out;
	}
	while (next_line(data, len, &off, &s, &n)) {
		r.line++;
		if (blank(s, n))
			continue;
		if (csv == -1) {
			/*
			 * A first line that is not an NPI is a CSV header.  The
			 * line is not NUL-terminated: count within its n bytes.
			 */
			size_t digits = 0;

			while (digits < n && isdigit((unsigned char)s[digits]))
				digits++;
			csv = !(digits >= 10 && (n == 10 ||
			    isspace((unsigned char)s[10])));
			if (csv) {
				if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0) {
					mr_err_set(err, MR_EFAIL, "out of memory");
					goto out;
				}
				have_parser = 1;
			}
		}
		if (!csv) {
			if (add_npi(&r, s, n) == -1)
				goto out;
			continue;
		}
		/* One record a line: a quoted field may not hold a line end. */
		if (csv_parse(&p, s, n, csv_field, csv_record, &r) != n ||
		    csv_fini(&p, csv_field, csv_record, &r) != 0) {
			if (!r.failed)
				mr_err_set(err, MR_EINVAL, "%s:%ld: not CSV: close "
				    "every quoted field on its line, and write a "
				    "quote inside one twice (\"\")", name, r.line);
			goto out;
		}
		if (r.failed)
			goto out;
	}
	if (list->n == 0) {
		mr_err_set(err, MR_EINVAL, "%s: no NPI in the file", name);
		goto out;
	}
	rc = 0;
out:
	if (have_parser)
		csv_free(&p);
	if (rc == -1)
		mr_npilist_release(list);
	return rc;
}

void
mr_npilist_release(struct mr_npilist *list)
{
	free(list->npi);
	list->npi = NULL;
	list->n = 0;
}
