#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "lib/mr_buf.h"
#include "lib/mr_crypto.h"
#include "lib/mr_curl.h"
#include "lib/mr_ident.h"
#include "lib/mr_mail.h"

/* The most a message may take: far above a reminder with its calendar. */
#define MAIL_MAX	(32u * 1024 * 1024)

static void
buf_str(struct mr_buf *b, const char *s)
{
	mr_buf_add(b, s, strlen(s));
}

/* Input bytes per base64 line: 57 bytes make the 76 characters of RFC 2045. */
#define B64_LINE_IN	57

/*
 * Base64 of n bytes, a line at a time; wrap: end every line of 76
 * characters, and the last, with CRLF.
 */
static void
base64(struct mr_buf *b, const unsigned char *s, size_t n, int wrap)
{
	char line[MR_BASE64_LEN(B64_LINE_IN) + 1];

	for (size_t i = 0; i < n; i += B64_LINE_IN) {
		size_t take = n - i < B64_LINE_IN ? n - i : B64_LINE_IN;
		size_t len = mr_base64(s + i, take, line);

		mr_buf_add(b, line, len);
		if (wrap && i + take < n)
			mr_buf_add(b, "\r\n", 2);
	}
	if (wrap)
		mr_buf_add(b, "\r\n", 2);
}

/*
 * Text for a header must hold no control character: a CR or LF would end
 * the header and start another one (header injection), a NUL would cut it.
 */
static int
header_value_check(const char *what, const char *v, struct mr_err *err)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return mr_err_set(err, MR_EINVAL, "mail header %s: "
			    "control character 0x%02x at byte %zu refused",
			    what, *p, (size_t)(p - (const unsigned char *)v));
	return 0;
}

static int
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* Bytes of the UTF-8 sequence starting with c (1 for anything odd). */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/*
 * Whether folding before spaces keeps every line of value within 78
 * columns; a word too long for a line (a long name without spaces) does
 * not fold, and the value is written as RFC 2047 encoded words instead.
 */
static int
ascii_folds(const char *value, size_t name_len)
{
	size_t col = name_len;
	const char *p = value;

	while (*p) {
		const char *sp = strchr(p + 1, ' ');
		size_t w = sp ? (size_t)(sp - p) : strlen(p);

		if (col + w > 78 && p != value && *p == ' ')
			col = 0;
		if (col + w > 78)
			return 0;
		col += w;
		p += w;
	}
	return 1;
}

int
mr_mail_header_text(const char *value, size_t name_len, char **out,
    struct mr_err *err)
{
	struct mr_buf b;
	size_t col = name_len, n = strlen(value);

	*out = NULL;
	mr_buf_init(&b, MAIL_MAX);
	if (header_value_check("text", value, err) == -1)
		return -1;
	if (mr_text_validate("mail header", value, 0, err) == -1)
		return -1;
	if (is_ascii(value) && ascii_folds(value, name_len)) {
		/* Fold before a space so no line passes 78 columns
		 * (RFC 5322 2.2.3). */
		const char *p = value;

		while (*p) {
			const char *sp = strchr(p + 1, ' ');
			size_t w = sp ? (size_t)(sp - p) : strlen(p);

			if (col + w > 78 && p != value && *p == ' ') {
				mr_buf_add(&b, "\r\n", 2);
				col = 0;
			}
			mr_buf_add(&b, p, w);
			col += w;
			p += w;
		}
	} else {
		/*
		 * RFC 2047: encoded words on lines of at most 76 characters
		 * (so 45 bytes of text after the folding space, fewer after
		 * "Subject: "), never splitting a UTF-8 character, joined by
		 * folding white space, which a reader drops between them.
		 */
		size_t i = 0, take, max, avail;

		while (i < n) {
			avail = 76 - (i == 0 ? (col < 50 ? col : 50) : 1) - 12;
			max = avail / 4 * 3;
			take = 0;
			while (i + take < n) {
				size_t l = utf8_len((unsigned char)value[i + take]);

				if (take + l > max)
					break;
				take += l;
			}
			if (take == 0)
				take = n - i < 4 ? n - i : 4;
			if (i > 0)
				mr_buf_add(&b, "\r\n ", 3);
			buf_str(&b, "=?UTF-8?B?");
			base64(&b, (const unsigned char *)value + i, take, 0);
			buf_str(&b, "?=");
			i += take;
		}
	}
	if ((*out = mr_buf_take(&b, NULL)) == NULL)
		return mr_err_set(err, MR_EFAIL, "mail header: out of memory or "
		    "longer than %u bytes", MAIL_MAX);
	return 0;
}

