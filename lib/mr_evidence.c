#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <magic.h>

#include "lib/mr_audit.h"
#include "lib/mr_blobstore.h"
#include "lib/mr_buf.h"
#include "lib/mr_evidence.h"
#include "lib/mr_file.h"
#include "lib/mr_ident.h"
#include "lib/mr_store.h"
#include "lib/mr_when.h"

static const struct {
	const char	*kind;
	const char	*label;		/* as a person says it */
} kinds[] = {
	/* The disputed report first: every ground's checklist starts there. */
	{ "feedback-report",	"feedback / final score report" },
	{ "submission-receipt",	"submission receipt" },
	{ "submitted-files",	"submitted QRDA III/JSON files" },
	{ "qp-determination",	"QP determination" },
	{ "participation-status", "CMS participation status" },
	{ "participation-list",	"APM participation list" },
	{ "tin-npi-record",	"TIN/NPI record" },
	{ "hardship-approval",	"hardship approval" },
	{ "fema-county",	"FEMA-declared county" },
	{ "cms-correspondence",	"CMS correspondence" },
	{ "ehr-vendor-letter",	"EHR or vendor letter" },
	{ "explanation",	"detailed explanation" },
	{ "screenshot",		"screenshot" },
	{ "other",		"other" },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static void (*copy_hook)(const char *, int64_t, void *);
static void *copy_hook_arg;

void
mr_evidence_set_copy_hook(void (*fn)(const char *, int64_t, void *), void *arg)
{
	copy_hook = fn;
	copy_hook_arg = arg;
}

const char *const *
mr_evidence_kinds(void)
{
	static const char *names[NKINDS + 1];

	if (names[0] == NULL)
		for (size_t i = 0; i < NKINDS; i++)
			names[i] = kinds[i].kind;
	return names;
}

int
mr_evidence_kind_valid(const char *kind, struct mr_err *err)
{
	if (mr_evidence_kind_label(kind) != NULL)
		return 0;
	return mr_err_set(err, MR_EINVAL, "kind '%.64s' is not known; use one "
	    "of: %s", kind, MR_EVIDENCE_KINDS);
}

const char *
mr_evidence_kind_label(const char *kind)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(kind, kinds[i].kind) == 0)
			return kinds[i].label;
	return NULL;
}

/* Length of the UTF-8 sequence at p, or 0 if it is not valid UTF-8. */
static size_t
utf8_len(const unsigned char *p)
{
	size_t n;
	unsigned int cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/*
 * The code point of a control character or line break at p (n bytes of
 * UTF-8), or -1: C0, DEL, C1 (U+0080-U+009F, NEL among them) and the line
 * and paragraph separators U+2028/U+2029.
 */
static long
control_at(const unsigned char *p, size_t n)
{
	if (n == 1 && (p[0] < 0x20 || p[0] == 0x7f))
		return p[0];
	if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
		return p[1];
	if (n == 3 && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 ||
	    p[2] == 0xa9))
		return 0x2000 | (p[2] & 0x3f);
	return -1;
}

/*
 * s made fit for a one-line message: control characters and bytes that
 * are not UTF-8 written as \xNN, cut at about len bytes.
 */
static const char *
printable(const char *s, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct mr_buf b;
	size_t n;
	int escape;

	/* The last 4 bytes are kept for "..." and the NUL. */
	mr_buf_init_fixed(&b, out, len > 4 ? len - 4 : len);
	while (*p != '\0') {
		n = utf8_len(p);
		escape = n == 0 || control_at(p, n) != -1;
		if ((escape ? mr_buf_printf(&b, "\\x%02x", *p) :
		    mr_buf_add(&b, p, n)) == -1)
			break;
		p += escape ? 1 : n;
	}
	if (*p != '\0' && len > 4)
		memcpy(out + b.len, "...", 4);
	return out;
}

