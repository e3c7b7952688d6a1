# man/: the reference manuals.
dist_man_MANS += man/mipsreview.1
dist_man_MANS += man/mipsreviewd.8 man/mipsreviewd.conf.5
