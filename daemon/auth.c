#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "daemon/auth.h"
#include "daemon/log.h"
#include "lib/mr_store.h"
#include "lib/mr_user.h"

static int secure_cookies;
/* Read by the server's thread and the sign-in threads; set at SIGHUP. */
static pthread_mutex_t limits_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mr_session_limits limits = {
	.idle = MR_SESSION_IDLE_DEFAULT,
	.absolute = MR_SESSION_ABSOLUTE_DEFAULT,
};

void
auth_init(int secure, time_t idle, time_t absolute)
{
	pthread_mutex_lock(&limits_lock);
	secure_cookies = secure;
	limits.idle = idle;
	limits.absolute = absolute;
	pthread_mutex_unlock(&limits_lock);
}

static struct mr_session_limits
session_limits(void)
{
	struct mr_session_limits l;

	pthread_mutex_lock(&limits_lock);
	l = limits;
	pthread_mutex_unlock(&limits_lock);
	return l;
}

/*
 * Failed sign-ins, per account name and per address: a small table each,
 * the stalest entry giving way to a new one.  Under fail_lock.
 */
#define FAIL_SLOTS	256
#define FAIL_FREE	4		/* failures before any wait */
#define FAIL_FIRST_WAIT	30		/* seconds, doubling with each failure */
#define FAIL_MAX_WAIT	(15 * 60)

struct fail {
	char	 key[72];
	int	 count;
	time_t	 last;
};

static struct fail by_name[FAIL_SLOTS], by_addr[FAIL_SLOTS];
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

static struct fail *
fail_find(struct fail *t, const char *key, int create)
{
	struct fail *stalest = &t[0];

	for (int i = 0; i < FAIL_SLOTS; i++) {
		if (t[i].count > 0 && strcmp(t[i].key, key) == 0)
			return &t[i];
		if (t[i].count == 0 || t[i].last < stalest->last)
			stalest = &t[i];
	}
	if (!create)
		return NULL;
	memset(stalest, 0, sizeof *stalest);
	snprintf(stalest->key, sizeof stalest->key, "%s", key);
	return stalest;
}

/* Seconds still to wait after count failures, the last at last; 0: none. */
static time_t
count_wait(int count, time_t last, time_t now)
{
	time_t wait;

	if (count <= FAIL_FREE)
		return 0;
	wait = count - FAIL_FREE >= 8 ? FAIL_MAX_WAIT :
	    (time_t)FAIL_FIRST_WAIT << (count - FAIL_FREE - 1);
	if (wait > FAIL_MAX_WAIT)
		wait = FAIL_MAX_WAIT;
	return last + wait > now ? last + wait - now : 0;
}

static time_t
fail_wait(const struct fail *f, time_t now)
{
	return f == NULL ? 0 : count_wait(f->count, f->last, now);
}

static time_t
longest(time_t a, time_t b)
{
	return a > b ? a : b;
}

void
auth_client_address(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	snprintf(buf, len, "unknown");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    buf, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
		    (socklen_t)len);
}

int
auth_bearer(const char *h, char *out, size_t outlen)
{
	size_t n;

	if (h == NULL || strncasecmp(h, "Bearer", 6) != 0 ||
	    (h[6] != ' ' && h[6] != '\t'))
		return 0;
	h += 6;
	while (*h == ' ' || *h == '\t')
		h++;
	n = strcspn(h, " \t");
	if (n == 0 || n >= outlen || h[n + strspn(h + n, " \t")] != '\0')
		return 0;
	memcpy(out, h, n);
	out[n] = '\0';
	return 1;
}

int
auth_principal(struct MHD_Connection *c, struct mr_store *st,
    struct mr_principal *p, char *sid, struct mr_err *err)
{
	const struct mr_session_limits lim = session_limits();
	struct mr_err lerr = { 0 };
	const char *h, *cookie;
	char token[MR_TOKEN_LEN + 2];

	memset(p, 0, sizeof *p);
	sid[0] = '\0';
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h != NULL) {
		/* A wrong token is nobody, not the cookie's owner. */
		if (!auth_bearer(h, token, sizeof token))
			return AUTH_NONE;
		if (mr_user_by_token(st, token, p, &lerr) == 0)
			return AUTH_TOKEN;
		if (lerr.code != MR_ENOTFOUND) {
			*err = lerr;
			return -1;
		}
		return AUTH_NONE;
	}
	cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, AUTH_COOKIE);
	if (cookie == NULL || strlen(cookie) != MR_SECRET_LEN)
		return AUTH_NONE;
	if (mr_session_lookup(st, cookie, &lim, p, &lerr) == 0) {
		memcpy(sid, cookie, MR_SECRET_LEN + 1);
		return AUTH_SESSION;
	}
	if (lerr.code != MR_ENOTFOUND) {
		*err = lerr;
		return -1;
	}
	return AUTH_NONE;
}

