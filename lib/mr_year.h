/*
 * mr_year: which MIPS performance years the tracker accepts.
 *
 * MIPS began with performance year 2017.  CMS announces a year's rules
 * and deadlines during and after it, and an office starts tracking the
 * next year before it begins (hardship applications, planning), so the
 * last year accepted is the current one plus one, by the clock, and the
 * product does not expire.  Every command that takes a year asks here.
 */
#ifndef MR_YEAR_H
#define MR_YEAR_H

#include <time.h>

#include "lib/mr_err.h"

#define MR_YEAR_FIRST	2017

/* The calendar year (UTC) of now. */
int	mr_year_current(time_t now);
/* The last performance year accepted at now: the current year + 1. */
int	mr_year_last(time_t now);
/* 0 when year lies in MR_YEAR_FIRST..mr_year_last(now), else -1 and why. */
int	mr_year_check(int year, time_t now, struct mr_err *);
/* Parse and check a year given as text ("2026"). */
int	mr_year_parse(const char *s, time_t now, int *year, struct mr_err *);

#endif /* MR_YEAR_H */
