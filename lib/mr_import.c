#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>
#include <jansson.h>
#include <nettle/sha2.h>

#include "lib/mr_arena.h"
#include "lib/mr_audit.h"
#include "lib/mr_buf.h"
#include "lib/mr_case.h"
#include "lib/mr_hex.h"
#include "lib/mr_ident.h"
#include "lib/mr_import.h"
#include "lib/mr_input.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"

/* Beyond the data columns of mr_import.h: */
enum {
	C_ID = MR_NCOLS,	/* accepted and ignored: imported cases get new ids */
	C_SKIP,		/* line, reject_reason: what a rejects file adds */
};

const char *const mr_import_columns[] = {
	"tin", "npi", "name", "year", "reason", "score", "adjustment",
	"practice", "participation", "owner", "note", "quality", "cost", "ia",
	"pi", "status", "special-status", "legal-name", "apm-entity-id",
	"virtual-group-id", "requester-role", "request-number", "explanation",
	"county", "zip", NULL
};
#define COLUMN_NAMES "tin, npi, name, year, reason, score, adjustment, " \
	"practice, participation, owner, note, quality, cost, ia, pi, status, " \
	"special-status, legal-name, apm-entity-id, virtual-group-id, " \
	"requester-role, request-number, explanation, county, zip, id"

#define MAX_FIELDS 64

/* A load this large into a table at most this full drops and rebuilds its
 * secondary indexes: building them once after the rows are in is about
 * twice as fast as updating them row by row (tech-notes, SQLite). */
#define REBUILD_MIN_ROWS	10000
/*
 * The page cache of a load whose indexes are built afterwards, in KiB.
 * The rows go to the end of the table and of the few indexes kept, so a
 * small cache recycles its pages where the default (2 MB) would grow to
 * its size first: a page fault for every new page, measured here as a
 * seventh of a 10,000-row import.  The sorter of CREATE INDEX keeps its
 * floor of 250 pages whatever the cache.
 */
#define BULK_CACHE_KIB		256
/* Bytes per row, to guess a file's rows from its size before reading it. */
#define GUESS_ROW_BYTES		64

int
mr_import_format_parse(const char *name, enum mr_import_format *fmt)
{
	if (strcmp(name, "csv") == 0)
		*fmt = MR_FORMAT_CSV;
	else if (strcmp(name, "jsonl") == 0 || strcmp(name, "ndjson") == 0)
		*fmt = MR_FORMAT_JSONL;
	else
		return -1;
	return 0;
}

static int
col_lookup(const char *name)
{
	for (int i = 0; i < MR_NCOLS; i++)
		if (strcmp(name, mr_import_columns[i]) == 0)
			return i;
	if (strcmp(name, "id") == 0)
		return C_ID;
	if (strcmp(name, "line") == 0 || strcmp(name, "reject_reason") == 0)
		return C_SKIP;
	return -1;
}

/*
 * The open cases seen so far, keyed by TIN, NPI and year, for the rule
 * against a second open case.  TIN (9 digits) * 10^10 + NPI (10 digits)
 * is below 10^19 < 2^64, so the key is exact; "no NPI" is 0, which no
 * valid NPI is (its check digit would be 6).  SQLite stores it as the
 * signed 64-bit integer of the same bits, which keeps it unique.
 *
 * They live in a private temporary database of their own (SQLite's ""
 * file name): its page cache is bounded and spills to a file deleted on
 * close, so memory stays flat however many rows the file holds, and the
 * thread that reads the file never waits on the one inserting the cases.
 */
static uint64_t
digits_value(const char *s)
{
	uint64_t v = 0;

	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	return v;
}

static uint64_t
case_key(const char *tin, const char *npi)
{
	return digits_value(tin) * 10000000000ULL + digits_value(npi);
}

/*
 * Validated cases travel in batches from the thread that reads and checks
 * the file to the one that inserts them, so that parsing and SQLite use
 * both cores of a small machine.  The connection is opened serialized
 * (SQLITE_OPEN_FULLMUTEX); only the writer touches the INSERTs.
 */
#define BATCH_JOBS	256	/* 4 x 256 x 0.5 KB: touched once, faulted in once */
#define ROWS_PER_INSERT	32
#define COLS_PER_ROW	MR_CASE_ROW_NCOLS	/* after the time, twice, in every row */
#define NBATCHES	4

struct job {
	struct mr_case	 c;
	char		*note;
};

/*
 * The jobs' text lives in the batch's arena: the writer forgets it all
 * at once, and the reading thread's copies cost no malloc() once the
 * arenas have grown.
 */
struct batch {
	struct job	 job[BATCH_JOBS];
	int		 n;
	struct mr_arena	 text;
};

struct imp {
	struct mr_store		*st;
	const struct mr_import_opts *o;
	struct mr_import_stats	*stats;
	const char		*path;
	struct mr_err		*err;
	int			 fatal;		/* err is set; stop */
	int			 inserting;	/* 0 once all-or-nothing has failed */
	sqlite3_stmt		*ins, *insn, *note, *dupq;	/* insn: ROWS_PER_INSERT rows */
	char			 rbuf[ROWS_PER_INSERT][MR_CASE_ROW_BUFLEN];
	sqlite3			*seen;		/* the open cases seen so far */
	sqlite3_stmt		*seen_add, *seen_get, *seen_del;
	int			 dups_have_db;	/* the database's open cases are in dups */
	/* the check in bulk (keys_*), while no row has been turned down */
	int			 bulk;
	int			 restart;	/* two keys alike: start over row by row */
	int64_t			 max_before;	/* the largest case id before the import */
	struct key_rec		*keys;		/* keys_chunk, the run being gathered */
	size_t			 nkeys, keys_chunk;
	struct key_run		*runs;
	size_t			 nruns;
	sqlite3_stmt		*run_add;
	char			 now[24];
	long long		 total, done;
	/* the header */
	int			 header_done;
	int			 ncols;
	char			*names[MAX_FIELDS];
	int			 colmap[MAX_FIELDS];
	/* the record being read */
	char			*buf;
	size_t			 buflen, bufcap;
	size_t			 off[MAX_FIELDS + 1];
	int			 nf;
	int			 toomany;
	int			 nulfield;	/* first field holding a NUL byte, + 1 */
	int			 rec_nul;	/* a line of the record holds a NUL */
	long			 rec_line;
	/* the writer thread and its queue of batches */
	pthread_t		 writer;
	int			 writer_running;
	pthread_mutex_t		 mu;
	pthread_cond_t		 more, space;
	struct batch		*batch;		/* NBATCHES */
	int			 head, count, filling;
	int			 closed;	/* no more batches will come */
	_Atomic int		 wfailed;	/* the writer hit an error: werr */
	struct mr_err		 werr;
	/* scratch for JSON values turned into text */
	char			 text[MR_NCOLS][48];
	char			 reasons[256];
	char			 specials[256];
};

static int	bulk_end(struct imp *);

static int
imp_fatal(struct imp *im)
{
	im->fatal = 1;
	return -1;
}

/* Hand a bad row to the caller and count it. */
static int
imp_reject(struct imp *im, long line, const char *why, int nnames,
    const char *const *names, int nvalues, const char *const *values)
{
	struct mr_import_reject r = { line, why, nnames, names, nvalues, values };

	if (im->bulk && bulk_end(im) == -1)
		return -1;
	im->stats->rejected++;
	if (!im->o->skip_bad)
		im->inserting = 0;
	if (im->o->reject != NULL && im->o->reject(&r, im->o->arg) != 0) {
		mr_err_set(im->err, MR_EFAIL, "import stopped");
		return imp_fatal(im);
	}
	return 0;
}

/* Split "a;b" (or "a,b") into in->reasons, in place in im->reasons. */
static int
split_reasons(struct imp *im, const char *s, struct mr_case_input *in,
    struct mr_err *why)
{
	char *p, *tok, *end;
	size_t len = strlen(s);

