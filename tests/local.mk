# tests/: cmocka unit tests of lib/ and end-to-end tests of the binaries.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	NO_COLOR=1; export NO_COLOR; \
	unset MIPSREVIEW_DB MIPSREVIEW_CONFIG MIPSREVIEW_NOW;

E2E_TESTS = \
	tests/e2e/cases.sh \
	tests/e2e/store.sh
# -- windows and due (issue 3)
# -- evidence (issue 6)
# -- hardship and what-if (issue 8)
# -- calendar export and feeds (issue 4)
# -- alerts (issue 5)
# -- import and export (issue 7)
E2E_TESTS += tests/e2e/import.sh
TESTS += $(E2E_TESTS)
EXTRA_DIST += $(E2E_TESTS) tests/e2e/lib.sh tests/README

if HAVE_CMOCKA
UNIT_CPPFLAGS = $(AM_CPPFLAGS) $(MR_LIB_CFLAGS) $(CMOCKA_CFLAGS)
UNIT_LDADD = $(MR_LIBS) $(CMOCKA_LIBS) -lm
UNIT_TESTS = \
	tests/unit/test_ident \
	tests/unit/test_store \
	tests/unit/test_case \
	tests/unit/test_audit
# -- windows and time (issue 3)
# -- evidence (issue 6)
# -- hardship and score (issue 8)
# -- calendar (issue 4)
# -- mail and alerts (issue 5)
# -- import/export (issue 7)
UNIT_TESTS += tests/unit/test_import
tests_unit_test_import_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_import_LDADD = $(UNIT_LDADD)
tests_unit_test_import_SOURCES = tests/unit/test_import.c tests/unit/unit.h
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
tests_unit_test_audit_CPPFLAGS = $(UNIT_CPPFLAGS)
tests_unit_test_audit_LDADD = $(UNIT_LDADD)
tests_unit_test_audit_SOURCES = tests/unit/test_audit.c tests/unit/unit.h
endif
