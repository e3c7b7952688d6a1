# tests/: cmocka unit tests of lib/ and end-to-end tests of the binaries.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	NO_COLOR=1; export NO_COLOR; \
	unset MIPSREVIEW_DB MIPSREVIEW_CONFIG MIPSREVIEW_NOW;

E2E_TESTS = \
	tests/e2e/audit.sh \
	tests/e2e/cases.sh \
	tests/e2e/store.sh \
	tests/e2e/place.sh \
	tests/e2e/windows.sh
# evidence
E2E_TESTS += tests/e2e/evidence.sh
# hardship and what-if
E2E_TESTS += tests/e2e/hardship.sh tests/e2e/whatif.sh
# performance years and reference data
E2E_TESTS += tests/e2e/years.sh tests/e2e/reference.sh tests/e2e/due_undated.sh \
	tests/e2e/reference_upgrade.sh
# calendar export and feeds
E2E_TESTS += tests/e2e/calendar.sh tests/e2e/feed.sh
check_PROGRAMS += tests/e2e/ical-check
tests_e2e_ical_check_CPPFLAGS = $(AM_CPPFLAGS) $(LIBICAL_CFLAGS)
tests_e2e_ical_check_LDADD = $(LIBICAL_LIBS)
tests_e2e_ical_check_SOURCES = tests/e2e/ical_check.c
EXTRA_DIST += tests/e2e/icaljs/package.json tests/e2e/icaljs/package-lock.json \
	tests/e2e/icaljs/check.mjs tests/e2e/clients.sh
# alerts
E2E_TESTS += tests/e2e/alerts.sh tests/e2e/alerts_faults.sh tests/e2e/alerts_race.sh \
	tests/e2e/alerts_ack.sh tests/e2e/alerts_escalate.sh tests/e2e/alerts_link.sh \
	tests/e2e/alerts_link_key.sh \
	tests/e2e/alerts_digest.sh
EXTRA_DIST += tests/e2e/alerts_lib.sh tests/e2e/smtp_sink.py tests/e2e/mailcheck.py
# chat channels and signed webhooks, emulated on loopback
E2E_TESTS += tests/e2e/webhooks.sh
EXTRA_DIST += tests/e2e/webhook_receiver.py
# import and export
E2E_TESTS += tests/e2e/import.sh
# a national-size import: its journal, a reader meanwhile, a kill -9
E2E_TESTS += tests/e2e/import_bulk.sh
include tests/fuzz/local.mk
# the daemon's HTTP manners: methods, 304, slow clients
E2E_TESTS += tests/e2e/http.sh
# the office's pages under /app: as nobody, as every role, in a browser
E2E_TESTS += tests/e2e/web.sh tests/e2e/web_roles.sh tests/e2e/web_ack.sh tests/browser/app.sh
# many cases a page at a time, on the pages and in the API
E2E_TESTS += tests/e2e/paging.sh
# feeds of a disabled staff account are not served
E2E_TESTS += tests/e2e/feed_accounts.sh
EXTRA_DIST += tests/browser/app.py
# the browser's screenshots, kept as artefacts of the last run
clean-local: clean-browser
clean-browser:
	-rm -rf tests/browser/artefacts
# -- calendars across zones: fall-back hours, abbreviations, escaping
E2E_TESTS += tests/e2e/calendar_zones.sh
# -- the zones of a calendar written again come from the database, not libical
E2E_TESTS += tests/e2e/calendar_kept_zones.sh
EXTRA_DIST += tests/e2e/slow_clients.py
# The JSON of every command, pinned byte for byte (tests/golden/*.json).
E2E_TESTS += tests/e2e/golden.sh
EXTRA_DIST += tests/golden
# Start-up: a command loads only the libraries it uses.
E2E_TESTS += tests/e2e/startup.sh
# -- the targeted-review request and CMS's request for documents
E2E_TESTS += tests/e2e/request.sh
E2E_TESTS += tests/e2e/grounds.sh
# -- CMS's eligibility records and the review grounds in them
E2E_TESTS += tests/e2e/lookup.sh
# -- CMS's automatic EUC areas by the practice's county and ZIP
E2E_TESTS += tests/e2e/autoeuc.sh tests/e2e/reference_euc.sh \
	tests/e2e/grounds_watch.sh
