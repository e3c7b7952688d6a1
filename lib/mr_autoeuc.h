/*
 * mr_autoeuc: CMS's automatic extreme-and-uncontrollable-circumstances
 * (EUC) policy by place.  In a performance year with a FEMA-declared
 * disaster, CMS reweights MIPS eligible clinicians in the covered counties
 * without an application, and publishes the counties with a county-ZIP
 * crosswalk (CMS's Quality Payment Program, github.com/CMSgov/qpp-eu-data,
 * CC0).  Those lists are reference data (table euc_county; reference
 * facts of kind euc-county, shipped in the release's reference pack and
 * updated by an office's); this module answers whether a practice's county
 * or ZIP code was covered.
 *
 * A ZIP code may lie in several counties and the crosswalk lists only the
 * covered ones, so a ZIP alone says "possibly"; the county decides.
 */
#ifndef MR_AUTOEUC_H
#define MR_AUTOEUC_H

#include <stddef.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_store;

enum mr_autoeuc_finding {
	MR_AUTOEUC_UNKNOWN,	/* no place recorded, or no list for the year */
	MR_AUTOEUC_COVERED,	/* the recorded county is on the year's list */
	MR_AUTOEUC_POSSIBLE,	/* only the ZIP is recorded and lies in a covered county */
	MR_AUTOEUC_NOT_COVERED,	/* the county (or ZIP) is on no covered list */
};

struct mr_autoeuc_match {
	enum mr_autoeuc_finding finding;
	int		 year_listed;	/* 1: the year's list is in the reference data */
	char		 place[128];	/* "Kerr County, TX", or "ZIP 78624" */
	char		 counties[256];	/* covered counties of a ZIP: "Kendall, Kerr (TX)" */
	char		 source[320];	/* the list's source */
	int		 verified;
};

/*
 * Check and tidy a county as typed: "NAME, ST" (ST a state or territory
 * code), e.g. "Kerr, TX" or "St. Tammany Parish, LA"; out receives the
 * tidy form (state upper case, blanks collapsed).
 */
int	mr_autoeuc_county_parse(const char *s, char *out, size_t outlen,
	    struct mr_err *);
/* 1 when s is a state, DC or territory code in capitals ("TX", "PR"). */
int	mr_autoeuc_state_valid(const char *s);
/* Check a ZIP code: five digits (a ZIP+4's first five are kept in out[6]). */
int	mr_autoeuc_zip_parse(const char *s, char out[6], struct mr_err *);

/*
 * Was the practice at county ("Name, ST" or NULL) / zip (or NULL) covered
 * by CMS's automatic EUC policy in year?  The county decides when it is
 * recorded; otherwise the ZIP.
 */
int	mr_autoeuc_find(struct mr_store *, int year, const char *county,
	    const char *zip, struct mr_autoeuc_match *, struct mr_err *);

/* "covered", "possibly", "not-covered" or "unknown". */
const char *mr_autoeuc_finding_name(enum mr_autoeuc_finding);

/*
 * The verdict in a line: "covered by automatic EUC in PY2024 (Kerr
 * County, TX)", "possibly covered ... (ZIP 78624 lies in Kendall, TX;
 * Kerr, TX)", "not covered ...", or why it is unknown.  "" when no place
 * was given.
 */
void	mr_autoeuc_summary(const struct mr_autoeuc_match *, int year,
	    char *buf, size_t len);
/*
 * The verdict as JSON (finding, performance_year, place, counties,
 * summary, source, verified), or JSON null when no place was given.
 */
json_t	*mr_autoeuc_to_json(const struct mr_autoeuc_match *, int year);

#endif /* MR_AUTOEUC_H */
