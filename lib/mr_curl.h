/*
 * mr_curl: libcurl, opened on first use (lib/mr_dl.h).  Linked in, it and
 * the libraries it brings (Kerberos, LDAP, SSH, HTTP/2, ...) cost every
 * mipsreview command about 4.5 ms of start-up, while only the commands
 * that send mail or ask CMS's eligibility service need it.
 */
#ifndef MR_CURL_H
#define MR_CURL_H

#include <curl/curl.h>

#include "lib/mr_err.h"

/* The functions used, filled by mr_curl_load(). */
struct mr_curl_api {
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_perform)(CURL *);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	void		 (*easy_cleanup)(CURL *);
	const char	*(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		 (*slist_free_all)(struct curl_slist *);
};

extern struct mr_curl_api mr_curl;

/*
 * Open libcurl and initialise it, once per process (thread-safe); later
 * calls return at once.  -1 (MR_EFAIL) names the package to install.
 */
int	mr_curl_load(struct mr_err *);

#endif /* MR_CURL_H */
