/*
 * mr_view: the JSON of every object mipsreview shows — a case, a due
 * item, a window, a hardship filing, evidence, a what-if, an audit row, a
 * feed, an alert.  These objects are the product's data contract: the
 * CLI's --json and the daemon's API print what these functions build, and
 * tests/golden pins their bytes.  Field order is part of the contract.
 *
 * A view is made for one viewer at one moment: the clock (time left), the
 * viewer's zone (the second time column of due) and whether TINs are shown
 * whole.  It lives for one command or one request, so that what it caches
 * (each performance year's targeted-review window, for lists of many
 * cases) cannot go stale.
 *
 * A record's stored fields come from its module (mr_case_to_json,
 * mr_hardship_to_json, mr_evidence_to_json, mr_window_to_json), because the
 * audit trail keeps the same objects as its before/after snapshots; a view
 * adds what depends on the viewer and the moment (masking, the deadline,
 * time left, the viewer's zone).  New fields of a record go there, new
 * fields of what is shown go here.
 *
 * Every function returns a new reference, or NULL when out of memory or
 * (those taking an mr_err) when the database failed.
 */
#ifndef MR_VIEW_H
#define MR_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_alert_ack;
struct mr_alert_entry;
struct mr_alert_report;
struct mr_alert_totals;
struct mr_audit_row;
struct mr_case;
struct mr_deadline_group;
struct mr_deadline_item;
struct mr_evidence;
struct mr_evidence_problem;
struct mr_feed;
struct mr_hardship;
struct mr_hardship_warnings;
struct mr_import_stats;
struct mr_packet_info;
struct mr_store;
struct mr_user;
struct mr_whatif;
struct mr_window;

struct mr_view_opts {
	time_t		 now;		/* the clock: seconds and time left */
	const char	*zone;		/* the viewer's IANA zone */
	bool		 reveal;	/* whole TINs instead of *****6789 */
};

struct mr_view;

/* A view of st for opts (copied; zone must outlive the view).  NULL: out of memory. */
struct mr_view	*mr_view_new(struct mr_store *, const struct mr_view_opts *);
void		 mr_view_free(struct mr_view *);
const struct mr_view_opts *mr_view_opts(const struct mr_view *);

/*
 * The deadline of a case, for text as for JSON: its own (CMS set a date,
 * e.g. for documents), else its performance year's latest-closing
 * targeted-review window.  1 with closes_at, zone and source set (valid
 * while the view lives and c is unchanged), 0 when it has none, -1 on a
 * database error.
 */
int	mr_view_case_deadline(struct mr_view *, const struct mr_case *,
	    time_t *closes_at, const char **zone, const char **source,
	    struct mr_err *);

/*
 * A deadline: closes_at (UTC, ISO 8601 ending in Z), zone (IANA),
 * closes_local (ISO 8601 with the zone's offset at that instant),
 * seconds_left (negative when past) and time_left.
 */
json_t	*mr_view_deadline(const struct mr_view *, time_t closes_at,
	    const char *zone);

/* A case (add, list): its fields and its deadline (null when none). */
json_t	*mr_view_case(struct mr_view *, const struct mr_case *,
	    struct mr_err *);
/* A case in full (show): the above with its notes and evidence checklist. */
json_t	*mr_view_case_full(struct mr_view *, const struct mr_case *,
	    struct mr_err *);
/*
 * The program facts a performance year's cases are judged by: the
 * performance threshold, the largest negative adjustment and the
 * published maximum positive one (null when not published), each with
 * the year it comes from; "assumed": true and "assumed_from" when CMS has
 * not published the year's own and the latest earlier year's stand in.
 * NULL with *err when the year precedes all program data.
 */
json_t	*mr_view_program(struct mr_view *, int year, struct mr_err *);

/* An item of due: a case's or filing's deadline, also in the viewer's zone. */
json_t	*mr_view_due_item(const struct mr_view *,
	    const struct mr_deadline_item *);

/*
 * A group of due: the open cases of a year with no targeted-review window,
 * as one object with their count ("group": true, closes_at null).
 */
json_t	*mr_view_due_group(const struct mr_view *,
	    const struct mr_deadline_group *);

/* A review window with its deadline. */
json_t	*mr_view_window(const struct mr_view *, const struct mr_window *);

/*
 * A hardship filing with its window, deadline and advice; warnings NULL:
 * the advice recomputed.
 */
json_t	*mr_view_filing(struct mr_view *, const struct mr_hardship *,
	    const struct mr_hardship_warnings *);

/* An evidence record (list). */
json_t	*mr_view_evidence(const struct mr_view *, const struct mr_evidence *);
/* An evidence record with the path of its stored file (show). */
json_t	*mr_view_evidence_stored(struct mr_view *, const struct mr_evidence *,
	    struct mr_err *);
/* A record just attached: deduplicated when its content was stored already. */
json_t	*mr_view_evidence_attached(const struct mr_view *,
	    const struct mr_evidence *, bool deduplicated);
/* One problem evidence verify found. */
json_t	*mr_view_evidence_problem(const struct mr_view *,
	    const struct mr_evidence_problem *);
