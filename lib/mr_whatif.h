/*
 * mr_whatif: a case's final score and payment adjustment as CMS reported
 * them (or as computed from its category scores) beside what they would
 * be with other categories reweighted, other category scores or bonus
 * points, each rule applied listed once with its source.  The CLI's
 * whatif and the daemon's API compute it here and show it through
 * mr_view_whatif(); it only reads.
 */
#ifndef MR_WHATIF_H
#define MR_WHATIF_H

#include <stdint.h>

#include "lib/mr_case.h"
#include "lib/mr_err.h"
#include "lib/mr_score.h"
#include "lib/mr_store.h"

/* What to change.  mr_whatif_input_init() sets "nothing". */
struct mr_whatif_input {
	unsigned int	 reweight;		/* categories to reweight */
	unsigned int	 scored;		/* categories given in score[] */
	double		 score[MR_NCAT];	/* the what-if category scores */
	double		 allowed_charges;	/* dollars; NaN: not given */
	struct mr_score_bonus bonus;
	int		 from_lookup;	/* reweight as CMS's eligibility record implies */
};

/* Rules beyond the score tables: APM Entity, data override, dollars, lookup. */
#define MR_WHATIF_EXTRA	4

/* One rule of either side, and the side(s) it served. */
struct mr_whatif_rule {
	const struct mr_score_rule *rule;
	const char	*applies_to;	/* "current", "what-if" or "both" */
};

struct mr_whatif {
	struct mr_case		 c;		/* the case, as read */
	double			 allowed_charges;	/* NaN: not given */
	struct mr_score_result	 current;
	struct mr_score_result	 whatif;
	struct mr_score_rule	 extra[MR_WHATIF_EXTRA];
	int			 nextra;
	struct mr_whatif_rule	 rules[2 * MR_SCORE_MAXRULES + MR_WHATIF_EXTRA];
	int			 nrules;
};

void	mr_whatif_input_init(struct mr_whatif_input *);
/*
 * Parse "cat=value[,cat=value...]" (scores 0 to 100) into in->score,
 * refusing a category given twice, here or in an earlier list.
 */
int	mr_whatif_parse_scores(struct mr_whatif_input *, const char *list,
	    struct mr_err *);
/* Parse "cat[,cat...]" into in->reweight, refusing a category twice. */
int	mr_whatif_parse_reweight(struct mr_whatif_input *, const char *list,
	    struct mr_err *);
/* Parse Medicare Part B allowed charges in dollars into in->allowed_charges. */
int	mr_whatif_parse_charges(struct mr_whatif_input *, const char *dollars,
	    struct mr_err *);
/* Parse the complex patient bonus points asked for. */
int	mr_whatif_parse_complex_bonus(struct mr_whatif_input *,
	    const char *points, struct mr_err *);

/*
 * Compute the what-if of case id: *out is allocated (mr_whatif_free()).
 * 0, or -1 with *err set (no such case, a category without a score, a
 * bonus the year does not have, no eligibility record for from_lookup).
 */
int	mr_whatif_compute(struct mr_store *, int64_t id,
	    const struct mr_whatif_input *, struct mr_whatif **out,
	    struct mr_err *);
void	mr_whatif_free(struct mr_whatif *);

#endif /* MR_WHATIF_H */
