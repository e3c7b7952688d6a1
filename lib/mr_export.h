/* mr_export: the cases as CSV or JSON Lines, for re-import. */
#ifndef MR_EXPORT_H
#define MR_EXPORT_H

#include <stdio.h>

#include "lib/mr_err.h"
#include "lib/mr_import.h"

struct mr_store;
struct mr_case_filter;

/*
 * Write the cases matching f (NULL: all) to fp as CSV with a header row,
 * or as one JSON object per line: id, the data columns and status, TINs
 * whole (this is a data export meant for re-import).  *n counts the cases.
 */
int	mr_export_write(struct mr_store *, const struct mr_case_filter *f,
	    enum mr_import_format, FILE *fp, long *n, struct mr_err *);

#endif /* MR_EXPORT_H */