int
mr_evidence_name_valid(const char *name, struct mr_err *err)
{
	const unsigned char *p = (const unsigned char *)name;
	char shown[160];
	size_t n;
	long cp;

	if (*name == '\0')
		return mr_err_set(err, MR_EINVAL, "file name: the name is empty");
	if (strlen(name) > 255)
		return mr_err_set(err, MR_EINVAL, "file name '%s': longer than "
		    "255 bytes; give a shorter name with --name",
		    printable(name, shown, sizeof shown));
	if (strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return mr_err_set(err, MR_EINVAL, "file name '%s': a name must "
		    "not contain '/' or be '.' or '..'; give a plain name like "
		    "receipt.pdf", printable(name, shown, sizeof shown));
	for (; *p != '\0'; p += n) {
		if ((n = utf8_len(p)) == 0)
			return mr_err_set(err, MR_EINVAL, "file name '%s': not "
			    "valid UTF-8; rename the file or give a name with "
			    "--name", printable(name, shown, sizeof shown));
		if ((cp = control_at(p, n)) != -1)
			return mr_err_set(err, MR_EINVAL, "file name '%s': "
			    "control character U+%04lX (e.g. a line break) is not "
			    "allowed; rename the file or give a name with --name",
			    printable(name, shown, sizeof shown), cp);
	}
	return 0;
}

void
mr_evidence_release(struct mr_evidence *ev)
{
	if (ev == NULL)
		return;
	free(ev->original_name);
	free(ev->media_type);
	free(ev->note);
	free(ev->attached_by);
	free(ev->detached_by);
	ev->original_name = ev->media_type = ev->note = NULL;
	ev->attached_by = ev->detached_by = NULL;
}

json_t *
mr_evidence_to_json(const struct mr_evidence *ev)
{
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:o, "
	    "s:s, s:s, s:o, s:o}",
	    "id", (json_int_t)ev->id,
	    "subject", ev->subject,
	    "subject_id", (json_int_t)ev->subject_id,
	    "kind", ev->kind,
	    "name", ev->original_name ? ev->original_name : "",
	    "sha256", ev->sha256,
	    "size", (json_int_t)ev->size,
	    "media_type", ev->media_type ? ev->media_type : "",
	    "attached_at", ev->attached_at,
	    "note", ev->note ? json_string(ev->note) : json_null(),
	    "attached_by", ev->attached_by ? ev->attached_by : "",
	    "status", ev->detached_by ? "detached" : "attached",
	    "detached_at", ev->detached_by ? json_string(ev->detached_at) :
		json_null(),
	    "detached_by", ev->detached_by ? json_string(ev->detached_by) :
		json_null());
}

static char *
ev_json_text(const struct mr_evidence *ev)
{
	json_t *o = mr_evidence_to_json(ev);
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(o);
	return s;
}

int
mr_evidence_dir(struct mr_store *st, char *buf, size_t len,
    struct mr_err *err)
{
	const char *db = mr_store_path(st), *slash = strrchr(db, '/');
	int n;

	if (slash == NULL)
		n = snprintf(buf, len, "evidence");
	else if (slash == db)
		n = snprintf(buf, len, "/evidence");
	else
		n = snprintf(buf, len, "%.*s/evidence", (int)(slash - db), db);
	if (n < 0 || (size_t)n >= len)
		return mr_err_set(err, MR_EFAIL, "the database path '%s' is too "
		    "long for its evidence folder", db);
	return 0;
}

/* The store folder, created when missing (then *created = 1). */
static int
ensure_dir(struct mr_store *st, char *dir, size_t len, int *created,
    struct mr_err *err)
{
	*created = 0;
	if (mr_evidence_dir(st, dir, len, err) == -1)
		return -1;
	return mr_blob_dir_ensure(dir, mr_store_sharing(st), created, err);
}

