/*
 * mr_qpp: a client of CMS's public QPP Eligibility API (read-only, no
 * login): GET {qpp_api_url}/api/eligibility/npis/{npi}?year=YYYY[&runNum=N]
 * with "Accept: application/vnd.qpp.cms.gov.v6+json" (the API version is
 * a setting; CMS serves v4 to v6).
 *
 * TLS is always verified (qpp_ca_file names other CA certificates; there is
 * no switch to turn verification off).  Each request has a connect and a
 * total timeout; a 429 or 5xx answer is retried after the server's
 * Retry-After, or with a doubling back-off, up to qpp_retries times; all
 * requests of one client are spaced by qpp_rate_limit, across threads.
 *
 * Failures are told apart, so callers can exit with distinct statuses:
 * MR_ENET (no answer, or busy after retries), MR_ETLS (certificate
 * refused), MR_ENOTFOUND (404: CMS has no record), MR_EREMOTE (anything
 * else unexpected: 400, another status, a body over the size limit).
 */
#ifndef MR_QPP_H
#define MR_QPP_H

#include <stddef.h>
#include <time.h>

#include "lib/mr_err.h"

struct mr_config;

/* The API version spoken unless qpp_api_version says otherwise. */
#define MR_QPP_API_VERSION	6
/* The largest answer accepted: a record is a few kilobytes. */
#define MR_QPP_MAX_BODY		(4u << 20)

struct mr_qpp_settings {
	char		 base_url[256];	/* no trailing slash */
	int		 api_version;
	char		 ca_file[256];	/* "" for the system's */
	long		 connect_timeout;	/* seconds */
	long		 timeout;	/* seconds, whole request */
	int		 retries;	/* on 429 and 5xx */
	int		 max_wait;	/* longest Retry-After honoured, seconds */
	int		 per_minute;	/* requests per minute; 0 no limit */
	char		 user_agent[64];
};

/* Settings from a configuration (the qpp_* keys; defaults when unset). */
int	mr_qpp_settings_from_config(const struct mr_config *,
	    struct mr_qpp_settings *, struct mr_err *);

struct mr_qpp_client;

/* A client; it may be shared by threads (fetches are spaced across them). */
int	mr_qpp_client_new(const struct mr_qpp_settings *,
	    struct mr_qpp_client **, struct mr_err *);
void	mr_qpp_client_free(struct mr_qpp_client *);

/* One answer, as received. */
struct mr_qpp_answer {
	long		 status;	/* HTTP status */
	char		*body;		/* exactly the bytes received, NUL after */
	size_t		 len;
	char		 url[512];	/* what was asked */
	char		 server_date[64];	/* the Date header, "" if none */
	time_t		 retrieved_at;
	int		 attempts;
};

void	mr_qpp_answer_release(struct mr_qpp_answer *);

/*
 * Ask for npi's record of year (run 0: CMS's latest data load).  The NPI
 * must pass its check digit.  On success (HTTP 200) *ans holds the bytes;
 * on failure nothing is kept and the error says which kind (see above).
 * now() is the clock used for retrieved_at.
 */
int	mr_qpp_fetch(struct mr_qpp_client *, const char *npi, int year, int run,
	    time_t now, struct mr_qpp_answer *ans, struct mr_err *);

#endif /* MR_QPP_H */