int
auth_csrf_ok(enum auth_via via, const char *sid, const char *presented)
{
	if (via == AUTH_TOKEN)
		return 1;
	return via == AUTH_SESSION && mr_session_csrf_check(sid, presented);
}

static void
set_cookie(char *out, const char *value, long max_age)
{
	snprintf(out, AUTH_SET_COOKIE_LEN, "%s=%s; Path=/; HttpOnly; "
	    "SameSite=Strict%s; Max-Age=%ld", AUTH_COOKIE, value,
	    secure_cookies ? "; Secure" : "", max_age);
}

int
auth_login_form(time_t now, char *out, char *csrf, struct mr_err *err)
{
	char nonce[MR_SECRET_LEN + 1], value[32 + MR_SECRET_LEN];

	if (mr_secret_random(nonce, err) == -1)
		return -1;
	/* The time is inside the hashed value: it cannot be moved on. */
	snprintf(value, sizeof value, "%lld.%s", (long long)now, nonce);
	mr_session_csrf(value, csrf);
	snprintf(out, AUTH_SET_COOKIE_LEN, "%s=%s; Path=/app/login; HttpOnly; "
	    "SameSite=Strict%s; Max-Age=%d", AUTH_LOGIN_COOKIE, value,
	    secure_cookies ? "; Secure" : "", AUTH_LOGIN_FORM_TTL);
	memset(nonce, 0, sizeof nonce);
	memset(value, 0, sizeof value);
	return 0;
}

int
auth_login_csrf_ok(struct MHD_Connection *c, time_t now, const char *presented)
{
	const char *value, *dot;
	char *end;
	long long made;

	value = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
	    AUTH_LOGIN_COOKIE);
	if (value == NULL || (dot = strchr(value, '.')) == NULL ||
	    strlen(dot + 1) != MR_SECRET_LEN)
		return 0;
	made = strtoll(value, &end, 10);
	if (end != dot || made > (long long)now ||
	    (long long)now - made > AUTH_LOGIN_FORM_TTL)
		return 0;
	return mr_session_csrf_check(value, presented);
}

struct auth_login_job {
	struct MHD_Connection	*c;
	char			*db_path;
	char			*name;
	char			*password;
	char			 addr[INET6_ADDRSTRLEN + 1];
	int			 done;		/* under job_lock */
	enum auth_login_result	 result;
	time_t			 retry_after;
	char			 cookie[AUTH_SET_COOKIE_LEN];
	struct mr_err		 err;
};

static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cond = PTHREAD_COND_INITIALIZER;
static int jobs;		/* under way, under job_lock */

