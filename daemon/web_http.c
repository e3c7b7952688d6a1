#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "daemon/auth.h"
#include "daemon/log.h"
#include "daemon/web.h"
#include "daemon/web_ack.h"
#include "daemon/web_http.h"
#include "lib/mr_store.h"
#include "lib/mr_user.h"

/*
 * The largest document a form may attach.  CMS's targeted-review form
 * takes PDFs and spreadsheets; a bigger file is attached with the CLI.
 */
#define UPLOAD_MAX	(20 * 1024 * 1024)
/* The fields of one form, and the text they may hold in all. */
#define FIELDS_MAX	24
#define FIELD_TEXT_MAX	(64 * 1024)
/* What libmicrohttpd's post processor buffers between calls. */
#define POST_BUFFER	(16 * 1024)

static char *db_path;
static char *zone;
static char *base_url;
static const char *tmpdir = "/tmp";
static struct mr_store *st;
/* MIPSREVIEW_NOW for the acknowledgement links' expiry (0: the clock). */
static time_t fixed_now;

/* The fields the pages' forms send; any other is refused by name. */
static const char *const known_fields[] = {
	"csrf", "state", "note", "requested_on", "move", "text", "kind",
	"closes", "source", "file", "user", "password", "next", "name",
	"tin", "year", "force", "deadline", "t", "address", NULL
};

struct form_field {
	char	*name;
	char	*value;
	size_t	 len;
};

struct req_state {
	struct MHD_PostProcessor *pp;
	int			 post;
	struct form_field	 fields[FIELDS_MAX];
	int			 nfields;
	size_t			 text;		/* bytes of field text so far */
	size_t			 body;		/* bytes of body so far */
	/* The form's file, written as it arrives. */
	int			 upload_fd;
	char			 upload_path[512];
	char			*upload_name;
	char			*upload_type;
	int64_t			 upload_size;
	int			 nuploads;
	/* A sign-in whose password is being checked (daemon/auth.h). */
	struct auth_login_job	*login;
	/* The first thing wrong with the form: the answer, once it is read. */
	unsigned int		 bad_status;
	char			 bad[256];
};

int
web_http_init(const char *path, const char *default_zone, const char *base)
{
	char *p = strdup(path), *z = strdup(default_zone ? default_zone : "UTC"),
	    *u = strdup(base ? base : "");

	if (p == NULL || z == NULL || u == NULL) {
		free(p);
		free(z);
		free(u);
		return -1;
	}
	free(db_path);
	free(zone);
	free(base_url);
	/* Uploads and packets pass through $TMPDIR, as mkstemp's users expect. */
	if ((tmpdir = getenv("TMPDIR")) == NULL || tmpdir[0] != '/')
		tmpdir = "/tmp";
	db_path = p;
	zone = z;
	base_url = u;
	return 0;
}

void
web_http_set_now(time_t now)
{
	fixed_now = now;
}

void
web_http_stop(void)
{
	mr_store_close(st);
	st = NULL;
	free(db_path);
	free(zone);
	free(base_url);
	db_path = zone = base_url = NULL;
}

int
web_http_owns(const char *url)
{
	return strcmp(url, "/app") == 0 || strncmp(url, "/app/", 5) == 0;
}

