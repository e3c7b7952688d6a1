/*
 * mr_grounds: what a clinician's eligibility record from CMS says about a
 * targeted-review case — each ground for review it supports, with the
 * field of CMS's record that proves it and the evidence it provides, and
 * the reasons of the case that CMS's record does not support (so a request
 * bound to be denied is not filed).
 *
 * The grounds are CMS's documented examples (QPP targeted-review notices,
 * PY2021-PY2024): a Qualifying APM Participant who got a MIPS payment
 * adjustment; categories not reweighted although CMS recorded an extreme
 * and uncontrollable circumstance (EUC); a small practice whose Promoting
 * Interoperability was not reweighted; a clinician not eligible at the
 * level that was adjusted.
 */
#ifndef MR_GROUNDS_H
#define MR_GROUNDS_H

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_case;
struct mr_elig_record;

enum mr_ground_finding {
	MR_GROUND_SUPPORTS,	/* the record proves a ground */
	MR_GROUND_POSSIBLE,	/* a ground unless a fact the record lacks says otherwise */
	MR_GROUND_CONTRADICTS,	/* the record does not support the case's stated reason */
	MR_GROUND_NOTE,		/* worth knowing, no ground either way */
};

struct mr_ground {
	char			 id[32];	/* qp-status, euc-category-scored, ... */
	enum mr_ground_finding	 finding;
	char			 reason[24];	/* the case reason it bears on */
	char			 field[128];	/* CMS's field that proves it */
	char			 text[480];
	char			 fills[96];	/* evidence kinds it provides, "a,b" */
	unsigned int		 reweight;	/* MR_CAT_* it makes due for reweighting */
};

#define MR_GROUNDS_MAX	48

/*
 * Compare the case with npi's record; fills up to max grounds in out and
 * sets *n.  Only the organizations whose masked TIN can be the case's are
 * read.
 */
int	mr_grounds_find(const struct mr_case *, const struct mr_elig_record *,
	    struct mr_ground *out, int max, int *n, struct mr_err *);
/*
 * What CMS's automatic EUC lists (mr_autoeuc) say of the case's recorded
 * county or ZIP code for its performance year; appended to out after the
 * *n grounds already there.
 */
struct mr_store;
int	mr_grounds_place(struct mr_store *, const struct mr_case *,
	    struct mr_ground *out, int max, int *n, struct mr_err *);
const char *mr_ground_finding_name(enum mr_ground_finding);
json_t	*mr_ground_to_json(const struct mr_ground *);

#endif /* MR_GROUNDS_H */
