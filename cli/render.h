/*
 * render: how cases look on a terminal (text) — shared by add, list, show.
 * Their JSON is lib/mr_view's.
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
/* 0, or -1 after printing why the row's deadline could not be read. */
int	render_case_row(struct cli_ctx *, const struct mr_case *);
/*
 * The deadline of c (its own, or its year's targeted-review window, as
 * mr_view_case_deadline() gives it): 1 with the instant, zone and source
 * set, 0 when it has none, -1 after printing why it could not be read.
 */
int	render_case_deadline(struct cli_ctx *, const struct mr_case *,
	    time_t *closes_at, const char **zone, const char **source);
/* "2024-10-11 19:00 CDT": an instant in zone, compact, for tables. */
void	render_short_time(time_t, const char *zone, char *out, size_t len);
/*
 * "  Automatic EUC  covered by automatic EUC in PY2024 (Kerr County, TX)":
 * what CMS's automatic EUC lists say of a place; nothing when neither
 * county nor zip is recorded.
 */
void	render_autoeuc(struct cli_ctx *, int year, const char *county,
	    const char *zip);
/* The full text view of one case (show); -1 as render_case_row(). */
int	render_case_full(struct cli_ctx *, const struct mr_case *);
/*
 * What set or status changed, one line per field ("name: Dr. A -> Dr. B";
 * "category_scores.pi: (none) -> 80"), from the JSON views of the object
 * before and after, so a TIN shows masked unless --reveal.  Bookkeeping
 * (updated_at, revision, the time left) is left out.  Returns the number
 * of lines printed.
 */
int	render_changes(FILE *, const json_t *before, const json_t *after);
/* The case's JSON view now, or NULL when it cannot be read. */
json_t	*cli_case_view(struct cli_ctx *, long long id);
/*
 * render_changes() of two views on stdout ("case 3: nothing changed" when
 * none), consuming both; nothing when either is NULL.
 */
void	cli_print_changes(const char *what, long long id, json_t *before,
	    json_t *after);

#endif /* CLI_RENDER_H */
