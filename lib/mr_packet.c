#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <ftw.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <pthread.h>

#include "lib/mr_audit.h"
#include "lib/mr_case.h"
#include "lib/mr_deadline.h"
#include "lib/mr_checklist.h"
#include "lib/mr_blobstore.h"
#include "lib/mr_buf.h"
#include "lib/mr_evidence.h"
#include "lib/mr_file.h"
#include "lib/mr_hardship.h"
#include "lib/mr_dl.h"
#include "lib/mr_packet.h"
#include "lib/mr_store.h"

/*
 * libarchive is opened on first use (lib/mr_dl.h): only packets need it,
 * and linked in, it and its compressors cost every command start-up time.
 */
static struct {
	void (*entry_free)(struct archive_entry *);
	struct archive_entry *(*entry_new)(void);
	void (*entry_set_filetype)(struct archive_entry *, unsigned int);
	void (*entry_set_mtime)(struct archive_entry *, time_t, long);
	void (*entry_set_pathname)(struct archive_entry *, const char *);
	void (*entry_set_perm)(struct archive_entry *, mode_t);
	void (*entry_set_size)(struct archive_entry *, la_int64_t);
	int (*errno_of)(struct archive *);
	const char *(*error_string)(struct archive *);
	int (*write_add_filter_gzip)(struct archive *);
	int (*write_close)(struct archive *);
	la_ssize_t (*write_data)(struct archive *, const void *, size_t);
	int (*write_finish_entry)(struct archive *);
	int (*write_free)(struct archive *);
	int (*write_header)(struct archive *, struct archive_entry *);
	struct archive *(*write_new)(void);
	int (*write_open_fd)(struct archive *, int);
	int (*write_set_format_pax_restricted)(struct archive *);
	int (*write_set_format_zip)(struct archive *);
	int	 loaded;
	char	 why[200];
} arch;
static pthread_once_t arch_once = PTHREAD_ONCE_INIT;

static void
arch_load(void)
{
	const struct mr_dl_sym syms[] = {
		{ "archive_entry_free", (void **)&arch.entry_free },
		{ "archive_entry_new", (void **)&arch.entry_new },
		{ "archive_entry_set_filetype", (void **)&arch.entry_set_filetype },
		{ "archive_entry_set_mtime", (void **)&arch.entry_set_mtime },
		{ "archive_entry_set_pathname", (void **)&arch.entry_set_pathname },
		{ "archive_entry_set_perm", (void **)&arch.entry_set_perm },
		{ "archive_entry_set_size", (void **)&arch.entry_set_size },
		{ "archive_errno", (void **)&arch.errno_of },
		{ "archive_error_string", (void **)&arch.error_string },
		{ "archive_write_add_filter_gzip", (void **)&arch.write_add_filter_gzip },
		{ "archive_write_close", (void **)&arch.write_close },
		{ "archive_write_data", (void **)&arch.write_data },
		{ "archive_write_finish_entry", (void **)&arch.write_finish_entry },
		{ "archive_write_free", (void **)&arch.write_free },
		{ "archive_write_header", (void **)&arch.write_header },
		{ "archive_write_new", (void **)&arch.write_new },
		{ "archive_write_open_fd", (void **)&arch.write_open_fd },
		{ "archive_write_set_format_pax_restricted", (void **)&arch.write_set_format_pax_restricted },
		{ "archive_write_set_format_zip", (void **)&arch.write_set_format_zip },
		{ NULL, NULL }
	};

	arch.loaded = mr_dl_load("libarchive.so.13", "libarchive13", syms,
	    arch.why, sizeof arch.why) == 0;
}
#include "lib/mr_when.h"

enum mr_packet_format
mr_packet_format_of(const char *path)
{
	size_t n = strlen(path);

	if ((n > 7 && strcmp(path + n - 7, ".tar.gz") == 0) ||
	    (n > 4 && strcmp(path + n - 4, ".tgz") == 0))
		return MR_PACKET_TAR_GZ;
	if (n > 4 && strcmp(path + n - 4, ".zip") == 0)
		return MR_PACKET_ZIP;
	return MR_PACKET_FOLDER;
}

const char *
mr_packet_format_name(enum mr_packet_format f)
{
	switch (f) {
	case MR_PACKET_TAR_GZ:
		return "tar.gz";
	case MR_PACKET_ZIP:
		return "zip";
	case MR_PACKET_FOLDER:
		break;
	}
	return "folder";
}

/* ---- the summary ---- */