void
mr_mail_date(time_t t, char *buf, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	/* Spelled out rather than strftime(%a %b): those follow the locale. */
	gmtime_r(&t, &tm);
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, mons[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Quoted-printable (RFC 2045 6.7) of UTF-8 text with \n line ends. */
static void
quoted_printable(struct mr_buf *b, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0;
	char enc[3];

	for (; *p; p++) {
		if (*p == '\n') {
			mr_buf_add(b, "\r\n", 2);
			col = 0;
			continue;
		}
		int literal = (*p >= 33 && *p <= 126 && *p != '=') ||
		    ((*p == ' ' || *p == '\t') && p[1] != '\n' && p[1] != '\0');
		size_t w = literal ? 1 : 3;

		if (col + w > 75) {		/* soft line break */
			mr_buf_add(b, "=\r\n", 3);
			col = 0;
		}
		if (literal)
			mr_buf_add(b, (const char *)p, 1);
		else {
			enc[0] = '=';
			enc[1] = hex[*p >> 4];
			enc[2] = hex[*p & 15];
			mr_buf_add(b, enc, 3);
		}
		col += w;
	}
	if (col > 0)
		mr_buf_add(b, "\r\n", 2);
}

/* The attachment's file name: a safe token ([A-Za-z0-9._-]). */
static int
filename_check(const char *s, struct mr_err *err)
{
	if (*s == '\0')
		return mr_err_set(err, MR_EINVAL, "attachment name is empty");
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_'))
			return mr_err_set(err, MR_EINVAL, "attachment name '%s': "
			    "only letters, digits, '.', '-' and '_' are allowed", s);
	return 0;
}

int
mr_mail_compose(const struct mr_mail *m, char **out, size_t *len,
    struct mr_err *err)
{
	struct mr_buf b;
	char date[64], *subject = NULL, boundary[64];
	uint32_t h = 2166136261u;
	size_t col;
	int rc = -1;

	*out = NULL;
	mr_buf_init(&b, MAIL_MAX);
	if (mr_email_validate(m->from, err) == -1)
		goto out;
	if (m->nto < 1) {
		mr_err_set(err, MR_EINVAL, "a message needs at least one "
		    "recipient");
		goto out;
	}
	for (int i = 0; i < m->nto; i++)
		if (mr_email_validate(m->to[i], err) == -1)
			goto out;
	if (header_value_check("Message-ID", m->message_id, err) == -1)
		goto out;
	if (strchr(m->message_id, '@') == NULL || strpbrk(m->message_id,
	    " <>\"") != NULL || !is_ascii(m->message_id)) {
		mr_err_set(err, MR_EINVAL, "Message-ID '%s': left@right without "
		    "spaces, quotes or angle brackets is expected", m->message_id);
		goto out;
	}
	if (mr_mail_header_text(m->subject, strlen("Subject: "), &subject,
	    err) == -1)
		goto out;
	if (m->attach_name != NULL && (filename_check(m->attach_name, err) == -1 ||
	    header_value_check("Content-Type", m->attach_type, err) == -1))
		goto out;

	mr_mail_date(m->date, date, sizeof date);
	mr_buf_printf(&b, "Date: %s\r\n", date);
	mr_buf_printf(&b, "From: %s\r\n", m->from);
	buf_str(&b, "To: ");
	col = 4;
	for (int i = 0; i < m->nto; i++) {
		size_t w = strlen(m->to[i]);

		if (i > 0) {
			mr_buf_add(&b, ",", 1);
			col++;
			if (col + 1 + w > 78) {
				mr_buf_add(&b, "\r\n", 2);
				col = 0;
			}
			mr_buf_add(&b, " ", 1);
			col++;
		}
		buf_str(&b, m->to[i]);
		col += w;
	}
	mr_buf_add(&b, "\r\n", 2);
	mr_buf_printf(&b, "Subject: %s\r\n", subject);
	mr_buf_printf(&b, "Message-ID: <%s>\r\n", m->message_id);
	/* RFC 3834: machines should not answer this one automatically. */
	buf_str(&b, "Auto-Submitted: auto-generated\r\n");
	buf_str(&b, "MIME-Version: 1.0\r\n");
	if (m->attach_name == NULL) {
		buf_str(&b, "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		quoted_printable(&b, m->body);
	} else {
		/*
		 * "=_" cannot occur in quoted-printable or base64 output, so
		 * the boundary never clashes with a part; deriving it from the
		 * Message-ID keeps the message byte-for-byte reproducible.
		 */
		for (const char *p = m->message_id; *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
		snprintf(boundary, sizeof boundary, "=_mipsreview_%08x", h);
		mr_buf_printf(&b, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n"
		    "\r\nThis is a MIME message.\r\n", boundary);
		mr_buf_printf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", boundary);
		quoted_printable(&b, m->body);
		mr_buf_printf(&b, "--%s\r\nContent-Type: %s; name=\"%s\"\r\n"
		    "Content-Disposition: attachment; filename=\"%s\"\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n", boundary,
		    m->attach_type, m->attach_name, m->attach_name);
		base64(&b, (const unsigned char *)m->attach_data, m->attach_len, 1);
		mr_buf_printf(&b, "--%s--\r\n", boundary);
	}
	if ((*out = mr_buf_take(&b, len)) == NULL) {
		mr_err_set(err, MR_EFAIL, "mail: out of memory or the message "
		    "is longer than %u bytes", MAIL_MAX);
		goto out;
	}
	rc = 0;
out:
	mr_buf_free(&b);
	free(subject);
	return rc;
}

int
mr_mail_read_password(const char *path, char *buf, size_t len,
    struct mr_err *err)
{
	struct stat sb;
	ssize_t n;
	size_t got = 0;
	int fd, rc = -1;

	/* O_NONBLOCK: a FIFO must be refused below, not waited on here. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) == -1)
		return mr_err_set(err, MR_EINVAL, "smtp_password_file '%s': %s",
		    path, strerror(errno));
	if (fstat(fd, &sb) == -1) {
		mr_err_set(err, MR_EINVAL, "smtp_password_file '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		mr_err_set(err, MR_EINVAL, "smtp_password_file '%s': not a "
		    "regular file", path);
		goto out;
	}
	/* A password others can read is no secret: refuse, as ssh does. */
	if (sb.st_uid != geteuid() || (sb.st_mode & 077) != 0) {
		mr_err_set(err, MR_EINVAL, "smtp_password_file '%s': mode %04o, "
		    "owner uid %ld: it must belong to uid %ld and be readable by "
		    "its owner only; run chmod 600 '%s'", path,
		    (unsigned)(sb.st_mode & 07777), (long)sb.st_uid,
		    (long)geteuid(), path);
		goto out;
	}
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			mr_err_set(err, MR_EINVAL, "smtp_password_file '%s': %s",
			    path, strerror(errno));
			goto out;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	if (got + 1 == len && strcspn(buf, "\r\n") == got) {
		/* The buffer is full and the line goes on: never cut it. */
		char c;

		while ((n = read(fd, &c, 1)) == -1 && errno == EINTR)
			;
		if (n == 1 && c != '\n' && c != '\r') {
			mr_err_set(err, MR_EINVAL, "smtp_password_file '%s': the "
			    "password is too long (more than %zu bytes)", path,
			    len - 1);
			goto out;
		}
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0') {
		mr_err_set(err, MR_EINVAL, "smtp_password_file '%s': the first "
		    "line is empty; write the password on it", path);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1)
		explicit_bzero(buf, len);
	close(fd);
	return rc;
}


struct mr_mailer {
	CURL		*curl;
	char		*url;
	char		*user;
	char		 password[512];
	char		 errbuf[CURL_ERROR_SIZE];
};

/* 1 if the URL's host is the loopback interface. */
static int
url_is_loopback(const char *url)
{
	const char *h = strstr(url, "://"), *at, *end;
	struct in_addr a4;
	char host[256];
	size_t n;

	if (h == NULL)
		return 0;
	h += 3;
	end = h + strcspn(h, "/?#");
	if ((at = memchr(h, '@', (size_t)(end - h))) != NULL)
		h = at + 1;
	if (*h == '[') {
		end = strchr(h, ']');
		if (end == NULL)
			return 0;
		h++;
	} else
		end = h + strcspn(h, ":/?#");
	n = (size_t)(end - h);
	if (n == 0 || n >= sizeof host)
		return 0;
	memcpy(host, h, n);
	host[n] = '\0';
	/* An address, not a name that starts like one (127.example.org). */
	return strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
	    (inet_pton(AF_INET, host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127);
}

int
mr_mailer_new(const struct mr_mail_server *srv, struct mr_mailer **out,
    struct mr_err *err)
{
	struct mr_mailer *m = NULL;
	int rc = -1, smtps;

	*out = NULL;
	if (srv->url == NULL)
		return mr_err_set(err, MR_EINVAL, "smtp_url is not set; add "
		    "'smtp_url = smtp://mail.example.org:587' to the "
		    "configuration");
	smtps = strncasecmp(srv->url, "smtps://", 8) == 0;
	if (!smtps && strncasecmp(srv->url, "smtp://", 7) != 0)
		return mr_err_set(err, MR_EINVAL, "smtp_url '%s': "
		    "smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT] is "
		    "expected", srv->url);
	if (header_value_check("smtp_url", srv->url, err) == -1)
		return -1;
	if (!smtps && !srv->starttls && !url_is_loopback(srv->url))
		return mr_err_set(err, MR_EINVAL, "smtp_starttls 'never' is "
		    "only allowed for a server on the loopback address, not "
		    "'%s': mail and password would cross the network in clear; "
		    "set smtp_starttls = required or use smtps://", srv->url);
	if (srv->user != NULL && srv->password_file == NULL)
		return mr_err_set(err, MR_EINVAL, "smtp_user '%s' is set but "
		    "smtp_password_file is not; name a file holding the "
		    "password (mode 600)", srv->user);
	if ((m = calloc(1, sizeof *m)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	if (srv->password_file != NULL && mr_mail_read_password(
	    srv->password_file, m->password, sizeof m->password, err) == -1)
		goto out;
	if (mr_curl_load(err) == -1)
		goto out;
	if ((m->curl = mr_curl.easy_init()) == NULL) {
		mr_err_set(err, MR_EFAIL, "libcurl could not be initialised");
		goto out;
	}
	if ((m->url = strdup(srv->url)) == NULL ||
	    (srv->user && (m->user = strdup(srv->user)) == NULL)) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	mr_curl.easy_setopt(m->curl, CURLOPT_URL, m->url);
	mr_curl.easy_setopt(m->curl, CURLOPT_UPLOAD, 1L);
	mr_curl.easy_setopt(m->curl, CURLOPT_ERRORBUFFER, m->errbuf);
	mr_curl.easy_setopt(m->curl, CURLOPT_NOSIGNAL, 1L);
	mr_curl.easy_setopt(m->curl, CURLOPT_TIMEOUT, srv->timeout > 0 ?
	    srv->timeout : 60L);
	mr_curl.easy_setopt(m->curl, CURLOPT_CONNECTTIMEOUT, srv->timeout > 0 &&
	    srv->timeout < 30 ? srv->timeout : 30L);
	/* Only SMTP and SMTPS, even if a redirect-like trick were tried. */
#if LIBCURL_VERSION_NUM >= 0x075500
	mr_curl.easy_setopt(m->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	mr_curl.easy_setopt(m->curl, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
	if (!smtps)
		mr_curl.easy_setopt(m->curl, CURLOPT_USE_SSL, srv->starttls ?
		    (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
	if (srv->ca_file != NULL)
		mr_curl.easy_setopt(m->curl, CURLOPT_CAINFO, srv->ca_file);
	if (m->user != NULL) {
		mr_curl.easy_setopt(m->curl, CURLOPT_USERNAME, m->user);
		mr_curl.easy_setopt(m->curl, CURLOPT_PASSWORD, m->password);
	}
	*out = m;
	m = NULL;
	rc = 0;
out:
	mr_mailer_free(m);
	return rc;
}

void
mr_mailer_free(struct mr_mailer *m)
{
	if (m == NULL)
		return;
	if (m->curl != NULL) {
		mr_curl.easy_cleanup(m->curl);
	}
	explicit_bzero(m->password, sizeof m->password);
	free(m->url);
	free(m->user);
	free(m);
}

struct upload {
	const char	*p;
	size_t		 left;
	int		(*end_of_data)(void *);
	void		*arg;
	int		 ended;
	int		 aborted;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (u->left == 0)
		return 0;
	if (n >= u->left) {
		n = u->left;
		/*
		 * The last chunk.  libcurl sends the closing "." after it (it
		 * may not ask again once it has the announced size), and no
		 * server accepts a message before that: record it now.
		 */
		if (!u->ended) {
			u->ended = 1;
			if (u->end_of_data != NULL && u->end_of_data(u->arg) == -1) {
				u->aborted = 1;
				return CURL_READFUNC_ABORT;
			}
		}
	}
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/*
 * Which recipients the server refused.  libcurl reports only the last
 * RCPT reply, so the dialogue is read through its debug callback: each
 * "RCPT TO:<address>" it sends, then the final line of the reply.
 */
struct rcpt_watch {
	const char *const	*rcpt;
	int			 n;
	int			*refused;
	int			 cur;		/* index of the RCPT in flight */
	char			 reply[160];	/* the first refusal, for the error */
};

static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct rcpt_watch *w = arg;
	char addr[300];
	size_t k;

	(void)h;
	if (type == CURLINFO_HEADER_OUT) {
		w->cur = -1;
		if (size < 9 || strncasecmp(data, "RCPT TO:<", 9) != 0)
			return 0;
		for (k = 0; k + 9 < size && k < sizeof addr - 1 &&
		    data[9 + k] != '>'; k++)
			addr[k] = data[9 + k];
		addr[k] = '\0';
		for (int i = 0; i < w->n; i++)
			if (strcasecmp(w->rcpt[i], addr) == 0) {
				w->cur = i;
				break;
			}
	} else if (type == CURLINFO_HEADER_IN && w->cur >= 0 && size >= 4 &&
	    data[3] != '-') {
		/* The final line of the reply to that RCPT. */
		if (data[0] >= '4' && data[0] <= '5') {
			w->refused[w->cur] = isdigit((unsigned char)data[1]) &&
			    isdigit((unsigned char)data[2]) ? (data[0] - '0') *
			    100 + (data[1] - '0') * 10 + (data[2] - '0') : 550;
			if (w->reply[0] == '\0') {
				for (k = 0; k < size && k < sizeof w->reply - 1 &&
				    data[k] != '\r' && data[k] != '\n'; k++)
					w->reply[k] = (unsigned char)data[k] < ' ' ?
					    '?' : data[k];
				w->reply[k] = '\0';
			}
		}
		w->cur = -1;
	}
	return 0;
}

/*
 * "<address>" for MAIL FROM or RCPT TO.  RFC 5321 4.5.3.1.3 allows 256
 * octets with the brackets; a longer address is refused rather than cut
 * (a cut one can name another domain).
 */
static int
envelope_addr(const char *addr, char *buf, size_t len, struct mr_err *err)
{
	if (mr_email_validate(addr, err) == -1)
		return -1;
	if (strlen(addr) > 254 || (size_t)snprintf(buf, len, "<%s>", addr) >= len)
		return mr_err_set(err, MR_EINVAL, "e-mail '%.40s...': longer "
		    "than the 254 characters SMTP allows", addr);
	return 0;
}

int
mr_mailer_send(struct mr_mailer *m, const char *from, const char *const *rcpt,
    int n, int *refused, const char *msg, size_t len,
    int (*end_of_data)(void *), void *arg, int *stop, struct mr_err *err)
{
	struct curl_slist *list = NULL, *l;
	struct upload u = { msg, len, end_of_data, arg, 0, 0 };
	struct rcpt_watch w = { rcpt, n, refused, -1, "" };
	char addr[400];
	long reply = 0;
	CURLcode cc;
	int rc = -1;

	*stop = 0;
	if (envelope_addr(from, addr, sizeof addr, err) == -1)
		return -1;
	for (int i = 0; i < n; i++) {
		if (refused != NULL)
			refused[i] = 0;
		if (envelope_addr(rcpt[i], addr, sizeof addr, err) == -1)
			goto out;
		if ((l = mr_curl.slist_append(list, addr)) == NULL) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		list = l;
	}
	snprintf(addr, sizeof addr, "<%s>", from);	/* fits: checked above */
	m->errbuf[0] = '\0';
	mr_curl.easy_setopt(m->curl, CURLOPT_MAIL_FROM, addr);
	mr_curl.easy_setopt(m->curl, CURLOPT_MAIL_RCPT, list);
	mr_curl.easy_setopt(m->curl, CURLOPT_READFUNCTION, read_cb);
	mr_curl.easy_setopt(m->curl, CURLOPT_READDATA, &u);
	mr_curl.easy_setopt(m->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	if (refused != NULL) {
		/*
		 * One refused recipient must not cost the others their mail:
		 * the transfer goes on for the ones the server took.
		 */
		mr_curl.easy_setopt(m->curl, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
		mr_curl.easy_setopt(m->curl, CURLOPT_DEBUGFUNCTION, debug_cb);
		mr_curl.easy_setopt(m->curl, CURLOPT_DEBUGDATA, &w);
		mr_curl.easy_setopt(m->curl, CURLOPT_VERBOSE, 1L);
	}
	cc = mr_curl.easy_perform(m->curl);
	mr_curl.easy_getinfo(m->curl, CURLINFO_RESPONSE_CODE, &reply);
	mr_curl.easy_setopt(m->curl, CURLOPT_MAIL_RCPT, NULL);
	if (refused != NULL) {
		mr_curl.easy_setopt(m->curl, CURLOPT_VERBOSE, 0L);
		mr_curl.easy_setopt(m->curl, CURLOPT_DEBUGFUNCTION, NULL);
		mr_curl.easy_setopt(m->curl, CURLOPT_DEBUGDATA, NULL);
		mr_curl.easy_setopt(m->curl, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 0L);
	}
	if (cc == CURLE_OK) {
		rc = 0;
		goto out;
	}
	*stop = 1;
	switch (cc) {
	case CURLE_ABORTED_BY_CALLBACK:
		mr_err_set(err, MR_ESEND, "sending to %s stopped before the end "
		    "of the message: the ledger could not be updated", m->url);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
		mr_err_set(err, MR_ESEND, "cannot reach the mail server %s: %s; "
		    "check smtp_url and that the server is running", m->url,
		    m->errbuf[0] ? m->errbuf : mr_curl.easy_strerror(cc));
		break;
	case CURLE_LOGIN_DENIED:
		mr_err_set(err, MR_ESEND, "the mail server %s refused the login "
		    "of '%s' (reply %ld); check smtp_user and the password in "
		    "smtp_password_file", m->url, m->user ? m->user : "", reply);
		break;
	case CURLE_USE_SSL_FAILED:
		mr_err_set(err, MR_ESEND, "the mail server %s does not offer "
		    "STARTTLS; use smtps:// or a server that does", m->url);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		mr_err_set(err, MR_ESEND, "TLS with the mail server %s failed: "
		    "%s; check the server's certificate and smtp_ca_file", m->url,
		    m->errbuf[0] ? m->errbuf : mr_curl.easy_strerror(cc));
		break;
	default:
		/* A permanent (5xx) refusal concerns this message only. */
		if (reply >= 500 && reply < 600)
			*stop = 0;
		if (w.reply[0] != '\0')
			mr_err_set(err, MR_ESEND, "the mail server %s refused "
			    "every recipient (reply %ld): %s", m->url, reply,
			    w.reply);
		else
			mr_err_set(err, MR_ESEND, "the mail server %s did not "
			    "accept the message (reply %ld): %s", m->url, reply,
			    m->errbuf[0] ? m->errbuf : mr_curl.easy_strerror(cc));
		break;
	}
out:
	mr_curl.slist_free_all(list);
	return rc;
}
