# bench/: benchmarks (make bench); never part of make check.
# The generator is built only for make bench (EXTRA_PROGRAMS).
EXTRA_PROGRAMS = bench/mrgen
bench_mrgen_SOURCES = bench/mrgen.c
bench_mrgen_LDADD = lib/libmipsreview.a
CLEANFILES += bench/mrgen$(EXEEXT)
EXTRA_DIST += bench/run.sh bench/ratios.py bench/RESULTS.md
# the hooks where other benchmarks plug in.
.PHONY: bench bench-import
bench: bench-import
bench-import: all bench/mrgen$(EXEEXT)
	top_builddir='$(abs_top_builddir)' top_srcdir='$(abs_top_srcdir)' \
	  $(SHELL) $(srcdir)/bench/run.sh
# evidence
EXTRA_DIST += bench/attach.sh
.PHONY: bench-attach
bench-attach: cli/mipsreview
	$(SHELL) $(srcdir)/bench/attach.sh ./cli/mipsreview
# calendar feeds
EXTRA_DIST += bench/feed.sh
.PHONY: bench-feed
bench-feed: all
	$(SHELL) $(srcdir)/bench/feed.sh $(abs_top_builddir)
# the office's pages and API
EXTRA_DIST += bench/web.py
.PHONY: bench-web
bench-web: all bench/mrgen$(EXEEXT)
	/usr/bin/python3 $(srcdir)/bench/web.py ./cli/mipsreview \
	  ./daemon/mipsreviewd ./bench/mrgen bench-web.md
CLEANFILES += bench-web.md
