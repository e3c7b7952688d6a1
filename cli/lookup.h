/*
 * lookup.h: what lookup, grounds and whatif share about CMS's eligibility
 * records (cli/cmd_lookup.c).
 */
#ifndef CLI_LOOKUP_H
#define CLI_LOOKUP_H

#include <stddef.h>
#include <time.h>

#include "cli/cli.h"
#include "lib/mr_eligibility.h"
#include "lib/mr_qpp.h"

/* "3 days ago" for an age in seconds. */
void	lookup_age_text(long long secs, char *buf, size_t len);
/* The record as text; how is appended to the retrieval line. */
void	lookup_print_text(const struct mr_elig_record *,
	    const struct mr_elig_kept *, time_t now, const char *how);
/* The qpp_* settings of the configuration (--config, $MIPSREVIEW_CONFIG). */
int	lookup_settings(struct cli_ctx *, struct mr_qpp_settings *,
	    struct mr_err *);
/*
 * Ask CMS for npi's record of year and keep it if it reads as one; the
 * kept record is untouched on any failure.
 */
int	lookup_fetch_keep(struct cli_ctx *, struct mr_qpp_client *,
	    const char *npi, int year, int run, int api_version, int *changed,
	    struct mr_err *);

/* lookup --tin TIN | --file FILE (cli/lookup_many.c); year 0: each case's. */
int	lookup_many(struct cli_ctx *, struct cli_args *, int year, int refresh);

#endif /* CLI_LOOKUP_H */
