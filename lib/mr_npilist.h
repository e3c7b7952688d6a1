/*
 * mr_npilist: the NPIs of a file an officer gives 'lookup --file': one NPI
 * a line (blank lines and lines starting with '#' skipped), or a CSV file
 * whose header row names an "npi" column (any other columns are ignored).
 * Every NPI must pass its check digit; a repeated NPI counts once.  The
 * whole file is checked before anything is asked of CMS.
 */
#ifndef MR_NPILIST_H
#define MR_NPILIST_H

#include <stddef.h>

#include "lib/mr_err.h"

/* The most NPIs one file may hold. */
#define MR_NPILIST_MAX	100000

struct mr_npilist {
	char		(*npi)[11];
	int		 n;
};

/*
 * Read len bytes of data (name names the file in messages: "FILE:LINE:
 * ...") into *list, which mr_npilist_release() frees.
 */
int	mr_npilist_parse(const char *data, size_t len, const char *name,
	    struct mr_npilist *list, struct mr_err *);
void	mr_npilist_release(struct mr_npilist *);

#endif /* MR_NPILIST_H */
