/*
 * mr_import: cases in bulk — import from CSV or JSON Lines, export to them.
 *
 * A case file names its columns after the long options of add (tin, npi,
 * name, year, reason, score, adjustment, practice, participation, owner,
 * note, quality, cost, ia, pi), plus id and status as export writes them.
 * Every row is validated exactly as add validates (mr_case_validate()),
 * including the rule against a second open case for the same TIN, NPI and
 * year, within the file and against the database.  The whole import is one
 * transaction with one audit row naming the file and its SHA-256.
 */
#ifndef MR_IMPORT_H
#define MR_IMPORT_H

#include <stdint.h>
#include <stdio.h>

#include "lib/mr_err.h"

struct mr_store;
struct mr_case_filter;

enum mr_import_format {
	MR_FORMAT_CSV,
	MR_FORMAT_JSONL,
};

/* The data columns, in the order export writes them after "id": NULL-ended. */
extern const char *const mr_import_columns[];

/* "csv" or "jsonl" (also "ndjson") to a format; -1 if neither. */
int	mr_import_format_parse(const char *name, enum mr_import_format *);

/* A row that failed, as handed to the reject callback. */
struct mr_import_reject {
	long		 line;		/* where the row starts, from 1 */
	const char	*reason;	/* why, for a person */
	int		 nnames;	/* the file's column names */
	const char *const *names;
	int		 nvalues;	/* the row as read (text; NULL: absent) */
	const char *const *values;
};

struct mr_import_opts {
	enum mr_import_format format;
	int		 force;		/* allow duplicate open cases, as add --force */
	int		 skip_bad;	/* import the good rows; else all or nothing */
	/* Each bad row, in file order; a non-zero return stops the import. */
	int		(*reject)(const struct mr_import_reject *, void *);
	/* After the last row, before the commit: a non-zero return (a
	 * rejects file that cannot be written) rolls the import back. */
	int		(*finish)(void *);
	/* Now and then: bytes read of total, and rows seen. */
	void		(*progress)(long long done, long long total, long rows,
			    void *);
	void		*arg;
};

struct mr_import_stats {
	long		 rows;		/* data rows read */
	long		 imported;
	long		 rejected;
	int64_t		 first_id;	/* ids given to the imported cases */
	int64_t		 last_id;
	int		 indexes_rebuilt;	/* secondary indexes built after the load */
	char		 sha256[65];	/* of the file, hex */
};

/*
 * Import path.  Returns 0 when the rows are in (with skip_bad: the good
 * ones), or -1 with *err; bad rows in all-or-nothing mode give MR_EINVAL
 * after every one was handed to opts->reject, and the database unchanged.
 */
int	mr_import_file(struct mr_store *, const char *path,
	    const struct mr_import_opts *, struct mr_import_stats *,
	    struct mr_err *);

/*
 * Write the cases matching f (NULL: all) to fp as CSV with a header row,
 * or as one JSON object per line: id, the data columns and status, TINs
 * whole (this is a data export meant for re-import).  *n counts the cases.
 */
int	mr_export_write(struct mr_store *, const struct mr_case_filter *f,
	    enum mr_import_format, FILE *fp, long *n, struct mr_err *);

#endif /* MR_IMPORT_H */
