/*
 * mipsreview lookup: a clinician's eligibility record from CMS's QPP
 * Eligibility API, kept in the database; shown per organization with
 * eligibility, special statuses, QP status, APM Entities and EUC / PI
 * hardship flags.  A kept record is shown with its age unless --refresh
 * asks CMS again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/lookup.h"
#include "lib/mr_buf.h"
#include "lib/mr_case.h"
#include "lib/mr_config.h"
#include "lib/mr_eligibility.h"
#include "lib/mr_evidence.h"
#include "lib/mr_ident.h"
#include "lib/mr_qpp.h"
#include "lib/mr_score.h"
#include "lib/mr_store.h"
#include "lib/mr_view.h"

void
lookup_age_text(long long secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs < 120)
		snprintf(buf, len, "just now");
	else if (secs < 7200)
		snprintf(buf, len, "%lld minutes ago", secs / 60);
	else if (secs < 2 * 86400)
		snprintf(buf, len, "%lld hours ago", secs / 3600);
	else
		snprintf(buf, len, "%lld days ago", secs / 86400);
}

static const char *
yesno(mr_tri v)
{
	return v < 0 ? "unknown" : v ? "yes" : "no";
}

static void
cats_text(unsigned int cats, char *buf, size_t len)
{
	struct mr_buf b;

	mr_buf_init_fixed(&b, buf, len);
	for (int i = 0; i < MR_NCAT; i++)
		if (cats & (1u << i))
			(void)mr_buf_printf(&b, "%s%s", b.len ? ", " : "",
			    mr_category_name(i));
}

static void
scenario_text(const char *level, const struct mr_elig_scenario *s)
{
	char st[256] = "", cats[64];
	struct mr_buf sb;
	struct {
		mr_tri		 v;
		const char	*name;
	} flags[] = {
		{ s->small_practice, "small practice" },
		{ s->facility_based, "facility-based" },
		{ s->non_patient_facing, "non-patient-facing" },
		{ s->hospital_based, "hospital-based" },
		{ s->rural, "rural" },
		{ s->hpsa, "HPSA" },
		{ s->asc, "ambulatory surgical center" },
	};

	if (!s->present) {
		printf("    %s: no record\n", level);
		return;
	}
	mr_buf_init_fixed(&sb, st, sizeof st);
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (flags[i].v == 1)
			(void)mr_buf_printf(&sb, "%s%s", sb.len ? ", " : "",
			    flags[i].name);
	printf("    %s: MIPS eligible as individual %s, as group %s", level,
	    yesno(s->eligible_individual), yesno(s->eligible_group));
	if (s->eligible_mips_apm >= 0)
		printf(", in a MIPS APM %s", yesno(s->eligible_mips_apm));
	printf("\n      special statuses: %s\n", st[0] ? st : "none");
	if (s->low_volume == 1)
		printf("      below the low-volume threshold (%s)%s\n",
		    s->low_volume_reasons[0] ? s->low_volume_reasons : "no reason "
		    "given", s->opted_in == 1 ? "; opted in" : "");
	printf("      PI hardship approved: %s; PI reweighting: %s\n",
	    yesno(s->pi_hardship), yesno(s->pi_reweighting));
	if (s->euc == 1) {
		cats_text(s->euc_categories, cats, sizeof cats);
		printf("      EUC exception: yes, for %s (%s; source %s)\n",
		    cats[0] ? cats : "no category named",
		    s->euc_event[0] ? s->euc_event : "event not named",
		    s->euc_sources[0] ? s->euc_sources : "not named");
	} else
		printf("      EUC exception: %s\n", yesno(s->euc));
}

void
lookup_print_text(const struct mr_elig_record *rec,
    const struct mr_elig_kept *k, time_t now, const char *how)
{
	char age[64], cats[64];

	lookup_age_text((long long)(now - k->retrieved_epoch), age, sizeof age);
	printf("NPI %s  %s %s  performance year %d\n", rec->npi,
	    rec->first_name, rec->last_name, k->performance_year);
	printf("CMS QPP Eligibility API v%d, %s data load; retrieved %s (%s)%s\n",
	    k->api_version, k->run_number > 0 ? "the asked-for" : "the latest",
	    k->retrieved_at, age, how);
	if (k->run_number > 0)
		printf("data load (runNum): %d\n", k->run_number);
	printf("QP status: %s%s%s; MIPS eligible clinician: %s; MAQI waiver: "
	    "%s\n", rec->qp_status[0] ? rec->qp_status : "none",
	    rec->qp_score_type[0] ? ", score type " : "", rec->qp_score_type,
	    yesno(rec->mips_eligible), yesno(rec->is_maqi));
	if (rec->norgs == 0)
		printf("No organization (TIN) is listed.\n");
	for (int i = 0; i < rec->norgs; i++) {
		const struct mr_elig_org *o = &rec->orgs[i];

		printf("\nOrganization %d: %s, TIN %s%s%s %s %s\n", i + 1,
		    o->name[0] ? o->name : "(no name)", o->tin_masked,
		    o->city[0] ? ", " : "", o->city, o->state, o->zip);
		scenario_text("individual", &o->individual);
		scenario_text("group", &o->group);
		for (int j = 0; j < o->napms; j++) {
			const struct mr_elig_apm *a = &o->apms[j];

			printf("    APM Entity: %s — %s%s%s (APM %s); advanced "
			    "APM %s, MIPS APM %s", a->entity_name[0] ?
			    a->entity_name : "(no name)", a->apm_name,
			    a->subdivision_name[0] ? ", " : "",
			    a->subdivision_name, a->apm_id, yesno(a->advanced),
			    yesno(a->mips_apm));
			if (a->euc == 1) {
				cats_text(a->euc_categories, cats, sizeof cats);
				printf("; EUC for %s", cats[0] ? cats : "-");
			}
			printf("\n");
		}
	}
}

int
lookup_settings(struct cli_ctx *ctx, struct mr_qpp_settings *set,
    struct mr_err *err)
{
	struct mr_config *cfg = NULL;
	int rc;

	if (mr_config_load(ctx->config_path, 0, &cfg, err) == -1)
		return -1;
	rc = mr_qpp_settings_from_config(cfg, set, err);
	mr_config_free(cfg);
	return rc;
}

int
lookup_fetch_keep(struct cli_ctx *ctx, struct mr_qpp_client *client,
    const char *npi, int year, int run, int api_version, int *changed,
    struct mr_err *err)
{
	struct mr_qpp_answer ans;
	struct mr_elig_record rec;
	int rc;

	if (mr_qpp_fetch(client, npi, year, run, (time_t)ctx->now, &ans,
	    err) == -1)
		return -1;
	/* Only a readable record about this NPI is kept. */
	if (mr_elig_parse(ans.body, ans.len, npi, &rec, err) == -1) {
		mr_qpp_answer_release(&ans);
		return -1;
	}
	mr_elig_release(&rec);
	rc = mr_elig_keep(ctx->st, npi, year, run, api_version, &ans, changed,
	    err);
	mr_qpp_answer_release(&ans);
	return rc;
}