/* The outcome of evidence verify; takes problems (an array of the above). */
json_t	*mr_view_evidence_verified(const struct mr_view *, int files,
	    int problem_count, json_t *problems);
/* The evidence checklist of a case (check); with_id adds case_id. */
/*
 * What CMS's automatic EUC lists say of a place (county "Name, ST" and/or
 * ZIP, either may be NULL or "") in a performance year: the object of
 * mr_autoeuc_to_json(), JSON null when no place is recorded; NULL on a
 * database error.
 */
json_t	*mr_view_autoeuc(struct mr_view *, int year, const char *county,
	    const char *zip, struct mr_err *);
json_t	*mr_view_checklist(struct mr_view *, int64_t case_id, bool with_id,
	    struct mr_err *);

/* A what-if: both sides, their difference, and each rule applied once. */
json_t	*mr_view_whatif(const struct mr_view *, const struct mr_whatif *);

/* An audit row; TINs in its before/after masked unless revealed. */
json_t	*mr_view_audit_row(const struct mr_view *, const struct mr_audit_row *);
/*
 * The outcome of audit --verify (message "" when intact); anchor_checked
 * when --anchor was given.
 */
struct mr_audit_verdict;
struct mr_audit_head;
json_t	*mr_view_audit_verified(const struct mr_view *, bool intact,
	    const struct mr_audit_verdict *, bool anchor_checked,
	    const char *message);
/* The head of the audit trail, as audit anchor gives it. */
json_t	*mr_view_audit_anchor(const struct mr_view *,
	    const struct mr_audit_head *);

/* A calendar feed (never its token). */
json_t	*mr_view_feed(const struct mr_view *, const struct mr_feed *);
/* A feed just added, with its URL (shown this once). */
json_t	*mr_view_feed_added(const struct mr_view *, int64_t id,
	    const char *name, const char *url);
/* A feed just revoked. */
json_t	*mr_view_feed_revoked(const struct mr_view *, const struct mr_feed *);

/*
 * A staff account (never its password or tokens' secrets): its role, its
 * TINs (null: every TIN; masked unless revealed) and its active API
 * tokens' ids.
 */
json_t	*mr_view_user(const struct mr_view *, const struct mr_user *);
/* An API token just added, with the token (shown this once). */
json_t	*mr_view_user_token_added(const struct mr_view *, int64_t id,
	    const char *account, const char *token);

/* One reminder alerts send planned, sent or failed. */
json_t	*mr_view_alert(const struct mr_view *, const struct mr_alert_report *);
/* The outcome of alerts send; takes reminders (an array of the above). */
json_t	*mr_view_alert_run(const struct mr_view *, bool configured, bool dry_run,
	    json_t *reminders, const struct mr_alert_totals *);
/* An acknowledged deadline (alerts ack). */
json_t	*mr_view_alert_ack(const struct mr_view *, const struct mr_alert_ack *);
/*
 * A deadline's alert state (alerts status): the due item with
 * "acknowledged" (the above, or null) and "last_reminder" ({reminder,
 * sent_at}, or null when none was sent: last_sent_at NULL).
 */
json_t	*mr_view_alert_status(const struct mr_view *,
	    const struct mr_deadline_item *, const struct mr_alert_ack *,
	    long long last_offset, const char *last_sent_at);
/* One row of the alert ledger (alerts list). */
json_t	*mr_view_alert_entry(const struct mr_view *,
	    const struct mr_alert_entry *);

/* What import read and opened; rejects_file NULL when none was asked for. */
json_t	*mr_view_import(const struct mr_view *, const char *file,
	    const struct mr_import_stats *, const char *rejects_file);
/* Cases written by export csv|jsonl (format "csv" or "jsonl"). */
json_t	*mr_view_export(const struct mr_view *, const char *file,
	    const char *format, long cases);
/* Deadlines written by export ics. */
json_t	*mr_view_calendar_export(const struct mr_view *, const char *file,
	    long items);
/* A review packet written to path. */
json_t	*mr_view_packet(const struct mr_view *, const char *path,
	    const struct mr_packet_info *);

/*
 * CMS's eligibility records (lib/mr_view_qpp.c).  A clinician's record as
 * lookup shows it: the record, where and when it came from and its age;
 * source "cms" (asked now; changed says whether the bytes differ from the
 * kept ones) or "kept" (changed null); evidence_id when it was attached.
 */
struct mr_elig_record;
struct mr_elig_kept;
struct mr_ground;
json_t	*mr_view_lookup(const struct mr_view *, const struct mr_elig_record *,
	    const struct mr_elig_kept *, bool fetched, bool changed,
	    int64_t evidence_id);
/*
 * The grounds of a case: kept is the record they were read from, or NULL
 * when none is kept (then only the place-based grounds are there).
 */
json_t	*mr_view_grounds(const struct mr_view *, const struct mr_case *,
	    const struct mr_elig_kept *, const struct mr_ground *, int n);

/*
 * The outcome of lookup --tin|--file: the counts, the grounds found in the
 * open cases, and each record asked for with its state and any error.
 */
struct mr_qpp_item;
json_t	*mr_view_lookup_batch(const struct mr_view *,
	    const struct mr_qpp_item *, int n, int grounds, int cases);

#endif /* MR_VIEW_H */
