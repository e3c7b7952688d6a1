# bench/: benchmarks (make bench); never part of make check.
# -- calendar feeds (issue 4)
EXTRA_DIST += bench/feed.sh
.PHONY: bench bench-feed
bench: bench-feed
bench-feed: all
	$(SHELL) $(srcdir)/bench/feed.sh $(abs_top_builddir)