/* The current performance year: CMS's default year of the API. */
static int
this_year(const struct cli_ctx *ctx)
{
	time_t t = (time_t)ctx->now;
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

static int
parse_run(struct cli_ctx *ctx, const char *s, int *run)
{
	struct mr_err err = { 0 };
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < 1 || v > 4) {
		mr_err_set(&err, MR_EINVAL, "run '%s': CMS's data load of the "
		    "year, 1 to 4, is expected", s);
		return cli_fail(ctx, &err);
	}
	*run = (int)v;
	return EXIT_OK;
}

/*
 * The kept answer's exact bytes as evidence of kind participation-status
 * of case id, with where and when they came from in the note.  The bytes
 * go through a private temporary file, the evidence store's input.
 */
static int
attach_record(struct cli_ctx *ctx, long long id, const struct mr_elig_kept *k,
    int64_t *evidence_id, struct mr_err *err)
{
	struct mr_evidence_result res;
	struct mr_evidence_file f;
	char path[] = "/tmp/mipsreview-lookup.XXXXXX", name[64], note[900];
	const char *tmpdir = getenv("TMPDIR");
	char *tpath = NULL;
	size_t off = 0;
	ssize_t w;
	int fd, rc = -1;

	if (tmpdir != NULL && tmpdir[0] == '/' &&
	    asprintf(&tpath, "%s/mipsreview-lookup.XXXXXX", tmpdir) == -1)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	if ((fd = mkstemp(tpath ? tpath : path)) == -1) {
		mr_err_set(err, MR_EFAIL, "temporary file: %s", strerror(errno));
		goto out;
	}
	while (off < k->len) {
		if ((w = write(fd, k->body + off, k->len - off)) == -1) {
			if (errno == EINTR)
				continue;
			mr_err_set(err, MR_EFAIL, "temporary file: %s",
			    strerror(errno));
			close(fd);
			goto out;
		}
		off += (size_t)w;
	}
	if (close(fd) == -1) {
		mr_err_set(err, MR_EFAIL, "temporary file: %s", strerror(errno));
		goto out;
	}
	snprintf(name, sizeof name, "qpp-eligibility-%s-%d.json", k->npi,
	    k->performance_year);
	snprintf(note, sizeof note, "CMS QPP Eligibility API v%d answer: %s; "
	    "retrieved %s; server Date: %s; SHA-256 %s", k->api_version, k->url,
	    k->retrieved_at, k->server_date[0] ? k->server_date : "none",
	    k->sha256);
	f.path = tpath ? tpath : path;
	f.name = name;
	if (mr_evidence_attach(ctx->st, "case", id, &f, 1,
	    "participation-status", note, &res, err) == -1)
		goto out;
	*evidence_id = res.id;
	rc = 0;
out:
	unlink(tpath ? tpath : path);
	free(tpath);
	return rc;
}

