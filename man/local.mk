# man/: the reference manuals.
dist_man_MANS += man/mipsreview.1
