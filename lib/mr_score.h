/*
 * mr_score: MIPS performance categories, the final score and the payment
 * adjustment it earns, computed from the reference data in sql/
 * (score_weight, score_auto_reweight, payment_scale, program_year).
 *
 * mr_score_load() reads one performance year's reference data; the
 * computations after it are pure arithmetic on that data.  Every result
 * carries the rules it applied, each with its source and whether that
 * source is verified, so an officer can check the arithmetic against the
 * CMS notice.
 *
 * A year whose facts are not published yet (the current or next year, or a
 * redistribution table CMS has not restated) takes the latest earlier
 * year's: such a rule carries assumed_from, the year it was taken from, so
 * every output can say the figure is assumed rather than published.
 */
#ifndef MR_SCORE_H
#define MR_SCORE_H

#include <stddef.h>

#include "lib/mr_err.h"

struct mr_store;

/* The four performance categories, as bits and as indexes 0..3. */
enum {
	MR_CAT_QUALITY	= 1 << 0,
	MR_CAT_COST	= 1 << 1,
	MR_CAT_IA	= 1 << 2,	/* improvement activities */
	MR_CAT_PI	= 1 << 3,	/* promoting interoperability (ACI in 2017) */
};
#define MR_NCAT		4
#define MR_CAT_ALL	0xfu
#define MR_CATEGORY_NAMES "quality, cost, ia, pi"

/* "quality", "cost", "ia", "pi" for index 0..3. */
const char *mr_category_name(int idx);
int	mr_category_parse(const char *name, unsigned int *bit, struct mr_err *);
/*
 * Parse a comma-separated list of one to four categories, each at most
 * once, into bits.  field names the option in messages ("categories").
 */
int	mr_category_list_parse(const char *field, const char *list,
	    unsigned int *bits, struct mr_err *);
/*
 * Bits as "quality,cost" in the fixed order; "" for none.  0, or -1 when
 * buf is too short (it then holds the names that fit); 24 bytes hold all.
 */
int	mr_category_format(unsigned int bits, char *buf, size_t len);

/* One rule a computation applied, for the explanation. */
struct mr_score_rule {
	char		 rule[24];	/* "weights", "threshold", "positive-scale" ... */
	char		 text[512];	/* what was applied, with the numbers */
	char		 source[320];	/* where the fact comes from */
	int		 verified;	/* 0: the source is unverified or derived */
	int		 estimate;	/* 1: not a published figure */
	int		 assumed_from;	/* 0: the year's own; else the year taken from */
};

struct mr_score_weights {
	unsigned int	 reweighted;	/* categories at 0 %; 0 = the year's weights */
	int		 small;		/* 1: row for practices of <= 15 clinicians */
	double		 w[MR_NCAT];	/* percent, summing to 100 */
	char		 source[320];
	int		 verified;
	int		 from_year;	/* the year the row belongs to */
};

/* One performance year's reference data. */
struct mr_score_ref {
	int		 year;
	int		 program_from;		/* year of the program data below */
	int		 weights_from;		/* year of the year's weights */
	int		 redistribution_from;	/* year of the redistribution rows; 0: none */
	double		 threshold;		/* performance threshold */
	double		 exceptional_threshold;	/* NaN: no exceptional bonus that year */
	double		 max_negative;		/* applicable percent, e.g. 9 */
	char		 program_source[320];
	int		 program_verified;
	unsigned int	 auto_reweighted;	/* reweighted for everyone that year */
	char		 auto_source[320];
	int		 auto_verified;
	int		 scale_year;		/* year of the published maximum; 0: none */
	double		 max_positive;		/* published adjustment at 100 */
	double		 exceptional_part;	/* NaN: not split out by the source */
	char		 scale_source[320];
	int		 scale_verified;
	struct mr_score_weights weights[32];
	int		 nweights;
	/* The bonuses, from the latest year up to this one that has them. */
	struct mr_score_bonus_ref {
		int	 from;		/* year of the row; 0: no such bonus */
		double	 points;	/* at most, or measure points in quality */
		int	 in_quality;	/* 1: measure bonus points in quality */
		char	 source[320];
		int	 verified;
	} complex_patient, small_practice;
};

#define MR_SCORE_MAXRULES 24