/* Does the subject exist?  MR_ENOTFOUND (or why it cannot) if not. */
static int
subject_check(struct mr_store *st, const char *subject, int64_t id,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1, step;

	if (strcmp(subject, "hardship") == 0) {
		/* Filings come with the hardship module (migration 004),
		 * which a database may not have. */
		if (mr_store_prepare(st, "SELECT 1 FROM sqlite_schema WHERE "
		    "type = 'table' AND name = 'hardship_filing'", &stmt,
		    err) == -1)
			goto out;
		step = sqlite3_step(stmt);
		sqlite3_finalize(stmt);
		stmt = NULL;
		if (step != SQLITE_ROW) {
			mr_err_set(err, MR_ENOTFOUND, "hardship filing %lld: this "
			    "database has no hardship filings (no hardship_filing "
			    "table); attach the evidence to a case instead",
			    (long long)id);
			goto out;
		}
	} else if (strcmp(subject, "case") != 0) {
		mr_err_set(err, MR_EINVAL, "subject '%s': 'case' or 'hardship' "
		    "is expected", subject);
		goto out;
	}
	if (mr_store_prepare(st, strcmp(subject, "case") == 0 ?
	    "SELECT 1 FROM review_case WHERE id = ?" :
	    "SELECT 1 FROM hardship_filing WHERE id = ?", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_DONE) {
		if (strcmp(subject, "case") == 0)
			mr_err_set(err, MR_ENOTFOUND, "case %lld does not exist; "
			    "'mipsreview list' shows the cases", (long long)id);
		else
			mr_err_set(err, MR_ENOTFOUND, "hardship filing %lld does "
			    "not exist", (long long)id);
		goto out;
	}
	if (step != SQLITE_ROW) {
		mr_store_dberr(st, err, "looking up the subject");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* What a record needs of a file being attached, beside its staged copy. */
struct staged {
	const char	*path;
	const char	*name;
	char		 media[128];
	magic_t		 mg;
};

static const char *
file_type_name(mode_t m)
{
	if (S_ISDIR(m))
		return "is a folder; attach the files in it one by one";
	if (S_ISFIFO(m))
		return "is a FIFO (named pipe), not a regular file";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "is a device, not a regular file";
	if (S_ISSOCK(m))
		return "is a socket, not a regular file";
	return "is not a regular file";
}

/* The media type, a hint sniffed from the first bytes. */
static void
sniff_media(const unsigned char *p, size_t n, void *arg)
{
	struct staged *s = arg;
	const char *mt = s->mg ? magic_buffer(s->mg, p, n) : NULL;

	snprintf(s->media, sizeof s->media, "%s",
	    mt ? mt : "application/octet-stream");
}

static void
copy_step(int64_t copied, void *arg)
{
	struct staged *s = arg;

	if (copy_hook != NULL)
		copy_hook(s->path, copied, copy_hook_arg);
}

/*
 * Open the file f names, which must be a regular file with a valid name,
 * and stage a copy of it in the store.
 */
static int
stage_file(const char *dir, enum mr_sharing sharing,
    const struct mr_evidence_file *f, magic_t mg,
    struct staged *s, struct mr_blob_staged *b, struct mr_err *err)
{
	struct stat before;
	char shown[160];
	const char *slash;
	int fd = -1, rc = -1, e;

	printable(f->path, shown, sizeof shown);
	s->path = f->path;
	s->mg = mg;
	fd = open(f->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		e = errno;
		mr_err_set(err, e == ENOENT ? MR_ENOTFOUND : MR_EINVAL,
		    "file '%s': %s; nothing was attached", shown, e == ENOENT ?
		    "no such file" : strerror(e));
		goto out;
	}
	if (fstat(fd, &before) == -1) {
		mr_err_set(err, MR_EFAIL, "file '%s': %s", shown, strerror(errno));
		goto out;
	}
	if (!S_ISREG(before.st_mode)) {
		mr_err_set(err, MR_EINVAL, "file '%s' %s; nothing was attached",
		    shown, file_type_name(before.st_mode));
		goto out;
	}
	if (f->name != NULL)
		s->name = f->name;
	else {
		slash = strrchr(f->path, '/');
		s->name = slash ? slash + 1 : f->path;
	}
	if (mr_evidence_name_valid(s->name, err) == -1)
		goto out;
	rc = mr_blob_stage(dir, sharing, fd, shown, &before, sniff_media,
	    copy_step, s, b, err);
out:
	if (fd != -1)
		close(fd);
	return rc;
}

static int
insert_row(struct mr_store *st, const char *subject, int64_t subject_id,
    const struct staged *s, const struct mr_blob_staged *b, const char *kind,
    const char *note, int64_t *id, struct mr_err *err)
{
	struct mr_evidence ev = { 0 };
	sqlite3_stmt *stmt = NULL;
	char *after = NULL;
	int rc = -1;

	if (mr_store_prepare(st, "INSERT INTO evidence (subject, subject_id, "
	    "sha256, original_name, size, media_type, kind, note, attached_by, "
	    "attached_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt,
	    err) == -1)
		goto out;
	ev.subject_id = subject_id;
	snprintf(ev.subject, sizeof ev.subject, "%s", subject);
	snprintf(ev.sha256, sizeof ev.sha256, "%s", b->sha256);
	snprintf(ev.kind, sizeof ev.kind, "%s", kind);
	ev.original_name = (char *)s->name;
	ev.size = b->size;
	ev.media_type = (char *)s->media;
	ev.note = (char *)note;
	ev.attached_by = (char *)mr_store_actor(st);
	mr_when_iso_utc(mr_store_now(st), ev.attached_at, sizeof ev.attached_at);
	sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, subject_id);
	sqlite3_bind_text(stmt, 3, b->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, b->size);
	sqlite3_bind_text(stmt, 6, s->media, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, kind, -1, SQLITE_STATIC);
	if (note != NULL && *note != '\0')
		sqlite3_bind_text(stmt, 8, note, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 8);
	sqlite3_bind_text(stmt, 9, ev.attached_by, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 10, ev.attached_at, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "recording the evidence");
		goto out;
	}
	ev.id = *id = sqlite3_last_insert_rowid(mr_store_db(st));
	if (note == NULL || *note == '\0')
		ev.note = NULL;
	if ((after = ev_json_text(&ev)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	if (mr_audit_append(st, subject, subject_id, "attach evidence", NULL,
	    after, err) == -1)
		goto out;
	rc = 0;
out:
	free(after);
	sqlite3_finalize(stmt);
	return rc;
}

/* Refuse content already attached (and not detached) to the same subject. */
static int
check_duplicate(struct mr_store *st, const char *subject, int64_t subject_id,
    const struct staged *s, const struct mr_blob_staged *b, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char shown[160];
	int rc = -1, step;

	if (mr_store_prepare(st, "SELECT id, original_name FROM evidence WHERE "
	    "subject = ? AND subject_id = ? AND sha256 = ? AND detached_at IS "
	    "NULL ORDER BY id LIMIT 1", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, subject_id);
	sqlite3_bind_text(stmt, 3, b->sha256, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		mr_err_set(err, MR_ECONFLICT, "'%s' is already attached to %s %lld "
		    "as evidence %lld ('%.100s', same SHA-256); nothing was "
		    "attached", printable(s->name, shown, sizeof shown),
		    strcmp(subject, "case") == 0 ? "case" : "hardship filing",
		    (long long)subject_id, (long long)sqlite3_column_int64(stmt, 0),
		    (const char *)sqlite3_column_text(stmt, 1));
		goto out;
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "checking for duplicates");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_evidence_attach(struct mr_store *st, const char *subject,
    int64_t subject_id, const struct mr_evidence_file *files, int nfiles,
    const char *kind, const char *note, struct mr_evidence_result *results,
    struct mr_err *err)
{
	struct staged *s = NULL;
	struct mr_blob_staged *b = NULL;
	magic_t mg = NULL;
	char dir[PATH_MAX], shown[160];
	int rc = -1, in_tx = 0, i, j, created = 0, dfd = -1;

	if (kind == NULL)
		kind = "other";
	if (nfiles < 1)
		return mr_err_set(err, MR_EINVAL, "no file to attach");
	if (mr_evidence_kind_valid(kind, err) == -1)
		return -1;
	if (note != NULL && mr_text_validate("note", note, 1, err) == -1)
		return -1;
	if (subject_check(st, subject, subject_id, err) == -1)
		return -1;
	if (ensure_dir(st, dir, sizeof dir, &created, err) == -1)
		return -1;
	/*
	 * Held while our temporary files exist: verify --sweep leaves them
	 * alone, so it never takes a copy still being made (the copy runs
	 * outside the database's write lock).
	 */
	dfd = mr_blob_lock_staging(dir);
	if ((s = calloc((size_t)nfiles, sizeof *s)) == NULL ||
	    (b = calloc((size_t)nfiles, sizeof *b)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	/* The media type is a hint: without libmagic's database it is
	 * application/octet-stream. */
	if ((mg = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS)) != NULL &&
	    magic_load(mg, NULL) == -1) {
		magic_close(mg);
		mg = NULL;
	}
	/* Copy everything first, outside the write lock: the slow part. */
	for (i = 0; i < nfiles; i++)
		if (stage_file(dir, mr_store_sharing(st), &files[i], mg,
		    &s[i], &b[i], err) == -1)
			goto out;
	for (i = 0; i < nfiles; i++)
		for (j = 0; j < i; j++)
			if (strcmp(b[i].sha256, b[j].sha256) == 0) {
				mr_err_set(err, MR_ECONFLICT, "'%s' has the same "
				    "content as another file given; attach it "
				    "once; nothing was attached",
				    printable(s[i].name, shown, sizeof shown));
				goto out;
			}
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	/* The subject may have gone while we copied. */
	if (subject_check(st, subject, subject_id, err) == -1)
		goto out;
	for (i = 0; i < nfiles; i++)
		if (check_duplicate(st, subject, subject_id, &s[i], &b[i],
		    err) == -1)
			goto out;
	/* Under the write lock, so that detach and verify --sweep (which
	 * remove files under it too) cannot race us. */
	if (mr_blob_place(dir, b, nfiles, created, err) == -1)
		goto out;
	for (i = 0; i < nfiles; i++)
		if (insert_row(st, subject, subject_id, &s[i], &b[i], kind, note,
		    &results[i].id, err) == -1)
			goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	for (i = 0; i < nfiles; i++) {
		results[i].deduplicated = b[i].dedup;
		b[i].placed_new = 0;
	}
	rc = 0;
out:
	/* Files we put in place go before the lock is released. */
	mr_blob_unstage(b, nfiles);
	if (in_tx)
		mr_store_rollback(st);
	/* A first attach that failed leaves no empty store behind. */
	if (rc == -1 && created)
		(void)rmdir(dir);
	if (dfd != -1)
		close(dfd);
	if (mg != NULL)
		magic_close(mg);
	free(b);
	free(s);
	return rc;
}

#define EV_COLUMNS "id, subject, subject_id, sha256, original_name, size, " \
	"media_type, kind, note, attached_by, attached_at, detached_by, " \
	"detached_at"

static char *
col_dup(sqlite3_stmt *stmt, int i)
{
	const char *s = (const char *)sqlite3_column_text(stmt, i);

	return s ? strdup(s) : NULL;
}

static int
ev_from_row(sqlite3_stmt *stmt, struct mr_evidence *ev)
{
	const char *t;

	memset(ev, 0, sizeof *ev);
	ev->id = sqlite3_column_int64(stmt, 0);
	t = (const char *)sqlite3_column_text(stmt, 1);
	snprintf(ev->subject, sizeof ev->subject, "%s", t ? t : "");
	ev->subject_id = sqlite3_column_int64(stmt, 2);
	t = (const char *)sqlite3_column_text(stmt, 3);
	snprintf(ev->sha256, sizeof ev->sha256, "%s", t ? t : "");
	ev->original_name = col_dup(stmt, 4);
	ev->size = sqlite3_column_int64(stmt, 5);
	ev->media_type = col_dup(stmt, 6);
	t = (const char *)sqlite3_column_text(stmt, 7);
	snprintf(ev->kind, sizeof ev->kind, "%s", t ? t : "");
	ev->note = col_dup(stmt, 8);
	ev->attached_by = col_dup(stmt, 9);
	t = (const char *)sqlite3_column_text(stmt, 10);
	snprintf(ev->attached_at, sizeof ev->attached_at, "%s", t ? t : "");
	ev->detached_by = col_dup(stmt, 11);
	t = (const char *)sqlite3_column_text(stmt, 12);
	snprintf(ev->detached_at, sizeof ev->detached_at, "%s", t ? t : "");
	return (ev->original_name && ev->media_type && ev->attached_by) ? 0 : -1;
}

static int
ev_row(sqlite3_stmt *stmt, void *ev)
{
	if (ev_from_row(stmt, ev) == -1) {
		mr_evidence_release(ev);
		return -1;
	}
	return 0;
}

int
mr_evidence_get(struct mr_store *st, int64_t id, struct mr_evidence *ev,
    struct mr_err *err)
{
	memset(ev, 0, sizeof *ev);
	return mr_store_row_by_id(st, "SELECT " EV_COLUMNS " FROM evidence "
	    "WHERE id = ?", id, ev_row, ev, "evidence",
	    "'mipsreview evidence list' shows it", err);
}

int
mr_evidence_each(struct mr_store *st, const char *subject, int64_t subject_id,
    int include_detached, int (*fn)(const struct mr_evidence *, void *),
    void *arg, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_evidence ev;
	int rc = -1, step = SQLITE_DONE, stop = 0;

	if (mr_store_prepare(st, "SELECT " EV_COLUMNS " FROM evidence WHERE "
	    "(?1 IS NULL OR (subject = ?1 AND subject_id = ?2)) AND "
	    "(?3 OR detached_at IS NULL) ORDER BY id", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, subject_id);
	sqlite3_bind_int(stmt, 3, include_detached);
	while (!stop && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (ev_from_row(stmt, &ev) == -1) {
			mr_evidence_release(&ev);
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		stop = fn(&ev, arg);
		mr_evidence_release(&ev);
	}
	if (!stop && step != SQLITE_DONE) {
		mr_store_dberr(st, err, "listing evidence");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

static int
count_attached(struct mr_store *st, const char *sha, int *n,
    struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	if (mr_store_prepare(st, "SELECT count(*) FROM evidence WHERE "
	    "sha256 = ? AND detached_at IS NULL", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, sha, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		mr_store_dberr(st, err, "counting evidence");
		goto out;
	}
	*n = sqlite3_column_int(stmt, 0);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
mr_evidence_detach(struct mr_store *st, int64_t id, const char *note,
    struct mr_err *err)
{
	struct mr_evidence ev = { 0 };
	sqlite3_stmt *stmt = NULL;
	char *before = NULL, *after = NULL, dir[PATH_MAX], path[PATH_MAX + 80];
	json_t *o = NULL;
	int rc = -1, in_tx = 0, n;

	if (note != NULL && mr_text_validate("note", note, 1, err) == -1)
		return -1;
	if (mr_store_begin(st, err) == -1)
		goto out;
	in_tx = 1;
	if (mr_evidence_get(st, id, &ev, err) == -1)
		goto out;
	if (ev.detached_by != NULL) {
		mr_err_set(err, MR_ECONFLICT, "evidence %lld was already detached "
		    "on %s by %s", (long long)id, ev.detached_at, ev.detached_by);
		goto out;
	}
	if ((before = ev_json_text(&ev)) == NULL)
		goto oom;
	mr_when_iso_utc(mr_store_now(st), ev.detached_at, sizeof ev.detached_at);
	if ((ev.detached_by = strdup(mr_store_actor(st))) == NULL)
		goto oom;
	if (mr_store_prepare(st, "UPDATE evidence SET detached_by = ?, "
	    "detached_at = ? WHERE id = ?", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, ev.detached_by, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, ev.detached_at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, id);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		mr_store_dberr(st, err, "detaching evidence");
		goto out;
	}
	if ((o = mr_evidence_to_json(&ev)) == NULL)
		goto oom;
	if (note != NULL && *note != '\0')
		json_object_set_new(o, "detach_note", json_string(note));
	if ((after = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		goto oom;
	if (mr_audit_append(st, ev.subject, ev.subject_id, "detach evidence",
	    before, after, err) == -1)
		goto out;
	in_tx = 0;
	if (mr_store_commit(st, err) == -1)
		goto out;
	/*
	 * Second step, under the lock again: remove the file if no attached
	 * record needs it.  A crash before this leaves an unreferenced file
	 * that verify reports; never a record without its file.
	 */
	if (mr_store_begin(st, err) == -1)
		goto done;
	if (count_attached(st, ev.sha256, &n, err) == 0 && n == 0 &&
	    mr_evidence_dir(st, dir, sizeof dir, err) == 0) {
		snprintf(path, sizeof path, "%s/%s", dir, ev.sha256);
		if (unlink(path) == 0)
			(void)mr_file_sync_dir(dir, 1, NULL);
	}
	(void)mr_store_commit(st, NULL);
done:
	mr_err_clear(err);
	rc = 0;
	goto out;
oom:
	mr_err_set(err, MR_EFAIL, "out of memory");
out:
	if (in_tx)
		mr_store_rollback(st);
	sqlite3_finalize(stmt);
	json_decref(o);
	free(before);
	free(after);
	mr_evidence_release(&ev);
	return rc;
}

int
mr_evidence_read(struct mr_store *st, const struct mr_evidence *ev,
    int (*fn)(const void *, size_t, void *), void *arg, struct mr_err *err)
{
	unsigned char *buf = NULL;
	struct stat sb;
	char dir[PATH_MAX], path[PATH_MAX + 80], got[65], shown[160];
	int rc = -1, fn_failed = 0;

	mr_err_clear(err);
	if (mr_evidence_dir(st, dir, sizeof dir, err) == -1)
		return -1;
	snprintf(path, sizeof path, "%s/%s", dir, ev->sha256);
	printable(ev->original_name, shown, sizeof shown);
	if ((buf = malloc(MR_BLOB_BUFSZ)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	/*
	 * A copy whose size changed is altered: say so before fn gets more
	 * bytes than the record's size (an archive entry declared that size
	 * and would refuse them with a write error).
	 */
	if (stat(path, &sb) == 0 && sb.st_size != ev->size &&
	    mr_blob_hash_file(path, buf, got, NULL, NULL, &fn_failed) == 0) {
		mr_err_set(err, MR_EINTEGRITY, "evidence %lld ('%s'): its stored "
		    "file %s was altered (its size is now %lld bytes, not %lld; "
		    "its SHA-256 is now %s); run 'mipsreview evidence verify'",
		    (long long)ev->id, shown, path, (long long)sb.st_size,
		    (long long)ev->size, got);
		goto out;
	}
	if (mr_blob_hash_file(path, buf, got, fn, arg, &fn_failed) == -1) {
		if (fn_failed) {
			/* fn said why (a write error of the packet, ...). */
			if (err != NULL && err->code == MR_EOK)
				mr_err_set(err, MR_EFAIL, "copying evidence "
				    "%lld ('%s') failed", (long long)ev->id, shown);
		}
		else if (errno == ENOENT)
			mr_err_set(err, MR_EINTEGRITY, "evidence %lld ('%s'): its "
			    "stored file %s is missing; run 'mipsreview evidence "
			    "verify'", (long long)ev->id, shown, path);
		else
			mr_err_set(err, MR_EFAIL, "reading %s: %s", path,
			    strerror(errno));
		goto out;
	}
	if (strcmp(got, ev->sha256) != 0) {
		mr_err_set(err, MR_EINTEGRITY, "evidence %lld ('%s'): its stored "
		    "file %s was altered (its SHA-256 is now %s); run "
		    "'mipsreview evidence verify'", (long long)ev->id, shown,
		    path, got);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/* Report a problem for every attached record of sha. */
static int
report_records(struct mr_store *st, const char *subject, int64_t subject_id,
    const char *sha, const char *what, const char *actual,
    int (*fn)(const struct mr_evidence_problem *, void *), void *arg,
    int *nproblems, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	struct mr_evidence ev;
	struct mr_evidence_problem p = { .what = what, .file = sha,
	    .actual_sha256 = actual };
	int rc = -1, step;

	if (mr_store_prepare(st, "SELECT " EV_COLUMNS " FROM evidence WHERE "
	    "sha256 = ?1 AND detached_at IS NULL AND (?2 IS NULL OR "
	    "(subject = ?2 AND subject_id = ?3)) ORDER BY id", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, subject_id);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (ev_from_row(stmt, &ev) == -1) {
			mr_evidence_release(&ev);
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		p.ev = &ev;
		(*nproblems)++;
		if (fn != NULL)
			fn(&p, arg);
		mr_evidence_release(&ev);
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading evidence");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

struct scan_ctx {
	struct mr_store	*st;
	int		(*fn)(const struct mr_evidence_problem *, void *);
	void		*arg;
};

static int
scan_referenced(const char *name, void *arg, struct mr_err *err)
{
	struct scan_ctx *sc = arg;
	int n = 0;

	if (count_attached(sc->st, name, &n, err) == -1)
		return -1;
	return n > 0;
}

static void
scan_found(const struct mr_blob_found *f, void *arg)
{
	struct scan_ctx *sc = arg;
	/* Anyone may have named it: show it escaped, on one line. */
	char shown[4 * NAME_MAX + 16];
	struct mr_evidence_problem p = { .what = f->swept ? "swept" :
	    "unreferenced", .file = printable(f->name, shown, sizeof shown) };

	if (sc->fn != NULL)
		sc->fn(&p, sc->arg);
}

/*
 * Unreferenced files in the store (whole-store verify only); a sweep runs
 * under the write lock, so that no attach is half-way through putting a
 * file in place while we decide it is unreferenced.
 */
static int
scan_unreferenced(struct mr_store *st, const char *dir, int sweep,
    int (*fn)(const struct mr_evidence_problem *, void *), void *arg,
    int *nproblems, struct mr_err *err)
{
	struct scan_ctx sc = { st, fn, arg };
	int rc;

	if (sweep && mr_store_begin(st, err) == -1)
		return -1;
	rc = mr_blob_scan(dir, sweep, scan_referenced, scan_found, &sc,
	    nproblems, err);
	if (sweep) {
		if (rc == 0)
			rc = mr_store_commit(st, err);
		else
			mr_store_rollback(st);
	}
	return rc;
}

int
mr_evidence_verify(struct mr_store *st, const char *subject,
    int64_t subject_id, int sweep,
    int (*fn)(const struct mr_evidence_problem *, void *), void *arg,
    int *nfiles, int *nproblems, struct mr_err *err)
{
	sqlite3_stmt *stmt = NULL;
	unsigned char *buf = NULL;
	char dir[PATH_MAX], path[PATH_MAX + 80], got[65], *sha = NULL;
	int rc = -1, step, dummy;

	*nfiles = *nproblems = 0;
	if (subject != NULL && subject_check(st, subject, subject_id, err) == -1)
		return -1;
	if (mr_evidence_dir(st, dir, sizeof dir, err) == -1)
		return -1;
	if ((buf = malloc(MR_BLOB_BUFSZ)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	if (mr_store_prepare(st, "SELECT DISTINCT sha256 FROM evidence WHERE "
	    "detached_at IS NULL AND (?1 IS NULL OR (subject = ?1 AND "
	    "subject_id = ?2)) ORDER BY sha256", &stmt, err) == -1)
		goto out;
	sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, subject_id);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		free(sha);
		if ((sha = strdup((const char *)sqlite3_column_text(stmt, 0))) == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		snprintf(path, sizeof path, "%s/%s", dir, sha);
		(*nfiles)++;
		if (mr_blob_hash_file(path, buf, got, NULL, NULL, &dummy) == -1) {
			if (errno != ENOENT) {
				mr_err_set(err, MR_EFAIL, "reading %s: %s", path,
				    strerror(errno));
				goto out;
			}
			if (report_records(st, subject, subject_id, sha,
			    "missing", NULL, fn, arg, nproblems, err) == -1)
				goto out;
		} else if (strcmp(got, sha) != 0 &&
		    report_records(st, subject, subject_id, sha, "altered", got,
		    fn, arg, nproblems, err) == -1)
			goto out;
	}
	if (step != SQLITE_DONE) {
		mr_store_dberr(st, err, "reading evidence");
		goto out;
	}
	if (subject == NULL && scan_unreferenced(st, dir, sweep, fn, arg,
	    nproblems, err) == -1)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(stmt);
	free(sha);
	free(buf);
	return rc;
}
