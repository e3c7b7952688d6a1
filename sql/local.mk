# The schema and its migrations, in version order.  Migration numbers are
# taken in order of arrival; never renumber or edit one that has shipped.
SQL_FILES = sql/schema.sql
# windows
SQL_FILES += sql/002_windows.sql
# evidence
SQL_FILES += sql/003_evidence.sql
# hardship and scoring reference data
SQL_FILES += sql/004_hardship.sql
# calendar feeds
SQL_FILES += sql/005_feeds.sql
# alerts
SQL_FILES += sql/006_alerts.sql
# redistribution tables checked against 42 CFR 414.1380(c)(2)(ii)
SQL_FILES += sql/007_redistribution_cfr.sql
# reference data: packs, verified windows, the program year 2026
SQL_FILES += sql/008_reference.sql
# -- the targeted-review request, special statuses, CMS's request for documents
SQL_FILES += sql/009_case_request.sql
# -- eligibility records from CMS
SQL_FILES += sql/010_eligibility.sql
# -- evidence of CMS's participation status (the eligibility answer itself)
SQL_FILES += sql/011_participation_status.sql
# -- the audit trail sealed with a key outside the database
SQL_FILES += sql/012_audit_key.sql
# -- delivery of each reminder per recipient
SQL_FILES += sql/013_alert_recipients.sql
# -- evidence checklists per ground of a targeted review; advice marked
SQL_FILES += sql/014_evidence_grounds.sql
EXTRA_DIST += $(SQL_FILES) build-aux/embed-sql.sh
# -- checklist rules of which one suffices (an EUC applied for or automatic)
SQL_FILES += sql/015_checklist_one_of.sql
# -- staff accounts, API tokens and browser sessions for mipsreviewd
SQL_FILES += sql/016_accounts.sql
# -- cases without a deadline counted and listed from indexes
SQL_FILES += sql/017_undated_index.sql
# -- the release's reference data applied as a reference pack
SQL_FILES += sql/018_reference_release.sql
# -- acknowledged deadlines: reminders to the owner stop
SQL_FILES += sql/019_alert_ack.sql
# -- the bonuses of the final score as reference facts
SQL_FILES += sql/020_score_bonus.sql
# -- the practice's county and ZIP; CMS's automatic EUC counties
SQL_FILES += sql/021_euc_county.sql
# -- escalations go through the alert ledger
SQL_FILES += sql/022_alert_escalation.sql
# -- calendar feeds made on the office's pages belong to their account
SQL_FILES += sql/023_feed_account.sql
# -- the cases list a page at a time by year or status
SQL_FILES += sql/024_case_pages.sql
# -- the practice's county and ZIP on hardship filings
SQL_FILES += sql/025_hardship_place.sql
# -- the daemon's refresh of CMS's records and the grounds changes it tells
SQL_FILES += sql/026_grounds_watch.sql
# -- failed sign-ins counted across restarts of the daemon
SQL_FILES += sql/027_login_failures.sql
# -- one digest a day per recipient goes through the alert ledger
SQL_FILES += sql/028_alert_digest.sql
# -- chat channels and signed webhooks told of every alert
SQL_FILES += sql/029_webhooks.sql
# -- the VTIMEZONEs of calendars kept, so a calendar written again needs no libical
SQL_FILES += sql/030_zone_vtimezone.sql
# -- the webhooks' delivery log lists interrupted and abandoned attempts
SQL_FILES += sql/031_webhook_attempts.sql
# The image of a new store the programs carry (lib/mr_store_image.h).
noinst_PROGRAMS += sql/mkstoreimage
sql_mkstoreimage_CPPFLAGS = $(AM_CPPFLAGS) $(MR_LIB_CFLAGS)
sql_mkstoreimage_SOURCES = sql/mkstoreimage.c lib/mr_store_image_none.c
sql_mkstoreimage_LDADD = lib/libmipsreview.a $(SQLITE3_LIBS) $(JANSSON_LIBS) \
	$(NETTLE_LIBS) $(CSV_LIBS) -lm
