# man/: the reference manuals.
dist_man_MANS += man/mipsreview.1
dist_man_MANS += man/mipsreviewd.8 man/mipsreviewd.conf.5
# the JSON API and its accounts
dist_man_MANS += man/mipsreviewd-api.7
