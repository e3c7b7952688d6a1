/*
 * mr_dl: libraries opened on first use.  libcurl (mail) and libarchive
 * (review packets), with the libraries they bring, cost every mipsreview
 * command several milliseconds of start-up when linked in, against a
 * budget of 10 ms, while one command each needs them.
 */
#ifndef MR_DL_H
#define MR_DL_H

#include <stddef.h>

struct mr_dl_sym {
	const char	*name;
	void		**fn;		/* where the address goes */
};

/*
 * Open soname and resolve every symbol of syms (ended by a NULL name).
 * Returns 0, or -1 with why naming the Debian package to install.
 */
int	mr_dl_load(const char *soname, const char *package,
	    const struct mr_dl_sym *syms, char *why, size_t whylen);

#endif /* MR_DL_H */