static void refuse(struct req_state *, unsigned int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Keep the first thing wrong with the request; the rest is still read. */
static void
refuse(struct req_state *rs, unsigned int status, const char *fmt, ...)
{
	va_list ap;

	if (rs->bad_status != 0)
		return;
	rs->bad_status = status;
	va_start(ap, fmt);
	vsnprintf(rs->bad, sizeof rs->bad, fmt, ap);
	va_end(ap);
}

static int
known(const char *name)
{
	for (size_t i = 0; known_fields[i] != NULL; i++)
		if (strcmp(known_fields[i], name) == 0)
			return 1;
	return 0;
}

static struct form_field *
field_slot(struct req_state *rs, const char *name, uint64_t off)
{
	struct form_field *f;

	/* A value longer than the buffer arrives in pieces (off > 0). */
	if (off > 0 && rs->nfields > 0 &&
	    strcmp(rs->fields[rs->nfields - 1].name, name) == 0)
		return &rs->fields[rs->nfields - 1];
	for (int i = 0; i < rs->nfields; i++)
		if (strcmp(rs->fields[i].name, name) == 0) {
			refuse(rs, 400, "form field '%s' was sent twice", name);
			return NULL;
		}
	if (rs->nfields == FIELDS_MAX) {
		refuse(rs, 400, "the form has too many fields");
		return NULL;
	}
	f = &rs->fields[rs->nfields];
	if ((f->name = strdup(name)) == NULL || (f->value = strdup("")) == NULL) {
		free(f->name);
		f->name = NULL;
		refuse(rs, 500, "out of memory");
		return NULL;
	}
	f->len = 0;
	rs->nfields++;
	return f;
}

static int
upload_chunk(struct req_state *rs, const char *filename,
    const char *content_type, uint64_t off, const char *data, size_t size)
{
	if (rs->upload_fd == -1) {
		if (off > 0 || rs->nuploads++ > 0) {
			refuse(rs, 400, "attach one file at a time");
			return 0;
		}
		if (filename == NULL || *filename == '\0') {
			refuse(rs, 400, "file: choose a document to attach");
			return 0;
		}
		snprintf(rs->upload_path, sizeof rs->upload_path,
		    "%s/mipsreviewd-upload.XXXXXX", tmpdir);
		/* mkstemp makes it 0600: nobody else reads a PHI document. */
		if ((rs->upload_fd = mkstemp(rs->upload_path)) == -1) {
			rs->upload_path[0] = '\0';
			refuse(rs, 500, "cannot keep the upload: %s",
			    strerror(errno));
			return 0;
		}
		rs->upload_name = strdup(filename);
		rs->upload_type = strdup(content_type ? content_type :
		    "application/octet-stream");
		if (rs->upload_name == NULL || rs->upload_type == NULL) {
			refuse(rs, 500, "out of memory");
			return 0;
		}
	}
	if (rs->upload_size + (int64_t)size > UPLOAD_MAX) {
		refuse(rs, 413, "file: the document is larger than %s; attach "
		    "it with 'mipsreview attach' instead", "20 MiB");
		return 0;
	}
	for (size_t done = 0; done < size; ) {
		ssize_t n = write(rs->upload_fd, data + done, size - done);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			refuse(rs, 500, "cannot keep the upload: %s",
			    strerror(errno));
			return 0;
		}
		done += (size_t)n;
	}
	rs->upload_size += (int64_t)size;
	return 1;
}

static enum MHD_Result
post_field(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	struct req_state *rs = cls;
	struct form_field *f;
	char *grown;

	if (rs->bad_status != 0)
		return MHD_YES;		/* read the rest, keep nothing */
	if (key == NULL || !known(key)) {
		refuse(rs, 400, "form field '%.64s' is not known here; the "
		    "page's own form sends only its fields", key ? key : "");
		return MHD_YES;
	}
	if (strcmp(key, "file") == 0) {
		upload_chunk(rs, filename, content_type, off, data, size);
		return MHD_YES;
	}
	if (filename != NULL) {
		refuse(rs, 400, "form field '%s' takes text, not a file", key);
		return MHD_YES;
	}
	if ((f = field_slot(rs, key, off)) == NULL)
		return MHD_YES;
	if (rs->text + size > FIELD_TEXT_MAX) {
		refuse(rs, 413, "the form's text is longer than %s", "64 KiB");
		return MHD_YES;
	}
	if (memchr(data, '\0', size) != NULL) {
		refuse(rs, 400, "form field '%s' holds a NUL byte", key);
		return MHD_YES;
	}
	if ((grown = realloc(f->value, f->len + size + 1)) == NULL) {
		refuse(rs, 500, "out of memory");
		return MHD_YES;
	}
	memcpy(grown + f->len, data, size);
	f->len += size;
	grown[f->len] = '\0';
	f->value = grown;
	rs->text += size;
	return MHD_YES;
}

void
web_http_done(void *p)
{
	struct req_state *rs = p;

	if (rs == NULL)
		return;
	if (rs->login != NULL) {
		/* A sign-in cut short: its job resumed the connection, so it is done. */
		char cookie[AUTH_SET_COOKIE_LEN];
		struct mr_err err;
		time_t wait;

		(void)auth_login_finish(rs->login, cookie, &wait, &err);
		memset(cookie, 0, sizeof cookie);
	}
	if (rs->pp != NULL)
		MHD_destroy_post_processor(rs->pp);
	for (int i = 0; i < rs->nfields; i++) {
		free(rs->fields[i].name);
		free(rs->fields[i].value);
	}
	if (rs->upload_fd != -1)
		close(rs->upload_fd);
	if (rs->upload_path[0] != '\0')
		unlink(rs->upload_path);
	free(rs->upload_name);
	free(rs->upload_type);
	free(rs);
}

struct field_src {
	struct MHD_Connection	*c;
	struct req_state	*rs;
};

