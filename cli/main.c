/*
 * mipsreview: track MIPS targeted-review cases, deadlines and evidence.
 *
 * main() parses the global options, picks the subcommand from the table
 * below, opens the database for it, runs it and turns its result into the
 * exit status.  Each subcommand lives in cli/cmd_<name>.c.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cli/cli.h"
#include "lib/mr_case.h"
#include "lib/mr_config.h"
#include "lib/mr_ident.h"
#include "lib/mr_nodump.h"
#include "lib/mr_store.h"
#include "lib/mr_view.h"
#include "lib/mr_when.h"
#include "lib/mr_year.h"

static int cmd_help(struct cli_ctx *, struct cli_args *);
static int cmd_version(struct cli_ctx *, struct cli_args *);

/* Subcommands: each row declares its own options and operands. */
static const struct cli_cmd window_subs[] = {
	{ .name = "add",
	  .fn = cmd_window_add,
	  .opts = "kind= year= closes= opens= name= source= zone=",
	  .usage = "--kind KIND --year YEAR --closes TIME [--opens TIME] "
	    "[--name TEXT] [--source TEXT] [--zone ZONE] [--json]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "list",
	  .fn = cmd_window_list,
	  .opts = "year= kind=",
	  .usage = "[--year YEAR] [--kind KIND] [--json]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "show",
	  .fn = cmd_window_show,
	  .min_args = 1, .max_args = 1,
	  .missing = "one WINDOW id is expected",
	  .usage = "WINDOW [--json]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "set",
	  .fn = cmd_window_set,
	  .opts = "kind= year= closes= opens= name= source= zone=",
	  .min_args = 1, .max_args = 1,
	  .missing = "one WINDOW id is expected",
	  .usage = "WINDOW [--closes TIME] [--opens TIME] [--name TEXT] "
	    "[--source TEXT] [--kind KIND] [--year YEAR] [--zone ZONE]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "extend",
	  .fn = cmd_window_extend,
	  .opts = "closes= source=",
	  .min_args = 1, .max_args = 1,
	  .missing = "one WINDOW id is expected",
	  .usage = "WINDOW --closes TIME [--source TEXT]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = NULL }
};

static const struct cli_cmd evidence_subs[] = {
	{ .name = "list",
	  .fn = cmd_evidence_list,
	  .opts = "all hardship=",
	  .min_args = 0, .max_args = 1,
	  .usage = "[CASE] [--all] [--hardship N] [--json]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "show",
	  .fn = cmd_evidence_show,
	  .min_args = 1, .max_args = 1,
	  .missing = "one evidence ID is expected",
	  .usage = "ID [--json]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "verify",
	  .fn = cmd_evidence_verify,
	  .opts = "sweep",
	  .min_args = 0, .max_args = 1,
	  .usage = "[CASE] [--sweep] [--json]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "detach",
	  .fn = cmd_evidence_detach,
	  .opts = "note=",
	  .min_args = 1, .max_args = 1,
	  .missing = "one evidence ID is expected",
	  .usage = "ID [--note TEXT]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = NULL }
};

static const struct cli_cmd hardship_subs[] = {
	{ .name = "add",
	  .fn = cmd_hardship_add,
	  .opts = "tin= npi= name= participation= year= type= categories= "
	    "submitted= event= window= filed= confirmation= owner= "
	    "notes= county= zip= force",
	  .usage = "--tin TIN [--npi NPI] --year YEAR --type euc|pi "
	    "--categories LIST --event TEXT [options]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "list",
	  .fn = cmd_hardship_list,
	  .opts = "year= status= type= tin= open",
	  .usage = "[--year Y] [--status S] [--type T] [--tin T] [--open] "
	    "[--json]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "show",
	  .fn = cmd_hardship_show,
	  .min_args = 1, .max_args = 1,
	  .missing = "one FILING id is expected",
	  .usage = "FILING [--json]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "set",
	  .fn = cmd_hardship_set,
	  .min_args = 2, .max_args = -1,
	  .missing = "a FILING id and at least one FIELD=VALUE are expected",
	  .usage = "FILING FIELD=VALUE...",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "status",
	  .fn = cmd_hardship_status,
	  .opts = "note=",
	  .min_args = 2, .max_args = 2,
	  .missing = "a FILING id and a STATE are expected",
	  .usage = "FILING STATE [--note TEXT]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = NULL }
};

static const struct cli_cmd feed_subs[] = {
	{ .name = "add",
	  .fn = cmd_feed_add,
	  .opts = "tin= year=",
	  .min_args = 1, .max_args = 1,
	  .missing = "one NAME is expected",
	  .usage = "NAME [--tin T] [--year Y]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "list",
	  .fn = cmd_feed_list,
	  .opts = "all",
	  .usage = "[--all] [--json]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "revoke",
	  .fn = cmd_feed_revoke,
	  .min_args = 1, .max_args = 1,
	  .missing = "one NAME or ID is expected",
	  .usage = "NAME|ID",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = NULL }
};

static const struct cli_cmd alerts_subs[] = {
	{ .name = "send",
	  .fn = cmd_alerts_send,
	  .opts = "dry-run now=",
	  .usage = "[--dry-run] [--now TIME] [--json]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "list",
	  .fn = cmd_alerts_list,
	  .usage = "[--json]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "ack",
	  .fn = cmd_alerts_ack,
	  .opts = "hardship= note=",
	  .max_args = 1,
	  .usage = "CASE|--hardship FILING [--note TEXT] [--json]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "status",
	  .fn = cmd_alerts_status,
	  .usage = "[--json]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "log",
	  .fn = cmd_alerts_log,
	  .usage = "[--json]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = NULL }
};

static const struct cli_cmd webhook_subs[] = {
	{ .name = "add",
	  .fn = cmd_webhook_add,
	  .opts = "kind= url= tin= zone= secret-file=",
	  .min_args = 1, .max_args = 1,
	  .missing = "one NAME is expected",
	  .usage = "NAME --kind slack|teams|generic --url URL [--tin TIN...] "
	    "[--zone ZONE] [--secret-file FILE]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "list",
	  .fn = cmd_webhook_list,
	  .usage = "[--json]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "remove",
	  .fn = cmd_webhook_remove,
	  .min_args = 1, .max_args = 1,
	  .missing = "one NAME is expected",
	  .usage = "NAME",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "test",
	  .fn = cmd_webhook_test,
	  .min_args = 1, .max_args = 1,
	  .missing = "one NAME is expected",
	  .usage = "NAME [--json]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = NULL }
};

static const struct cli_cmd export_subs[] = {
	{ .name = "ics",
	  .fn = cmd_export_ics,
	  .opts = "case= tin= year= o|output=",
	  .usage = "[--case N | --tin T | --year Y] [-o FILE]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "csv",
	  .fn = cmd_export_cases,
	  .opts = "year= status= tin= o|output=",
	  .usage = "[--year Y] [--status S] [--tin T] [-o FILE]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "jsonl",
	  .fn = cmd_export_cases,
	  .opts = "year= status= tin= o|output=",
	  .usage = "[--year Y] [--status S] [--tin T] [-o FILE]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = NULL }
};

static const struct cli_cmd reference_subs[] = {
	{ .name = "list",
	  .fn = cmd_reference_list,
	  .opts = "year= kind=",
	  .usage = "[--year Y] [--kind K] [--json]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "import",
	  .fn = cmd_reference_import,
	  .min_args = 1, .max_args = 1,
	  .missing = "one reference pack FILE is expected",
	  .usage = "FILE [--json]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "export",
	  .fn = cmd_reference_export,
	  .opts = "o|output=",
	  .usage = "[-o FILE]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = NULL }
};

static const struct cli_cmd user_subs[] = {
	{ .name = "add",
	  .fn = cmd_user_add,
	  .opts = "role= tin= password-stdin",
	  .min_args = 1, .max_args = 1,
	  .missing = "one account NAME is expected",
	  .usage = "NAME --role viewer|officer|admin [--tin TIN...] "
	    "[--password-stdin] [--json]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "list",
	  .fn = cmd_user_list,
	  .usage = "[--json] [--reveal]",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "passwd",
	  .fn = cmd_user_passwd,
	  .opts = "password-stdin",
	  .min_args = 1, .max_args = 1,
	  .missing = "one account NAME is expected",
	  .usage = "NAME [--password-stdin]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "disable",
	  .fn = cmd_user_disable,
	  .min_args = 1, .max_args = 1,
	  .missing = "one account NAME is expected",
	  .usage = "NAME",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "enable",
	  .fn = cmd_user_enable,
	  .min_args = 1, .max_args = 1,
	  .missing = "one account NAME is expected",
	  .usage = "NAME",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "set",
	  .fn = cmd_user_set,
	  .opts = "role= tin= no-tin",
	  .min_args = 1, .max_args = 1,
	  .missing = "one account NAME is expected",
	  .usage = "NAME [--role viewer|officer|admin] [--tin TIN...|--no-tin] "
	    "[--json]",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "token",
	  .fn = cmd_user_token,
	  .min_args = 2, .max_args = 2,
	  .missing = "add NAME or revoke ID is expected",
	  .usage = "add NAME [--json] | revoke ID",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = NULL }
};

static const struct cli_cmd commands[] = {
	{ .name = "add",
	  .fn = cmd_add,
	  .opts = "tin= npi= name= year= reason= score= adjustment= practice= "
	    "participation= owner= note= quality= cost= ia= pi= force "
	    "special-status= legal-name= apm-entity-id= virtual-group-id= "
	    "requester-role= request-number= explanation= county= zip=",
	  .usage = "--tin TIN [--npi NPI] --name NAME --year YEAR --reason "
	    "REASON... [options]",
	  .summary = "open a targeted-review case",
	  .help =
	    "  --tin TIN             taxpayer id: 123456789, 12-3456789 or 123-45-6789;\n"
	    "                        - reads it from standard input (kept out of ps)\n"
	    "  --npi NPI             10-digit NPI of the clinician (omit for a group)\n"
	    "  --name NAME           clinician or group name\n"
	    "  --year YEAR           performance year (2017 to next year)\n"
	    "  --reason REASON       wrong-tin-npi, qp-status, euc-not-applied,\n"
	    "                        scoring-error, eligibility, other (repeatable)\n"
	    "  --score N             final score CMS reported (0-100)\n"
	    "  --adjustment PCT      payment adjustment CMS reported, e.g. -9 or 1.05\n"
	    "  --quality N, --cost N, --ia N, --pi N   category scores (0-100)\n"
	    "  --practice KIND       solo, small, rural, hpsa, large, other\n"
	    "  --participation KIND  individual, group, subgroup, virtual-group, apm-entity\n"
	    "  --owner EMAIL         who answers for the case (receives alerts)\n"
	    "  --note TEXT           a first note\n"
	    "  --special-status S    small-practice, facility-based,\n"
	    "                        non-patient-facing, hospital-based, rural, hpsa\n"
	    "                        (comma-separated or repeated; a small practice's\n"
	    "                        PI is reweighted automatically from PY2022)\n"
	    "  --county \"NAME, ST\"   the practice's county, e.g. \"Kerr, TX\"\n"
	    "  --zip ZIP             the practice's ZIP code (both tell whether\n"
	    "                        CMS's automatic EUC policy covered it)\n"
	    "  What CMS's targeted-review form asks for (needed before ready):\n"
	    "  --legal-name TEXT     the practice's legal name\n"
	    "  --requester-role R    clinician, designated-support-staff,\n"
	    "                        third-party-intermediary\n"
	    "  --explanation TEXT    the detailed explanation of the issue\n"
	    "  --apm-entity-id ID    for an APM Entity\n"
	    "  --virtual-group-id ID for a virtual group\n"
	    "  --request-number N    CMS's request number, once submitted\n"
	    "  --force               open even if an open case exists for the same\n"
	    "                        TIN, NPI and year\n"
	    "  --json                print the whole case as JSON instead of its id\n",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "list",
	  .fn = cmd_list,
	  .opts = "year= status= tin= npi= reason= open",
	  .usage = "[--year Y] [--status S] [--tin T] [--npi N] [--reason R] "
	    "[--open] [--json]",
	  .summary = "list cases",
	  .help =
	    "  --year Y, --status S, --tin T, --npi N, --reason R   filters\n"
	    "  --open                only cases still awaiting action\n"
	    "  --reveal              show whole TINs\n"
	    "  --json                one JSON array\n",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "show",
	  .fn = cmd_show,
	  .min_args = 1, .max_args = 1,
	  .missing = "one CASE id is expected",
	  .usage = "CASE [--json] [--reveal]",
	  .summary = "show one case in full",
	  .help =
	    "  --reveal              show the whole TIN\n"
	    "  --tin TIN             every NPI of the office's open cases under TIN\n"
	    "                        (each case's year unless --year)\n"
	    "  --file FILE           the NPIs of FILE (- standard input): one a\n"
	    "                        line, or CSV with an npi column (--year, else\n"
	    "                        this year); a few requests at a time within\n"
	    "                        qpp_rate_limit, each record kept as it comes;\n"
	    "                        records kept within a day are not asked again\n"
	    "                        (--refresh asks), so a re-run resumes; prints\n"
	    "                        fetched, kept, failed and the grounds found\n"
	    "  --json                one JSON object\n",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "set",
	  .fn = cmd_set,
	  .opts = "force",
	  .min_args = 2, .max_args = -1,
	  .missing = "a CASE id and at least one FIELD=VALUE are expected",
	  .usage = "CASE FIELD=VALUE... [--force]",
	  .summary = "change fields of a case",
	  .help =
	    "  fields: tin, npi, name, year, reason (a,b), score, adjustment,\n"
	    "          practice, participation, owner, quality, cost, ia, pi,\n"
	    "          deadline (CMS's date for this case, e.g. documents),\n"
	    "          deadline_source, filing (the hardship filing id),\n"
	    "          special_statuses (a,b), legal_name, apm_entity_id,\n"
	    "          virtual_group_id, requester_role, request_number,\n"
	    "          explanation, documents_requested_on (YYYY-MM-DD: moves\n"
	    "          the 30-day documents deadline), county (\"Kerr, TX\"), zip\n"
	    "  an empty value clears an optional field (npi=)\n"
	    "  --force               allow a duplicate open case\n",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "status",
	  .fn = cmd_status,
	  .opts = "note= force requested-on=",
	  .min_args = 2, .max_args = 2,
	  .missing = "a CASE id and a STATE are expected",
	  .usage = "CASE STATE [--note TEXT] [--force] [--requested-on DATE]",
	  .summary = "move a case through its workflow",
	  .help =
	    "  states: draft, ready, submitted, documents-requested, approved,\n"
	    "          denied, closed, withdrawn\n"
	    "  draft > ready > submitted > documents-requested <> submitted >\n"
	    "  approved | denied > closed; withdrawn from any open state.\n"
	    "  A decision is final: CMS grants no further review.\n"
	    "  --note TEXT           a note recorded with the move\n"
	    "  --force               move to ready although required evidence is\n"
	    "                        missing ('mipsreview check CASE'); audited\n"
	    "  --requested-on DATE   with documents-requested: the day CMS asked\n"
	    "                        (default today); documents are due 30 days\n"
	    "                        later (42 CFR 414.1385(a)(3))\n"
	    "  ready needs legal_name, requester_role and explanation (and the\n"
	    "  APM Entity or Virtual Group ID when the case participates as one)\n",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "note",
	  .fn = cmd_note,
	  .min_args = 2, .max_args = 2,
	  .missing = "a CASE id and the TEXT (quoted) are expected",
	  .usage = "CASE TEXT",
	  .summary = "add a note to a case",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "audit",
	  .fn = cmd_audit,
	  .opts = "verify anchor=",
	  .min_args = 0, .max_args = 1,
	  .usage = "[CASE] [--verify [--anchor ROWS:HASH]] [--json] | anchor",
	  .summary = "show the audit trail, or verify its hash chain",
	  .help =
	    "  --verify              check every row's hash and seal; exit 7 and\n"
	    "                        name the first broken row if anything was\n"
	    "                        altered, cut short or wiped\n"
	    "  --anchor ROWS:HASH    with --verify: also prove the trail still\n"
	    "                        extends a head recorded earlier\n"
	    "  anchor                print the head (ROWS:HASH) to record elsewhere\n"
	    "  --reveal              show whole TINs in before/after values\n"
	    "  --json                one JSON array\n",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "window",
	  .subs = window_subs,
	  .usage = "add|list|show|set|extend ...",
	  .summary = "review windows: the deadlines CMS announces",
	  .help =
	    "  window add --kind KIND --year YEAR --closes TIME [--opens TIME]\n"
	    "             [--name TEXT] [--source TEXT] [--zone ZONE] [--json]\n"
	    "  window list [--year YEAR] [--kind KIND] [--json]\n"
	    "  window show WINDOW [--json]\n"
	    "  window set WINDOW [--closes TIME] [--opens TIME] [--name TEXT]\n"
	    "             [--source TEXT] [--kind KIND] [--year YEAR] [--zone ZONE]\n"
	    "  window extend WINDOW --closes TIME [--source TEXT]\n"
	    "  kinds: targeted-review, euc-hardship, pi-hardship, data-submission, other\n"
	    "  TIME: '2024-10-11 19:00 America/Chicago', '2024-10-11 7pm CDT',\n"
	    "        'Oct 11 2024 7:00 p.m. CDT', '2024-10-11T19:00:00-05:00',\n"
	    "        '2024-10-12T00:00:00Z'; without a zone: --zone, else\n"
	    "        America/New_York (CMS announces in Eastern time)\n",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "due",
	  .alias = "deadlines",
	  .fn = cmd_due,
	  .opts = "within= overdue all zone= undated",
	  .usage = "[--within DURATION] [--overdue] [--all] [--zone ZONE] "
	    "[--undated] [--json]",
	  .summary = "what is due, soonest first",
	  .help =
	    "  --within DURATION     only deadlines closing from now to now+DURATION\n"
	    "                        (30d, 12h, 2w)\n"
	    "  --overdue             only deadlines that have passed\n"
	    "  --all                 include decided, closed and withdrawn items\n"
	    "  --zone ZONE           your zone for the second time column\n"
	    "                        (default $TZ or the system zone)\n"
	    "  --undated             list the items with no deadline known one by\n"
	    "                        one (otherwise the cases of a year with no\n"
	    "                        targeted-review window are one line with\n"
	    "                        their count)\n"
	    "  --reveal              show whole TINs\n"
	    "  --json                one JSON array\n",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "attach",
	  .fn = cmd_attach,
	  .opts = "kind= note= name= hardship=",
	  .min_args = 1, .max_args = -1,
	  .missing = "a CASE id and at least one FILE are expected",
	  .usage = "CASE FILE... [--kind KIND] [--note TEXT] [--name NAME] | "
	    "--hardship N FILE...",
	  .summary = "attach documents to a case or hardship filing as evidence",
	  .help =
	    "  --kind KIND           submission-receipt, qp-determination,\n"
	    "                        participation-status (lookup --attach),\n"
	    "                        tin-npi-record, hardship-approval,\n"
	    "                        cms-correspondence, ehr-vendor-letter,\n"
	    "                        screenshot, other (default)\n"
	    "  --note TEXT           a note kept with each file\n"
	    "  --name NAME           record this name instead of the file's (one FILE)\n"
	    "  --hardship N          attach to hardship filing N instead of a case\n"
	    "  --json                print the evidence records as JSON\n"
	    "  Files are copied into the evidence folder beside the database,\n"
	    "  named by SHA-256 (the same content is stored once); all files or\n"
	    "  none are attached.\n",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "evidence",
	  .subs = evidence_subs,
	  .usage = "list [CASE] [--all] | show ID | verify [CASE] [--sweep] | "
	    "detach ID [--note TEXT]",
	  .summary = "list, show, verify or detach evidence",
	  .help =
	    "  list [CASE]           attached evidence (--all: detached too;\n"
	    "                        --hardship N: of a filing)\n"
	    "  show ID               one record, with where its file is stored\n"
	    "  verify [CASE]         re-hash stored files; report missing, altered\n"
	    "                        and unreferenced files; exit 7 unless intact\n"
	    "  --sweep               verify: remove unreferenced files\n"
	    "  detach ID             take evidence off its case (the audit trail\n"
	    "                        keeps it)\n"
	    "  --json                one JSON document\n",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "check",
	  .fn = cmd_check,
	  .min_args = 1, .max_args = 1,
	  .missing = "one CASE id is expected",
	  .usage = "CASE [--json]",
	  .summary = "the evidence checklist of a case: present and missing",
	  .help =
	    "  --json                one JSON object\n",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "packet",
	  .fn = cmd_packet,
	  .opts = "o|output=",
	  .min_args = 1, .max_args = 1,
	  .missing = "one CASE id is expected",
	  .usage = "CASE -o OUT [--reveal] [--json]",
	  .summary = "write the review packet of a case (folder, .tar.gz or .zip)",
	  .help =
	    "  -o, --output OUT      a new folder, or a file ending in .tar.gz\n"
	    "                        or .zip; an existing path is refused\n"
	    "  --reveal              whole TINs in the summary\n"
	    "  --json                describe what was written as JSON\n",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "hardship",
	  .subs = hardship_subs,
	  .usage = "add|list|show|set|status ...",
	  .summary = "EUC and PI hardship-exception filings",
	  .help =
	    "  hardship add --tin TIN [--npi NPI] --year YEAR --type euc|pi\n"
	    "      --categories LIST --event TEXT [--submitted LIST] [options]\n"
	    "    --categories LIST     one to four of quality, cost, ia, pi\n"
	    "                          (a pi hardship asks for pi only)\n"
	    "    --submitted LIST      of those, the ones whose data was submitted\n"
	    "    --name NAME           clinician or group name\n"
	    "    --participation KIND  individual, group, subgroup, virtual-group,\n"
	    "                          apm-entity\n"
	    "    --window N            the window it falls under (default: the\n"
	    "                          latest-closing hardship window of the year)\n"
	    "    --filed DATE          filed with CMS on YYYY-MM-DD\n"
	    "    --confirmation NUM, --owner EMAIL, --notes TEXT\n"
	    "    --county \"NAME, ST\"   the practice's county, e.g. \"Kerr, TX\"\n"
	    "    --zip ZIP             the practice's ZIP code (both tell whether\n"
	    "                          CMS's automatic EUC policy covered it)\n"
	    "    --force               file although one of the type is open\n"
	    "                          for the TIN, NPI and year (audited)\n"
	    "    --json                the whole filing instead of its id\n"
	    "  hardship list [--year Y] [--status S] [--type T] [--tin T] [--open]\n"
	    "  hardship show FILING\n"
	    "  hardship set FILING FIELD=VALUE...   fields as the add options:\n"
	    "      tin, npi, name, participation, year, type, categories,\n"
	    "      submitted, event, window, filed, confirmation, owner, notes,\n"
	    "      county, zip\n"
	    "  hardship status FILING STATE [--note TEXT]\n"
	    "      draft > submitted > approved | denied; withdrawn from draft or\n"
	    "      submitted.  Warnings (published rules) go to stderr.\n",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "whatif",
	  .fn = cmd_whatif,
	  .opts = "reweight= score= allowed-charges= complex-patient-bonus= "
	    "small-practice-bonus from-lookup",
	  .min_args = 1, .max_args = 1,
	  .missing = "one CASE id is expected",
	  .usage = "CASE [--reweight CATS] [--from-lookup] [--score CAT=VALUE...] "
	    "[--complex-patient-bonus N] [--small-practice-bonus] "
	    "[--allowed-charges DOLLARS] [--json]",
	  .summary = "recompute a case's score and payment adjustment",
	  .help =
	    "  --reweight CATS        categories to weight 0 % (quality,cost,ia,pi)\n"
	    "  --from-lookup          also the categories CMS's kept eligibility\n"
	    "                         record makes due ('mipsreview grounds')\n"
	    "  --score CAT=VALUE      a category score to use instead (repeatable)\n"
	    "  --complex-patient-bonus N  add N points to the final score (PY2018-\n"
	    "                         2019 up to 5, from PY2020 up to 10)\n"
	    "  --small-practice-bonus add the small practice bonus (15 or fewer\n"
	    "                         clinicians): PY2018 +5 final points; from\n"
	    "                         PY2019 6 quality measure points (estimate)\n"
	    "  A small practice's PI is reweighted automatically from PY2022\n"
	    "  when it has no PI score; the final score is capped at 100.\n"
	    "  Below the threshold the adjustment follows 42 CFR 414.1405(b)'s\n"
	    "  line (an estimate: CMS's published factors can differ slightly).\n"
	    "  --allowed-charges USD  Medicare Part B allowed charges: adds the\n"
	    "                         dollar difference (an estimate)\n"
	    "  --json                 one JSON object, rules applied as a list\n",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "feed",
	  .subs = feed_subs,
	  .usage = "add NAME [--tin T] [--year Y] | list [--all] [--json] | "
	    "revoke NAME|ID",
	  .summary = "calendar subscriptions served by mipsreviewd",
	  .help =
	    "  feed add NAME [--tin T] [--year Y]\n"
	    "                        create a feed; prints its URL (base_url from the\n"
	    "                        config + /calendar/TOKEN.ics) once\n"
	    "  feed list [--all] [--json]\n"
	    "                        the feeds (--all: revoked ones too); never tokens\n"
	    "  feed revoke NAME|ID   the feed's URL answers 404 from now on\n",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "alerts",
	  .subs = alerts_subs,
	  .usage = "send [--dry-run] [--now TIME] [--json] | list [--json] | "
	    "ack CASE|--hardship FILING [--note TEXT] | status [--json] | "
	    "log [--json]",
	  .summary = "e-mail the reminders that are due (for cron); list what was "
	    "sent; acknowledge a deadline",
	  .help =
	    "  alerts send            send every reminder that is due and not yet sent:\n"
	    "                         the most urgent of alert_offsets (30d,14d,7d,3d,\n"
	    "                         1d,4h) whose moment has come, per open deadline,\n"
	    "                         to the owner and alert_to; each exactly once,\n"
	    "                         however many senders run (see mipsreview(1))\n"
	    "  --dry-run              only show what would be sent; write nothing\n"
	    "  --now TIME             plan as if it were TIME (rehearsals)\n"
	    "  --json                 one JSON object: now, reminders[], due, sent,\n"
	    "                         failed, deferred, busy\n"
	    "  alerts list            the ledger: every reminder claimed or sent\n"
	    "  alerts ack CASE        the deadline is in hand: reminders to the owner\n"
	    "                         stop until the deadline moves or the case\n"
	    "                         changes state (audited with who and when)\n"
	    "  --hardship FILING      acknowledge a hardship filing's deadline instead\n"
	    "  --note TEXT            why, or who is on it (one line)\n"
	    "  alerts status          each open deadline: last reminder sent and\n"
	    "                         whether it is acknowledged\n"
	    "  alerts log             every attempt to post to a webhook: time,\n"
	    "                         endpoint, HTTP status, outcome, error\n"
	    "  exit 8 if a reminder could not be sent; the next run retries it.\n"
	    "  Settings (smtp_url, smtp_from, alert_to, ...) come from --config or\n"
	    "  $MIPSREVIEW_CONFIG; see mipsreviewd.conf(5).\n",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "webhook",
	  .subs = webhook_subs,
	  .usage = "add NAME --kind slack|teams|generic --url URL [--tin TIN...] "
	    "[--zone ZONE] [--secret-file FILE] | list [--json] | remove NAME | "
	    "test NAME",
	  .summary = "chat channels and signed webhooks told of every alert",
	  .help =
	    "  webhook add NAME --kind K --url URL\n"
	    "                        slack: a Slack incoming webhook; teams: a\n"
	    "                        Microsoft Teams Workflows webhook (Office 365\n"
	    "                        connectors are retired, not supported);\n"
	    "                        generic: JSON signed as Standard Webhooks do\n"
	    "                        URL: https:// (http:// only to the loopback)\n"
	    "  --tin TIN             only alerts of this TIN (repeatable; none: all)\n"
	    "  --zone ZONE           the channel's zone, shown beside the announced\n"
	    "  --secret-file FILE    generic: the whsec_ secret (mode 0600)\n"
	    "  webhook list [--json] the endpoints, enabled or disabled (410 Gone)\n"
	    "  webhook remove NAME   stop posting to it; its log stays\n"
	    "  webhook test NAME     post a test message now (exit 8 if it fails)\n"
	    "  'alerts send' and mipsreviewd post each alert to each endpoint once;\n"
	    "  'alerts log' shows every attempt.\n",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "import",
	  .fn = cmd_import,
	  .opts = "format= skip-bad= force",
	  .min_args = 1, .max_args = 1,
	  .missing = "one FILE is expected",
	  .usage = "FILE.csv|FILE.jsonl|- [--skip-bad REJECTS.csv] [--force] "
	    "[--format F]",
	  .summary = "open many cases from a CSV or JSON Lines file",
	  .help =
	    "  columns (CSV header or JSON keys): the long options of add —\n"
	    "    tin, npi, name, year, reason (several: a;b), score, adjustment,\n"
	    "    practice, participation, owner, note, quality, cost, ia, pi —\n"
	    "    and status, id (ignored) as export writes them\n"
	    "  each row is checked as add checks it; one bad row imports nothing\n"
	    "  and every bad row is listed as FILE:LINE: reason\n"
	    "  --skip-bad REJECTS.csv  import the good rows; write the bad ones,\n"
	    "                        with line and reject_reason columns, there\n"
	    "  --force               allow a second open case for a TIN, NPI, year\n"
	    "  --format csv|jsonl    when the file name does not say\n"
	    "  --json                print the counts as JSON\n",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "export",
	  .subs = export_subs,
	  .usage = "ics|csv|jsonl [filters] [-o FILE]",
	  .summary = "write deadlines as iCalendar, or cases as CSV or JSON Lines",
	  .help =
	    "  export ics [--case N | --tin T | --year Y] [-o FILE]\n"
	    "                        iCalendar (RFC 5545): per deadline an event with\n"
	    "                        reminders (config calendar_alarms) and a task;\n"
	    "                        decided and withdrawn items stay, as COMPLETED\n"
	    "                        or CANCELLED; TINs masked\n"
	    "  export csv|jsonl [--year Y] [--status S] [--tin T] [-o FILE]\n"
	    "                        cases for re-import with 'mipsreview import';\n"
	    "                        TINs are written whole: keep the file private\n"
	    "  -o, --output FILE     write FILE atomically (mode 0600), else stdout\n",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "lookup",
	  .fn = cmd_lookup,
	  .opts = "year= run= refresh offline attach tin= file=",
	  .min_args = 0, .max_args = 1,
	  .usage = "NPI|CASE [--year Y] [--run N] [--refresh|--offline] "
	    "[--attach] [--json] | --tin TIN | --file FILE [--year Y] "
	    "[--refresh] [--json]",
	  .summary = "a clinician's eligibility record from CMS (QPP Eligibility API)",
	  .help =
	    "  NPI or CASE           a 10-digit NPI (checked before asking), or a\n"
	    "                        case id: its NPI and performance year\n"
	    "  --year Y              performance year (default: the case's, else\n"
	    "                        this year)\n"
	    "  --run N               CMS's data load of the year, 1 to 4 (default:\n"
	    "                        the latest)\n"
	    "  --refresh             ask CMS again although a record is kept; if\n"
	    "                        CMS cannot be reached the kept record is shown\n"
	    "                        with its age and the exit status says why\n"
	    "  --offline             only the kept record; never ask CMS\n"
	    "  --attach              (CASE) attach the answer's exact bytes to the\n"
	    "                        case as evidence of kind participation-status,\n"
	    "                        noting URL, retrieval time, Date and SHA-256\n"
	    "  --json                one JSON object\n"
	    "  Settings: qpp_api_url, qpp_api_version, qpp_ca_file, qpp_timeout,\n"
	    "  qpp_connect_timeout, qpp_retries, qpp_max_wait, qpp_rate_limit\n"
	    "  (mipsreviewd.conf(5)).  Exit 9: CMS unreachable or busy; 10: its\n"
	    "  certificate refused; 11: an unexpected answer; 4: no record.\n",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "grounds",
	  .fn = cmd_grounds,
	  .min_args = 1, .max_args = 1,
	  .missing = "one CASE id is expected",
	  .usage = "CASE [--json]",
	  .summary = "the targeted-review grounds in CMS's eligibility record of a case",
	  .help =
	    "  compares the kept record ('mipsreview lookup CASE') with the case:\n"
	    "  each ground it supports, with the field of CMS's record proving it\n"
	    "  and the evidence it provides, and the case's reasons it does not\n"
	    "  support\n"
	    "  --json                one JSON object\n",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "reference",
	  .subs = reference_subs,
	  .usage = "list|import|export ...",
	  .summary = "reference facts (rules, windows) with sources; office updates",
	  .help =
	    "  reference list [--year Y] [--kind K] [--json]\n"
	    "                        every fact shipped or imported, with its source\n"
	    "                        and verified flag, and the packs applied (a\n"
	    "                        release's facts are a pack too, applied the\n"
	    "                        same way when it first opens the database)\n"
	    "  reference import FILE a reference pack (format in mipsreview(1)):\n"
	    "                        checked whole, applied all or nothing, audited;\n"
	    "                        windows the office entered or edited, and facts\n"
	    "                        an office pack changed, are kept from releases\n"
	    "  reference export [-o FILE]\n"
	    "                        the current facts as a pack\n"
	    "  kinds: program-year, weights, auto-reweight, payment-scale, bonus,\n"
	    "         window, evidence-requirement\n",
	  .flags = CMD_NEEDS_DB
	},
	{ .name = "user",
	  .subs = user_subs,
	  .usage = "add|list|passwd|disable|enable|set|token ...",
	  .summary = "staff accounts of mipsreviewd's pages and API",
	  .help =
	    "  user add NAME --role viewer|officer|admin [--tin TIN...]\n"
	    "      [--password-stdin] [--json]\n"
	    "                        a viewer reads, an officer also changes\n"
	    "                        cases, an admin both for every TIN; --tin\n"
	    "                        (repeatable) limits a viewer or officer to\n"
	    "                        those TINs (none: every TIN)\n"
	    "  user list [--json]    accounts, their roles, TINs and API tokens\n"
	    "  user passwd NAME [--password-stdin]\n"
	    "                        set the password (ends the account's sessions)\n"
	    "  user disable NAME     its password, tokens and sessions stop working\n"
	    "                        at once\n"
	    "  user enable NAME      its password and unrevoked tokens work again\n"
	    "  user set NAME [--role ROLE] [--tin TIN...|--no-tin]\n"
	    "                        change the role or the TINs (--tin replaces\n"
	    "                        them, --no-tin: every TIN); from the\n"
	    "                        account's next request on\n"
	    "  user token add NAME   a new API token, printed once\n"
	    "  user token revoke ID  the token stops working\n"
	    "  Passwords (8 characters at least) are read from the terminal\n"
	    "  without echo, or as one line of standard input with\n"
	    "  --password-stdin, and kept only as argon2id hashes.\n",
	  .flags = CMD_NEEDS_DB | CMD_WRITES
	},
	{ .name = "help",
	  .fn = cmd_help,
	  .min_args = 0, .max_args = 1,
	  .usage = "[COMMAND]",
	  .summary = "show help for a command"
	},
	{ .name = "version",
	  .fn = cmd_version,
	  .usage = "",
	  .summary = "print the version"
	},
	{ .name = NULL }
};

static void
print_overview(FILE *fp)
{
	fprintf(fp, "usage: mipsreview [--db PATH] [--config FILE] COMMAND [ARGS]\n"
	    "       mipsreview --where [--json]\n\n"
	    "Track Medicare MIPS targeted-review cases, deadlines and evidence.\n\n"
	    "Commands:\n");
	for (const struct cli_cmd *c = commands; c->name != NULL; c++)
		fprintf(fp, "  %-10s %s\n", c->name, c->summary);
	fprintf(fp, "\nGlobal options:\n"
	    "  --db PATH      database (default $MIPSREVIEW_DB, else the\n"
	    "                 'database' of the configuration, else\n"
	    "                 $XDG_DATA_HOME/mipsreview/mipsreview.db)\n"
	    "  --config FILE  configuration (default $MIPSREVIEW_CONFIG, else\n"
	    "                 " SYSCONFDIR "/mipsreview/mipsreviewd.conf if it exists)\n"
	    "  --where        which database and configuration are used, and why\n"
	    "  --json         JSON output for read commands\n"
	    "  --reveal       show whole TINs\n"
	    "  --version      print the version\n\n"
	    "'mipsreview help COMMAND' or 'mipsreview COMMAND --help' for more;\n"
	    "man mipsreview for the manual.\n");
}

static void
print_command_help(const struct cli_cmd *c, FILE *fp)
{
	fprintf(fp, "usage: mipsreview %s %s\n\n%s\n", c->name, c->usage,
	    c->summary);
	if (c->help != NULL && *c->help != '\0')
		fprintf(fp, "\n%s", c->help);
}

static int
cmd_help(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *name, *guess;

	if (a->argc == 0) {
		print_overview(stdout);
		return EXIT_OK;
	}
	name = a->argv[0];
	for (const struct cli_cmd *c = commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0 ||
		    (c->alias != NULL && strcmp(c->alias, name) == 0)) {
			print_command_help(c, stdout);
			return EXIT_OK;
		}
	fprintf(stderr, "%s help: unknown command '%s'; ", ctx->prog, name);
	if ((guess = cli_suggest(commands, name)) != NULL)
		fprintf(stderr, "did you mean '%s'?\n", guess);
	else
		fprintf(stderr, "'mipsreview help' lists them\n");
	return EXIT_USAGE;
}

static int
cmd_version(struct cli_ctx *ctx, struct cli_args *a)
{
	(void)ctx;
	(void)a;
	printf("mipsreview %s (schema %d, SQLite %s)\n", PACKAGE_VERSION,
	    mr_store_schema_latest(), sqlite3_libversion());
	return EXIT_OK;
}

int
cli_usage(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", ctx->prog, ctx->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: mipsreview %s %s\n", ctx->name, ctx->usage);
	return EXIT_USAGE;
}

int
cli_fail_status(const struct mr_err *err)
{
	switch (err->code) {
	case MR_EINVAL:
		return EXIT_INVALID;
	case MR_ENOTFOUND:
		return EXIT_NOTFOUND;
	case MR_ECONFLICT:
		return EXIT_REFUSED;
	case MR_EDB:
		return EXIT_DB;
	case MR_EINTEGRITY:
		return EXIT_INTEGRITY;
	case MR_ESEND:
		return EXIT_SEND;
	case MR_ENET:
		return EXIT_NET;
	case MR_ETLS:
		return EXIT_TLS;
	case MR_EREMOTE:
		return EXIT_REMOTE;
	default:
		return EXIT_FAIL;
	}
}

int
cli_fail(struct cli_ctx *ctx, const struct mr_err *err)
{
	fprintf(stderr, "%s: %s\n", ctx->prog, err->msg[0] ? err->msg :
	    "unknown error");
	return cli_fail_status(err);
}

int
cli_parse_id(struct cli_ctx *ctx, const char *what, const char *s,
    long long *id)
{
	char *end;

	errno = 0;
	*id = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || *id <= 0) {
		fprintf(stderr, "%s: %s '%s': a number like 12 is expected "
		    "('mipsreview list' shows them)\n", ctx->prog, what, s);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int
cli_parse_year(struct cli_ctx *ctx, const char *s, int *year)
{
	struct mr_err err = { 0 };

	if (mr_year_parse(s, (time_t)ctx->now, year, &err) == -1)
		return cli_fail(ctx, &err);
	return EXIT_OK;
}

int
cli_parse_case_filter(struct cli_ctx *ctx, struct cli_args *a,
    struct mr_case_filter *f, char *tin, size_t tinlen)
{
	struct mr_err err = { 0 };
	const char *v;
	int rc;

	if ((v = cli_opt(a, "year")) != NULL &&
	    (rc = cli_parse_year(ctx, v, &f->year)) != EXIT_OK)
		return rc;
	if ((v = cli_opt(a, "status")) != NULL) {
		if (!mr_state_valid(v)) {
			mr_err_set(&err, MR_EINVAL, "status '%s' is not known; "
			    "use one of: %s", v, MR_CASE_STATES);
			return cli_fail(ctx, &err);
		}
		f->status = v;
	}
	if ((v = cli_opt(a, "tin")) != NULL) {
		if (mr_tin_normalize(v, tin, tinlen, &err) == -1)
			return cli_fail(ctx, &err);
		f->tin = tin;
	}
	return EXIT_OK;
}

int
cli_print_json(json_t *v)
{
	int rc;

	if (v == NULL) {
		fprintf(stderr, "mipsreview: out of memory\n");
		return EXIT_FAIL;
	}
	rc = json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(10));
	json_decref(v);
	putchar('\n');
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

struct mr_view *
cli_view(struct cli_ctx *ctx)
{
	struct mr_view_opts o = { .now = (time_t)ctx->now,
	    .zone = ctx->viewer_zone, .reveal = ctx->reveal != 0 };

	if (ctx->view == NULL &&
	    (ctx->view = mr_view_new(ctx->st, &o)) == NULL)
		fprintf(stderr, "%s: out of memory\n", ctx->prog);
	return ctx->view;
}

const char *
cli_color(const struct cli_ctx *ctx, const char *code)
{
	return ctx->color ? code : "";
}

/*
 * The viewer's zone, for showing deadlines in their own time too: $TZ if
 * it names an IANA zone, else the system zone (/etc/localtime), else UTC.
 */
static const char *
viewer_zone(void)
{
	static char zone[128];
	const char *tz = getenv("TZ"), *p;
	char link[PATH_MAX];
	ssize_t n;
	FILE *fp;

	if (tz != NULL && *tz == ':')
		tz++;
	/* A copy: looking a zone up sets TZ (lib/mr_when.c). */
	if (tz != NULL && *tz != '\0' && strlen(tz) < sizeof zone) {
		snprintf(zone, sizeof zone, "%s", tz);
		if (mr_when_zone_valid(zone, NULL) == 0)
			return zone;
	}
	if ((n = readlink("/etc/localtime", link, sizeof link - 1)) > 0) {
		link[n] = '\0';
		if ((p = strstr(link, "zoneinfo/")) != NULL &&
		    mr_when_zone_valid(p + 9, NULL) == 0) {
			snprintf(zone, sizeof zone, "%s", p + 9);
			return zone;
		}
	}
	if ((fp = fopen("/etc/timezone", "re")) != NULL) {
		if (fgets(zone, sizeof zone, fp) != NULL) {
			zone[strcspn(zone, "\n")] = '\0';
			fclose(fp);
			if (mr_when_zone_valid(zone, NULL) == 0)
				return zone;
		} else
			fclose(fp);
	}
	return "UTC";
}

/* MIPSREVIEW_NOW fixes the clock (tests, rehearsals): @EPOCH or ISO 8601 UTC. */
static int
parse_now(const char *s, long long *out)
{
	struct tm tm = { 0 };
	char *end;

	if (s[0] == '@') {
		*out = strtoll(s + 1, &end, 10);
		return (end == s + 1 || *end != '\0') ? -1 : 0;
	}
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	*out = (long long)timegm(&tm);
	return 0;
}

int
cli_open_store(struct cli_ctx *ctx)
{
	struct mr_err err = { 0 };
	struct passwd *pw;
	const char *who;

	if (ctx->st != NULL)
		return EXIT_OK;
	if (cli_locate_db(ctx, 1, &err) == -1)
		return cli_fail(ctx, &err);
	if (mr_store_open(ctx->db_path, &ctx->st, &err) == -1)
		return cli_fail(ctx, &err);
	/* Reads through a memory map skip a system call per page (list of a
	 * large TIN reads a thousand scattered rows).  Not in the daemon,
	 * whose resident memory would grow with every page it maps. */
	if (mr_store_exec(ctx->st, "PRAGMA mmap_size = 268435456", &err) == -1)
		return cli_fail(ctx, &err);
	who = (pw = getpwuid(geteuid())) ? pw->pw_name : getenv("USER");
	mr_store_set_actor(ctx->st, who ? who : "unknown");
	mr_store_set_now(ctx->st, (time_t)ctx->now);
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db",      required_argument, NULL, 'd' },
		{ "config",  required_argument, NULL, 'c' },
		{ "json",    no_argument,       NULL, 'j' },
		{ "reveal",  no_argument,       NULL, 'r' },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ "where",   no_argument,       NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_ctx ctx = { .prog = "mipsreview" };
	struct cli_args args = { 0 };
	const char *env, *opt_config = NULL;
	int ch, rc, where = 0;

	setlocale(LC_CTYPE, "");
	/* Everything this process creates is private: PII lives here. */
	umask(077);
	/* And no core file spills the TINs and documents in its memory. */
	{
		struct mr_err err = { 0 };

		if (mr_nodump(&err) == -1) {
			fprintf(stderr, "mipsreview: %s\n", err.msg);
			return EXIT_FAIL;
		}
	}
	ctx.now = (long long)time(NULL);
	if ((env = getenv("MIPSREVIEW_NOW")) != NULL && *env != '\0' &&
	    parse_now(env, &ctx.now) == -1) {
		fprintf(stderr, "mipsreview: MIPSREVIEW_NOW '%s': @EPOCH or "
		    "YYYY-MM-DDTHH:MM:SSZ is expected\n", env);
		return EXIT_USAGE;
	}
	ctx.viewer_zone = viewer_zone();
	ctx.color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	if (!isatty(STDOUT_FILENO))	/* lists of thousands of rows */
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	while ((ch = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			free(ctx.db_path);
			ctx.db_path = strdup(optarg);
			ctx.db_source = "--db";
			break;
		case 'c':
			opt_config = optarg;
			break;
		case 'w':
			where = 1;
			break;
		case 'j':
			ctx.json = 1;
			break;
		case 'r':
			ctx.reveal = 1;
			break;
		case 'h':
			print_overview(stdout);
			return EXIT_OK;
		case 'V':
			return cmd_version(&ctx, NULL);
		default:
			fprintf(stderr, "'mipsreview help' lists the commands "
			    "and options\n");
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	cli_locate_config(&ctx, opt_config);
	if (where) {
		rc = cli_where(&ctx);
		goto out;
	}
	if (argc == 0) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	if ((rc = cli_dispatch(&ctx, commands, argc, argv, &args)) != EXIT_OK)
		goto out;
	if (args.help) {
		print_command_help(ctx.cmd, stdout);
		goto out;
	}
	if (args.cmd->flags & CMD_NEEDS_DB) {
		struct mr_err err = { 0 };

		if ((rc = cli_open_store(&ctx)) != EXIT_OK)
			goto out;
		if (!(args.cmd->flags & CMD_WRITES) &&
		    mr_store_exec(ctx.st, "PRAGMA query_only = ON", &err) == -1) {
			rc = cli_fail(&ctx, &err);
			goto out;
		}
	}
	rc = args.cmd->fn(&ctx, &args);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "mipsreview: write error on standard output: %s\n",
		    strerror(errno));
		if (rc == EXIT_OK)
			rc = EXIT_FAIL;
	}
out:
	cli_args_free(&args);
	mr_view_free(ctx.view);
	mr_store_close(ctx.st);
	free(ctx.db_path);
	return rc;
}