struct mr_score_result {
	double		 final_score;		/* NaN: not known */
	double		 adjustment;		/* percent; NaN: not known */
	int		 final_reported;	/* taken as reported, not computed */
	int		 adjustment_reported;
	int		 neutral;		/* fewer than two scorable categories */
	int		 estimate;		/* the adjustment rests on an estimate */
	int		 unverified;		/* some rule applied is unverified */
	int		 assumed_from;		/* 0: every rule applied is the year's
						 * own; else the latest year whose
						 * values stand in for it */
	unsigned int	 reweighted;		/* effective, incl. automatic */
	double		 w[MR_NCAT];		/* weights used; NaN when neutral */
	double		 score[MR_NCAT];	/* category scores used (NaN unknown) */
	struct mr_score_rule rules[MR_SCORE_MAXRULES];
	int		 nrules;
};

/*
 * Load the reference data of performance year `year`: its own where
 * published, else the latest earlier year's (see assumed_from).  Only a
 * year before any program data is MR_ENOTFOUND.
 */
int	mr_score_load(struct mr_store *, int year, struct mr_score_ref *,
	    struct mr_err *);

/* Practice size as known: MR_PRACTICE_SMALL for <= 15 clinicians. */
enum { MR_PRACTICE_UNKNOWN = -1, MR_PRACTICE_OTHER = 0, MR_PRACTICE_SMALL = 1 };

/*
 * The final score from category scores (NaN where unknown, 0..100) with
 * the categories in `reweight` (plus the year's automatic ones) weighted
 * to 0 %: the year's weights, or the published redistribution, or — with
 * fewer than two scorable categories — the performance threshold.  Fails
 * with MR_ENOTFOUND when the year has no published redistribution for the
 * set, and MR_EINVAL when a scored category has no score.  Resets *res.
 */
int	mr_score_final(const struct mr_score_ref *, const double score[MR_NCAT],
	    unsigned int reweight, int practice, struct mr_score_result *res,
	    struct mr_err *);

/*
 * The payment adjustment (percent) a final score earns under 42 CFR
 * 414.1405(b): the full negative at or below a quarter of the threshold,
 * above it the line from the full negative at 0 to 0 at the threshold,
 * and above the threshold linear to the published
 * maximum at 100 (an estimate where the sheet has none).  Appends its
 * rules to *res and sets res->adjustment.
 */
int	mr_score_adjustment(const struct mr_score_ref *, double final_score,
	    struct mr_score_result *res, struct mr_err *);

/* Bonus points a what-if adds (42 CFR 414.1380(b)(1)(v)(C), (c)(3), (c)(4)). */
struct mr_score_bonus {
	double		 complex_patient;	/* points asked for; NaN: none */
	int		 small_practice;	/* 1: ask for the small practice bonus */
};

/* Measure bonus points in quality are taken over this many available
 * quality points (6 measures x 10), the case's own total not being known. */
#define MR_QUALITY_AVAILABLE_POINTS 60

/*
 * mr_score_final with bonus points: the small practice bonus (reference
 * data: 5 points on the final score in PY2018; from PY2019 6 measure bonus
 * points in the quality category, taken over 60 available points, an
 * estimate) for a practice of 15 or fewer clinicians, and the complex
 * patient bonus (capped at the year's maximum, reference data), the final
 * score capped at 100.  Refuses a bonus
 * the year or the practice does not have.  A neutral score (fewer than two
 * scored categories) takes no bonus.
 */
int	mr_score_final_bonus(const struct mr_score_ref *,
	    const double score[MR_NCAT], unsigned int reweight, int practice,
	    const struct mr_score_bonus *, struct mr_score_result *res,
	    struct mr_err *);

/* Clear *res: nothing known yet, category scores copied (score may be NULL). */
void	mr_score_result_init(struct mr_score_result *, const double score[MR_NCAT]);
/*
 * The latest year whose value stands in for one of ref's: 0 when every
 * fact loaded is the year's own (redistribution rows count only when
 * reweighting uses them, so they are not looked at here).
 */
int	mr_score_ref_assumed(const struct mr_score_ref *);
/*
 * Mark the rule appended last as taken from year `from` (no-op when from
 * is 0 or the rule's own year) and raise res->assumed_from.
 */
void	mr_score_note_assumed(struct mr_score_result *, int year, int from);
/* Append a rule to res (silently dropped past MR_SCORE_MAXRULES). */
void	mr_score_note(struct mr_score_result *, const char *rule,
	    const char *source, int verified, int estimate, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));

#endif /* MR_SCORE_H */