static int
deadline_cb(const struct mr_deadline_item *it, void *arg)
{
	json_t **out = arg;

	*out = json_pack("{s:I, s:s, s:s}", "closes_at_epoch",
	    (json_int_t)it->closes_at, "zone", it->zone, "source", it->source);
	return 1;
}

struct timeline {
	json_t	*rows;
};

static int
timeline_row(const struct mr_audit_row *r, void *arg)
{
	struct timeline *t = arg;
	json_t *after = r->after ? json_loads(r->after, 0, NULL) : NULL;
	json_t *detail = json_null(), *v;
	char buf[400];

	/* Evidence rows say which file; status rows say it in the action. */
	if (after != NULL && strstr(r->action, "evidence") != NULL &&
	    (v = json_object_get(after, "name")) != NULL) {
		snprintf(buf, sizeof buf, "evidence %lld: %s (%s)",
		    (long long)json_integer_value(json_object_get(after, "id")),
		    json_string_value(v),
		    json_string_value(json_object_get(after, "kind")) ?
		    json_string_value(json_object_get(after, "kind")) : "");
		detail = json_string(buf);
	} else if (after != NULL && (v = json_object_get(after, "note")) != NULL &&
	    json_is_string(v) && strcmp(r->action, "note") == 0)
		detail = json_incref(v);
	else if (after != NULL && (v = json_object_get(after,
	    "missing_evidence")) != NULL && json_is_string(v)) {
		snprintf(buf, sizeof buf, "missing: %s", json_string_value(v));
		detail = json_string(buf);
	}
	json_decref(after);
	json_array_append_new(t->rows, json_pack("{s:s, s:s, s:s, s:o}", "at",
	    r->at, "who", r->who, "action", r->action, "detail", detail));
	return 0;
}

json_t *
mr_packet_summary_json(struct mr_store *st, int64_t case_id, int reveal,
    struct mr_err *err)
{
	struct mr_case c;
	struct mr_err derr = { 0 };
	struct timeline tl = { NULL };
	struct mr_hardship h;
	struct mr_audit_head head;
	json_t *o = NULL, *dl = NULL, *chk = NULL, *d, *filing = NULL;
	char at[32], anchor[MR_AUDIT_ANCHOR_LEN];
	time_t closes;

	if (mr_case_get(st, case_id, &c, err) == -1)
		return NULL;
	if ((tl.rows = json_array()) == NULL)
		goto oom;
	if (mr_audit_each(st, "case", case_id, timeline_row, &tl, err) == -1)
		goto fail;
	if ((chk = mr_checklist_json(st, case_id, err)) == NULL)
		goto fail;
	if (mr_deadline_of_case(st, case_id, deadline_cb, &dl, &derr) == -1) {
		if (derr.code != MR_ENOTFOUND) {
			*err = derr;
			goto fail;
		}
		dl = NULL;
	}
	if (dl != NULL) {
		closes = (time_t)json_integer_value(json_object_get(dl,
		    "closes_at_epoch"));
		d = mr_deadline_json(closes, json_string_value(json_object_get(dl,
		    "zone")), mr_store_now(st));
		if (d == NULL)
			goto oom;
		json_object_set(d, "source", json_object_get(dl, "source"));
		json_decref(dl);
		dl = d;
	}
	/* The hardship filing the case says should have reweighted it. */
	if (c.filing_id != 0) {
		if (mr_hardship_get(st, c.filing_id, &h, err) == -1)
			goto fail;
		filing = mr_hardship_to_json(&h, reveal);
		mr_hardship_release(&h);
		if (filing == NULL)
			goto oom;
	}
	/* The head the packet was made at, recorded with whoever receives it. */
	if (mr_audit_head(st, &head, err) == -1)
		goto fail;
	mr_audit_anchor_format(&head, anchor, sizeof anchor);
	mr_when_iso_utc(mr_store_now(st), at, sizeof at);
	o = json_pack("{s:i, s:s, s:s, s:o, s:o, s:o, s:O, s:O, s:s}",
	    "packet_version", 1,
	    "generated_at", at,
	    "generated_by", mr_store_actor(st),
	    "case", mr_case_to_json(&c, reveal),
	    "hardship_filing", filing ? filing : json_null(),
	    "deadline", dl ? dl : json_null(),
	    "checklist", chk,
	    "timeline", tl.rows,
	    "audit_anchor", anchor);
	dl = NULL;
	filing = NULL;
	if (o == NULL)
		goto oom;
	json_decref(chk);
	json_decref(tl.rows);
	mr_case_release(&c);
	return o;
oom:
	mr_err_set(err, MR_EFAIL, "out of memory");
fail:
	json_decref(filing);
	json_decref(dl);
	json_decref(chk);
	json_decref(tl.rows);
	mr_case_release(&c);
	return NULL;
}

