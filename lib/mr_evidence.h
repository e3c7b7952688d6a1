/*
 * mr_evidence: the documents behind a case or a hardship filing.
 *
 * The records: which file (by SHA-256) backs which case or filing, of
 * what kind, attached by whom and when.  The files are mr_blobstore's, in
 * a store beside the database (<db folder>/evidence, mode 0700), each
 * named by the SHA-256 of its content (mode 0600), so the same content is
 * stored once however often it is attached.  A copy is staged and synced,
 * placed and the folder synced before the row that names it is committed.
 * A crash therefore leaves at worst an unreferenced file, which verify
 * reports (and --sweep removes), never a row without its file.
 *
 * Which kinds a case needs is mr_checklist's.
 */
#ifndef MR_EVIDENCE_H
#define MR_EVIDENCE_H

#include <stdint.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_store;

#define MR_EVIDENCE_KINDS "feedback-report, submission-receipt, " \
	"submitted-files, qp-determination, participation-status, " \
	"participation-list, tin-npi-record, hardship-approval, fema-county, " \
	"cms-correspondence, ehr-vendor-letter, explanation, screenshot, other"

/* 0 if kind is one of MR_EVIDENCE_KINDS, else -1 (MR_EINVAL) naming them. */
int	mr_evidence_kind_valid(const char *kind, struct mr_err *);
/* The kind in words ("submission receipt"), or NULL if unknown. */
const char *mr_evidence_kind_label(const char *kind);
/* Every kind, in checklist order, ended by NULL. */
const char *const *mr_evidence_kinds(void);
/*
 * 0 if name may be recorded as a file's name: valid UTF-8, 1 to 255
 * bytes, no control characters (newlines), no '/', not "." or "..".
 */
int	mr_evidence_name_valid(const char *name, struct mr_err *);

struct mr_evidence {
	int64_t		 id;
	char		 subject[16];	/* "case" or "hardship" */
	int64_t		 subject_id;
	char		 sha256[65];	/* hex: also the stored file's name */
	char		*original_name;
	int64_t		 size;
	char		*media_type;
	char		 kind[24];
	char		*note;		/* NULL when none */
	char		*attached_by;
	char		 attached_at[24];
	char		*detached_by;	/* NULL while attached */
	char		 detached_at[24];	/* "" while attached */
};

/* Release the strings an evidence record owns (not the struct). */
void	mr_evidence_release(struct mr_evidence *);
/* The record as JSON with the documented names; new reference or NULL. */
json_t	*mr_evidence_to_json(const struct mr_evidence *);

/* One file to attach: its path, and the name to record (NULL: its last component). */
struct mr_evidence_file {
	const char	*path;
	const char	*name;
};

/* What attaching one file did. */
struct mr_evidence_result {
	int64_t		 id;
	int		 deduplicated;	/* the content was already in the store */
};

/*
 * Attach files to a subject ("case" or "hardship") as evidence of kind
 * (NULL: "other") with an optional note: all of them or, on any error,
 * none (the store and the database are left as they were, temporary
 * files removed).  results has room for nfiles entries.
 */
int	mr_evidence_attach(struct mr_store *, const char *subject,
	    int64_t subject_id, const struct mr_evidence_file *files, int nfiles,
	    const char *kind, const char *note,
	    struct mr_evidence_result *results, struct mr_err *);

/*
 * For tests: fn is called after each chunk is copied (path of the source,
 * bytes copied so far), so a test can change the file mid-copy.  NULL
 * removes the hook.
 */
void	mr_evidence_set_copy_hook(void (*fn)(const char *, int64_t, void *),
	    void *arg);

int	mr_evidence_get(struct mr_store *, int64_t id, struct mr_evidence *,
	    struct mr_err *);
/*
 * Call fn for each record of a subject (subject NULL: all), oldest first;
 * detached ones only if include_detached.  A non-zero return stops.
 */
int	mr_evidence_each(struct mr_store *, const char *subject,
	    int64_t subject_id, int include_detached,
	    int (*fn)(const struct mr_evidence *, void *), void *arg,
	    struct mr_err *);
/*
 * Detach a record: it stays in the database (marked detached, audited)
 * and its file leaves the store once no attached record needs it.
 */
int	mr_evidence_detach(struct mr_store *, int64_t id, const char *note,
	    struct mr_err *);

/* The store folder of this database into buf. */
int	mr_evidence_dir(struct mr_store *, char *buf, size_t len,
	    struct mr_err *);

/* One finding of verify. */
struct mr_evidence_problem {
	const char	*what;		/* "missing", "altered", "unreferenced", "swept" */
	const char	*file;		/* the stored file's name in the store */
	const struct mr_evidence *ev;	/* the record, NULL for unreferenced */
	const char	*actual_sha256;	/* altered: what the content hashes to */
};

/*
 * Re-hash the stored files of every attached record (or of one subject's)
 * and call fn for each problem: a file missing, a file whose content no
 * longer matches its name (altered), and — for the whole store only —
 * files no record needs (unreferenced; removed when sweep).  *nfiles gets
 * the number of files checked, *nproblems the problems found (swept files
 * not counted).  Returns 0 when the check ran (look at *nproblems).
 */
int	mr_evidence_verify(struct mr_store *, const char *subject,
	    int64_t subject_id, int sweep,
	    int (*fn)(const struct mr_evidence_problem *, void *), void *arg,
	    int *nfiles, int *nproblems, struct mr_err *);

/*
 * Copy the stored content of ev to fd (or to fn for archives), checking
 * its hash on the way: MR_EINTEGRITY if the store's copy was altered.
 */
int	mr_evidence_read(struct mr_store *, const struct mr_evidence *,
	    int (*fn)(const void *, size_t, void *), void *arg,
	    struct mr_err *);

#endif /* MR_EVIDENCE_H */