static void
check(struct auth_login_job *j)
{
	struct mr_store *st = NULL;
	struct mr_principal p;
	struct mr_login_failures kept;
	struct mr_err lerr = { 0 };
	struct fail *fn, *fa;
	char sid[MR_SECRET_LEN + 1];
	time_t now = time(NULL), wn, wa;

	j->result = AUTH_LOGIN_ERROR;
	if (mr_store_open(j->db_path, &st, &j->err) == -1)
		return;
	/* The counts in memory (any name) and those kept across restarts
	 * (accounts, addresses): the larger wait holds. */
	if (mr_login_failures_get(st, j->name, j->addr, &kept, &j->err) == -1)
		goto out;
	pthread_mutex_lock(&fail_lock);
	wn = fail_wait(fail_find(by_name, j->name, 0), now);
	wa = fail_wait(fail_find(by_addr, j->addr, 0), now);
	pthread_mutex_unlock(&fail_lock);
	wn = longest(wn, count_wait(kept.name_count, kept.name_last, now));
	wa = longest(wa, count_wait(kept.addr_count, kept.addr_last, now));
	if (wn > 0 || wa > 0) {
		j->retry_after = longest(wn, wa);
		j->result = AUTH_LOGIN_SLOWED;
		goto out;
	}
	if (mr_user_login(st, j->name, j->password, &p, &lerr) == -1) {
		if (lerr.code != MR_ENOTFOUND) {
			j->err = lerr;
			goto out;
		}
		pthread_mutex_lock(&fail_lock);
		fn = fail_find(by_name, j->name, 1);
		fn->count++;
		fn->last = now;
		fa = fail_find(by_addr, j->addr, 1);
		fa->count++;
		fa->last = now;
		pthread_mutex_unlock(&fail_lock);
		if (mr_login_failed(st, j->name, j->addr, &lerr) == -1)
			log_warnx("auth: %s", lerr.msg);
		/* The name as given may be anything: only its length is logged. */
		log_warnx("auth: failed sign-in from %s (%zu-character name)",
		    j->addr, strlen(j->name));
		j->result = AUTH_LOGIN_WRONG;
		goto out;
	}
	if (mr_session_create(st, p.user_id, sid, sizeof sid, &j->err) == -1) {
		mr_principal_clear(&p);
		goto out;
	}
	pthread_mutex_lock(&fail_lock);
	if ((fn = fail_find(by_name, j->name, 0)) != NULL)
		fn->count = 0;
	if ((fa = fail_find(by_addr, j->addr, 0)) != NULL)
		fa->count = 0;
	pthread_mutex_unlock(&fail_lock);
	if (mr_login_succeeded(st, p.user_id, j->addr, &lerr) == -1)
		log_warnx("auth: %s", lerr.msg);
	log_info("auth: %s signed in from %s", p.name, j->addr);
	set_cookie(j->cookie, sid, (long)session_limits().absolute);
	memset(sid, 0, sizeof sid);
	mr_principal_clear(&p);
	j->result = AUTH_LOGIN_OK;
out:
	mr_store_close(st);
}

static void *
login_thread(void *arg)
{
	struct auth_login_job *j = arg;

	check(j);
	memset(j->password, 0, strlen(j->password));
	pthread_mutex_lock(&job_lock);
	j->done = 1;
	MHD_resume_connection(j->c);
	jobs--;
	pthread_cond_broadcast(&job_cond);
	pthread_mutex_unlock(&job_lock);
	return NULL;
}

static void
job_free(struct auth_login_job *j)
{
	if (j == NULL)
		return;
	if (j->password != NULL) {
		memset(j->password, 0, strlen(j->password));
		free(j->password);
	}
	free(j->name);
	free(j->db_path);
	memset(j->cookie, 0, sizeof j->cookie);
	free(j);
}

struct auth_login_job *
auth_login_start(struct MHD_Connection *c, const char *db_path,
    const char *name, const char *password)
{
	struct auth_login_job *j = calloc(1, sizeof *j);
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	if (j == NULL)
		return NULL;
	j->c = c;
	j->db_path = strdup(db_path ? db_path : "");
	j->name = strdup(name ? name : "");
	j->password = strdup(password ? password : "");
	if (j->db_path == NULL || j->name == NULL || j->password == NULL) {
		job_free(j);
		return NULL;
	}
	auth_client_address(c, j->addr, sizeof j->addr);
	MHD_suspend_connection(c);
	pthread_mutex_lock(&job_lock);
	jobs++;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, login_thread, j);
	pthread_attr_destroy(&attr);
	if (rc != 0)
		jobs--;
	pthread_mutex_unlock(&job_lock);
	if (rc != 0) {
		MHD_resume_connection(c);
		job_free(j);
		return NULL;
	}
	return j;
}

int
auth_login_done(struct auth_login_job *j)
{
	int done;

	pthread_mutex_lock(&job_lock);
	done = j->done;
	pthread_mutex_unlock(&job_lock);
	return done;
}

enum auth_login_result
auth_login_finish(struct auth_login_job *j, char *cookie, time_t *retry_after,
    struct mr_err *err)
{
	enum auth_login_result r = j->result;

	memcpy(cookie, j->cookie, AUTH_SET_COOKIE_LEN);
	*retry_after = j->retry_after;
	*err = j->err;
	job_free(j);
	return r;
}

void
auth_drain(void)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&job_lock);
	while (jobs > 0 && pthread_cond_timedwait(&job_cond, &job_lock,
	    &until) == 0)
		;
	pthread_mutex_unlock(&job_lock);
}

int
auth_logout(struct MHD_Connection *c, struct mr_store *st, char *cookie,
    struct mr_err *err)
{
	const char *sid = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
	    AUTH_COOKIE);

	set_cookie(cookie, "", 0);
	if (sid == NULL)
		return 0;
	return mr_session_end(st, sid, err);
}
