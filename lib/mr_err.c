#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "lib/mr_err.h"

int
mr_err_set(struct mr_err *err, enum mr_errcode code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

void
mr_err_clear(struct mr_err *err)
{
	if (err == NULL)
		return;
	err->code = MR_EOK;
	err->msg[0] = '\0';
}
