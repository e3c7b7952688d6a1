# contrib/: quick start, dependency installer, service files, completion.
EXTRA_DIST += contrib/install-deps.sh contrib/quickstart.sh contrib/run-tests.sh \
	contrib/build-deb.sh contrib/mipsreview.bash-completion \
	tests/installed/tour.sh tests/installed/system.sh \
	debian/changelog debian/control debian/copyright debian/rules \
	debian/postinst debian/postrm debian/source/format \
	debian/mipsreview.lintian-overrides
bashcompletiondir = $(datadir)/bash-completion/completions
bashcompletion_DATA = contrib/mipsreview
CLEANFILES += contrib/mipsreview
contrib/mipsreview: contrib/mipsreview.bash-completion
	$(AM_V_GEN)$(MKDIR_P) contrib && cp $(srcdir)/contrib/mipsreview.bash-completion $@
# calendar feeds
EXTRA_DIST += contrib/mipsreviewd.service.in contrib/mipsreviewd.conf.example
if HAVE_SYSTEMD
systemdsystemunit_DATA = contrib/mipsreviewd.service
CLEANFILES += contrib/mipsreviewd.service
contrib/mipsreviewd.service: contrib/mipsreviewd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib && \
	$(SED) -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/contrib/mipsreviewd.service.in >$@-t && mv -f $@-t $@
endif
# while it is still the unedited sample.
MRD_CONF = $(DESTDIR)$(sysconfdir)/mipsreview/mipsreviewd.conf
install-data-hook: install-mipsreviewd-conf
uninstall-hook: uninstall-mipsreviewd-conf
.PHONY: install-mipsreviewd-conf uninstall-mipsreviewd-conf
install-mipsreviewd-conf:
	$(MKDIR_P) '$(DESTDIR)$(sysconfdir)/mipsreview'
	test -f '$(MRD_CONF)' || \
	  $(INSTALL_DATA) $(srcdir)/contrib/mipsreviewd.conf.example '$(MRD_CONF)'
uninstall-mipsreviewd-conf:
	if cmp -s $(srcdir)/contrib/mipsreviewd.conf.example '$(MRD_CONF)'; then \
	  rm -f '$(MRD_CONF)'; \
	  rmdir '$(DESTDIR)$(sysconfdir)/mipsreview' 2>/dev/null || :; fi
# alerts
EXTRA_DIST += contrib/mipsreview.cron
