#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/mr_alert_grounds.h"
#include "lib/mr_buf.h"
#include "lib/mr_ident.h"
#include "lib/mr_mail.h"

/* Control characters (a CR or LF in the database) become spaces. */
static void
flat(const char *s, char *buf, size_t len)
{
	size_t i = 0;

	for (; s != NULL && *s != '\0' && i + 1 < len; s++)
		buf[i++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? ' ' : *s;
	buf[i] = '\0';
}

void
mr_alert_grounds_message_id(const struct mr_deadline_item *it,
    long long change_id, const char *from, char *buf, size_t len)
{
	const char *at = from != NULL ? strrchr(from, '@') : NULL;

	snprintf(buf, len, "mipsreview.%s-%lld.grounds-%lld@%s", it->what,
	    (long long)it->id, change_id, at != NULL && at[1] != '\0' ?
	    at + 1 : "localhost");
}

/* "qp-status, small-practice-pi" from "qp-status,small-practice-pi". */
static void
list_text(const char *ids, char *buf, size_t len)
{
	struct mr_buf b;

	mr_buf_init_fixed(&b, buf, len);
	for (; *ids != '\0'; ids++)
		(void)(*ids == ',' ? mr_buf_add(&b, ", ", 2) :
		    mr_buf_add(&b, ids, 1));
}

int
mr_alert_compose_grounds(const struct mr_deadline_item *it, long long change_id,
    const char *gained, const char *lost, const char *detail,
    const char *retrieved_at, const struct mr_alert_settings *set,
    const char *const *to, int nto, char **msg, size_t *len,
    struct mr_err *err)
{
	char subject[1100], mid[200], name[200], tin[16], g[400], l[400];
	struct mr_buf body;
	struct mr_mail m = { 0 };
	int rc = -1;

	*msg = NULL;
	mr_buf_init(&body, 1 << 20);
	if (set->from == NULL) {
		mr_err_set(err, MR_EINVAL, "smtp_from is not set; add "
		    "'smtp_from = alerts@practice.example' to the configuration");
		goto out;
	}
	flat(it->name, name, sizeof name);
	mr_tin_mask(it->tin, tin, sizeof tin);
	list_text(gained, g, sizeof g);
	list_text(lost, l, sizeof l);
	{
		struct mr_buf sb;

		/* Cut short rather than fail: the body has it all. */
		mr_buf_init_fixed(&sb, subject, sizeof subject);
		(void)mr_buf_printf(&sb, "CMS's record for %s (case %lld) "
		    "changed its grounds:", name, (long long)it->id);
		if (*g)
			(void)mr_buf_printf(&sb, " gained %s", g);
		if (*l)
			(void)mr_buf_printf(&sb, "%s lost %s", *g ? ";" : "", l);
	}
	mr_alert_grounds_message_id(it, change_id, set->from, mid, sizeof mid);

	(void)mr_buf_printf(&body, "%s.\n\n", subject);
	(void)mr_buf_printf(&body, "%-12s %lld (targeted review, performance "
	    "year %d)\n", "Case:", (long long)it->id, it->performance_year);
	(void)mr_buf_printf(&body, "%-12s %s\n", "Clinician:", name);
	(void)mr_buf_printf(&body, "%-12s %s\n", "TIN:", tin);
	if (it->npi != NULL && *it->npi != '\0')
		(void)mr_buf_printf(&body, "%-12s %s\n", "NPI:", it->npi);
	(void)mr_buf_printf(&body, "%-12s %s\n", "Status:", it->status);
	(void)mr_buf_printf(&body, "%-12s %s (CMS's QPP Eligibility API)\n",
	    "Retrieved:", retrieved_at);
	if (*g)
		(void)mr_buf_printf(&body, "%-12s %s\n", "Gained:", g);
	if (*l)
		(void)mr_buf_printf(&body, "%-12s %s\n", "Lost:", l);
	(void)mr_buf_printf(&body, "\nWhat CMS's record says now:\n%s\n",
	    detail);
	(void)mr_buf_printf(&body, "Details: mipsreview grounds %lld\n",
	    (long long)it->id);
	(void)mr_buf_printf(&body, "\n-- \nSent by mipsreview once for this "
	    "change, when mipsreviewd's refresh of CMS's records\n(qpp_refresh) "
	    "found it, to the owner of this case and the addresses in "
	    "alert_to.\n");
	if (set->audit_anchor != NULL)
		(void)mr_buf_printf(&body, "Audit trail head when sent: %s (keep "
		    "it: 'mipsreview audit --verify --anchor' proves the trail "
		    "still extends it).\n", set->audit_anchor);
	if (body.failed) {
		mr_err_set(err, MR_EFAIL, "out of memory, or a message larger "
		    "than 1 MiB");
		goto out;
	}
	m.from = set->from;
	m.to = to;
	m.nto = nto;
	m.subject = subject;
	m.message_id = mid;
	m.date = time(NULL);
	m.body = mr_buf_str(&body);
	if (mr_mail_compose(&m, msg, len, err) == -1)
		goto out;
	rc = 0;
out:
	mr_buf_free(&body);
	return rc;
}
