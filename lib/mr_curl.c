#include "config.h"

#include <pthread.h>
#include <stdio.h>

#include "lib/mr_curl.h"
#include "lib/mr_dl.h"

struct mr_curl_api mr_curl;

static struct {
	int	 loaded;
	char	 why[200];
} state;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
load(void)
{
	CURLcode (*global_init)(long) = NULL;
	const struct mr_dl_sym syms[] = {
		{ "curl_global_init", (void **)&global_init },
		{ "curl_easy_init", (void **)&mr_curl.easy_init },
		{ "curl_easy_setopt", (void **)&mr_curl.easy_setopt },
		{ "curl_easy_perform", (void **)&mr_curl.easy_perform },
		{ "curl_easy_getinfo", (void **)&mr_curl.easy_getinfo },
		{ "curl_easy_cleanup", (void **)&mr_curl.easy_cleanup },
		{ "curl_easy_strerror", (void **)&mr_curl.easy_strerror },
		{ "curl_slist_append", (void **)&mr_curl.slist_append },
		{ "curl_slist_free_all", (void **)&mr_curl.slist_free_all },
		{ NULL, NULL }
	};

	if (mr_dl_load("libcurl.so.4", "libcurl4", syms, state.why,
	    sizeof state.why) == -1)
		return;
	/* Once, before any thread uses libcurl (it is not thread-safe). */
	if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(state.why, sizeof state.why, "curl_global_init failed");
		return;
	}
	state.loaded = 1;	/* kept for the life of the process */
}

int
mr_curl_load(struct mr_err *err)
{
	pthread_once(&once, load);
	if (!state.loaded)
		return mr_err_set(err, MR_EFAIL, "%s", state.why);
	return 0;
}