/* summary.txt and SHA256SUMS: a few lines per file and audit row. */
#define PACKET_TEXT_MAX	(64u * 1024 * 1024)

static const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

static void
text_num(struct mr_buf *t, const char *label, json_t *v, const char *suffix)
{
	if (json_is_number(v))
		mr_buf_printf(t, "%s%.2f%s", label, json_number_value(v), suffix);
	else
		mr_buf_printf(t, "%s-", label);
}

/* summary.txt from the summary JSON and the packet's file list. */
static char *
summary_text(json_t *sum, json_t *files, size_t *len)
{
	struct mr_buf t;
	json_t *c = json_object_get(sum, "case"), *v, *dl, *chk, *cat;
	size_t i;

	mr_buf_init(&t, PACKET_TEXT_MAX);
	mr_buf_printf(&t, "MIPS targeted review - case packet\n");
	mr_buf_printf(&t, "Generated %s by %s\n\n", jstr(sum, "generated_at"),
	    jstr(sum, "generated_by"));
	mr_buf_printf(&t, "Case             %lld (%s)\n",
	    (long long)json_integer_value(json_object_get(c, "id")),
	    jstr(c, "status"));
	mr_buf_printf(&t, "Clinician/group  %s\n", jstr(c, "name"));
	mr_buf_printf(&t, "TIN              %s\n", jstr(c, "tin"));
	mr_buf_printf(&t, "NPI              %s\n", jstr(c, "npi"));
	mr_buf_printf(&t, "Year             performance %lld, payment %lld\n",
	    (long long)json_integer_value(json_object_get(c, "performance_year")),
	    (long long)json_integer_value(json_object_get(c, "payment_year")));
	mr_buf_printf(&t, "Reasons          ");
	json_array_foreach(json_object_get(c, "reasons"), i, v)
		mr_buf_printf(&t, "%s%s", i ? ", " : "", json_string_value(v));
	mr_buf_printf(&t, "\n");
	text_num(&t, "Final score      ", json_object_get(c, "final_score"), "");
	text_num(&t, "\nAdjustment       ", json_object_get(c,
	    "payment_adjustment"), "%");
	cat = json_object_get(c, "category_scores");
	text_num(&t, "\nCategories       quality ", json_object_get(cat,
	    "quality"), "");
	text_num(&t, ", cost ", json_object_get(cat, "cost"), "");
	text_num(&t, ", ia ", json_object_get(cat, "ia"), "");
	text_num(&t, ", pi ", json_object_get(cat, "pi"), "");
	mr_buf_printf(&t, "\n");
	v = json_object_get(sum, "hardship_filing");
	if (json_is_object(v)) {
		mr_buf_printf(&t, "Hardship filing  %lld: %s, %s (performance %lld)",
		    (long long)json_integer_value(json_object_get(v, "id")),
		    jstr(v, "type"), jstr(v, "status"),
		    (long long)json_integer_value(json_object_get(v,
		    "performance_year")));
		if (json_is_string(json_object_get(v, "filed_at")))
			mr_buf_printf(&t, ", filed %s", jstr(v, "filed_at"));
		if (json_is_string(json_object_get(v, "confirmation")))
			mr_buf_printf(&t, ", confirmation %s", jstr(v,
			    "confirmation"));
		mr_buf_printf(&t, "\n                 categories ");
		json_array_foreach(json_object_get(v, "categories"), i, cat)
			mr_buf_printf(&t, "%s%s%s", i ? ", " : "", jstr(cat,
			    "category"), json_is_true(json_object_get(cat,
			    "data_submitted")) ? " (data submitted)" : "");
		mr_buf_printf(&t, "\n                 event: %s\n", jstr(v, "event"));
	}
	dl = json_object_get(sum, "deadline");
	if (json_is_object(dl))
		mr_buf_printf(&t, "Deadline         %s (%s; %s UTC)\n                 "
		    "source: %s\n", jstr(dl, "closes_local"), jstr(dl, "zone"),
		    jstr(dl, "closes_at"), jstr(dl, "source"));
	else
		mr_buf_printf(&t, "Deadline         none known for this performance "
		    "year\n");

	mr_buf_printf(&t, "\nEvidence (%zu file%s, in evidence/)\n",
	    json_array_size(files), json_array_size(files) == 1 ? "" : "s");
	json_array_foreach(files, i, v)
		mr_buf_printf(&t, "  %s\n      %s, %lld bytes, %s, attached %s by %s%s%s\n"
		    "      sha256 %s\n", jstr(v, "file"), jstr(v, "label"),
		    (long long)json_integer_value(json_object_get(v, "size")),
		    jstr(v, "media_type"), jstr(v, "attached_at"),
		    jstr(v, "attached_by"),
		    json_is_string(json_object_get(v, "note")) ? "; note: " : "",
		    json_is_string(json_object_get(v, "note")) ? jstr(v, "note") : "",
		    jstr(v, "sha256"));
	chk = json_object_get(sum, "checklist");
	mr_buf_printf(&t, "\nChecklist (%s)\n", json_is_true(json_object_get(chk,
	    "complete")) ? "complete" : "incomplete");
	json_array_foreach(json_object_get(chk, "checklist"), i, v) {
		int req = json_is_true(json_object_get(v, "required"));
		json_t *alt;
		size_t k;

		mr_buf_printf(&t, "  %-8s %s%s", json_integer_value(
		    json_object_get(v, "present")) > 0 ? "present" :
		    json_is_true(json_object_get(v, "covered")) ? "covered" :
		    "MISSING", jstr(v, "label"), req ? "" : " (not required)");
		/* The kinds that meet the need as well. */
		json_array_foreach(json_object_get(v, "alternatives"), k, alt)
			mr_buf_printf(&t, ", or %s", json_string_value(alt));
		mr_buf_printf(&t, "%s\n", json_is_true(json_object_get(v,
		    "advice")) ? " [advice]" : "");
		if (req)
			mr_buf_printf(&t, "           source: %s\n", jstr(v, "source"));
	}
	mr_buf_printf(&t, "  Note: %s\n", jstr(chk, "note"));

	mr_buf_printf(&t, "\nTimeline (audit trail, UTC)\n");
	json_array_foreach(json_object_get(sum, "timeline"), i, v)
		mr_buf_printf(&t, "  %s  %-12s %s%s%s\n", jstr(v, "at"), jstr(v, "who"),
		    jstr(v, "action"), json_is_string(json_object_get(v,
		    "detail")) ? ": " : "", json_is_string(json_object_get(v,
		    "detail")) ? jstr(v, "detail") : "");
	mr_buf_printf(&t, "\nAudit trail     head %s when this packet was made;\n"
	    "                 'mipsreview audit --verify --anchor HEAD' proves "
	    "the trail\n                 still extends it\n",
	    jstr(sum, "audit_anchor"));
	mr_buf_printf(&t, "\nCheck the files from the packet's folder (unpack an "
	    "archive first):\n  sha256sum -c SHA256SUMS\n");
	return mr_buf_take(&t, len);	/* NULL: out of memory or too long */
}