/* A form's field, else the query string's. */
static const char *
lookup(void *cls, const char *name)
{
	struct field_src *src = cls;

	if (src->rs->post) {
		for (int i = 0; i < src->rs->nfields; i++)
			if (strcmp(src->rs->fields[i].name, name) == 0)
				return src->rs->fields[i].value;
		return NULL;
	}
	return MHD_lookup_connection_value(src->c, MHD_GET_ARGUMENT_KIND, name);
}

/*
 * Headers of every page: a Content-Security-Policy allowing only this
 * origin (no inline script can run even if escaping failed), no framing,
 * no type sniffing, no referrer (URLs carry case numbers), no caching.
 */
static void
security_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'self'; script-src 'self'; style-src 'self'; "
	    "img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
	    "base-uri 'none'");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

static enum MHD_Result
send_reply(struct MHD_Connection *c, struct web_reply *out)
{
	struct MHD_Response *r = NULL;
	enum MHD_Result rc;
	char disp[200];
	size_t len;
	char *body;
	int fd;

	if (out->file[0] != '\0') {
		struct stat sb;

		if ((fd = open(out->file, O_RDONLY | O_CLOEXEC)) != -1 &&
		    fstat(fd, &sb) == 0)
			r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
		else if (fd != -1)
			close(fd);
		/* The descriptor keeps the file; its name goes at once. */
		unlink(out->file);
		*strrchr(out->file, '/') = '\0';
		rmdir(out->file);
		if (r != NULL) {
			snprintf(disp, sizeof disp, "attachment; filename=\"%s\"",
			    out->filename);
			MHD_add_response_header(r, "Content-Disposition", disp);
		}
	} else {
		if ((body = mr_buf_take(&out->body, &len)) == NULL) {
			body = strdup("the page was too large to show\n");
			len = body ? strlen(body) : 0;
			out->status = 500;
			out->content_type = "text/plain; charset=utf-8";
		}
		if (body != NULL)
			r = MHD_create_response_from_buffer(len, body,
			    MHD_RESPMEM_MUST_FREE);
		if (r == NULL)
			free(body);
	}
	mr_buf_free(&out->body);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    out->content_type);
	if (out->location[0] != '\0')
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION,
		    out->location);
	if (out->set_cookie[0] != '\0')
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE,
		    out->set_cookie);
	security_headers(r);
	rc = MHD_queue_response(c, out->status, r);
	MHD_destroy_response(r);
	return rc;
}

/* The signed-in account of one request, as the pages see it. */
struct signed_in {
	struct mr_principal	 p;
	struct web_who		 who;
	const char		**tins;
	enum auth_via		 via;
	char			 sid[MR_SECRET_LEN + 1];
	char			 csrf[MR_SECRET_LEN + 1];
};

/*
 * Who is signed in on this connection (daemon/auth.h): NULL for nobody.
 * Changes made on their behalf are audited under their account's name.
 */
static const struct web_who *
signed_in(struct MHD_Connection *c, struct signed_in *si, const char **csrf)
{
	struct mr_err err = { 0 };
	int via;

	*csrf = NULL;
	if ((via = auth_principal(c, st, &si->p, si->sid, &err)) == -1) {
		log_warnx("pages: %s", err.msg);
		return NULL;
	}
	if ((si->via = (enum auth_via)via) == AUTH_NONE)
		return NULL;
	if (si->p.ntins > 0 &&
	    (si->tins = calloc((size_t)si->p.ntins, sizeof *si->tins)) == NULL) {
		mr_principal_clear(&si->p);
		si->via = AUTH_NONE;
		return NULL;
	}
	for (int i = 0; i < si->p.ntins; i++)
		si->tins[i] = si->p.tins[i];
	si->who.account_id = si->p.user_id;
	si->who.name = si->p.name;
	si->who.role = si->p.role == MR_ROLE_ADMIN ? WEB_ADMIN :
	    si->p.role == MR_ROLE_OFFICER ? WEB_OFFICER : WEB_VIEWER;
	si->who.all_tins = si->p.all_tins;
	si->who.tins = si->tins;
	si->who.ntins = (size_t)si->p.ntins;
	if (si->via == AUTH_SESSION) {
		mr_session_csrf(si->sid, si->csrf);
		*csrf = si->csrf;
	}
	mr_store_set_actor(st, si->p.name);
	return &si->who;
}

static void
signed_in_clear(struct signed_in *si)
{
	mr_principal_clear(&si->p);
	free(si->tins);
	memset(si, 0, sizeof *si);
}

