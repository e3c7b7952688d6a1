#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/mr_config.h"
#include "lib/mr_curl.h"
#include "lib/mr_ident.h"
#include "lib/mr_input.h"
#include "lib/mr_qpp.h"

struct mr_qpp_client {
	struct mr_qpp_settings	 set;
	pthread_mutex_t		 lock;
	struct timespec		 next_slot;	/* CLOCK_MONOTONIC */
};

static int
copy_setting(char *dst, size_t len, const char *key, const char *v,
    struct mr_err *err)
{
	if (v == NULL)
		v = "";
	if ((size_t)snprintf(dst, len, "%s", v) >= len)
		return mr_err_set(err, MR_EINVAL, "%s: longer than %zu bytes",
		    key, len - 1);
	return 0;
}

int
mr_qpp_settings_from_config(const struct mr_config *cfg,
    struct mr_qpp_settings *s, struct mr_err *err)
{
	size_t n;

	memset(s, 0, sizeof *s);
	if (copy_setting(s->base_url, sizeof s->base_url, "qpp_api_url",
	    mr_config_get(cfg, MR_CFG_QPP_API_URL), err) == -1 ||
	    copy_setting(s->ca_file, sizeof s->ca_file, "qpp_ca_file",
	    mr_config_get(cfg, MR_CFG_QPP_CA_FILE), err) == -1)
		return -1;
	/* libcurl would wait forever on a FIFO named as the CA bundle. */
	if (s->ca_file[0] != '\0' &&
	    mr_input_check(s->ca_file, "qpp_ca_file", err) == -1)
		return -1;
	if (strncasecmp(s->base_url, "https://", 8) != 0)
		return mr_err_set(err, MR_EINVAL, "qpp_api_url '%s': https:// is "
		    "expected (CMS serves the API over TLS only)", s->base_url);
	n = strlen(s->base_url);
	while (n > 8 && s->base_url[n - 1] == '/')
		s->base_url[--n] = '\0';
	s->api_version = (int)mr_config_int(cfg, MR_CFG_QPP_API_VERSION);
	s->connect_timeout = (long)mr_config_int(cfg, MR_CFG_QPP_CONNECT_TIMEOUT);
	s->timeout = (long)mr_config_int(cfg, MR_CFG_QPP_TIMEOUT);
	s->retries = (int)mr_config_int(cfg, MR_CFG_QPP_RETRIES);
	s->max_wait = (int)mr_config_int(cfg, MR_CFG_QPP_MAX_WAIT);
	s->per_minute = (int)mr_config_int(cfg, MR_CFG_QPP_RATE_LIMIT);
	snprintf(s->user_agent, sizeof s->user_agent, "mipsreview/%s",
	    PACKAGE_VERSION);
	return 0;
}

int
mr_qpp_client_new(const struct mr_qpp_settings *set,
    struct mr_qpp_client **out, struct mr_err *err)
{
	struct mr_qpp_client *c;

	*out = NULL;
	if (mr_curl_load(err) == -1)
		return -1;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return mr_err_set(err, MR_EFAIL, "out of memory");
	c->set = *set;
	if (c->set.api_version == 0)
		c->set.api_version = MR_QPP_API_VERSION;
	pthread_mutex_init(&c->lock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &c->next_slot);
	*out = c;
	return 0;
}

void
mr_qpp_client_free(struct mr_qpp_client *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void
mr_qpp_answer_release(struct mr_qpp_answer *a)
{
	free(a->body);
	a->body = NULL;
	a->len = 0;
}

static void
ts_add_ms(struct timespec *t, long long ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static void
sleep_until(const struct timespec *t)
{
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL) == EINTR)
		;
}

/*
 * Wait for this request's turn: requests start at least 60/per_minute
 * seconds apart, whichever thread sends them.
 */
static void
rate_wait(struct mr_qpp_client *c)
{
	struct timespec now, slot;

	if (c->set.per_minute <= 0)
		return;
	pthread_mutex_lock(&c->lock);
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > c->next_slot.tv_sec || (now.tv_sec ==
	    c->next_slot.tv_sec && now.tv_nsec > c->next_slot.tv_nsec))
		c->next_slot = now;
	slot = c->next_slot;
	ts_add_ms(&c->next_slot, 60000LL / c->set.per_minute);
	pthread_mutex_unlock(&c->lock);
	sleep_until(&slot);
}

/* After a 429 or 5xx, every thread waits: the server asked all of us. */
static void
rate_pause(struct mr_qpp_client *c, long long ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	ts_add_ms(&until, ms);
	pthread_mutex_lock(&c->lock);
	if (until.tv_sec > c->next_slot.tv_sec || (until.tv_sec ==
	    c->next_slot.tv_sec && until.tv_nsec > c->next_slot.tv_nsec))
		c->next_slot = until;
	pthread_mutex_unlock(&c->lock);
}

