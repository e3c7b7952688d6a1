# cli/: the mipsreview command.
bin_PROGRAMS += cli/mipsreview
cli_mipsreview_CPPFLAGS = $(AM_CPPFLAGS) $(MR_LIB_CFLAGS)
cli_mipsreview_LDADD = $(MR_LIBS) -lm
cli_mipsreview_SOURCES = \
	cli/cli.h cli/main.c cli/dispatch.c cli/where.c \
	cli/render.c cli/render.h \
	cli/cmd_add.c cli/cmd_list.c cli/cmd_show.c cli/cmd_set.c \
	cli/cmd_status.c cli/cmd_note.c cli/cmd_audit.c
# windows and due
cli_mipsreview_SOURCES += cli/cmd_window.c cli/cmd_due.c
# evidence
cli_mipsreview_SOURCES += cli/cmd_attach.c cli/cmd_evidence.c \
	cli/cmd_check.c cli/cmd_packet.c
# hardship and what-if
cli_mipsreview_SOURCES += cli/cmd_hardship.c cli/cmd_whatif.c
# calendar export and feeds
cli_mipsreview_SOURCES += cli/cmd_export_ics.c cli/cmd_feed.c
# alerts
cli_mipsreview_SOURCES += cli/cmd_alerts.c
# chat channels and signed webhooks
cli_mipsreview_SOURCES += cli/cmd_webhook.c
# import and export
cli_mipsreview_SOURCES += cli/cmd_import.c cli/cmd_export.c
# -- CMS's eligibility records and the review grounds in them
cli_mipsreview_SOURCES += cli/lookup.h cli/cmd_lookup.c cli/lookup_many.c \
	cli/cmd_grounds.c
# reference data
cli_mipsreview_SOURCES += cli/cmd_reference.c
# staff accounts of the daemon's pages and API
cli_mipsreview_SOURCES += cli/cmd_user.c
