/*
 * render: how cases look on a terminal (text) — shared by add, list, show.
 */
#ifndef CLI_RENDER_H
#define CLI_RENDER_H

#include <stdio.h>
#include <time.h>

#include "cli/cli.h"
#include "lib/mr_case.h"

/* The TIN as the person may see it: masked unless --reveal. */
void	render_tin(const struct cli_ctx *, const char *tin, char *out, size_t len);
/* A number with two decimals (and a sign if asked) and suffix, or "-" when unknown (NaN). */
void	render_num(double v, int sign, const char *suffix, char *out, size_t len);
/* The header and one row of the case table printed by list. */
void	render_case_header(const struct cli_ctx *);
void	render_case_row(const struct cli_ctx *, const struct mr_case *);
/*
 * The case as JSON for output: mr_case_to_json() plus what the CLI adds
 * (the deadline, evidence ...).  New reference or NULL.
 */
json_t	*render_case_json(const struct cli_ctx *, const struct mr_case *);
/*
 * The deadline of c (its own, or its year's targeted-review window):
 * 1 with the instant, zone and source set, or 0 when it has none.
 */
int	render_case_deadline(const struct cli_ctx *, const struct mr_case *,
	    time_t *closes_at, const char **zone, const char **source);
/* "2024-10-11 19:00 CDT": an instant in zone, compact, for tables. */
void	render_short_time(time_t, const char *zone, char *out, size_t len);
/* The full text view of one case (show). */
void	render_case_full(const struct cli_ctx *, const struct mr_case *);

#endif /* CLI_RENDER_H */