struct sink {
	char		*p;
	size_t		 len, cap;
	int		 too_big, nomem;
	long long	 retry_after;	/* seconds, -1 none */
	char		 date[64];
	time_t		 now;
};

static size_t
body_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb, ncap;
	char *np;

	if (s->len + n > MR_QPP_MAX_BODY) {
		s->too_big = 1;
		return 0;
	}
	if (s->len + n + 1 > s->cap) {
		ncap = s->cap ? s->cap : 16384;
		while (ncap < s->len + n + 1)
			ncap *= 2;
		if ((np = realloc(s->p, ncap)) == NULL) {
			s->nomem = 1;
			return 0;
		}
		s->p = np;
		s->cap = ncap;
	}
	memcpy(s->p + s->len, data, n);
	s->len += n;
	s->p[s->len] = '\0';
	return n;
}

/* The value of header name in line (without CR LF) into buf, or NULL. */
static const char *
header_value(const char *line, size_t n, const char *name, char *buf,
    size_t len)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return NULL;
	line += k + 1;
	n -= k + 1;
	while (n > 0 && (*line == ' ' || *line == '\t'))
		line++, n--;
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n' ||
	    line[n - 1] == ' '))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(buf, line, n);
	buf[n] = '\0';
	/* Only printable ASCII is kept: the Date goes into records and packets. */
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	return buf;
}

static size_t
header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	char v[128], *end;
	struct tm tm;
	long long secs;

	/* A new response (after a 100 Continue, say) starts afresh. */
	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		s->retry_after = -1;
		s->date[0] = '\0';
	}
	if (header_value(data, n, "Date", s->date, sizeof s->date) == NULL &&
	    header_value(data, n, "Retry-After", v, sizeof v) != NULL) {
		/* RFC 9110 10.2.3: delay-seconds or an HTTP-date. */
		errno = 0;
		secs = strtoll(v, &end, 10);
		if (end != v && *end == '\0' && errno == 0 && secs >= 0)
			s->retry_after = secs;
		else {
			memset(&tm, 0, sizeof tm);
			end = strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm);
			if (end != NULL && *end == '\0') {
				secs = (long long)timegm(&tm) - (long long)s->now;
				s->retry_after = secs < 0 ? 0 : secs;
			}
		}
	}
	return n;
}

/* The "message" of CMS's error body ({"error":{"type","message"}}), if any. */
static void
error_message(const char *body, size_t len, char *buf, size_t buflen)
{
	const char *p, *q;
	size_t n;

	buf[0] = '\0';
	if (body == NULL || (p = strstr(body, "\"message\"")) == NULL ||
	    (size_t)(p - body) >= len)
		return;
	if ((p = strchr(p + 9, '"')) == NULL || (q = strchr(p + 1, '"')) == NULL)
		return;
	n = (size_t)(q - p - 1);
	if (n >= buflen)
		n = buflen - 1;
	memcpy(buf, p + 1, n);
	buf[n] = '\0';
	for (char *c = buf; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f)
			*c = ' ';
}

static int
curl_failure(const struct mr_qpp_client *c, CURLcode cc, const char *errbuf,
    const char *host, struct mr_err *err)
{
	const char *why = errbuf[0] ? errbuf : mr_curl.easy_strerror(cc);

	switch (cc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return mr_err_set(err, MR_ETLS, "%s: the server's certificate "
		    "was refused (%s); nothing was stored.  If the server is "
		    "genuine, name its CA in qpp_ca_file", host, why);
	case CURLE_OPERATION_TIMEDOUT:
		return mr_err_set(err, MR_ENET, "%s: no answer within %ld s (%s); "
		    "nothing was stored.  Try again later, or raise qpp_timeout",
		    host, c->set.timeout, why);
	default:
		return mr_err_set(err, MR_ENET, "%s: cannot be reached (%s); "
		    "nothing was stored.  Check the network or qpp_api_url",
		    host, why);
	}
}