/*
 * A readable name that is safe everywhere (zip, Windows, a shell):
 * ASCII letters, digits, '.', '-', '_' and '+'; anything else becomes '_'.
 */
static void
safe_name(const char *name, char *out, size_t len)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)name;
	    *p != '\0' && o + 1 < len; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '+' || (*p == '_'))
			out[o++] = (char)*p;
		else if (*p >= 0x80 && (p[1] & 0xc0) == 0x80)
			continue;	/* one '_' per UTF-8 character */
		else
			out[o++] = '_';
	}
	out[o] = '\0';
	/* No hidden files. */
	for (char *q = out; *q == '.'; q++)
		*q = '_';
}

/* ---- the writer: a folder or an archive ---- */

struct pw {
	enum mr_packet_format format;
	char		 tmp[PATH_MAX];	/* folder or archive being built */
	char		 prefix[256];	/* top folder inside archives */
	struct archive	*a;
	struct mr_file	*af;		/* archive: the file being written */
	int		 afd;		/* ... its descriptor */
	int		 lockfd;	/* folder: held locked while it is built */
	int		 fd;		/* folder: the file being written */
	char		 cur[PATH_MAX];
	time_t		 now;
	struct mr_buf	 sums;		/* SHA256SUMS */
	char		 created[16][PATH_MAX];	/* folder: what to remove on failure */
	int		 ncreated;
	char		**files;	/* folder: files to remove on failure */
	int		 nfiles;
};

static int
pw_fail_archive(struct pw *w, struct mr_err *err)
{
	int e = arch.errno_of(w->a);

	return mr_err_set(err, MR_EFAIL, "writing the packet: %s%s%s",
	    arch.error_string(w->a) ? arch.error_string(w->a) :
	    "libarchive failed", e > 0 ? ": " : "", e > 0 ? strerror(e) : "");
}

