#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "lib/mr_year.h"

int
mr_year_current(time_t now)
{
	/* Import asks once a row, with the same clock: gmtime_r() takes
	 * glibc's time zone lock each time. */
	static _Thread_local struct { int known, year; time_t now; } memo;
	struct tm tm;

	if (memo.known && memo.now == now)
		return memo.year;
	if (gmtime_r(&now, &tm) == NULL)
		return MR_YEAR_FIRST;
	memo.known = 1;
	memo.now = now;
	memo.year = tm.tm_year + 1900;
	return memo.year;
}

int
mr_year_last(time_t now)
{
	return mr_year_current(now) + 1;
}

int
mr_year_check(int year, time_t now, struct mr_err *err)
{
	int last = mr_year_last(now);

	if (year < MR_YEAR_FIRST || year > last)
		return mr_err_set(err, MR_EINVAL, "year '%d': MIPS performance "
		    "years run from %d (the first) to %d (next year)", year,
		    MR_YEAR_FIRST, last);
	return 0;
}

int
mr_year_parse(const char *s, time_t now, int *year, struct mr_err *err)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return mr_err_set(err, MR_EINVAL, "year: a performance year "
		    "like %d is expected", mr_year_current(now));
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < 0 || v > 99999)
		return mr_err_set(err, MR_EINVAL, "year '%s': a performance "
		    "year like %d is expected", s, mr_year_current(now));
	if (mr_year_check((int)v, now, err) == -1)
		return -1;
	*year = (int)v;
	return 0;
}
