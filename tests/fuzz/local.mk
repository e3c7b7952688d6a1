# tests/fuzz/: a harness for every parser of outside input.
#
# Adding one: tests/fuzz/fuzz_<name>.c defining LLVMFuzzerTestOneInput(),
# a seed corpus in tests/fuzz/corpus/<name>/, and the program below.
# make check replays every corpus (smoke.sh); make fuzz runs each harness
# under libFuzzer for FUZZ_SECONDS (run.sh, in a clang build of its own
# unless this one was configured with --enable-fuzzing).
FUZZ_SECONDS = 60
if FUZZING
fuzz_driver =
fuzz_ldflags = -fsanitize=fuzzer
else
fuzz_driver = tests/fuzz/driver.c
fuzz_ldflags =
endif
fuzz_common = tests/fuzz/fuzz.h tests/fuzz/fuzz_util.c $(fuzz_driver)
fuzz_cppflags = $(AM_CPPFLAGS) $(MR_LIB_CFLAGS)
fuzz_ldadd = $(MR_LIBS) -lm

FUZZ_HARNESSES = tests/fuzz/fuzz_config tests/fuzz/fuzz_when \
	tests/fuzz/fuzz_import_csv tests/fuzz/fuzz_import_jsonl tests/fuzz/fuzz_http \
	tests/fuzz/fuzz_qpp tests/fuzz/fuzz_reference tests/fuzz/fuzz_auth \
	tests/fuzz/fuzz_npilist tests/fuzz/fuzz_place tests/fuzz/fuzz_acklink \
	tests/fuzz/fuzz_webhook
check_PROGRAMS += $(FUZZ_HARNESSES)

tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c $(fuzz_common)
tests_fuzz_fuzz_config_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_config_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_config_LDFLAGS = $(fuzz_ldflags)

tests_fuzz_fuzz_when_SOURCES = tests/fuzz/fuzz_when.c $(fuzz_common)
tests_fuzz_fuzz_when_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_when_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_when_LDFLAGS = $(fuzz_ldflags)

tests_fuzz_fuzz_import_csv_SOURCES = tests/fuzz/fuzz_import.c $(fuzz_common)
tests_fuzz_fuzz_import_csv_CPPFLAGS = $(fuzz_cppflags) -DFUZZ_FORMAT=MR_FORMAT_CSV
tests_fuzz_fuzz_import_csv_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_import_csv_LDFLAGS = $(fuzz_ldflags)

tests_fuzz_fuzz_import_jsonl_SOURCES = tests/fuzz/fuzz_import.c $(fuzz_common)
tests_fuzz_fuzz_import_jsonl_CPPFLAGS = $(fuzz_cppflags) -DFUZZ_FORMAT=MR_FORMAT_JSONL
tests_fuzz_fuzz_import_jsonl_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_import_jsonl_LDFLAGS = $(fuzz_ldflags)

# The daemon's request path: its HTTP code without its log.
tests_fuzz_fuzz_http_SOURCES = tests/fuzz/fuzz_http.c daemon/http.c daemon/http.h \
	daemon/web.c daemon/web.h daemon/web_html.c daemon/web_html.h \
	daemon/web_http.c daemon/web_http.h daemon/auth.c daemon/auth.h \
	daemon/web_ack.c daemon/web_ack.h \
	daemon/api.c daemon/api.h $(fuzz_common)
tests_fuzz_fuzz_http_CPPFLAGS = $(fuzz_cppflags) $(MHD_CFLAGS)
tests_fuzz_fuzz_http_LDADD = $(fuzz_ldadd) $(MHD_LIBS) -lpthread
tests_fuzz_fuzz_http_LDFLAGS = $(fuzz_ldflags)

tests_fuzz_fuzz_qpp_SOURCES = tests/fuzz/fuzz_qpp.c $(fuzz_common)
tests_fuzz_fuzz_qpp_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_qpp_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_qpp_LDFLAGS = $(fuzz_ldflags)

# lookup --file's NPI lists; a practice's county and ZIP code
tests_fuzz_fuzz_acklink_SOURCES = tests/fuzz/fuzz_acklink.c $(fuzz_common)
tests_fuzz_fuzz_acklink_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_acklink_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_acklink_LDFLAGS = $(fuzz_ldflags)
tests_fuzz_fuzz_npilist_SOURCES = tests/fuzz/fuzz_npilist.c $(fuzz_common)
tests_fuzz_fuzz_npilist_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_npilist_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_npilist_LDFLAGS = $(fuzz_ldflags)
tests_fuzz_fuzz_place_SOURCES = tests/fuzz/fuzz_place.c $(fuzz_common)
tests_fuzz_fuzz_place_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_place_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_place_LDFLAGS = $(fuzz_ldflags)

# a webhook's secret file and URL
tests_fuzz_fuzz_webhook_SOURCES = tests/fuzz/fuzz_webhook.c $(fuzz_common)
tests_fuzz_fuzz_webhook_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_webhook_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_webhook_LDFLAGS = $(fuzz_ldflags)

tests_fuzz_fuzz_reference_SOURCES = tests/fuzz/fuzz_reference.c $(fuzz_common)
tests_fuzz_fuzz_reference_CPPFLAGS = $(fuzz_cppflags)
tests_fuzz_fuzz_reference_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_reference_LDFLAGS = $(fuzz_ldflags)

# what a client presents: the Authorization header, a CSRF token
tests_fuzz_fuzz_auth_SOURCES = tests/fuzz/fuzz_auth.c daemon/auth.c \
	daemon/auth.h $(fuzz_common)
tests_fuzz_fuzz_auth_CPPFLAGS = $(fuzz_cppflags) $(MHD_CFLAGS)
tests_fuzz_fuzz_auth_LDADD = $(fuzz_ldadd) $(MHD_LIBS) -lpthread
tests_fuzz_fuzz_auth_LDFLAGS = $(fuzz_ldflags)

TESTS += tests/fuzz/smoke.sh tests/fuzz/http_reach.sh
EXTRA_DIST += tests/fuzz/smoke.sh tests/fuzz/http_reach.sh tests/fuzz/run.sh \
	tests/fuzz/corpus

.PHONY: fuzz
fuzz:
	@MR_FUZZING='$(MR_FUZZING)' FUZZ_SECONDS='$(FUZZ_SECONDS)' \
	  top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	  MAKE='$(MAKE)' $(SHELL) $(srcdir)/tests/fuzz/run.sh $(FUZZ_HARNESSES)
CLEANFILES += fuzz-*.log tests/fuzz/smoke-*.log
clean-local: clean-fuzz
clean-fuzz:
	-rm -rf fuzz-build fuzz-corpus fuzz-findings