/* A plain reply: a status, a line of text, maybe a redirect or cookie. */
static void
plain(struct web_reply *out, unsigned int status, const char *msg)
{
	memset(out, 0, sizeof *out);
	mr_buf_init(&out->body, 1024);
	mr_buf_printf(&out->body, "%s\n", msg);
	out->status = status;
	out->content_type = "text/plain; charset=utf-8";
}

/* Only a page of this site is a place to go after signing in. */
static const char *
after_login(const char *next)
{
	if (next != NULL && strncmp(next, "/app", 4) == 0 &&
	    strpbrk(next, "\\\r\n") == NULL && strstr(next, "//") == NULL)
		return next;
	return "/app/due";
}

/* POST /app/login and /app/logout. */
static enum MHD_Result
sign_in_or_out(struct MHD_Connection *c, const char *url, struct web_req *r,
    struct signed_in *si, struct req_state *rs)
{
	enum auth_login_result result;
	struct web_reply out;
	struct mr_err err = { 0 };
	char cookie[AUTH_SET_COOKIE_LEN], msg[96];
	time_t wait = 0;

	if (strcmp(url, "/app/logout") == 0) {
		/* A page of another site must not sign the user out. */
		if (si->via == AUTH_SESSION && !auth_csrf_ok(si->via, si->sid,
		    r->field(r->field_cls, AUTH_CSRF_FIELD))) {
			web_error_page(r, 403, "the form is stale or not from "
			    "this site (CSRF token missing or wrong); reload "
			    "the page and try again", &out);
			return send_reply(c, &out);
		}
		if (auth_logout(c, st, cookie, &err) == -1) {
			log_warnx("pages: %s", err.msg);
			plain(&out, 500, "signing out failed; the service's "
			    "log says why");
			return send_reply(c, &out);
		}
		plain(&out, 303, "signed out");
		snprintf(out.location, sizeof out.location, "/app/login");
		snprintf(out.set_cookie, sizeof out.set_cookie, "%s", cookie);
		return send_reply(c, &out);
	}
	if (rs->login == NULL) {
		if (!auth_login_csrf_ok(c, r->now,
		    r->field(r->field_cls, AUTH_CSRF_FIELD))) {
			web_login_page(r, "the sign-in form is stale or not "
			    "from this site (CSRF token missing or wrong); "
			    "sign in again with this form", &out);
			out.status = 403;
			return send_reply(c, &out);
		}
		if ((rs->login = auth_login_start(c, db_path,
		    r->field(r->field_cls, "user"),
		    r->field(r->field_cls, "password"))) == NULL) {
			plain(&out, 503, "the server is too busy to sign in "
			    "now; try again");
			return send_reply(c, &out);
		}
		return MHD_YES;	/* resumed when the password is checked */
	}
	if (!auth_login_done(rs->login))
		return MHD_YES;
	result = auth_login_finish(rs->login, cookie, &wait, &err);
	rs->login = NULL;
	switch (result) {
	case AUTH_LOGIN_OK:
		plain(&out, 303, "signed in");
		snprintf(out.location, sizeof out.location, "%s",
		    after_login(r->field(r->field_cls, "next")));
		snprintf(out.set_cookie, sizeof out.set_cookie, "%s", cookie);
		memset(cookie, 0, sizeof cookie);
		return send_reply(c, &out);
	case AUTH_LOGIN_SLOWED:
		snprintf(msg, sizeof msg, "too many failed sign-ins: try "
		    "again in %lld seconds", (long long)wait);
		web_login_page(r, msg, &out);
		out.status = 429;
		return send_reply(c, &out);
	case AUTH_LOGIN_WRONG:
		web_login_page(r, "wrong account name or password", &out);
		out.status = 401;
		return send_reply(c, &out);
	default:
		log_warnx("pages: %s", err.msg);
		plain(&out, 500, "signing in failed; the service's log says "
		    "why");
		return send_reply(c, &out);
	}
}