	if (len >= sizeof im->reasons)
		return mr_err_set(why, MR_EINVAL, "reason: the list is too long");
	memcpy(im->reasons, s, len + 1);
	in->nreasons = 0;
	for (p = im->reasons; p != NULL; ) {
		tok = p;
		p = strpbrk(p, ";,");
		if (p != NULL)
			*p++ = '\0';
		while (*tok == ' ')
			tok++;
		end = tok + strlen(tok);
		while (end > tok && end[-1] == ' ')
			*--end = '\0';
		if (*tok == '\0')
			continue;
		if (in->nreasons == (int)(sizeof in->reasons / sizeof in->reasons[0]))
			return mr_err_set(why, MR_EINVAL, "reason: at most %zu "
			    "reasons", sizeof in->reasons / sizeof in->reasons[0]);
		in->reasons[in->nreasons++] = tok;
	}
	return 0;
}

static int
seen_fail(struct imp *im)
{
	mr_err_set(im->err, MR_EFAIL, "checking for duplicates: %s",
	    sqlite3_errmsg(im->seen));
	return imp_fatal(im);
}

static int
seen_open(struct imp *im)
{
	const char *schema = "PRAGMA journal_mode = OFF;"
	    "PRAGMA synchronous = OFF;"
	    "PRAGMA cache_size = -4096;"	/* KiB */
	    "CREATE TABLE seen (key INTEGER NOT NULL, year INTEGER NOT NULL, "
	    "ref INTEGER NOT NULL, in_db INTEGER NOT NULL, "
	    "PRIMARY KEY (key, year)) WITHOUT ROWID;"
	    "CREATE TABLE run (data BLOB NOT NULL);"
	    "BEGIN";

	/* Only the thread reading the file uses this connection. */
	if (sqlite3_open_v2("", &im->seen, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(im->seen, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(im->seen, "INSERT INTO seen VALUES (?1, ?2, ?3, "
	    "?4) ON CONFLICT DO NOTHING", -1, &im->seen_add, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(im->seen, "SELECT ref, in_db FROM seen WHERE "
	    "key = ?1 AND year = ?2", -1, &im->seen_get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(im->seen, "DELETE FROM seen WHERE key = ?1 AND "
	    "year = ?2", -1, &im->seen_del, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(im->seen, "INSERT INTO run (data) VALUES (?1)",
	    -1, &im->run_add, NULL) != SQLITE_OK) {
		if (im->seen == NULL)
			return mr_err_set(im->err, MR_EFAIL, "out of memory");
		return seen_fail(im);
	}
	return 0;
}

static void
seen_close(struct imp *im)
{
	sqlite3_finalize(im->seen_add);
	sqlite3_finalize(im->seen_get);
	sqlite3_finalize(im->seen_del);
	sqlite3_finalize(im->run_add);
	sqlite3_close(im->seen);	/* deletes its file */
	free(im->keys);
	free(im->runs);
}

static void
seen_bind(sqlite3_stmt *stmt, uint64_t key, int year)
{
	sqlite3_reset(stmt);
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)key);
	sqlite3_bind_int(stmt, 2, year);
}

/*
 * Record (key, year) as opened by ref: 1 if it is new, 0 if it was seen
 * before (*ref and *in_db then say by whom), -1 on error.
 */
static int
seen_put(struct imp *im, uint64_t key, int year, long long *ref, int *in_db)
{
	seen_bind(im->seen_add, key, year);
	sqlite3_bind_int64(im->seen_add, 3, *ref);
	sqlite3_bind_int(im->seen_add, 4, *in_db);
	if (sqlite3_step(im->seen_add) != SQLITE_DONE)
		return seen_fail(im);
	if (sqlite3_changes(im->seen) == 1)
		return 1;
	seen_bind(im->seen_get, key, year);
	if (sqlite3_step(im->seen_get) != SQLITE_ROW)
		return seen_fail(im);
	*ref = sqlite3_column_int64(im->seen_get, 0);
	*in_db = sqlite3_column_int(im->seen_get, 1);
	sqlite3_reset(im->seen_get);
	return 0;
}

/*
 * The rule against a second open case, checked in bulk.  While no row has
 * been turned down, the TIN, NPI and year of each open case read (and of
 * each the database holds) go to a log instead of into the table above
 * one by one, where each went to a place of its own in a B-tree far larger
 * than its cache once the file is large: runs of keys are sorted in memory
 * and kept in the scratch database, and when the file has been read, one
 * merge of the runs finds any two keys alike.  A file without any is
 * checked at the cost of a sort.  If two are alike, the import starts over
 * with the check row by row, which names each duplicate in file order as
 * it always did.  At the first row turned down for another reason, the
 * keys logged so far go into the table in order (a B-tree built from the
 * left) and the check row by row takes over from that row on, so the bad
 * rows are handed over in file order as before.
 */
struct key_rec {
	uint64_t	 key;		/* case_key() */
	int32_t		 year;
	uint32_t	 line;		/* 0: an open case of the database */
};

struct key_run {
	sqlite3_int64	 first;		/* the rowid of its first block */
	size_t		 n;		/* keys */
};

/* Keys sorted in memory at a time (4 MiB), and per block of a run (64 KiB). */
#define KEY_CHUNK	((size_t)1 << 18)
#define BLOCK_KEYS	((size_t)4096)

static int
key_cmp(const void *a, const void *b)
{
	const struct key_rec *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->year > y->year) - (x->year < y->year);
}

/* Sort the keys gathered and keep them as a run of blocks. */
static int
keys_flush(struct imp *im)
{
	struct key_run *r;

	if (im->nkeys == 0)
		return 0;
	if ((r = realloc(im->runs, (im->nruns + 1) * sizeof *r)) == NULL) {
		mr_err_set(im->err, MR_EFAIL, "out of memory");
		return imp_fatal(im);
	}
	im->runs = r;
	r = &im->runs[im->nruns];
	r->n = im->nkeys;
	qsort(im->keys, im->nkeys, sizeof *im->keys, key_cmp);
	for (size_t i = 0; i < im->nkeys; i += BLOCK_KEYS) {
		size_t n = im->nkeys - i < BLOCK_KEYS ? im->nkeys - i : BLOCK_KEYS;

		sqlite3_reset(im->run_add);
		sqlite3_bind_blob(im->run_add, 1, im->keys + i,
		    (int)(n * sizeof *im->keys), SQLITE_STATIC);
		if (sqlite3_step(im->run_add) != SQLITE_DONE)
			return seen_fail(im);
		if (i == 0)
			r->first = sqlite3_last_insert_rowid(im->seen);
	}
	im->nruns++;
	im->nkeys = 0;
	return 0;
}

static int
keys_add(struct imp *im, uint64_t key, int year, long line)
{
	struct key_rec *k;

	if (im->nkeys == im->keys_chunk && keys_flush(im) == -1)
		return -1;
	k = &im->keys[im->nkeys++];
	k->key = key;
	k->year = year;
	k->line = (uint32_t)line;
	return 0;
}

/* The database's open cases, among the keys. */
static int
keys_load(struct imp *im)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	if (mr_store_prepare(im->st, "SELECT tin, coalesce(npi, ''), "
	    "performance_year FROM review_case WHERE status IN "
	    MR_CASE_OPEN_SQL, &stmt, im->err) == -1)
		goto out;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		if (keys_add(im, case_key((const char *)sqlite3_column_text(stmt,
		    0), (const char *)sqlite3_column_text(stmt, 1)),
		    sqlite3_column_int(stmt, 2), 0) == -1)
			goto out;
	if (step != SQLITE_DONE) {
		mr_store_dberr(im->st, im->err, "reading open cases");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* One run's keys, a block's slice at a time. */
struct run_reader {
	sqlite3_blob	*blob;
	sqlite3_int64	 block;
	size_t		 off;		/* keys read of that block */
	size_t		 left;		/* keys of the run not yet read */
	struct key_rec	*buf;
	size_t		 cap, n, pos;
};

static int
reader_fill(struct imp *im, struct run_reader *r)
{
	size_t want;

	r->n = r->pos = 0;
	if (r->left == 0)
		return 0;
	if (r->off == BLOCK_KEYS) {
		r->block++;
		r->off = 0;
		if (sqlite3_blob_reopen(r->blob, r->block) != SQLITE_OK)
			return seen_fail(im);
	}
	want = BLOCK_KEYS - r->off;
	if (want > r->left)
		want = r->left;
	if (want > r->cap)
		want = r->cap;
	if (sqlite3_blob_read(r->blob, r->buf, (int)(want * sizeof *r->buf),
	    (int)(r->off * sizeof *r->buf)) != SQLITE_OK)
		return seen_fail(im);
	r->off += want;
	r->left -= want;
	r->n = want;
	return 0;
}

static int
reader_less(const struct run_reader *a, const struct run_reader *b)
{
	return key_cmp(&a->buf[a->pos], &b->buf[b->pos]) < 0;
}

static void
heap_down(struct run_reader **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct run_reader *t;

		if (l < n && reader_less(h[l], h[m]))
			m = l;
		if (l + 1 < n && reader_less(h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/*
 * Merge every key logged, in order: *alike is set when an open case of
 * the file shares its TIN, NPI and year with another open case (of the
 * file or the database).  With fill, the file's keys also go into the
 * table of those seen, in order, each with its line.
 */
static int
keys_merge(struct imp *im, int fill, int *alike)
{
	struct run_reader *rd = NULL, **heap = NULL, one;
	struct key_rec prev = { 0 };
	size_t nheap = 0, group = 0, cap;
	int file_in_group = 0, rc = -1;

	*alike = 0;
	if (im->nruns == 0) {
		/* All in memory: one sorted run, read in place. */
		qsort(im->keys, im->nkeys, sizeof *im->keys, key_cmp);
		memset(&one, 0, sizeof one);
		one.buf = im->keys;
		one.n = one.cap = im->nkeys;
		rd = NULL;
		heap = malloc(sizeof *heap);
		if (heap == NULL)
			goto oom;
		if (one.n > 0)
			heap[nheap++] = &one;
	} else {
		if (keys_flush(im) == -1)
			goto out;
		/* The chunk's memory, shared out among the runs' readers. */
		cap = im->keys_chunk / im->nruns;
		if (cap == 0)
			cap = 1;
		if (cap * im->nruns > im->keys_chunk) {
			struct key_rec *k = realloc(im->keys, cap * im->nruns *
			    sizeof *k);

			if (k == NULL)
				goto oom;
			im->keys = k;
		}
		if ((rd = calloc(im->nruns, sizeof *rd)) == NULL ||
		    (heap = calloc(im->nruns, sizeof *heap)) == NULL)
			goto oom;
		for (size_t i = 0; i < im->nruns; i++) {
			rd[i].block = im->runs[i].first;
			rd[i].left = im->runs[i].n;
			rd[i].buf = im->keys + i * cap;
			rd[i].cap = cap;
			if (sqlite3_blob_open(im->seen, "main", "run", "data",
			    rd[i].block, 0, &rd[i].blob) != SQLITE_OK) {
				seen_fail(im);
				goto out;
			}
			if (reader_fill(im, &rd[i]) == -1)
				goto out;
			heap[nheap++] = &rd[i];
		}
		for (size_t i = nheap / 2; i-- > 0; )
			heap_down(heap, nheap, i);
	}
	while (nheap > 0) {
		struct run_reader *r = heap[0];
		const struct key_rec *k = &r->buf[r->pos];

		if (group == 0 || k->key != prev.key || k->year != prev.year) {
			group = 0;
			file_in_group = 0;
		}
		prev = *k;
		group++;
		file_in_group |= k->line != 0;
		if (group > 1 && file_in_group) {
			*alike = 1;
			break;
		}
		if (fill && k->line != 0) {
			seen_bind(im->seen_add, k->key, k->year);
			sqlite3_bind_int64(im->seen_add, 3, k->line);
			sqlite3_bind_int(im->seen_add, 4, 0);
			if (sqlite3_step(im->seen_add) != SQLITE_DONE) {
				seen_fail(im);
				goto out;
			}
		}
		if (++r->pos == r->n) {
			if (r->blob != NULL && reader_fill(im, r) == -1)
				goto out;
			if (r->n == 0 || r->blob == NULL)
				heap[0] = heap[--nheap];
		}
		heap_down(heap, nheap, 0);
	}
	rc = 0;
	goto out;
oom:
	mr_err_set(im->err, MR_EFAIL, "out of memory");
	imp_fatal(im);
out:
	for (size_t i = 0; rd != NULL && i < im->nruns; i++)
		sqlite3_blob_close(rd[i].blob);
	free(rd);
	free(heap);
	return rc;
}

static int	dups_load(struct imp *, int64_t);

/*
 * A row is being turned down: from here on, check row by row.  The keys
 * logged go into the table of those seen; if two were alike, start over.
 */
static int
bulk_end(struct imp *im)
{
	int alike;

	im->bulk = 0;
	if (sqlite3_exec(im->seen, "PRAGMA cache_size = -4096", NULL, NULL,
	    NULL) != SQLITE_OK)
		return seen_fail(im);
	if (dups_load(im, im->max_before) == -1)
		return imp_fatal(im);
	if (keys_merge(im, 1, &alike) == -1)
		return -1;
	free(im->keys);
	im->keys = NULL;
	im->nkeys = im->nruns = 0;
	if (alike) {
		im->restart = 1;
		return imp_fatal(im);
	}
	return 0;
}

/* Is an open case with c's TIN, NPI and year in the file or the database? */
static int
dup_check(struct imp *im, const struct mr_case *c, long line,
    struct mr_err *why)
{
	uint64_t key = case_key(c->tin, c->npi);
	const char *what = c->npi[0] ? "TIN, NPI" : "TIN";
	long long ref = line;
	int in_db = 0, step, added;

	if ((added = seen_put(im, key, c->performance_year, &ref, &in_db)) == -1)
		return -1;
	if (!added && !in_db)
		return mr_err_set(why, MR_ECONFLICT, "line %lld already opens a "
		    "case for this %s and performance year %d; give --force to "
		    "open a second one", ref, what, c->performance_year);
	if (!added)
		return mr_err_set(why, MR_ECONFLICT, "case %lld is already open "
		    "for this %s and performance year %d; give --force to open a "
		    "second one", ref, what, c->performance_year);
	if (!im->dups_have_db) {
		sqlite3_reset(im->dupq);
		sqlite3_bind_text(im->dupq, 1, c->tin, -1, SQLITE_STATIC);
		sqlite3_bind_text(im->dupq, 2, c->npi, -1, SQLITE_STATIC);
		sqlite3_bind_int(im->dupq, 3, c->performance_year);
		step = sqlite3_step(im->dupq);
		if (step == SQLITE_ROW) {
			/* Not this file's: the next row asks the database too. */
			seen_bind(im->seen_del, key, c->performance_year);
			if (sqlite3_step(im->seen_del) != SQLITE_DONE)
				return seen_fail(im);
			return mr_err_set(why, MR_ECONFLICT, "case %lld is already "
			    "open for this %s and performance year %d; give "
			    "--force to open a second one", (long long)
			    sqlite3_column_int64(im->dupq, 0), what,
			    c->performance_year);
		}
		if (step != SQLITE_DONE) {
			mr_store_dberr(im->st, im->err, "checking for duplicates");
			return imp_fatal(im);
		}
	}
	return 0;
}

/*
 * Insert n validated cases (1 or ROWS_PER_INSERT) and their first notes
 * with one prepared statement.  One statement per ROWS_PER_INSERT rows
 * saves most of SQLite's per-statement work (and AUTOINCREMENT's
 * sqlite_sequence update); the rows of one INSERT get consecutive ids.
 */
static int
insert_cases(struct imp *im, struct job *jobs, int n)
{
	sqlite3_stmt *stmt = n == 1 ? im->ins : im->insn;
	int64_t last;

	/*
	 * Cleared to NULL in one call, the absent values (about half of a
	 * row's columns) need no binding each.
	 */
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	sqlite3_bind_text(stmt, 1, im->now, -1, SQLITE_STATIC);
	for (int r = 0; r < n; r++) {
		mr_case_bind_row_cleared(stmt, 1 + r * COLS_PER_ROW, &jobs[r].c,
		    im->rbuf[r]);
	}
	if (sqlite3_step(stmt) != SQLITE_DONE)
		return mr_store_dberr(im->st, &im->werr, "saving cases");
	last = sqlite3_last_insert_rowid(mr_store_db(im->st));
	for (int r = 0; r < n; r++) {
		if (jobs[r].note == NULL)
			continue;
		sqlite3_reset(im->note);
		sqlite3_bind_int64(im->note, 1, last - (n - 1 - r));
		sqlite3_bind_text(im->note, 2, jobs[r].note, -1, SQLITE_STATIC);
		if (sqlite3_step(im->note) != SQLITE_DONE)
			return mr_store_dberr(im->st, &im->werr, "saving a note");
	}
	if (im->stats->imported == 0)
		im->stats->first_id = last - n + 1;
	im->stats->imported += n;
	im->stats->last_id = last;
	return 0;
}

static void *
writer_main(void *arg)
{
	struct imp *im = arg;
	struct batch *b;

	for (;;) {
		pthread_mutex_lock(&im->mu);
		while (im->count == 0 && !im->closed)
			pthread_cond_wait(&im->more, &im->mu);
		if (im->count == 0) {
			pthread_mutex_unlock(&im->mu);
			break;
		}
		b = &im->batch[im->head];
		pthread_mutex_unlock(&im->mu);
		for (int i = 0, k; i < b->n; i += k) {
			k = b->n - i >= ROWS_PER_INSERT ? ROWS_PER_INSERT : 1;
			if (!im->wfailed && insert_cases(im, &b->job[i], k) == -1)
				im->wfailed = 1;
		}
		mr_arena_reset(&b->text);
		b->n = 0;
		pthread_mutex_lock(&im->mu);
		im->head = (im->head + 1) % NBATCHES;
		im->count--;
		pthread_cond_signal(&im->space);
		pthread_mutex_unlock(&im->mu);
	}
	return NULL;
}

/* Hand the batch being filled to the writer; wait for a free one. */
static void
batch_send(struct imp *im)
{
	pthread_mutex_lock(&im->mu);
	im->count++;
	im->filling = (im->filling + 1) % NBATCHES;
	pthread_cond_signal(&im->more);
	while (im->count == NBATCHES)
		pthread_cond_wait(&im->space, &im->mu);
	pthread_mutex_unlock(&im->mu);
}

/*
 * Move the validated case *c, its text already in the batch's arena, and
 * a copy of note to the writer.
 */
static int
enqueue(struct imp *im, const struct mr_case *c, const char *note)
{
	struct batch *b = &im->batch[im->filling];
	struct job *j = &b->job[b->n];

	j->note = NULL;
	if (note != NULL && *note != '\0' &&
	    (j->note = mr_arena_strdup(&b->text, note)) == NULL) {
		mr_err_set(im->err, MR_EFAIL, "out of memory");
		return imp_fatal(im);
	}
	j->c = *c;
	if (++b->n == BATCH_JOBS)
		batch_send(im);
	return 0;
}

static void
writer_sync_free(struct imp *im)
{
	pthread_cond_destroy(&im->space);
	pthread_cond_destroy(&im->more);
	pthread_mutex_destroy(&im->mu);
}

/* Send what is left, let the writer finish, and collect its verdict. */
static int
writer_stop(struct imp *im)
{
	if (!im->writer_running)
		return 0;
	if (im->batch[im->filling].n > 0)
		batch_send(im);
	pthread_mutex_lock(&im->mu);
	im->closed = 1;
	pthread_cond_signal(&im->more);
	pthread_mutex_unlock(&im->mu);
	pthread_join(im->writer, NULL);
	im->writer_running = 0;
	writer_sync_free(im);
	if (im->wfailed && !im->fatal) {
		*im->err = im->werr;
		return imp_fatal(im);
	}
	return 0;
}

static int
writer_start(struct imp *im)
{
	if ((im->batch = calloc(NBATCHES, sizeof *im->batch)) == NULL)
		return mr_err_set(im->err, MR_EFAIL, "out of memory");
	for (int i = 0; i < NBATCHES; i++)
		mr_arena_init(&im->batch[i].text);
	pthread_mutex_init(&im->mu, NULL);
	pthread_cond_init(&im->more, NULL);
	pthread_cond_init(&im->space, NULL);
	if (pthread_create(&im->writer, NULL, writer_main, im) != 0) {
		writer_sync_free(im);
		return mr_err_set(im->err, MR_EFAIL, "cannot start a thread");
	}
	im->writer_running = 1;
	return 0;
}

static const char *
nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

/*
 * One data row: v holds each column's text (NULL when the file has no
 * such column).  Validate it as add would, check for duplicates, insert.
 */
static int
imp_row(struct imp *im, long line, const char *const *v, int nnames,
    const char *const *names, int nvalues, const char *const *values)
{
	struct mr_case_input in = { 0 };
	struct mr_case c;
	struct mr_err why = { 0 };
	struct mr_arena_mark mark;
	int rc = 0, bad = 1, queued = 0;

	memset(&c, 0, sizeof c);
	in.arena = &im->batch[im->filling].text;
	mr_arena_mark(in.arena, &mark);
	im->stats->rows++;
	for (int i = 0; i < MR_NCOLS; i++)
		if (v[i] != NULL && mr_text_validate(mr_import_columns[i], v[i],
		    1, &why) == -1)
			goto out;
	in.tin = v[MR_COL_TIN];
	in.npi = v[MR_COL_NPI];
	in.name = v[MR_COL_NAME];
	in.year = v[MR_COL_YEAR];
	if (v[MR_COL_REASON] != NULL && split_reasons(im, v[MR_COL_REASON], &in, &why) == -1)
		goto out;
	in.score = v[MR_COL_SCORE];
	in.adjustment = v[MR_COL_ADJ];
	in.practice = v[MR_COL_PRACTICE];
	in.participation = v[MR_COL_PART];
	in.owner = v[MR_COL_OWNER];
	in.note = v[MR_COL_NOTE];
	in.quality = v[MR_COL_QUALITY];
	in.cost = v[MR_COL_COST];
	in.ia = v[MR_COL_IA];
	in.pi = v[MR_COL_PI];
	/* The request's fields; an empty one is absent, as export writes it. */
	if (v[MR_COL_SPECIAL] != NULL && *v[MR_COL_SPECIAL] != '\0') {
		/* "a;b" in a file, like the reasons: a comma would need quoting. */
		if (v[MR_COL_SPECIAL] != im->specials)
			snprintf(im->specials, sizeof im->specials, "%s",
			    v[MR_COL_SPECIAL]);
		for (char *p = im->specials; (p = strchr(p, ';')) != NULL; )
			*p = ',';
		in.special_statuses = im->specials;
	}
	in.legal_name = nonempty(v[MR_COL_LEGAL_NAME]);
	in.apm_entity_id = nonempty(v[MR_COL_APM_ENTITY]);
	in.virtual_group_id = nonempty(v[MR_COL_VIRTUAL_GROUP]);
	in.requester_role = nonempty(v[MR_COL_REQUESTER_ROLE]);
	in.request_number = nonempty(v[MR_COL_REQUEST_NUMBER]);
	in.explanation = nonempty(v[MR_COL_EXPLANATION]);
	in.county = nonempty(v[MR_COL_COUNTY]);
	in.zip = nonempty(v[MR_COL_ZIP]);
	if (mr_case_validate(im->st, &in, &c, &why) == -1)
		goto out;
	if (v[MR_COL_STATUS] != NULL && *v[MR_COL_STATUS] != '\0') {
		if (!mr_state_valid(v[MR_COL_STATUS])) {
			mr_err_set(&why, MR_EINVAL, "status '%s' is not known; "
			    "use one of: %s", v[MR_COL_STATUS], MR_CASE_STATES);
			goto out;
		}
		snprintf(c.status, sizeof c.status, "%s", v[MR_COL_STATUS]);
	}
	if (!im->o->force && mr_state_is_open(c.status)) {
		/* A line number beyond 32 bits ends the bulk check. */
		if (im->bulk && (unsigned long)line > UINT32_MAX &&
		    bulk_end(im) == -1)
			goto out;
		if (im->bulk) {
			if (keys_add(im, case_key(c.tin, c.npi),
			    c.performance_year, line) == -1)
				goto out;
		} else if (dup_check(im, &c, line, &why) == -1)
			goto out;
	}
	bad = 0;
	if (im->inserting && !im->wfailed) {
		/* Sending a full batch hands its arena to the writer. */
		queued = 1;
		rc = enqueue(im, &c, in.note);
	}
out:
	if (!queued)
		mr_arena_rewind(in.arena, &mark);
	if (im->fatal)
		rc = -1;
	else if (bad)
		rc = imp_reject(im, line, why.msg, nnames, names, nvalues, values);
	return rc;
}

/* --- CSV ---------------------------------------------------------------- */

static void
csv_field(void *s, size_t len, void *arg)
{
	struct imp *im = arg;

	if (im->nf == MAX_FIELDS) {
		im->toomany = 1;
		return;
	}
	if (im->buflen + len + 1 > im->bufcap) {
		size_t cap = im->bufcap ? im->bufcap : 1024;
		char *p;

		while (cap < im->buflen + len + 1)
			cap *= 2;
		if ((p = realloc(im->buf, cap)) == NULL) {
			if (!im->fatal)
				mr_err_set(im->err, MR_EFAIL, "out of memory");
			im->fatal = 1;
			return;
		}
		im->buf = p;
		im->bufcap = cap;
	}
	/* A NUL would end the value early as C text: refuse, not truncate. */
	if (im->nulfield == 0 && im->rec_nul && len > 0 &&
	    memchr(s, '\0', len) != NULL)
		im->nulfield = im->nf + 1;
	im->off[im->nf++] = im->buflen;
	if (len > 0)
		memcpy(im->buf + im->buflen, s, len);
	im->buflen += len;
	im->buf[im->buflen++] = '\0';
}

static int
csv_header(struct imp *im, const char *const *f)
{
	int seen[MR_NCOLS + 2] = { 0 };
	char missing[96] = "";
	struct mr_buf mb;
	static const int required[] = { MR_COL_TIN, MR_COL_NAME, MR_COL_YEAR, MR_COL_REASON };

	if (im->toomany)
		return mr_err_set(im->err, MR_EINVAL, "%s: line %ld: more than "
		    "%d columns; the columns are: %s", im->path, im->rec_line,
		    MAX_FIELDS, COLUMN_NAMES);
	im->ncols = im->nf;
	for (int i = 0; i < im->nf; i++) {
		int c = col_lookup(f[i]);

		if ((im->names[i] = strdup(f[i])) == NULL)
			return mr_err_set(im->err, MR_EFAIL, "out of memory");
		if (c == -1)
			return mr_err_set(im->err, MR_EINVAL, "%s: line %ld: column "
			    "'%s' is not known; the columns are the long options "
			    "of add: %s", im->path, im->rec_line, f[i],
			    COLUMN_NAMES);
		if (c != C_SKIP && seen[c]++)
			return mr_err_set(im->err, MR_EINVAL, "%s: line %ld: column "
			    "'%s' appears twice", im->path, im->rec_line, f[i]);
		im->colmap[i] = c;
	}
	/* The four required names fit in missing. */
	mr_buf_init_fixed(&mb, missing, sizeof missing);
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
		if (!seen[required[i]])
			(void)mr_buf_printf(&mb, "%s%s", mb.len ? ", " : "",
			    mr_import_columns[required[i]]);
	if (missing[0])
		return mr_err_set(im->err, MR_EINVAL, "%s: line %ld: required "
		    "column%s missing: %s", im->path, im->rec_line,
		    strchr(missing, ',') ? "s are" : " is", missing);
	im->header_done = 1;
	return 0;
}

static void
csv_record(int term, void *arg)
{
	struct imp *im = arg;
	const char *f[MAX_FIELDS], *v[MR_NCOLS] = { NULL };
	char why[96];

	(void)term;
	if (im->fatal)
		goto out;
	for (int i = 0; i < im->nf; i++)
		f[i] = im->buf + im->off[i];
	if (!im->header_done) {
		if (im->nulfield) {
			mr_err_set(im->err, MR_EINVAL, "%s: line %ld: column %d "
			    "of the header holds a NUL byte; save the file as "
			    "plain UTF-8 text", im->path, im->rec_line,
			    im->nulfield);
			im->fatal = 1;
		} else if (csv_header(im, f) == -1)
			im->fatal = 1;
		goto out;
	}
	if (im->toomany || im->nf != im->ncols) {
		im->stats->rows++;
		snprintf(why, sizeof why, "%s%d fields where the header has %d "
		    "(quote a value that holds a comma)", im->toomany ?
		    "more than " : "", im->nf, im->ncols);
		imp_reject(im, im->rec_line, why, im->ncols,
		    (const char *const *)im->names, im->nf, f);
		goto out;
	}
	if (im->nulfield) {
		im->stats->rows++;
		snprintf(why, sizeof why, "%s: the text holds a NUL character",
		    im->names[im->nulfield - 1]);
		imp_reject(im, im->rec_line, why, im->ncols,
		    (const char *const *)im->names, im->nf, f);
		goto out;
	}
	for (int i = 0; i < im->nf; i++)
		if (im->colmap[i] < MR_NCOLS)
			v[im->colmap[i]] = f[i];
	imp_row(im, im->rec_line, v, im->ncols, (const char *const *)im->names,
	    im->nf, f);
out:
	im->nf = 0;
	im->buflen = 0;
	im->toomany = 0;
	im->nulfield = 0;
}

/* --- JSON Lines ---------------------------------------------------------- */

/* A number as the shortest text that reads back the same. */
void
mr_import_number_text(double d, char *buf, size_t len)
{
	snprintf(buf, len, "%.15g", d);
	if (strtod(buf, NULL) != d)
		snprintf(buf, len, "%.17g", d);
}

/* A list of names ["rural", "hpsa"] as "rural;hpsa" in buf. */
static int
json_list_text(json_t *val, char *buf, size_t len, const char *col,
    const char **out, struct mr_err *why)
{
	size_t i, off = 0;
	json_t *e;

	buf[0] = '\0';
	json_array_foreach(val, i, e) {
		if (!json_is_string(e))
			return mr_err_set(why, MR_EINVAL, "%s: a list of names "
			    "like [\"small-practice\", \"rural\"] is expected", col);
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
		    i ? ";" : "", json_string_value(e));
	}
	if (off >= len)
		return mr_err_set(why, MR_EINVAL, "%s: the list is too long", col);
	*out = buf;
	return 0;
}

static int
json_value_text(struct imp *im, int col, json_t *val, const char **out,
    struct mr_err *why)
{
	char *t = im->text[col];
	struct mr_buf rb;
	size_t i;
	json_t *e;

	switch (json_typeof(val)) {
	case JSON_NULL:
		*out = NULL;
		return 0;
	case JSON_STRING:
		*out = json_string_value(val);
		if (strlen(*out) != json_string_length(val))
			return mr_err_set(why, MR_EINVAL, "%s: the text holds a "
			    "NUL character", mr_import_columns[col]);
		return 0;
	case JSON_INTEGER:
		snprintf(t, sizeof im->text[col], "%" JSON_INTEGER_FORMAT,
		    json_integer_value(val));
		*out = t;
		return 0;
	case JSON_REAL:
		mr_import_number_text(json_real_value(val), t, sizeof im->text[col]);
		*out = t;
		return 0;
	case JSON_ARRAY:
		if (col == MR_COL_SPECIAL)
			return json_list_text(val, im->specials, sizeof im->specials,
			    "special-status", out, why);
		if (col != MR_COL_REASON)
			break;
		mr_buf_init_fixed(&rb, im->reasons, sizeof im->reasons);
		json_array_foreach(val, i, e) {
			if (!json_is_string(e))
				return mr_err_set(why, MR_EINVAL, "reason: a list "
				    "of names like [\"qp-status\", \"other\"] is "
				    "expected");
			(void)mr_buf_printf(&rb, "%s%s", i ? ";" : "",
			    json_string_value(e));
		}
		if (rb.failed)
			return mr_err_set(why, MR_EINVAL, "reason: the list is "
			    "too long");
		*out = im->reasons;
		return 0;
	default:
		break;
	}
	return mr_err_set(why, MR_EINVAL, "%s: a string or number is expected",
	    mr_import_columns[col]);
}

static int
jsonl_line(struct imp *im, char *line, size_t len, long lineno)
{
	json_t *o, *val;
	json_error_t jerr;
	struct mr_err why = { 0 };
	const char *v[MR_NCOLS] = { NULL }, *key;
	char reasons[256];
	int c, rc = 0;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
	    line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (strspn(line, " \t") >= len)
		return 0;		/* a blank line */
	if ((o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		im->stats->rows++;
		mr_err_set(&why, MR_EINVAL, "not valid JSON: %s (column %d)",
		    jerr.text, jerr.column);
		return imp_reject(im, lineno, why.msg, MR_NCOLS, mr_import_columns,
		    0, NULL);
	}
	if (!json_is_object(o)) {
		im->stats->rows++;
		rc = imp_reject(im, lineno, "a JSON object {\"tin\": ...} is "
		    "expected on each line", MR_NCOLS, mr_import_columns, 0, NULL);
		goto out;
	}
	json_object_foreach(o, key, val) {
		if ((c = col_lookup(key)) == -1) {
			mr_err_set(&why, MR_EINVAL, "field '%s' is not known; the "
			    "fields are: %s", key, COLUMN_NAMES);
			break;
		}
		if (c >= MR_NCOLS)
			continue;
		if (json_value_text(im, c, val, &v[c], &why) == -1)
			break;
		if (c == MR_COL_REASON && v[c] == im->reasons) {
			/* split_reasons() reuses im->reasons: keep a copy */
			snprintf(reasons, sizeof reasons, "%s", im->reasons);
			v[c] = reasons;
		}
	}
	if (why.code != MR_EOK) {
		im->stats->rows++;
		rc = imp_reject(im, lineno, why.msg, MR_NCOLS, mr_import_columns,
		    MR_NCOLS, v);
		goto out;
	}
	rc = imp_row(im, lineno, v, MR_NCOLS, mr_import_columns, MR_NCOLS, v);
out:
	json_decref(o);
	return rc;
}

/* --- the import ---------------------------------------------------------- */

/*
 * Drop the secondary indexes of review_case whose entries land all over
 * the index (TIN, NPI), keeping their SQL in defs to build them again
 * after the load, which sorts once instead of inserting at random.  An
 * index that leads with the year, the status or the deadline stays: the
 * imported rows share a few values there, so each new entry goes at the
 * end of its value's run (the id rises), which SQLite does cheaply while
 * the rows go in, without reading the table again afterwards.
 */
static int
indexes_drop(struct mr_store *st, char ***defs, int *n, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char *drop = NULL, **v;
	int rc = -1, step;

	*defs = NULL;
	*n = 0;
	/* sql IS NULL: the automatic index of a UNIQUE constraint. */
	if (mr_store_prepare(st, "SELECT s.name, s.sql FROM sqlite_schema s WHERE "
	    "s.type = 'index' AND s.tbl_name = 'review_case' AND s.sql IS NOT NULL "
	    "AND (SELECT i.name FROM pragma_index_info(s.name) i WHERE i.seqno = 0) "
	    "NOT IN ('performance_year', 'status', 'deadline_at')",
	    &stmt, err) == -1)
		goto out;
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((v = realloc(*defs, (*n + 1) * sizeof *v)) == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		*defs = v;
		if ((v[*n] = strdup((const char *)sqlite3_column_text(stmt, 1)))
		    == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		++*n;
		drop = sqlite3_mprintf("DROP INDEX \"%w\"",
		    (const char *)sqlite3_column_text(stmt, 0));
		if (drop == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		/* The schema may not change under a running statement. */
		sqlite3_reset(stmt);
		if (mr_store_exec(st, drop, err) == -1)
			goto out;
		sqlite3_free(drop);
		drop = NULL;
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading the schema");
		goto out;
	}
	rc = 0;
out:
	sqlite3_free(drop);
	sqlite3_finalize(stmt);
	return rc;
}

static int
count_rows(struct mr_store *st, long long *n, int64_t *max_id,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	if (mr_store_prepare(st, "SELECT count(*), coalesce(max(id), 0) FROM "
	    "review_case", &stmt, err) == -1)
		goto out;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		mr_store_dberr(st, err, "counting cases");
		goto out;
	}
	*n = sqlite3_column_int64(stmt, 0);
	*max_id = sqlite3_column_int64(stmt, 1);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Put the database's open cases (up to case max_id) among those seen. */
static int
dups_load(struct imp *im, int64_t max_id)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	if (mr_store_prepare(im->st, "SELECT tin, coalesce(npi, ''), "
	    "performance_year, id FROM review_case WHERE status IN " MR_CASE_OPEN_SQL
	    " AND id <= ?1", &stmt, im->err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, max_id);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		uint64_t key = case_key((const char *)sqlite3_column_text(stmt, 0),
		    (const char *)sqlite3_column_text(stmt, 1));
		long long ref = sqlite3_column_int64(stmt, 3);
		int in_db = 1;

		if (seen_put(im, key, sqlite3_column_int(stmt, 2), &ref,
		    &in_db) == -1)
			goto out;
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(im->st, im->err, "reading open cases");
		goto out;
	}
	im->dups_have_db = 1;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

static int
audit_import(struct imp *im)
{
	struct mr_import_stats *s = im->stats;
	json_t *o;
	char *after = NULL;
	int rc;

	o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:b}",
	    "file", im->path,
	    "format", im->o->format == MR_FORMAT_CSV ? "csv" : "jsonl",
	    "sha256", s->sha256,
	    "rows", (json_int_t)s->rows,
	    "imported", (json_int_t)s->imported,
	    "rejected", (json_int_t)s->rejected,
	    "first_id", (json_int_t)s->first_id,
	    "last_id", (json_int_t)s->last_id,
	    "force", im->o->force,
	    "skip_bad", im->o->skip_bad);
	if (o == NULL || (after = json_dumps(o, JSON_COMPACT |
	    JSON_PRESERVE_ORDER)) == NULL) {
		json_decref(o);
		return mr_err_set(im->err, MR_EFAIL, "out of memory");
	}
	json_decref(o);
	rc = mr_audit_append(im->st, "import", 0, "import", NULL, after, im->err);
	free(after);
	return rc;
}

/*
 * OR FAIL: a row that broke a constraint would end the statement with the
 * rows before it kept, rather than undo the statement's own rows first.
 * Any failure rolls the whole import back, so that changes nothing; but
 * a statement that may undo itself has SQLite copy every page it touches
 * into a statement journal first, which for a many-row INSERT spills to a
 * temporary file: the pages of the whole load written once more.
 */
#define INSERT_HEAD "INSERT OR FAIL INTO review_case (created_at, " \
	"updated_at, " MR_CASE_ROW_COLUMNS ") VALUES "

/*
 * An INSERT of n rows: every row starts with the time, ?1, twice, then
 * takes the case's columns, ?(Kr+2) .. ?(Kr+K+1) with K = COLS_PER_ROW,
 * written "?": SQLite numbers those in order.  It finds the name of a
 * numbered parameter by walking its list of them from the front, so
 * "?1" is found at once, where numbering every column made preparing
 * the 32-row statement quadratic: 3 ms of a 10,000-row import.
 */
static char *
insert_sql(int n)
{
	struct mr_buf sql;

	mr_buf_init(&sql, sizeof INSERT_HEAD + (size_t)n * (COLS_PER_ROW + 5) * 2);
	(void)mr_buf_add(&sql, INSERT_HEAD, sizeof INSERT_HEAD - 1);
	for (int r = 0; r < n; r++) {
		(void)mr_buf_add(&sql, r ? ",(?1,?1" : "(?1,?1", r ? 7 : 6);
		for (int k = 1; k <= COLS_PER_ROW; k++)
			(void)mr_buf_add(&sql, ",?", 2);
		(void)mr_buf_add(&sql, ")", 1);
	}
	return mr_buf_take(&sql, NULL);	/* NULL: out of memory */
}

static int
prepare_statements(struct imp *im)
{
	char *one = insert_sql(1), *many = insert_sql(ROWS_PER_INSERT);
	int rc = -1;

	if (one == NULL || many == NULL) {
		mr_err_set(im->err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_store_prepare(im->st, one, &im->ins, im->err) == -1 ||
	    mr_store_prepare(im->st, many, &im->insn, im->err) == -1 ||
	    mr_store_prepare(im->st, "INSERT INTO case_note (case_id, at, who, "
	    "body) VALUES (?1, ?3, ?4, ?2)", &im->note, im->err) == -1 ||
	    /* +status: keep the planner on the (tin, year) index */
	    mr_store_prepare(im->st, "SELECT id FROM review_case WHERE tin = ?1 "
	    "AND coalesce(npi, '') = ?2 AND performance_year = ?3 AND +status "
	    "IN " MR_CASE_OPEN_SQL " LIMIT 1", &im->dupq, im->err) == -1)
		goto out;
	sqlite3_bind_text(im->note, 3, im->now, -1, SQLITE_STATIC);
	sqlite3_bind_text(im->note, 4, mr_store_actor(im->st), -1, SQLITE_STATIC);
	rc = 0;
out:
	free(one);
	free(many);
	return rc;
}

/*
 * The file read in large blocks and cut into lines where they lie: no
 * copy of each line, as getline() makes, and one digest call per block.
 * A line longer than the buffer doubles it.
 */
#define READ_BLOCK	(1 << 20)

struct line_reader {
	FILE			*fp;
	struct sha256_ctx	*md;	/* of every byte read */
	char			*buf;	/* cap bytes and a NUL after end */
	size_t			 cap, start, end;
	int			 eof, nomem;
};

/* The next line and its length, newline included: 1, 0 at the end, -1. */
static int
next_line(struct line_reader *r, char **line, size_t *len)
{
	char *nl, *p;
	size_t got;

	for (;;) {
		if (r->start < r->end && (nl = memchr(r->buf + r->start, '\n',
		    r->end - r->start)) != NULL) {
			*line = r->buf + r->start;
			*len = (size_t)(nl + 1 - *line);
			r->start += *len;
			return 1;
		}
		if (r->eof) {
			if (r->start == r->end)
				return 0;
			/* The last line, without its newline. */
			*line = r->buf + r->start;
			*len = r->end - r->start;
			r->start = r->end;
			return 1;
		}
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if (r->end == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : READ_BLOCK;

			if ((p = realloc(r->buf, cap + 1)) == NULL) {
				r->nomem = 1;
				return -1;
			}
			r->buf = p;
			r->cap = cap;
		}
		got = fread(r->buf + r->end, 1, r->cap - r->end, r->fp);
		sha256_update(r->md, got, (const uint8_t *)r->buf + r->end);
		r->end += got;
		/* A line is read as text: nothing runs past its end. */
		r->buf[r->end] = '\0';
		if (got == 0) {
			if (ferror(r->fp))
				return -1;
			r->eof = 1;
		}
	}
}

/* Read the file line by line, hashing every byte, and feed the parser. */
static int
read_file(struct imp *im, FILE *fp, struct sha256_ctx *md)
{
	struct csv_parser p;
	struct line_reader lr = { .fp = fp, .md = md };
	char *line;
	size_t n;
	long lineno = 0;
	int rc = -1, have_parser = 0, got = 0;

	if (im->o->format == MR_FORMAT_CSV) {
		if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)
		    != 0) {
			mr_err_set(im->err, MR_EFAIL, "out of memory");
			goto out;
		}
		have_parser = 1;
	}
	while (!im->fatal && (got = next_line(&lr, &line, &n)) == 1) {
		char *s = line;
		size_t len = n;

		lineno++;
		im->done += n;
		if (lineno == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
			s += 3;		/* a byte-order mark some editors write */
			len -= 3;
		}
		if (im->o->format == MR_FORMAT_JSONL) {
			if (jsonl_line(im, s, len, lineno) == -1 && im->fatal)
				break;
		} else {
			/* The parser sees whole lines, so a record starts on
			 * the line fed while it awaits a new row; pstate is
			 * libcsv's public state (0: ROW_NOT_BEGUN). */
			int nul = memchr(s, '\0', len) != NULL;

			if (p.pstate == 0) {
				im->rec_line = lineno;
				im->rec_nul = nul;
			} else
				im->rec_nul |= nul;
			if (csv_parse(&p, s, len, csv_field, csv_record, im) != len &&
			    !im->fatal) {
				mr_err_set(im->err, MR_EINVAL, "%s: line %ld: "
				    "malformed CSV (%s): a quote may only open "
				    "or close a whole field, and a quote inside "
				    "a quoted field is written twice (\"\")",
				    im->path, lineno, csv_strerror(csv_error(&p)));
				im->fatal = 1;
			}
		}
		if (im->o->progress != NULL && (lineno & 0xfff) == 0)
			im->o->progress(im->done, im->total, im->stats->rows,
			    im->o->arg);
	}
	if (im->fatal)
		goto out;
	if (got == -1) {
		if (lr.nomem)
			mr_err_set(im->err, MR_EFAIL, "out of memory");
		else
			mr_err_set(im->err, MR_EFAIL, "%s: %s", im->path,
			    strerror(errno));
		goto out;
	}
	if (have_parser && csv_fini(&p, csv_field, csv_record, im) != 0 &&
	    !im->fatal) {
		mr_err_set(im->err, MR_EINVAL, "%s: line %ld: a quoted field is "
		    "not closed at the end of the file", im->path, im->rec_line);
		goto out;
	}
	if (im->fatal)
		goto out;
	if (lineno == 0) {
		mr_err_set(im->err, MR_EINVAL, "%s is empty: %s", im->path,
		    im->o->format == MR_FORMAT_CSV ? "a header row naming the "
		    "columns (tin,npi,name,year,reason,...) is expected" :
		    "one JSON object per line is expected");
		goto out;
	}
	if (im->stats->rows == 0) {
		mr_err_set(im->err, MR_EINVAL, "%s: no cases to import%s",
		    im->path, im->o->format == MR_FORMAT_CSV ? " after the "
		    "header row" : "");
		goto out;
	}
	if (im->o->progress != NULL)
		im->o->progress(im->done, im->total, im->stats->rows, im->o->arg);
	rc = 0;
out:
	if (have_parser)
		csv_free(&p);
	free(lr.buf);
	return rc;
}

/* BULK_CACHE_KIB for the load; *was: the size to return to. */
static int
cache_shrink(struct mr_store *st, int *was, struct mr_err *err)
{
	char sql[48];

	if (mr_store_int(st, "PRAGMA cache_size", was, err) == -1)
		return -1;
	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", BULK_CACHE_KIB);
	return mr_store_exec(st, sql, err);
}

/*
 * One reading of the file: 0 when the import is in, -1 on error, 1 when
 * the bulk check found two open cases alike and nothing was done (start
 * over without it).
 */
static int
import_once(struct mr_store *st, const char *path,
    const struct mr_import_opts *o, struct mr_import_stats *stats, int bulk,
    struct mr_err *err)
{
	struct imp im = { .st = st, .o = o, .stats = stats, .path = path,
	    .err = err, .inserting = 1 };
	struct stat sb;
	FILE *fp = NULL;
	/* nettle, linked already: libcrypto would be loaded for this alone. */
	struct sha256_ctx md;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char **defs = NULL;
	long long existing = 0, guess;
	int ndefs = 0, rc = -1, in_tx = 0, checks_off = 0, fks_off = 0;
	int cache_was = 0;

	memset(stats, 0, sizeof *stats);
	mr_when_iso_utc(mr_store_now(st), im.now, sizeof im.now);
	/* A FIFO or a device would hang the import: "-" is standard input. */
	if (mr_input_fopen_stdin(path, "import file", &fp, err) == -1)
		goto out;
	if (fstat(fileno(fp), &sb) == -1) {
		mr_err_set(err, MR_EFAIL, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* read_file() reads blocks of 1 MB itself: no second buffer. */
	(void)setvbuf(fp, NULL, _IONBF, 0);
	/* A pipe has no size: no progress bar, no guess. */
	im.total = S_ISREG(sb.st_mode) ? sb.st_size : 0;
	guess = im.total / GUESS_ROW_BYTES;
	sha256_init(&md);
	/*
	 * The same holds of a foreign key checked by a many-row INSERT, so
	 * they are off for the import's transaction (the pragma takes effect
	 * only outside one): a case's filing was checked by
	 * mr_case_validate(), as add checks it, and each note's case is the
	 * row just inserted.
	 */
	if (mr_store_exec(st, "PRAGMA foreign_keys = OFF", err) == -1)
		goto out;
	fks_off = 1;
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	/*
	 * Every row passed mr_case_validate(), which checks more than the
	 * table's CHECK constraints do; evaluating them again costs a third
	 * of the insert time at national scale.  The flag is compiled into
	 * the statements prepared while it is on, and turned off again below.
	 */
	if (mr_store_exec(st, "PRAGMA ignore_check_constraints = ON", err) == -1)
		goto out;
	checks_off = 1;
	if (count_rows(st, &existing, &im.max_before, err) == -1)
		goto out;
	/*
	 * Duplicates against the database: a small table's open cases are
	 * put among those seen once; a large one is asked row by row through its
	 * (tin, performance_year) index.  A large load into a table no larger
	 * than itself builds the indexes afterwards, in this transaction.
	 */
	if (!o->force && seen_open(&im) == -1)
		goto out;
	/*
	 * In bulk when the file can be read again from the start: a file
	 * (not standard input) and a database whose open cases are worth
	 * reading whole.
	 */
	im.bulk = bulk && !o->force && S_ISREG(sb.st_mode) &&
	    strcmp(path, "-") != 0 && existing <= 4 * guess;
	if (im.bulk) {
		im.keys_chunk = o->key_chunk > 0 ? o->key_chunk : KEY_CHUNK;
		if ((im.keys = malloc(im.keys_chunk * sizeof *im.keys)) == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		/* The runs are written once, front to back: no cache to speak of. */
		if (sqlite3_exec(im.seen, "PRAGMA cache_size = -256", NULL, NULL,
		    NULL) != SQLITE_OK) {
			seen_fail(&im);
			goto out;
		}
		if (keys_load(&im) == -1)
			goto out;
	} else if (!o->force && existing <= 4 * guess &&
	    dups_load(&im, im.max_before) == -1)
		goto out;
	if (guess >= REBUILD_MIN_ROWS && existing <= guess &&
	    (im.dups_have_db || im.bulk || o->force)) {
		if (indexes_drop(st, &defs, &ndefs, err) == -1 ||
		    cache_shrink(st, &cache_was, err) == -1)
			goto out;
	}
	/* Prepared once the schema is as the load will find it. */
	if (prepare_statements(&im) == -1)
		goto out;
	if (writer_start(&im) == -1)
		goto out;
	if (read_file(&im, fp, &md) == -1)
		goto out;
	/* While the writer catches up. */
	if (im.bulk) {
		int alike;

		if (keys_merge(&im, 0, &alike) == -1)
			goto out;
		if (alike) {
			im.restart = 1;
			goto out;
		}
	}
	if (writer_stop(&im) == -1)
		goto out;

	sha256_digest(&md, sizeof digest, digest);
	mr_hex(digest, sizeof digest, stats->sha256);
	if (stats->rejected > 0 && !o->skip_bad) {
		mr_err_set(err, MR_EINVAL, "%s: %ld of %ld rows are bad; nothing "
		    "was imported (fix them, or import the good rows with "
		    "--skip-bad REJECTS.csv)", path, stats->rejected, stats->rows);
		goto out;
	}
	if (o->finish != NULL && o->finish(o->arg) != 0) {
		mr_err_set(err, MR_EFAIL, "%s: import stopped before the commit; "
		    "nothing was imported", path);
		goto out;
	}
	/* Let SQLite sort for the indexes on a second core as well. */
	if (ndefs > 0)
		(void)mr_store_exec(st, "PRAGMA threads = 2", NULL);
	for (int i = 0; i < ndefs; i++)
		if (mr_store_exec(st, defs[i], err) == -1)
			goto out;
	stats->indexes_rebuilt = ndefs;
	if (audit_import(&im) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	(void)writer_stop(&im);
	for (int i = 0; im.batch != NULL && i < NBATCHES; i++)
		mr_arena_free(&im.batch[i].text);
	free(im.batch);
	sqlite3_finalize(im.ins);
	sqlite3_finalize(im.insn);
	sqlite3_finalize(im.note);
	sqlite3_finalize(im.dupq);
	if (in_tx)
		mr_store_rollback(st);
	if (checks_off)
		(void)mr_store_exec(st, "PRAGMA ignore_check_constraints = OFF", NULL);
	if (fks_off)
		(void)mr_store_exec(st, "PRAGMA foreign_keys = ON", NULL);
	if (ndefs > 0)
		(void)mr_store_exec(st, "PRAGMA threads = 0", NULL);
	if (cache_was != 0) {
		char sql[48];

		snprintf(sql, sizeof sql, "PRAGMA cache_size = %d", cache_was);
		(void)mr_store_exec(st, sql, NULL);
	}
	for (int i = 0; i < ndefs; i++)
		free(defs[i]);
	free(defs);
	for (int i = 0; i < im.ncols; i++)
		free(im.names[i]);
	free(im.buf);
	seen_close(&im);
	if (fp != NULL)
		fclose(fp);
	return im.restart ? 1 : rc;
}

int
mr_import_file(struct mr_store *st, const char *path,
    const struct mr_import_opts *o, struct mr_import_stats *stats,
    struct mr_err *err)
{
	struct stat sb;
	int rc, bulk = 0;

	/* A load of a national file's size: see mr_store_bulk_enter(). */
	if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 &&
	    S_ISREG(sb.st_mode) && sb.st_size / GUESS_ROW_BYTES >=
	    REBUILD_MIN_ROWS) {
		if (mr_store_bulk_enter(st, err) == -1)
			return -1;
		bulk = 1;
	}
	rc = import_once(st, path, o, stats, 1, err);
	if (rc == 1)
		rc = import_once(st, path, o, stats, 0, err);
	if (bulk)
		(void)mr_store_bulk_leave(st, NULL);
	return rc;
}
