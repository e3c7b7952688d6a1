# lib/: the core both programs link, as one convenience library.
noinst_LIBRARIES += lib/libmipsreview.a
lib_libmipsreview_a_CPPFLAGS = $(AM_CPPFLAGS) $(MR_LIB_CFLAGS)
lib_libmipsreview_a_SOURCES = \
	lib/mr_err.c lib/mr_err.h \
	lib/mr_dl.c lib/mr_dl.h lib/mr_curl.c lib/mr_curl.h \
	lib/mr_dl_lazy.h lib/mr_dl_crypto.c lib/mr_dl_magic.c \
	lib/mr_dl_ical.c \
	lib/mr_migrate.h \
	lib/mr_store.c lib/mr_store.h \
	lib/mr_store_image.c lib/mr_store_image.h \
	lib/mr_place.c lib/mr_place.h \
	lib/mr_audit.c lib/mr_audit.h \
	lib/mr_buf.c lib/mr_buf.h lib/mr_hex.c lib/mr_hex.h \
	lib/mr_arena.c lib/mr_arena.h \
	lib/mr_crypto.c lib/mr_crypto.h lib/mr_keyfile.c lib/mr_keyfile.h \
	lib/mr_file.c lib/mr_file.h \
	lib/mr_input.c lib/mr_input.h \
	lib/mr_nodump.c lib/mr_nodump.h \
	lib/mr_ident.c lib/mr_ident.h \
	lib/mr_case.c lib/mr_case.h \
	lib/mr_config.c lib/mr_config.h \
	lib/mr_when.c lib/mr_when.h \
	lib/mr_window.c lib/mr_window.h \
	lib/mr_deadline.c lib/mr_deadline.h \
	lib/mr_year.c lib/mr_year.h \
	lib/mr_view.c lib/mr_view.h lib/mr_view_qpp.c
# evidence: records, the content-addressed file store, the checklist,
# review packets
lib_libmipsreview_a_SOURCES += lib/mr_evidence.c lib/mr_evidence.h \
	lib/mr_blobcopy.c lib/mr_blobcopy.h \
	lib/mr_blobstore.c lib/mr_blobstore.h \
	lib/mr_checklist.c lib/mr_checklist.h \
	lib/mr_packet.c lib/mr_packet.h
# hardship filings and scores
lib_libmipsreview_a_SOURCES += lib/mr_score.c lib/mr_score.h \
	lib/mr_hardship.c lib/mr_hardship.h \
	lib/mr_whatif.c lib/mr_whatif.h
# calendars
lib_libmipsreview_a_SOURCES += lib/mr_ical.c lib/mr_ical.h lib/mr_feed.c lib/mr_feed.h \
	lib/mr_tzcache.c lib/mr_tzcache.h
# mail and alerts
lib_libmipsreview_a_SOURCES += lib/mr_mail.c lib/mr_mail.h lib/mr_alert.c lib/mr_alert.h \
	lib/mr_alert_ledger.c lib/mr_alert_ledger.h \
	lib/mr_lease.c lib/mr_lease.h \
	lib/mr_alert_ack.c lib/mr_alert_ack.h \
	lib/mr_alert_grounds.c lib/mr_alert_grounds.h \
	lib/mr_acklink.c lib/mr_acklink.h \
	lib/mr_alert_digest.c lib/mr_alert_digest.h
# chat channels and signed webhooks
lib_libmipsreview_a_SOURCES += lib/mr_webhook.c lib/mr_webhook.h \
	lib/mr_webhook_int.h lib/mr_webhook_deliver.c
# cases in bulk
lib_libmipsreview_a_SOURCES += lib/mr_import.c lib/mr_import.h \
	lib/mr_export.c lib/mr_export.h
# CMS's QPP Eligibility API: lookups, kept records, review grounds
lib_libmipsreview_a_SOURCES += lib/mr_qpp.c lib/mr_qpp.h \
	lib/mr_eligibility.c lib/mr_eligibility.h \
	lib/mr_grounds.c lib/mr_grounds.h \
	lib/mr_autoeuc.c lib/mr_autoeuc.h \
	lib/mr_npilist.c lib/mr_npilist.h \
	lib/mr_qpp_batch.c lib/mr_qpp_batch.h \
	lib/mr_grounds_watch.c lib/mr_grounds_watch.h
MR_LIBS += $(CSV_LIBS)
# reference packs
lib_libmipsreview_a_SOURCES += lib/mr_reference.c lib/mr_reference.h
# staff accounts: roles, TIN scope, passwords, API tokens, sessions
lib_libmipsreview_a_SOURCES += lib/mr_user.c lib/mr_user.h lib/mr_dl_argon2.c
nodist_lib_libmipsreview_a_SOURCES = lib/sql_embed.c lib/reference_embed.c
BUILT_SOURCES += lib/sql_embed.c lib/reference_embed.c
CLEANFILES += lib/sql_embed.c lib/reference_embed.c
# The release's reference facts, applied as a reference pack (mr_reference).
lib/reference_embed.c: $(srcdir)/sql/reference.json $(srcdir)/build-aux/embed-reference.sh
	$(AM_V_GEN)$(MKDIR_P) lib && \
	$(SHELL) $(srcdir)/build-aux/embed-reference.sh \
	    $(srcdir)/sql/reference.json >$@-t && \
	mv -f $@-t $@
EXTRA_DIST += sql/reference.json build-aux/embed-reference.sh
lib/sql_embed.c: $(SQL_FILES) $(srcdir)/build-aux/embed-sql.sh
	$(AM_V_GEN)$(MKDIR_P) lib && \
	$(SHELL) $(srcdir)/build-aux/embed-sql.sh $(srcdir) $(SQL_FILES) >$@-t && \
	mv -f $@-t $@
# A new store's image (lib/mr_store_image.h), made once at build time by
# sql/mkstoreimage: a store built by the migrations and the release's pack.
noinst_LIBRARIES += lib/libmrimage.a
lib_libmrimage_a_CPPFLAGS = $(AM_CPPFLAGS) $(MR_LIB_CFLAGS)
nodist_lib_libmrimage_a_SOURCES = lib/store_image_embed.c
CLEANFILES += lib/store_image_embed.c
lib/store_image_embed.c: sql/mkstoreimage$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) lib && \
	sql/mkstoreimage$(EXEEXT) $@-t && mv -f $@-t $@
