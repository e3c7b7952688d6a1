# bench/: benchmarks (make bench); never part of make check.
# The generator is built only for make bench (EXTRA_PROGRAMS).
EXTRA_PROGRAMS = bench/mrgen
bench_mrgen_SOURCES = bench/mrgen.c
bench_mrgen_LDADD = lib/libmipsreview.a
CLEANFILES += bench/mrgen$(EXEEXT)
EXTRA_DIST += bench/run.sh bench/RESULTS.md
# bench/run.sh times side by side and writes bench/RESULTS.md; see it for
# the hooks where other benchmarks plug in.
.PHONY: bench
bench: cli/mipsreview$(EXEEXT) bench/mrgen$(EXEEXT)
	top_builddir='$(abs_top_builddir)' top_srcdir='$(abs_top_srcdir)' \
	  $(SHELL) $(srcdir)/bench/run.sh