int
mr_qpp_fetch(struct mr_qpp_client *c, const char *npi, int year, int run,
    time_t now, struct mr_qpp_answer *ans, struct mr_err *err)
{
	char accept[96], errbuf[CURL_ERROR_SIZE], msg[160], host[128];
	struct curl_slist *hdrs = NULL, *l;
	struct sink s = { .retry_after = -1 };
	const char *h;
	long long wait_ms, backoff_ms = 1000;
	CURL *curl = NULL;
	CURLcode cc;
	int rc = -1, n;

	memset(ans, 0, sizeof *ans);
	if (mr_npi_validate(npi, err) == -1)
		return -1;
	if (run < 0 || run > 4)
		return mr_err_set(err, MR_EINVAL, "run %d: CMS loads a year's data "
		    "at most four times; give 1 to 4", run);
	n = run > 0 ? snprintf(ans->url, sizeof ans->url,
	    "%s/api/eligibility/npis/%s?year=%d&runNum=%d", c->set.base_url, npi,
	    year, run) : snprintf(ans->url, sizeof ans->url,
	    "%s/api/eligibility/npis/%s?year=%d", c->set.base_url, npi, year);
	if (n < 0 || (size_t)n >= sizeof ans->url)
		return mr_err_set(err, MR_EINVAL, "qpp_api_url is too long");
	h = c->set.base_url + 8;
	snprintf(host, sizeof host, "%.*s", (int)strcspn(h, "/"), h);
	snprintf(accept, sizeof accept, "Accept: application/vnd.qpp.cms.gov."
	    "v%d+json", c->set.api_version);
	if ((curl = mr_curl.easy_init()) == NULL ||
	    (l = mr_curl.slist_append(NULL, accept)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	hdrs = l;
	mr_curl.easy_setopt(curl, CURLOPT_URL, ans->url);
	mr_curl.easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	mr_curl.easy_setopt(curl, CURLOPT_USERAGENT, c->set.user_agent);
	mr_curl.easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	mr_curl.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	mr_curl.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, c->set.connect_timeout);
	mr_curl.easy_setopt(curl, CURLOPT_TIMEOUT, c->set.timeout);
	mr_curl.easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	mr_curl.easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	mr_curl.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	mr_curl.easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
#else
	mr_curl.easy_setopt(curl, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	mr_curl.easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)MR_QPP_MAX_BODY);
	if (c->set.ca_file[0] != '\0')
		mr_curl.easy_setopt(curl, CURLOPT_CAINFO, c->set.ca_file);
	mr_curl.easy_setopt(curl, CURLOPT_WRITEFUNCTION, body_cb);
	mr_curl.easy_setopt(curl, CURLOPT_WRITEDATA, &s);
	mr_curl.easy_setopt(curl, CURLOPT_HEADERFUNCTION, header_cb);
	mr_curl.easy_setopt(curl, CURLOPT_HEADERDATA, &s);

	for (;;) {
		s.len = 0;
		s.too_big = s.nomem = 0;
		s.retry_after = -1;
		s.date[0] = '\0';
		s.now = now;
		errbuf[0] = '\0';
		ans->attempts++;
		rate_wait(c);
		cc = mr_curl.easy_perform(curl);
		if (s.nomem) {
			mr_err_set(err, MR_EFAIL, "out of memory");
			goto out;
		}
		if (s.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
			mr_err_set(err, MR_EREMOTE, "%s: the answer is larger than "
			    "%u MiB, which no eligibility record is; nothing was "
			    "stored", host, MR_QPP_MAX_BODY >> 20);
			goto out;
		}
		if (cc != CURLE_OK) {
			curl_failure(c, cc, errbuf, host, err);
			goto out;
		}
		mr_curl.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &ans->status);
		if (ans->status != 429 && (ans->status < 500 || ans->status > 599))
			break;
		if (ans->attempts > c->set.retries) {
			mr_err_set(err, MR_ENET, "%s: %s (HTTP %ld) after %d "
			    "attempts; nothing was stored.  Try again later",
			    host, ans->status == 429 ? "too many requests" :
			    "the server failed", ans->status, ans->attempts);
			goto out;
		}
		wait_ms = s.retry_after >= 0 ? s.retry_after * 1000 : backoff_ms;
		if (wait_ms > (long long)c->set.max_wait * 1000) {
			mr_err_set(err, MR_ENET, "%s: %s (HTTP %ld) and asks to "
			    "wait %lld s, more than qpp_max_wait (%d s); nothing "
			    "was stored.  Try again later", host, ans->status ==
			    429 ? "too many requests" : "the server failed",
			    ans->status, wait_ms / 1000, c->set.max_wait);
			goto out;
		}
		backoff_ms *= 2;
		rate_pause(c, wait_ms);
	}
	if (ans->status == 404) {
		mr_err_set(err, MR_ENOTFOUND, "CMS has no eligibility record for "
		    "NPI %s in performance year %d (HTTP 404); nothing was "
		    "stored", npi, year);
		goto out;
	}
	if (ans->status != 200) {
		error_message(s.p, s.len, msg, sizeof msg);
		mr_err_set(err, MR_EREMOTE, "%s: unexpected answer HTTP %ld%s%s%s "
		    "for NPI %s; nothing was stored", host, ans->status,
		    msg[0] ? " (" : "", msg, msg[0] ? ")" : "", npi);
		goto out;
	}
	if (s.p == NULL && (s.p = calloc(1, 1)) == NULL) {
		mr_err_set(err, MR_EFAIL, "out of memory");
		goto out;
	}
	ans->body = s.p;
	ans->len = s.len;
	s.p = NULL;
	snprintf(ans->server_date, sizeof ans->server_date, "%s", s.date);
	ans->retrieved_at = now;
	rc = 0;
out:
	free(s.p);
	mr_curl.slist_free_all(hdrs);
	if (curl != NULL)
		mr_curl.easy_cleanup(curl);
	return rc;
}
