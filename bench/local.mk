# bench/: benchmarks (make bench); never part of make check.
# -- evidence (issue 6)
EXTRA_DIST += bench/attach.sh
.PHONY: bench bench-attach
bench: bench-attach
bench-attach: cli/mipsreview
	$(SHELL) $(srcdir)/bench/attach.sh ./cli/mipsreview
# -- calendar feeds (issue 4)
EXTRA_DIST += bench/feed.sh
.PHONY: bench-feed
bench: bench-feed
bench-feed: all
	$(SHELL) $(srcdir)/bench/feed.sh $(abs_top_builddir)
