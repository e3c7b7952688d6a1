#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "daemon/web_html.h"
#include "lib/mr_buf.h"

int
web_esc(struct mr_buf *b, const char *s)
{
	const char *run;

	if (s == NULL)
		return b->failed ? -1 : 0;
	for (run = s; *s != '\0'; s++) {
		const char *ref;

		switch (*s) {
		case '&':	ref = "&amp;";	break;
		case '<':	ref = "&lt;";	break;
		case '>':	ref = "&gt;";	break;
		case '"':	ref = "&quot;";	break;
		case '\'':	ref = "&#39;";	break;
		default:	continue;
		}
		mr_buf_add(b, run, (size_t)(s - run));
		mr_buf_add(b, ref, strlen(ref));
		run = s + 1;
	}
	return mr_buf_add(b, run, (size_t)(s - run));
}

int
web_printf(struct mr_buf *b, const char *fmt, ...)
{
	va_list ap;
	const char *p;

	va_start(ap, fmt);
	for (p = fmt; *p != '\0'; p++) {
		const char *pct = strchr(p, '%');

		if (pct == NULL) {
			mr_buf_add(b, p, strlen(p));
			break;
		}
		mr_buf_add(b, p, (size_t)(pct - p));
		p = pct + 1;
		if (*p == 's')
			web_esc(b, va_arg(ap, const char *));
		else if (*p == 'd')
			mr_buf_printf(b, "%d", va_arg(ap, int));
		else if (strncmp(p, "lld", 3) == 0) {
			mr_buf_printf(b, "%lld", va_arg(ap, long long));
			p += 2;
		} else if (*p == '%')
			mr_buf_add(b, "%", 1);
		else {
			/* A format this function does not know: a bug, shown. */
			mr_buf_add(b, "%?", 2);
			if (*p == '\0')
				break;
		}
	}
	va_end(ap);
	return b->failed ? -1 : 0;
}

static const struct {
	enum web_nav	 nav;
	const char	*href, *label;
} nav_items[] = {
	{ WEB_NAV_DUE, "/app/due", "What is due" },
	{ WEB_NAV_CASES, "/app/cases", "Cases" },
	{ WEB_NAV_HARDSHIP, "/app/hardship", "Hardship filings" },
	{ WEB_NAV_WINDOWS, "/app/windows", "Review windows" },
	{ WEB_NAV_FEEDS, "/app/feeds", "My feeds" },
};

int
web_page_begin(struct mr_buf *b, const char *title, enum web_nav nav,
    const char *user, const char *csrf)
{
	web_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<title>%s \xe2\x80\x94 mipsreview</title>\n"
	    "<link rel=\"stylesheet\" href=\"/app/style.css\">\n"
	    "<script src=\"/app/app.js\" defer></script>\n"
	    "</head>\n<body>\n"
	    "<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
	    "<header>\n<p class=\"brand\">mipsreview</p>\n", title);
	if (user != NULL) {
		web_printf(b, "<nav aria-label=\"Main\"><ul>\n");
		for (size_t i = 0; i < sizeof nav_items / sizeof nav_items[0];
		    i++)
			web_printf(b, nav_items[i].nav == nav ?
			    "<li><a href=\"%s\" aria-current=\"page\">%s</a>"
			    "</li>\n" : "<li><a href=\"%s\">%s</a></li>\n",
			    nav_items[i].href, nav_items[i].label);
		web_printf(b, "</ul></nav>\n"
		    "<form class=\"signout\" method=\"post\" "
		    "action=\"/app/logout\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
		    "<span>%s</span> <button type=\"submit\">Sign out</button>\n"
		    "</form>\n", csrf ? csrf : "", user);
	}
	web_printf(b, "</header>\n<main id=\"main\" tabindex=\"-1\">\n"
	    "<h1>%s</h1>\n", title);
	return b->failed ? -1 : 0;
}

int
web_page_end(struct mr_buf *b)
{
	return mr_buf_printf(b, "</main>\n</body>\n</html>\n");
}

int
web_message(struct mr_buf *b, const char *kind, const char *text)
{
	int error = strcmp(kind, "error") == 0;

	return web_printf(b, "<p class=\"msg %s\" role=\"%s\">%s</p>\n",
	    error ? "error" : "ok", error ? "alert" : "status", text);
}

