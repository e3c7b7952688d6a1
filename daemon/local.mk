# daemon/: mipsreviewd.
sbin_PROGRAMS += daemon/mipsreviewd
daemon_mipsreviewd_CPPFLAGS = $(AM_CPPFLAGS) $(MR_LIB_CFLAGS) $(MHD_CFLAGS)
daemon_mipsreviewd_LDADD = $(MR_LIBS) $(MHD_LIBS) -lm
daemon_mipsreviewd_SOURCES = \
	daemon/main.c \
	daemon/log.c daemon/log.h
# calendar feed
daemon_mipsreviewd_SOURCES += daemon/http.c daemon/http.h daemon/feeds.c daemon/feeds.h \
	daemon/notify.c daemon/notify.h
daemon_mipsreviewd_LDADD += -lpthread
# Only the libraries the daemon's code uses (not libcurl's TLS stack): less memory.
daemon_mipsreviewd_LDFLAGS = -Wl,--as-needed
# alerts
daemon_mipsreviewd_SOURCES += daemon/sched.c daemon/sched.h
# the refresh of CMS's records of open cases (qpp_refresh)
daemon_mipsreviewd_SOURCES += daemon/refresh.c daemon/refresh.h
# the office's pages under /app
daemon_mipsreviewd_SOURCES += daemon/web.c daemon/web.h daemon/web_html.c \
	daemon/web_html.h daemon/web_http.c daemon/web_http.h \
	daemon/web_ack.c daemon/web_ack.h
# accounts: sessions, tokens, CSRF, sign-in; the JSON API
daemon_mipsreviewd_SOURCES += daemon/auth.c daemon/auth.h daemon/api.c daemon/api.h