static enum MHD_Result
answer(struct MHD_Connection *c, const char *url, struct req_state *rs)
{
	struct web_req r = { .post = rs->post, .field = lookup };
	struct field_src src = { .c = c, .rs = rs };
	struct web_upload up;
	struct web_reply out;
	struct mr_err err = { 0 };
	struct signed_in si;
	enum MHD_Result rc;
	char login_cookie[AUTH_SET_COOKIE_LEN], login_csrf[MR_SECRET_LEN + 1];

	memset(&si, 0, sizeof si);
	r.field_cls = &src;
	r.default_zone = zone;
	r.base_url = base_url;
	r.tmpdir = tmpdir;
	if (st == NULL && (db_path == NULL ||
	    mr_store_open(db_path, &st, &err) == -1)) {
		log_warnx("pages: %s", db_path ? err.msg : "no database");
		memset(&out, 0, sizeof out);
		mr_buf_init(&out.body, 256);
		mr_buf_printf(&out.body, "the database cannot be opened; the "
		    "service's log says why\n");
		out.status = 503;
		out.content_type = "text/plain; charset=utf-8";
		return send_reply(c, &out);
	}
	r.st = st;
	r.now = mr_store_now(st);
	mr_store_set_actor(st, "mipsreviewd");
	r.who = signed_in(c, &si, &r.csrf);
	if (auth_login_form(r.now, login_cookie, login_csrf, &err) == 0) {
		r.login_csrf = login_csrf;
		r.login_cookie = login_cookie;
	} else
		log_warnx("pages: %s", err.msg);
	if (rs->upload_fd != -1) {
		up.path = rs->upload_path;
		up.name = rs->upload_name;
		up.media_type = rs->upload_type;
		up.size = rs->upload_size;
		r.upload = &up;
	}
	if (rs->post && (strcmp(url, "/app/login") == 0 ||
	    strcmp(url, "/app/logout") == 0) && rs->bad_status == 0) {
		if (rs->pp != NULL) {
			if (MHD_destroy_post_processor(rs->pp) != MHD_YES)
				refuse(rs, 400, "the form's body is malformed "
				    "or cut short");
			rs->pp = NULL;
		}
		if (rs->bad_status == 0) {
			rc = sign_in_or_out(c, url, &r, &si, rs);
			signed_in_clear(&si);
			return rc;
		}
	}
	/* A mail's acknowledgement link: its signature is the authority. */
	if (strcmp(url, "/app/ack") == 0) {
		if (fixed_now != 0)
			r.now = fixed_now;
		if (rs->pp != NULL) {
			if (MHD_destroy_post_processor(rs->pp) != MHD_YES)
				refuse(rs, 400, "the form's body is malformed "
				    "or cut short");
			rs->pp = NULL;
		}
		if (rs->bad_status != 0)
			web_error_page(&r, rs->bad_status, rs->bad, &out);
		else
			web_ack(&r, &out);
		rc = send_reply(c, &out);
		signed_in_clear(&si);
		return rc;
	}
	if (rs->post && r.who == NULL) {
		web_login_page(&r, "sign in first", &out);
		out.status = 401;
		return send_reply(c, &out);
	}
	/* The end of a multipart body is checked when the processor goes. */
	if (rs->pp != NULL) {
		if (MHD_destroy_post_processor(rs->pp) != MHD_YES)
			refuse(rs, 400, "the form's body is malformed or cut "
			    "short");
		rs->pp = NULL;
	}
	if (rs->bad_status != 0)
		web_error_page(&r, rs->bad_status, rs->bad, &out);
	/* Every form a signed-in page sends carries its session's token. */
	else if (rs->post && !auth_csrf_ok(si.via, si.sid,
	    lookup(&src, AUTH_CSRF_FIELD)))
		web_error_page(&r, 403, "the form is stale or not from this "
		    "site (CSRF token missing or wrong); reload the page and "
		    "try again", &out);
	else
		web_route(&r, url, &out);
	rc = send_reply(c, &out);
	signed_in_clear(&si);
	return rc;
}

enum MHD_Result
web_http_handle(struct MHD_Connection *c, const char *url, const char *method,
    const char *upload, size_t *upload_size, void **req_cls)
{
	struct req_state *rs = *req_cls;

	if (rs == NULL) {
		int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
		    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

		if (!get && strcmp(method, MHD_HTTP_METHOD_POST) != 0)
			return MHD_NO;	/* the caller answers 405 first */
		if ((rs = calloc(1, sizeof *rs)) == NULL)
			return MHD_NO;
		rs->upload_fd = -1;
		rs->post = !get;
		*req_cls = rs;
		if (rs->post && (rs->pp = MHD_create_post_processor(c,
		    POST_BUFFER, post_field, rs)) == NULL)
			refuse(rs, 415, "the form must be sent as "
			    "application/x-www-form-urlencoded or "
			    "multipart/form-data");
		return MHD_YES;
	}
	if (*upload_size != 0) {
		rs->body += *upload_size;
		if (rs->post && rs->pp != NULL && rs->bad_status == 0 &&
		    MHD_post_process(rs->pp, upload, *upload_size) != MHD_YES)
			refuse(rs, 400, "the form's body is malformed");
		*upload_size = 0;
		return MHD_YES;
	}
	return answer(c, url, rs);
}
