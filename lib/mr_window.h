/*
 * mr_window: review windows — a named deadline of one kind for one
 * performance year, announced by CMS in one zone.  Extending a window
 * moves every case and filing that takes its deadline from it, and the
 * audit trail records which.
 */
#ifndef MR_WINDOW_H
#define MR_WINDOW_H

#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_store;

#define MR_WINDOW_KINDS "targeted-review, euc-hardship, pi-hardship, " \
	"data-submission, other"
/* Where windows are announced unless said otherwise: CMS gives 8 p.m. ET. */
#define MR_WINDOW_DEFAULT_ZONE "America/New_York"

struct mr_window {
	int64_t		 id;
	char		 kind[24];
	int		 performance_year;
	char		*name;
	int		 has_opens;
	time_t		 opens_at;
	time_t		 closes_at;
	char		 zone[64];
	char		*source;
	int64_t		 revision;
	char		 created_at[24];
	char		 updated_at[24];
};

/* The text a person typed for window add/set. NULL fields are absent. */
struct mr_window_input {
	const char	*kind;
	const char	*year;
	const char	*name;
	const char	*opens;		/* time text, "" clears */
	const char	*closes;
	const char	*zone;		/* default zone for the times */
	const char	*source;
};

int	mr_window_kind_valid(const char *kind, struct mr_err *);
void	mr_window_release(struct mr_window *);
int	mr_window_add(struct mr_store *, const struct mr_window_input *,
	    int64_t *id, struct mr_err *);
int	mr_window_get(struct mr_store *, int64_t id, struct mr_window *,
	    struct mr_err *);
/* Change fields (name, source, opens, closes, zone, kind, year). */
int	mr_window_set(struct mr_store *, int64_t id,
	    const struct mr_window_input *, struct mr_err *);
/*
 * Move the closing time (CMS extended it); source, if given, replaces the
 * window's source note.  *moved is set to the number of open cases and
 * filings whose deadline moved with it.
 */
int	mr_window_extend(struct mr_store *, int64_t id, const char *closes,
	    const char *source, int64_t *moved, struct mr_err *);
/* Each window of year (0: all) and kind (NULL: all), by closing time. */
int	mr_window_each(struct mr_store *, int year, const char *kind,
	    int (*fn)(const struct mr_window *, void *), void *arg,
	    struct mr_err *);
/* The window as JSON, with its deadline object (mr_deadline_json). */
json_t	*mr_window_to_json(const struct mr_window *, time_t now);

#endif /* MR_WINDOW_H */