static int
pw_dir(struct pw *w, const char *rel, struct mr_err *err)
{
	struct archive_entry *e;
	char path[PATH_MAX * 2];
	int rc = 0;

	if (w->format == MR_PACKET_FOLDER) {
		snprintf(path, sizeof path, "%s/%s", w->tmp, rel);
		if (mkdir(path, 0700) == -1)
			return mr_err_set(err, MR_EFAIL, "creating %s: %s", path,
			    strerror(errno));
		if (snprintf(w->created[w->ncreated++], PATH_MAX, "%s",
		    path) >= PATH_MAX)
			return mr_err_set(err, MR_EFAIL, "path too long: %s", path);
		return 0;
	}
	if ((e = arch.entry_new()) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	/* rel "" is the top folder itself: "prefix/", not "prefix//". */
	snprintf(path, sizeof path, "%s/%s%s", w->prefix, rel, *rel ? "/" : "");
	arch.entry_set_pathname(e, path);
	arch.entry_set_filetype(e, AE_IFDIR);
	arch.entry_set_perm(e, 0700);
	arch.entry_set_mtime(e, w->now, 0);
	if (arch.write_header(w->a, e) != ARCHIVE_OK)
		rc = pw_fail_archive(w, err);
	arch.entry_free(e);
	return rc;
}

static int
pw_begin(struct pw *w, const char *rel, int64_t size, struct mr_err *err)
{
	struct archive_entry *e;
	char path[PATH_MAX * 2];
	char **nf;
	int rc = 0;

	if (w->format == MR_PACKET_FOLDER) {
		if (snprintf(w->cur, sizeof w->cur, "%s/%s", w->tmp,
		    rel) >= (int)sizeof w->cur)
			return mr_err_set(err, MR_EFAIL, "path too long: %s", rel);
		if ((nf = realloc(w->files, (w->nfiles + 1) * sizeof *nf)) == NULL)
			return mr_err_set(err, MR_EFAIL, "out of memory");
		w->files = nf;
		if ((w->files[w->nfiles] = strdup(w->cur)) == NULL)
			return mr_err_set(err, MR_EFAIL, "out of memory");
		w->nfiles++;
		w->fd = open(w->cur, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (w->fd == -1)
			return mr_err_set(err, MR_EFAIL, "creating %s: %s", w->cur,
			    strerror(errno));
		return 0;
	}
	if ((e = arch.entry_new()) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	snprintf(path, sizeof path, "%s/%s", w->prefix, rel);
	arch.entry_set_pathname(e, path);
	arch.entry_set_filetype(e, AE_IFREG);
	arch.entry_set_perm(e, 0600);
	arch.entry_set_size(e, size);
	arch.entry_set_mtime(e, w->now, 0);
	if (arch.write_header(w->a, e) != ARCHIVE_OK)
		rc = pw_fail_archive(w, err);
	arch.entry_free(e);
	return rc;
}

struct pw_data_arg {
	struct pw	*w;
	struct mr_err	*err;
};

static int
pw_data(struct pw *w, const void *buf, size_t n, struct mr_err *err)
{
	if (w->format != MR_PACKET_FOLDER) {
		if (arch.write_data(w->a, buf, n) != (la_ssize_t)n)
			return pw_fail_archive(w, err);
		return 0;
	}
	if (mr_file_write_all(w->fd, buf, n) == -1)
		return mr_err_set(err, MR_EFAIL, "writing %s: %s", w->cur,
		    strerror(errno));
	return 0;
}

static int
pw_data_cb(const void *buf, size_t n, void *arg)
{
	struct pw_data_arg *d = arg;

	return pw_data(d->w, buf, n, d->err);
}

static int
pw_end(struct pw *w, struct mr_err *err)
{
	int fd = w->fd, e;

	if (w->format != MR_PACKET_FOLDER) {
		if (arch.write_finish_entry(w->a) != ARCHIVE_OK)
			return pw_fail_archive(w, err);
		return 0;
	}
	w->fd = -1;
	/* Closed whether or not fsync worked; the first error is the one. */
	e = fsync(fd) == -1 ? errno : 0;
	if (close(fd) == -1 && e == 0)
		e = errno;
	if (e != 0)
		return mr_err_set(err, MR_EFAIL, "writing %s: %s", w->cur,
		    strerror(e));
	return 0;
}

/* A whole file from memory, with its line in SHA256SUMS. */
static int
pw_file_mem(struct pw *w, const char *rel, const void *data, size_t n,
    struct mr_err *err)
{
	char hexs[MR_BLOB_NAMELEN];

	if (mr_blob_sha256(data, n, hexs) == -1)
		return mr_err_set(err, MR_EFAIL, "SHA-256 (OpenSSL) failed");
	if (pw_begin(w, rel, (int64_t)n, err) == -1 ||
	    pw_data(w, data, n, err) == -1 || pw_end(w, err) == -1)
		return -1;
	mr_buf_printf(&w->sums, "%s  %s\n", hexs, rel);
	return 0;
}

/* Remove what a failed folder packet created (files, then folders). */
static void
pw_cleanup(struct pw *w)
{
	if (w->fd != -1)
		close(w->fd);
	w->fd = -1;
	for (int i = 0; i < w->nfiles; i++) {
		(void)unlink(w->files[i]);
		free(w->files[i]);
	}
	free(w->files);
	w->files = NULL;
	w->nfiles = 0;
	for (int i = w->ncreated - 1; i >= 0; i--)
		(void)rmdir(w->created[i]);
	w->ncreated = 0;
}

static int
remove_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return 0;
}

/*
 * A packet is built as ".NAME.tmp-XXXXXX" beside NAME, locked (flock) by
 * its writer for as long as it is being built.  One nobody holds locked
 * was left by a writer that was killed (kill -9, a power cut) and holds
 * full copies of the evidence: remove it before writing NAME again.
 * Only the caller's own leftovers go.
 */
static void
sweep_stale(const char *parent, const char *base)
{
	struct dirent *de;
	struct stat sb;
	DIR *d;
	char prefix[300], path[PATH_MAX + 300];
	size_t plen;
	int fd;

	if (snprintf(prefix, sizeof prefix, ".%s.tmp-", base) >=
	    (int)sizeof prefix || (d = opendir(parent)) == NULL)
		return;
	plen = strlen(prefix);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, plen) != 0 ||
		    strlen(de->d_name) != plen + 6)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd == -1)
			continue;
		if (fstat(fd, &sb) == 0 && sb.st_uid == geteuid() &&
		    (S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode)) &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0) {
			snprintf(path, sizeof path, "%s/%s", parent, de->d_name);
			if (S_ISDIR(sb.st_mode))
				(void)nftw(path, remove_entry, 8, FTW_DEPTH |
				    FTW_PHYS);
			else
				(void)unlink(path);
		}
		close(fd);
	}
	closedir(d);
}

