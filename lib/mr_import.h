/*
 * mr_import: cases in bulk from CSV or JSON Lines (mr_export writes them).
 *
 * A case file names its columns after the long options of add (tin, npi,
 * name, year, reason, score, adjustment, practice, participation, owner,
 * note, quality, cost, ia, pi, and the request's special-status,
 * legal-name, apm-entity-id, virtual-group-id, requester-role,
 * request-number, explanation), plus id and status as export writes them.
 * Every row is validated exactly as add validates (mr_case_validate()),
 * including the rule against a second open case for the same TIN, NPI and
 * year, within the file and against the database.  The whole import is one
 * transaction with one audit row naming the file and its SHA-256.
 */
#ifndef MR_IMPORT_H
#define MR_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/mr_err.h"

struct mr_store;
struct mr_case_filter;

enum mr_import_format {
	MR_FORMAT_CSV,
	MR_FORMAT_JSONL,
};

/* The data columns, in the order export writes them after "id". */
enum {
	MR_COL_TIN, MR_COL_NPI, MR_COL_NAME, MR_COL_YEAR, MR_COL_REASON, MR_COL_SCORE, MR_COL_ADJ, MR_COL_PRACTICE,
	MR_COL_PART, MR_COL_OWNER, MR_COL_NOTE, MR_COL_QUALITY, MR_COL_COST, MR_COL_IA, MR_COL_PI, MR_COL_STATUS,
	/* what CMS's targeted-review request form asks for, and the
	 * special statuses, as add's options of the same names */
	MR_COL_SPECIAL, MR_COL_LEGAL_NAME, MR_COL_APM_ENTITY, MR_COL_VIRTUAL_GROUP,
	MR_COL_REQUESTER_ROLE, MR_COL_REQUEST_NUMBER, MR_COL_EXPLANATION,
	/* where the practice is (CMS's automatic EUC areas) */
	MR_COL_COUNTY, MR_COL_ZIP,
	MR_NCOLS
};
/* Their names, indexed by the enum above: NULL-ended. */
extern const char *const mr_import_columns[];
/* A number as a file holds it: the shortest text that reads back exact. */
void	mr_import_number_text(double, char *buf, size_t len);

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
	/* Keys of open cases sorted in memory at a time by the check for
	 * duplicates (0: 262,144, 4 MiB); a small number tests the merge. */
	size_t		 key_chunk;
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

#endif /* MR_IMPORT_H */
