# contrib/: quick start, dependency installer, service files, completion.
EXTRA_DIST += contrib/install-deps.sh contrib/quickstart.sh contrib/run-tests.sh \
	contrib/mipsreview.bash-completion
bashcompletiondir = $(datadir)/bash-completion/completions
bashcompletion_DATA = contrib/mipsreview
CLEANFILES += contrib/mipsreview
contrib/mipsreview: contrib/mipsreview.bash-completion
	$(AM_V_GEN)$(MKDIR_P) contrib && cp $(srcdir)/contrib/mipsreview.bash-completion $@
# -- calendar feeds (issue 4)
# -- alerts (issue 5)