struct file_list {
	json_t	*files;		/* the summary's evidence entries */
	int64_t	 bytes;
	int	 n;
	int	 total;
	int	 failed;	/* a record could not be listed: err says which */
	struct mr_err *err;
};

static int
count_ev(const struct mr_evidence *ev, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int
list_ev(const struct mr_evidence *ev, void *arg)
{
	struct file_list *fl = arg;
	char safe[128], file[200];
	json_t *o;
	int width = fl->total >= 100 ? 3 : 2;

	safe_name(ev->original_name, safe, sizeof safe);
	snprintf(file, sizeof file, "evidence/%0*d-%s-%s", width, ++fl->n,
	    ev->kind, safe);
	/* Stopping here must fail the packet, never leave records out. */
	if ((o = mr_evidence_to_json(ev)) == NULL) {
		fl->failed = 1;
		mr_err_set(fl->err, MR_EFAIL, "evidence %lld: its record cannot "
		    "be written as JSON (out of memory, or a field that is not "
		    "UTF-8); no packet was written", (long long)ev->id);
		return 1;
	}
	json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "label", json_string(
	    mr_evidence_kind_label(ev->kind)));
	json_object_del(o, "subject");
	json_object_del(o, "subject_id");
	json_object_del(o, "status");
	json_object_del(o, "detached_at");
	json_object_del(o, "detached_by");
	json_array_append_new(fl->files, o);
	fl->bytes += ev->size;
	return 0;
}

/* Write the evidence files, checking each against its SHA-256. */
static int
write_evidence(struct mr_store *st, struct pw *w, json_t *files,
    struct mr_err *err)
{
	struct mr_evidence ev;
	struct pw_data_arg d = { w, err };
	json_t *v;
	size_t i;
	int rc = -1;

	json_array_foreach(files, i, v) {
		if (mr_evidence_get(st, json_integer_value(json_object_get(v,
		    "id")), &ev, err) == -1)
			return -1;
		if (pw_begin(w, json_string_value(json_object_get(v, "file")),
		    ev.size, err) == -1 ||
		    mr_evidence_read(st, &ev, pw_data_cb, &d, err) == -1 ||
		    pw_end(w, err) == -1) {
			mr_evidence_release(&ev);
			goto out;
		}
		mr_buf_printf(&w->sums, "%s  %s\n", ev.sha256,
		    json_string_value(json_object_get(v, "file")));
		mr_evidence_release(&ev);
	}
	rc = 0;
out:
	return rc;
}