/*
 * One small sheet: readable at 375 px (tables scroll inside their own
 * box), a visible focus ring for keyboard users, no web fonts.
 */
const char web_css[] =
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:16px/1.45 system-ui,sans-serif;color:#1b1b1b;"
	"background:#fff}\n"
	"a{color:#0b4f9c}\n"
	":focus-visible{outline:3px solid #e07b00;outline-offset:2px}\n"
	".skip{position:absolute;left:-999px;top:0;background:#fff;"
	"padding:.5em}\n"
	".skip:focus{left:.5em}\n"
	"header{display:flex;flex-wrap:wrap;align-items:center;gap:.5em 1em;"
	"padding:.5em 1em;background:#eef2f7;border-bottom:1px solid #c5cfdb}\n"
	".brand{font-weight:700;margin:0}\n"
	"nav ul{display:flex;flex-wrap:wrap;gap:.25em 1em;list-style:none;"
	"margin:0;padding:0}\n"
	"nav a[aria-current]{font-weight:700}\n"
	".signout{margin-left:auto}\n"
	"main{padding:1em;max-width:72em}\n"
	"h1{font-size:1.4em;margin:.2em 0 .6em}\n"
	"h2{font-size:1.15em;margin:1.2em 0 .4em}\n"
	".table{overflow-x:auto}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;vertical-align:top;padding:.3em .5em;"
	"border-bottom:1px solid #dde3ea}\n"
	"th{background:#f5f7fa}\n"
	".overdue{color:#a40000;font-weight:700}\n"
	".undated{color:#6a3d9a;font-weight:700}\n"
	".soon{color:#8a5a00}\n"
	".present{color:#1d6b2c}\n"
	".missing{color:#a40000}\n"
	".hash{font-family:ui-monospace,monospace;font-size:.85em;"
	"word-break:break-all}\n"
	"form.filters,form.inline{display:flex;flex-wrap:wrap;gap:.5em;"
	"align-items:end}\n"
	"label{display:block;font-weight:600}\n"
	"input,select,textarea,button{font:inherit;padding:.3em .4em;"
	"max-width:100%}\n"
	"button{cursor:pointer}\n"
	".msg{padding:.5em .8em;border-radius:4px}\n"
	".msg.error{background:#fde8e8;border:1px solid #a40000}\n"
	".msg.ok{background:#e6f4ea;border:1px solid #1d6b2c}\n"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}\n"
	"dt{font-weight:600}dd{margin:0}\n"
	"@media (max-width:40em){dl{grid-template-columns:1fr}"
	"dd{margin-bottom:.4em}}\n";
const size_t web_css_len = sizeof web_css - 1;

/*
 * The one script, and only an enhancement: every page reads and every
 * form works without it.  It shows the Copy buttons (feed addresses) and
 * offers the browser's own zone on the due page.
 */
const char web_js[] =
	"document.addEventListener('DOMContentLoaded', function () {\n"
	"  document.querySelectorAll('button[data-copy]').forEach(function (b) {\n"
	"    var field = document.getElementById(b.getAttribute('data-copy'));\n"
	"    if (!field || !navigator.clipboard) return;\n"
	"    b.hidden = false;\n"
	"    b.addEventListener('click', function () {\n"
	"      navigator.clipboard.writeText(field.value).then(function () {\n"
	"        b.textContent = 'Copied';\n"
	"      });\n"
	"    });\n"
	"  });\n"
	"  var zone = document.getElementById('zone');\n"
	"  if (zone && !zone.hasAttribute('data-chosen') && window.Intl) {\n"
	"    var mine = Intl.DateTimeFormat().resolvedOptions().timeZone;\n"
	"    if (mine && zone.value !== mine) {\n"
	"      var hint = document.getElementById('zone-hint');\n"
	"      if (hint) { hint.textContent = 'Your browser is in ' + mine + '.'; }\n"
	"      zone.placeholder = mine;\n"
	"    }\n"
	"  }\n"
	"});\n";
const size_t web_js_len = sizeof web_js - 1;