E2E_TESTS += tests/e2e/lookup_many.sh
# staff accounts of the daemon's pages and API
E2E_TESTS += tests/e2e/users.sh tests/e2e/api.sh
# hostile use of the pages and API: scope, sessions, escaping, bad input, secrets
E2E_TESTS += tests/e2e/web_attack.sh
# -- a TIN read from standard input, out of ps
E2E_TESTS += tests/e2e/tin_stdin.sh
# -- no core file spills what is in memory
E2E_TESTS += tests/e2e/nodump.sh
# -- FIFOs, folders and devices where a file is named
E2E_TESTS += tests/e2e/outside_files.sh
# -- set and status say what changed
E2E_TESTS += tests/e2e/changes.sh
# -- a day the calendar lacks is not a date
E2E_TESTS += tests/e2e/dates.sh
# -- leftovers of a packet or attach killed half-way
E2E_TESTS += tests/e2e/killed.sh
# -- a full disk: reads work, writes say so
E2E_TESTS += tests/e2e/full_disk.sh
EXTRA_DIST += tests/e2e/qpp_server.py tests/data/qpp/README \
	tests/data/qpp/sample_response_200.json tests/data/qpp/sample_response_400.json \
	tests/data/qpp/sample_response_404.json tests/data/qpp/record_full.json
TESTS += $(E2E_TESTS) tests/lint.sh
EXTRA_DIST += $(E2E_TESTS) tests/e2e/lib.sh tests/README tests/lint.sh \
	tests/data/audit_v6.sql

if HAVE_CMOCKA
UNIT_CPPFLAGS = $(AM_CPPFLAGS) $(MR_LIB_CFLAGS) $(CMOCKA_CFLAGS)
# Tests read calendars and hash with the libraries themselves.
UNIT_LDADD = $(MR_LIBS) $(LIBICAL_LIBS) $(CRYPTO_LIBS) $(CMOCKA_LIBS) -lm
UNIT_TESTS = \
	tests/unit/test_ident \
	tests/unit/test_store \
	tests/unit/test_case \
	tests/unit/test_audit
# windows and time
UNIT_TESTS += tests/unit/test_when tests/unit/test_window
# The JSON views: the case deadline rule, masking, the viewer's zone.
UNIT_TESTS += tests/unit/test_view
tests_unit_test_view_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_view_LDADD = $(UNIT_LDADD)
tests_unit_test_view_SOURCES = tests/unit/test_view.c tests/unit/unit.h
# evidence
UNIT_TESTS += tests/unit/test_evidence
tests_unit_test_evidence_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_evidence_LDADD = $(UNIT_LDADD)
# fsync fails on demand (write errors at the last step of a copy).
tests_unit_test_evidence_LDFLAGS = -Wl,--wrap=fsync
tests_unit_test_evidence_SOURCES = tests/unit/test_evidence.c tests/unit/unit.h
# the content-addressed file store: names, copy-while-hashing
UNIT_TESTS += tests/unit/test_blobcopy
tests_unit_test_blobcopy_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_blobcopy_LDADD = $(UNIT_LDADD)
tests_unit_test_blobcopy_SOURCES = tests/unit/test_blobcopy.c
UNIT_TESTS += tests/unit/test_blobstore
tests_unit_test_blobstore_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_blobstore_LDADD = $(UNIT_LDADD)
tests_unit_test_blobstore_SOURCES = tests/unit/test_blobstore.c
# hardship and score
UNIT_TESTS += tests/unit/test_score tests/unit/test_hardship
tests_unit_test_score_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_score_LDADD = $(UNIT_LDADD)
tests_unit_test_score_SOURCES = tests/unit/test_score.c tests/unit/unit.h
tests_unit_test_hardship_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_hardship_LDADD = $(UNIT_LDADD)
tests_unit_test_hardship_SOURCES = tests/unit/test_hardship.c tests/unit/unit.h
# calendar
UNIT_TESTS += tests/unit/test_ical
tests_unit_test_ical_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_ical_LDADD = $(UNIT_LDADD)
tests_unit_test_ical_SOURCES = tests/unit/test_ical.c tests/unit/unit.h
# the VTIMEZONEs kept in the database: keys, checks, the calendar's use
UNIT_TESTS += tests/unit/test_tzcache
tests_unit_test_tzcache_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_tzcache_LDADD = $(UNIT_LDADD)
tests_unit_test_tzcache_SOURCES = tests/unit/test_tzcache.c tests/unit/unit.h
# mail and alerts
UNIT_TESTS += tests/unit/test_mail tests/unit/test_alert
tests_unit_test_mail_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_mail_LDADD = $(UNIT_LDADD)
tests_unit_test_mail_SOURCES = tests/unit/test_mail.c tests/unit/unit.h
tests_unit_test_alert_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_alert_LDADD = $(UNIT_LDADD)
tests_unit_test_alert_SOURCES = tests/unit/test_alert.c tests/unit/unit.h
UNIT_TESTS += tests/unit/test_alert_grounds
tests_unit_test_alert_grounds_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_alert_grounds_LDADD = $(UNIT_LDADD)
tests_unit_test_alert_grounds_SOURCES = tests/unit/test_alert_grounds.c tests/unit/unit.h
# the claim of an outgoing ledger's row: takeover, held lease, a race
UNIT_TESTS += tests/unit/test_lease
tests_unit_test_lease_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_lease_LDADD = $(UNIT_LDADD)
tests_unit_test_lease_SOURCES = tests/unit/test_lease.c tests/unit/unit.h
# webhooks: the Standard Webhooks signature, secrets, URLs, messages
UNIT_TESTS += tests/unit/test_webhook
tests_unit_test_webhook_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_webhook_LDADD = $(UNIT_LDADD)
tests_unit_test_webhook_SOURCES = tests/unit/test_webhook.c tests/unit/unit.h
# import/export
UNIT_TESTS += tests/unit/test_import
tests_unit_test_import_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_import_LDADD = $(UNIT_LDADD)
tests_unit_test_import_SOURCES = tests/unit/test_import.c tests/unit/unit.h
# -- CMS's eligibility records and the review grounds in them
UNIT_TESTS += tests/unit/test_eligibility
tests_unit_test_eligibility_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_eligibility_LDADD = $(UNIT_LDADD)
tests_unit_test_eligibility_SOURCES = tests/unit/test_eligibility.c tests/unit/unit.h
# the office's pages: escaping, scope, forms (no server needed)
UNIT_TESTS += tests/unit/test_web
tests_unit_test_web_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_web_LDADD = $(UNIT_LDADD)
tests_unit_test_web_SOURCES = tests/unit/test_web.c tests/unit/unit.h \
	daemon/web.c daemon/web.h daemon/web_html.c daemon/web_html.h