/* Why the packet could not be put in place at dst (errno says). */
static int
place_failed(const char *dst, struct mr_err *err)
{
	if (errno == EEXIST)
		return mr_err_set(err, MR_ECONFLICT, "packet path '%s' already "
		    "exists; choose another path or remove it first", dst);
	return mr_err_set(err, MR_EFAIL, "putting the packet in place at "
	    "'%s': %s", dst, strerror(errno));
}

int
mr_packet_write(struct mr_store *st, int64_t case_id, const char *out,
    int reveal, struct mr_packet_info *info, struct mr_err *err)
{
	struct pw w = { .afd = -1, .fd = -1, .lockfd = -1 };
	struct file_list fl = { NULL };
	struct stat sb;
	json_t *sum = NULL;
	char parent[PATH_MAX], base[256], *txt = NULL, *js = NULL;
	const char *slash;
	size_t txtlen = 0, n;
	int rc = -1, in_tx = 0, placed = 0;

	w.format = mr_packet_format_of(out);
	w.now = mr_store_now(st);
	mr_buf_init(&w.sums, PACKET_TEXT_MAX);
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof parent)
		return mr_err_set(err, MR_EINVAL, "packet path '%s': a file or "
		    "folder name is expected", out);
	if (lstat(out, &sb) == 0)
		return mr_err_set(err, MR_ECONFLICT, "packet path '%s' already "
		    "exists; choose another path or remove it first", out);
	memcpy(parent, out, n);
	parent[n] = '\0';
	slash = strrchr(parent, '/');
	if (snprintf(base, sizeof base, "%s", slash ? slash + 1 : parent) >=
	    (int)sizeof base)
		return mr_err_set(err, MR_EINVAL, "packet path '%s': the name is "
		    "too long", out);
	if (slash == NULL)
		snprintf(parent, sizeof parent, ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		parent[slash - parent] = '\0';
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return mr_err_set(err, MR_EINVAL, "packet path '%s': name the "
		    "new folder or archive, e.g. case-12-packet.zip", out);
	if (stat(parent, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return mr_err_set(err, MR_EINVAL, "packet path '%s': the folder "
		    "'%s' does not exist", out, parent);
	/* The top folder inside an archive: its name without the suffix. */
	snprintf(w.prefix, sizeof w.prefix, "%s", base);
	n = strlen(w.prefix);
	if (w.format == MR_PACKET_TAR_GZ)
		w.prefix[n - (n >= 7 && strcmp(w.prefix + n - 7, ".tar.gz") == 0 ?
		    7 : 4)] = '\0';
	else if (w.format == MR_PACKET_ZIP)
		w.prefix[n - 4] = '\0';
	/* An empty top folder would put "/evidence/..." in the archive. */
	if (w.prefix[0] == '\0')
		return mr_err_set(err, MR_EINVAL, "packet path '%s': the archive "
		    "needs a name before its suffix, e.g. case-%lld-packet%s", out,
		    (long long)case_id, base);

	/* One read transaction: the rows and the summary agree. */
	if (mr_store_begin_read(st, err) == -1)
		goto out;
	in_tx = 1;
	if ((sum = mr_packet_summary_json(st, case_id, reveal, err)) == NULL)
		goto out;
	if ((fl.files = json_array()) == NULL)
		goto oom;
	fl.err = err;
	if (mr_evidence_each(st, "case", case_id, 0, count_ev, &fl.total,
	    err) == -1 ||
	    mr_evidence_each(st, "case", case_id, 0, list_ev, &fl, err) == -1 ||
	    fl.failed)
		goto out;
	json_object_set(sum, "evidence", fl.files);
	if ((js = json_dumps(sum, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(10))) == NULL ||
	    (txt = summary_text(sum, fl.files, &txtlen)) == NULL)
		goto oom;

	sweep_stale(parent, base);
	if (snprintf(w.tmp, sizeof w.tmp, "%s/.%s.tmp-XXXXXX", parent,
	    base) >= (int)sizeof w.tmp) {
		mr_err_set(err, MR_EINVAL, "packet path '%s' is too long", out);
		goto out;
	}
	/* An archive is one file: mr_file's temporary beside it, synced and
	 * renamed into place; a folder is built whole under w.tmp. */
	if (w.format == MR_PACKET_FOLDER) {
		if (mkdtemp(w.tmp) == NULL) {
			mr_err_set(err, MR_EFAIL, "creating the packet in '%s': %s",
			    parent, strerror(errno));
			goto out;
		}
		snprintf(w.created[w.ncreated++], PATH_MAX, "%s", w.tmp);
		/* Locked while built: sweep_stale() leaves it alone. */
		if ((w.lockfd = open(w.tmp, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) != -1)
			(void)flock(w.lockfd, LOCK_EX);
	} else {
		char prefix[sizeof base + 8];
		struct mr_err ferr = { 0 };

		snprintf(prefix, sizeof prefix, ".%s.tmp-", base);
		if (mr_file_open_unnamed(parent, prefix, 0600, &w.af,
		    &ferr) == -1) {
			mr_err_set(err, MR_EFAIL, "creating the packet: %s",
			    ferr.msg);
			goto out;
		}
		w.afd = mr_file_fd(w.af);
		/* Locked while built: sweep_stale() leaves it alone. */
		(void)flock(w.afd, LOCK_EX);
		pthread_once(&arch_once, arch_load);
		if (!arch.loaded) {
			mr_err_set(err, MR_EFAIL, "%s", arch.why);
			goto out;
		}
		if ((w.a = arch.write_new()) == NULL)
			goto oom;
		if ((w.format == MR_PACKET_TAR_GZ ?
		    (arch.write_add_filter_gzip(w.a) != ARCHIVE_OK ||
		    arch.write_set_format_pax_restricted(w.a) != ARCHIVE_OK) :
		    arch.write_set_format_zip(w.a) != ARCHIVE_OK) ||
		    arch.write_open_fd(w.a, w.afd) != ARCHIVE_OK) {
			pw_fail_archive(&w, err);
			goto out;
		}
		if (pw_dir(&w, "", err) == -1)
			goto out;
	}
	if (pw_dir(&w, "evidence", err) == -1 ||
	    write_evidence(st, &w, fl.files, err) == -1 ||
	    pw_file_mem(&w, "summary.json", js, strlen(js), err) == -1 ||
	    pw_file_mem(&w, "summary.txt", txt, txtlen, err) == -1)
		goto out;
	if (w.sums.failed)
		goto oom;
	/* SHA256SUMS covers everything before it. */
	if (pw_begin(&w, "SHA256SUMS", (int64_t)w.sums.len, err) == -1 ||
	    pw_data(&w, mr_buf_str(&w.sums), w.sums.len, err) == -1 ||
	    pw_end(&w, err) == -1)
		goto out;
	if (w.format == MR_PACKET_FOLDER) {
		char evdir[PATH_MAX + 16];

		snprintf(evdir, sizeof evdir, "%s/evidence", w.tmp);
		if (mr_file_sync_dir(evdir, 1, err) == -1 ||
		    mr_file_sync_dir(w.tmp, 1, err) == -1)
			goto out;
	} else {
		if (arch.write_close(w.a) != ARCHIVE_OK) {
			pw_fail_archive(&w, err);
			goto out;
		}
		if (mr_file_finish(w.af) == -1) {
			mr_err_set(err, MR_EFAIL, "writing the packet: %s",
			    strerror(errno));
			goto out;
		}
	}
	if (w.format == MR_PACKET_FOLDER ? mr_file_rename_new(w.tmp, out) :
	    mr_file_place_new(w.af, out)) {
		place_failed(out, err);
		goto out;
	}
	w.af = NULL;
	placed = 1;
	if (mr_file_sync_dir(parent, 1, err) == -1)
		goto out;
	in_tx = 0;
	(void)mr_store_commit(st, NULL);
	if (info != NULL) {
		info->format = w.format;
		info->files = (int)json_array_size(fl.files);
		info->bytes = fl.bytes;
	}
	rc = 0;
	goto out;
oom:
	mr_err_set(err, MR_EFAIL, "out of memory");
out:
	if (in_tx)
		mr_store_rollback(st);
	if (w.a != NULL)
		arch.write_free(w.a);
	/* An archive not placed: its temporary goes. */
	mr_file_abort(w.af);
	if (w.format == MR_PACKET_FOLDER && !placed)
		pw_cleanup(&w);
	else {
		for (int i = 0; i < w.nfiles; i++)
			free(w.files[i]);
		free(w.files);
	}
	if (w.lockfd != -1)
		close(w.lockfd);
	mr_buf_free(&w.sums);
	free(txt);
	free(js);
	json_decref(fl.files);
	json_decref(sum);
	return rc;
}
