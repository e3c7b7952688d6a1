# cli/: the mipsreview command.
bin_PROGRAMS += cli/mipsreview
cli_mipsreview_CPPFLAGS = $(AM_CPPFLAGS) $(MR_LIB_CFLAGS)
cli_mipsreview_LDADD = $(MR_LIBS) -lm
cli_mipsreview_SOURCES = \
	cli/cli.h cli/main.c \
	cli/render.c cli/render.h \
	cli/cmd_add.c cli/cmd_list.c cli/cmd_show.c cli/cmd_set.c \
	cli/cmd_status.c cli/cmd_note.c cli/cmd_audit.c
# -- windows and due (issue 3)
# -- evidence (issue 6)
# -- hardship and what-if (issue 8)
# -- calendar export and feeds (issue 4)
# -- alerts (issue 5)
# -- import and export (issue 7)
cli_mipsreview_SOURCES += cli/cmd_import.c cli/cmd_export.c
