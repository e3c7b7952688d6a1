/*
 * web_html: the HTML of the /app pages, into an mr_buf.
 *
 * Every piece of text that comes from the database or the request (a
 * name, a note, a field, a message) reaches a page through web_esc() and
 * nothing else, so a name holding "<script>" is shown as text.  The page
 * frame carries the one style sheet (/app/style.css, built in), a skip
 * link to the main content and the navigation.
 */
#ifndef DAEMON_WEB_HTML_H
#define DAEMON_WEB_HTML_H

#include <stddef.h>

struct mr_buf;

/*
 * Append s HTML-escaped (& < > " ' as character references), fit for
 * element content and for quoted attribute values alike.  NULL appends
 * nothing.  0, or -1 once the buffer failed.
 */
int	web_esc(struct mr_buf *, const char *s);
/* Append formatted text with every %s argument escaped: only %s, %d, %lld. */
int	web_printf(struct mr_buf *, const char *fmt, ...);

/* Which navigation entry is the current page (none: the login page). */
enum web_nav {
	WEB_NAV_NONE,
	WEB_NAV_DUE,
	WEB_NAV_CASES,
	WEB_NAV_HARDSHIP,
	WEB_NAV_WINDOWS,
	WEB_NAV_FEEDS,
};

/*
 * The start of a page up to the opening of <main id="main">: title, the
 * style sheet, the skip link and, for a signed-in user (user not NULL),
 * the navigation and a sign-out form carrying csrf.
 */
int	web_page_begin(struct mr_buf *, const char *title, enum web_nav,
	    const char *user, const char *csrf);
int	web_page_end(struct mr_buf *);
/* A message box: kind "error" (role="alert") or "ok" (role="status"). */
int	web_message(struct mr_buf *, const char *kind, const char *text);

/* The built-in style sheet and script, and their lengths. */
extern const char web_css[];
extern const size_t web_css_len;
extern const char web_js[];
extern const size_t web_js_len;

#endif /* DAEMON_WEB_HTML_H */