int
cmd_lookup(struct cli_ctx *ctx, struct cli_args *a)
{
	struct mr_err err = { 0 }, ferr = { 0 };
	struct mr_qpp_settings set;
	struct mr_qpp_client *client = NULL;
	struct mr_elig_kept kept;
	struct mr_elig_record rec;
	struct mr_case c;
	char npi[11];
	const char *arg, *how = "", *v;
	long long id = 0;
	int rc, year = 0, run = 0, refresh, offline, changed = 0;
	int have_kept, fetched = 0, stale = 0, attach;
	int64_t evidence_id = 0;

	memset(&kept, 0, sizeof kept);
	if ((v = cli_opt(a, "year")) != NULL &&
	    (rc = cli_parse_year(ctx, v, &year)) != EXIT_OK)
		return rc;
	if ((v = cli_opt(a, "run")) != NULL &&
	    (rc = parse_run(ctx, v, &run)) != EXIT_OK)
		return rc;
	refresh = cli_opt(a, "refresh") != NULL;
	offline = cli_opt(a, "offline") != NULL;
	attach = cli_opt(a, "attach") != NULL;
	if (refresh && offline)
		return cli_usage(ctx, "--refresh and --offline exclude each other");
	if (cli_opt(a, "tin") != NULL || cli_opt(a, "file") != NULL)
		return lookup_many(ctx, a, year, refresh);
	if (a->argc != 1)
		return cli_usage(ctx, "one NPI or CASE id is expected (or --tin "
		    "TIN, or --file FILE)");
	arg = a->argv[0];
	if (strlen(arg) == 10 && strspn(arg, "0123456789") == 10) {
		if (mr_npi_validate(arg, &err) == -1)
			return cli_fail(ctx, &err);
		if (attach)
			return cli_usage(ctx, "--attach needs a CASE: evidence "
			    "belongs to a case");
		snprintf(npi, sizeof npi, "%s", arg);
		if (year == 0)
			year = this_year(ctx);
	} else {
		if ((rc = cli_parse_id(ctx, "case", arg, &id)) != EXIT_OK)
			return rc;
		if (mr_case_get(ctx->st, id, &c, &err) == -1)
			return cli_fail(ctx, &err);
		snprintf(npi, sizeof npi, "%s", c.npi);
		if (year == 0)
			year = c.performance_year;
		mr_case_release(&c);
		if (npi[0] == '\0') {
			mr_err_set(&err, MR_EINVAL, "case %lld is about a group "
			    "(no NPI); CMS's eligibility service answers per "
			    "clinician: 'mipsreview lookup NPI --year %d'",
			    id, year);
			return cli_fail(ctx, &err);
		}
	}

	have_kept = !refresh && mr_elig_load(ctx->st, npi, year, &kept,
	    &err) == 0;
	if (!have_kept && err.code != MR_EOK && err.code != MR_ENOTFOUND)
		return cli_fail(ctx, &err);
	if (!have_kept && offline)
		return cli_fail(ctx, &err);
	if (!have_kept) {
		if (lookup_settings(ctx, &set, &err) == -1 ||
		    mr_qpp_client_new(&set, &client, &err) == -1)
			return cli_fail(ctx, &err);
		if (lookup_fetch_keep(ctx, client, npi, year, run,
		    set.api_version, &changed, &ferr) == -1) {
			mr_qpp_client_free(client);
			/* Without the network, the kept record with its age. */
			if (!refresh || (ferr.code != MR_ENET &&
			    ferr.code != MR_ETLS) ||
			    mr_elig_load(ctx->st, npi, year, &kept, &err) == -1)
				return cli_fail(ctx, &ferr);
			stale = 1;
			how = "; CMS could not be asked now";
		} else {
			mr_qpp_client_free(client);
			fetched = 1;
			how = changed ? "" : "; unchanged since last time";
			if (mr_elig_load(ctx->st, npi, year, &kept, &err) == -1)
				return cli_fail(ctx, &err);
		}
	} else
		how = "; kept ('--refresh' asks CMS again)";
	if (mr_elig_parse(kept.body, kept.len, npi, &rec, &err) == -1) {
		mr_elig_kept_release(&kept);
		return cli_fail(ctx, &err);
	}
	/* Evidence only of a record CMS gave now or kept: never a stale one
	 * shown because CMS could not be reached. */
	if (attach && !stale && attach_record(ctx, id, &kept, &evidence_id,
	    &err) == -1) {
		mr_elig_release(&rec);
		mr_elig_kept_release(&kept);
		return cli_fail(ctx, &err);
	}
	rc = EXIT_OK;
	if (ctx->json) {
		if (cli_view(ctx) == NULL)
			rc = EXIT_FAIL;
		else
			rc = cli_print_json(mr_view_lookup(ctx->view, &rec,
			    &kept, fetched, changed, evidence_id));
	} else {
		lookup_print_text(&rec, &kept, (time_t)ctx->now, how);
		if (evidence_id)
			printf("\nAttached to case %lld as evidence %lld "
			    "(participation-status, SHA-256 %.12s...).\n", id,
			    (long long)evidence_id, kept.sha256);
	}
	mr_elig_release(&rec);
	mr_elig_kept_release(&kept);
	if (stale) {
		/* The record was shown; the failure still decides the status. */
		fprintf(stderr, "%s: %s; shown: the record kept from %s\n",
		    ctx->prog, ferr.msg, kept.retrieved_at);
		return cli_fail_status(&ferr);
	}
	return rc;
}