# staff accounts: scope, passwords, tokens, sessions
UNIT_TESTS += tests/unit/test_user
tests_unit_test_user_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_user_LDADD = $(UNIT_LDADD)
tests_unit_test_user_SOURCES = tests/unit/test_user.c tests/unit/unit.h
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
tests_unit_test_ident_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_ident_LDADD = $(UNIT_LDADD)
tests_unit_test_ident_SOURCES = tests/unit/test_ident.c
tests_unit_test_store_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_store_LDADD = $(UNIT_LDADD)
tests_unit_test_store_SOURCES = tests/unit/test_store.c tests/unit/unit.h
tests_unit_test_case_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_case_LDADD = $(UNIT_LDADD)
tests_unit_test_case_SOURCES = tests/unit/test_case.c tests/unit/unit.h
# query plans: the selective index for one TIN, one NPI, own deadlines
UNIT_TESTS += tests/unit/test_plans
tests_unit_test_plans_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_plans_LDADD = $(UNIT_LDADD)
tests_unit_test_plans_SOURCES = tests/unit/test_plans.c tests/unit/unit.h
tests_unit_test_audit_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_audit_LDADD = $(UNIT_LDADD)
tests_unit_test_audit_SOURCES = tests/unit/test_audit.c tests/unit/unit.h
tests_unit_test_when_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_when_LDADD = $(UNIT_LDADD)
tests_unit_test_when_SOURCES = tests/unit/test_when.c
tests_unit_test_window_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_window_LDADD = $(UNIT_LDADD)
tests_unit_test_window_SOURCES = tests/unit/test_window.c tests/unit/unit.h
UNIT_TESTS += tests/unit/test_config
tests_unit_test_config_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_config_LDADD = $(UNIT_LDADD)
tests_unit_test_config_SOURCES = tests/unit/test_config.c
UNIT_TESTS += tests/unit/test_file
tests_unit_test_file_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_file_LDADD = $(UNIT_LDADD)
tests_unit_test_file_SOURCES = tests/unit/test_file.c
UNIT_TESTS += tests/unit/test_acklink
tests_unit_test_acklink_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_acklink_LDADD = $(UNIT_LDADD)
tests_unit_test_acklink_SOURCES = tests/unit/test_acklink.c
UNIT_TESTS += tests/unit/test_buf
tests_unit_test_buf_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_buf_LDADD = $(UNIT_LDADD)
tests_unit_test_buf_SOURCES = tests/unit/test_buf.c
# SHA-256, HMAC, random bytes and base64 for short messages
UNIT_TESTS += tests/unit/test_crypto
tests_unit_test_crypto_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_crypto_LDADD = $(UNIT_LDADD)
tests_unit_test_crypto_SOURCES = tests/unit/test_crypto.c
endif
