# daemon/: mipsreviewd.
sbin_PROGRAMS += daemon/mipsreviewd
daemon_mipsreviewd_CPPFLAGS = $(AM_CPPFLAGS) $(MR_LIB_CFLAGS) $(MHD_CFLAGS)
daemon_mipsreviewd_LDADD = $(MR_LIBS) $(MHD_LIBS) -lm
daemon_mipsreviewd_SOURCES = \
	daemon/main.c \
	daemon/log.c daemon/log.h
# -- calendar feed (issue 4)
# -- alerts (issue 5)
