# lib/: the core both programs link, as one convenience library.
noinst_LIBRARIES += lib/libmipsreview.a
lib_libmipsreview_a_CPPFLAGS = $(AM_CPPFLAGS) $(MR_LIB_CFLAGS)
lib_libmipsreview_a_SOURCES = \
	lib/mr_err.c lib/mr_err.h \
	lib/mr_migrate.h \
	lib/mr_store.c lib/mr_store.h \
	lib/mr_audit.c lib/mr_audit.h \
	lib/mr_ident.c lib/mr_ident.h \
	lib/mr_case.c lib/mr_case.h
# -- windows and time (issue 3)
# -- evidence (issue 6)
# -- hardship and score (issue 8)
# -- calendar (issue 4)
# -- mail and alerts (issue 5)
# -- import/export (issue 7)
lib_libmipsreview_a_SOURCES += lib/mr_import.c lib/mr_import.h
MR_LIBS += $(CSV_LIBS)
nodist_lib_libmipsreview_a_SOURCES = lib/sql_embed.c
BUILT_SOURCES += lib/sql_embed.c
CLEANFILES += lib/sql_embed.c
lib/sql_embed.c: $(SQL_FILES) $(srcdir)/build-aux/embed-sql.sh
	$(AM_V_GEN)$(MKDIR_P) lib && \
	$(SHELL) $(srcdir)/build-aux/embed-sql.sh $(srcdir) $(SQL_FILES) >$@-t && \
	mv -f $@-t $@
