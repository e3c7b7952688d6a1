/*
 * mr_reference: the reference facts the tracker ships and an office can
 * update without a new release — program years (thresholds, adjustment
 * range), category weights and redistribution rows, automatic
 * reweighting, payment scales (maximum adjustments, exceptional bonus),
 * the complex patient and small practice bonuses, windows, evidence
 * requirements, and the counties CMS's automatic EUC policy covered each
 * year with their ZIP codes — each with its source and verified flag, as
 * reference packs.
 *
 * A pack is one JSON document (format in mipsreview(1), under reference):
 *   { "format": "mipsreview-reference", "version": 1,
 *     "date": "2026-11-30", "publisher": "...", "facts": [ {...}, ... ] }
 * Importing one validates it whole before writing anything, applies it in
 * one transaction, never overwrites a window the office entered or edited
 * (a conflict, reported), records the pack's date and SHA-256 and audits it.
 * The release's own facts are such a pack too, applied the same way.
 */
#ifndef MR_REFERENCE_H
#define MR_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_store;

/* The kinds of fact, as packs and --kind name them. */
#define MR_REFERENCE_KINDS "program-year, weights, auto-reweight, " \
	"payment-scale, bonus, window, evidence-requirement, euc-county"

struct mr_reference_result {
	int		 facts;		/* facts in the pack */
	int		 changed;	/* added or changed */
	int		 conflicts;	/* office windows left as they were */
	int		 already;	/* 1: this pack was applied before */
	int64_t		 pack_id;
	char		 digest[65];	/* SHA-256 of the pack's bytes, hex */
	char		 date[11];	/* the pack's own date */
	char		 conflict_names[512];	/* "PY2026 euc-hardship 'x'; ..." */
};

/*
 * Validate a pack (all of it, nothing written): 0, or -1 with the first
 * problem, naming the fact by its index and key.  now bounds the years.
 */
int	mr_reference_validate(const char *data, size_t len, long long now,
	    struct mr_err *);
/* Validate and apply a pack; origin is "office" or "release". */
int	mr_reference_import(struct mr_store *, const char *data, size_t len,
	    const char *origin, struct mr_reference_result *, struct mr_err *);
/*
 * The reference pack this release ships (sql/reference.json, embedded at
 * build time by build-aux/embed-reference.sh) and its SHA-256 in hex.
 */
extern const char mr_reference_release_pack[];
extern const size_t mr_reference_release_len;
extern const char mr_reference_release_digest[];
/*
 * Apply the release's pack unless this database has it already, through
 * the same path as an office's pack (origin "release"): what the office
 * entered or edited stays, and each conflict is recorded with the pack.
 * mr_store_open() calls it on every writable opening.
 */
int	mr_reference_release_apply(struct mr_store *, struct mr_err *);
/*
 * The current reference facts as a pack (the windows the office entered
 * or edited are its own, not reference facts, and are left out); year 0
 * and kind NULL: all.  NULL on a database error or out of memory.
 */
json_t	*mr_reference_export(struct mr_store *, int year, const char *kind,
	    struct mr_err *);
/* The packs applied, oldest first, as JSON objects. */
json_t	*mr_reference_packs(struct mr_store *, struct mr_err *);
/* 0 when kind is one of MR_REFERENCE_KINDS. */
int	mr_reference_kind_valid(const char *kind, struct mr_err *);

#endif /* MR_REFERENCE_H */
