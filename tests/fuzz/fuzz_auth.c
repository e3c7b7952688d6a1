/*
 * What a client presents to prove who it is, before any database is
 * asked: an Authorization header (the first line), and a session's CSRF
 * token checked against a session identifier (the second line's first
 * 43 characters, then the rest).  A token the header yields is as long
 * as the buffer allows and holds no blank.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "daemon/auth.h"
#include "daemon/log.h"
#include "lib/mr_user.h"
#include "tests/fuzz/fuzz.h"

void
log_warnx(const char *fmt, ...)
{
	(void)fmt;
}

void
log_info(const char *fmt, ...)
{
	(void)fmt;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *nl, *second = NULL;
	char token[MR_TOKEN_LEN + 2], sid[MR_SECRET_LEN + 1];

	if ((nl = strchr(text, '\n')) != NULL) {
		*nl = '\0';
		second = nl + 1;
	}
	if (auth_bearer(text, token, sizeof token) &&
	    (strlen(token) >= sizeof token || strpbrk(token, " \t") != NULL))
		abort();
	if (second != NULL && strlen(second) >= MR_SECRET_LEN) {
		memcpy(sid, second, MR_SECRET_LEN);
		sid[MR_SECRET_LEN] = '\0';
		(void)auth_csrf_ok(AUTH_SESSION, sid, second + MR_SECRET_LEN);
		(void)auth_csrf_ok(AUTH_NONE, sid, second + MR_SECRET_LEN);
	}
	free(text);
	return 0;
}
