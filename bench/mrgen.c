/*
 * mrgen: a synthetic national population of MIPS clinicians as an import
 * CSV, the same bytes for the same arguments.
 *
 *	mrgen [ROWS] > population.csv		(default 541,421: PY2023's count)
 *
 * Shape, from ../shared/domain.md section 6: final scores cluster high
 * (PY2023 median 85.49; 2.26% at the full -9%, scores <= 18.75; 12.3% a
 * partial penalty, scores 18.75-75); practices from solo to large, the
 * TIN/NPI relation many-to-many (about 8% of rows put an NPI already seen
 * under another TIN).  NPIs carry a valid check digit (Luhn with the
 * 80840 prefix); each row is a distinct TIN, NPI and year.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mr_ident.h"

static uint64_t rng_state = 2023;

/* splitmix64: small, fast and the same everywhere. */
static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
uniform(void)
{
	return (double)(rng() >> 11) / 9007199254740992.0;
}

static long
between(long lo, long hi)
{
	return lo + (long)(rng() % (uint64_t)(hi - lo + 1));
}

static const char *const last_names[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
	"Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez",
	"Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
	"Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
	"Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
	"Nguyen", "O'Brien", "Müller", "Patel", "Kim", "Chen",
};
static const char *const first_names[] = {
	"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael",
	"Linda", "David", "Elizabeth", "William", "Barbara", "Richard", "Susan",
	"Joseph", "Jessica", "Thomas", "Sarah", "Priya", "Wei", "José", "Zoë",
	"Ahmed", "Fatima", "Olga", "Kenji",
};
#define NELEM(a) (sizeof (a) / sizeof (a)[0])

/* The 9-digit NPI body of clinician i: distinct for i < 2e8 (7919 is
 * prime to 2e8), and starting with 1 or 2 as issued NPIs do. */
static void
npi_of(long i, char out[11])
{
	char body[10];

	snprintf(body, sizeof body, "%09ld",
	    100000000L + (long)(((uint64_t)i * 7919u) % 200000000u));
	snprintf(out, 11, "%s%d", body, mr_npi_check_digit(body));
}

static void
tin_of(long j, char out[10])
{
	snprintf(out, 10, "%09ld",
	    100000000L + (long)(((uint64_t)j * 104729u) % 800000000u));
}

static const char *
reason(void)
{
	double u = uniform();

	return u < 0.35 ? "scoring-error" : u < 0.55 ? "euc-not-applied" :
	    u < 0.70 ? "eligibility" : u < 0.80 ? "wrong-tin-npi" :
	    u < 0.90 ? "qp-status" : "other";
}

/* PY2023: -9% at or below 18.75, linear up to 0 at 75, positive above it
 * up to the published 2.15% at 100 (domain.md section 3.4). */
static double
adjustment(double score)
{
	if (score <= 18.75)
		return -9.0;
	if (score < 75.0)
		return -9.0 + 9.0 * (score - 18.75) / (75.0 - 18.75);
	return 2.15 * (score - 75.0) / 25.0;
}

static double
clamp(double v)
{
	return v < 0 ? 0 : v > 100 ? 100 : v;
}

int
main(int argc, char **argv)
{
	long rows = argc > 1 ? strtol(argv[1], NULL, 10) : 541421;
	long done = 0, ntin = 0, nnpi = 0, *seen, *group;
	static char buf[1 << 16];

	if (rows <= 0 || (seen = malloc(rows * sizeof *seen)) == NULL ||
	    (group = malloc(2000 * sizeof *group)) == NULL) {
		fprintf(stderr, "usage: mrgen [ROWS]\n");
		return 2;
	}
	setvbuf(stdout, buf, _IOFBF, sizeof buf);
	printf("tin,npi,name,year,reason,score,adjustment,practice,"
	    "participation,owner,note,quality,cost,ia,pi\n");
	while (done < rows) {
		double u = uniform();
		long size = u < 0.45 ? 1 : u < 0.80 ? between(2, 15) :
		    u < 0.97 ? between(16, 99) : between(100, 1500);
		const char *practice, *part;
		char tin[10];

		if (size > rows - done)
			size = rows - done;
		tin_of(ntin++, tin);
		u = uniform();
		practice = size == 1 ? "solo" : size <= 15 ?
		    (u < 0.10 ? "rural" : u < 0.15 ? "hpsa" : "small") :
		    (u < 0.05 ? "rural" : u < 0.08 ? "other" : "large");
		for (long k = 0; k < size; k++, done++) {
			long who = -1;
			char npi[11], notebuf[96];
			const char *note = "", *owner = "";
			double score, q, c, ia, pi;
			int tries;

			/* Many-to-many: some clinicians bill under several TINs. */
			for (tries = 0; nnpi > 0 && uniform() < 0.08 && tries < 4;
			    tries++) {
				long cand = seen[rng() % (uint64_t)nnpi];
				int dup = 0;

				for (long g = 0; g < k && !dup; g++)
					dup = group[g] == cand;
				if (!dup) {
					who = cand;
					break;
				}
			}
			if (who == -1)
				who = nnpi;
			if (who == nnpi)
				seen[nnpi++] = who;
			if (k < 2000)
				group[k] = who;
			npi_of(who, npi);
			u = uniform();
			score = u < 0.0226 ? uniform() * 18.75 :
			    u < 0.0226 + 0.123 ? 18.76 + uniform() * (74.99 - 18.76) :
			    75.0 + uniform() * 25.0;
			score = (double)(long)(score * 100 + 0.5) / 100;
			q = clamp(score + (uniform() - 0.5) * 20);
			c = clamp(score + (uniform() - 0.5) * 40);
			ia = uniform() < 0.8 ? 100 : 50;
			pi = clamp(score + (uniform() - 0.5) * 30);
			part = size == 1 ? "individual" : (u = uniform()) < 0.60 ?
			    "group" : u < 0.85 ? "individual" : u < 0.95 ?
			    "apm-entity" : "subgroup";
			if (uniform() < 0.7)
				owner = "officer@practice.example";
			if (uniform() < 0.03) {
				snprintf(notebuf, sizeof notebuf, "CMS feedback, "
				    "p. %ld: \"\"measure %ld\"\" missing",
				    between(1, 40), between(1, 500));
				note = notebuf;
			}
			printf("%s,%s,\"%s, %s\",2023,%s", tin, npi,
			    last_names[rng() % NELEM(last_names)],
			    first_names[rng() % NELEM(first_names)], reason());
			if (uniform() < 0.2)
				printf(";%s", reason());
			printf(",%.2f,%.2f,%s,%s,%s,%s%s%s,%.2f,", score,
			    adjustment(score), practice, part, owner,
			    *note ? "\"" : "", note, *note ? "\"" : "", q);
			if (uniform() < 0.7)
				printf("%.2f", c);	/* else cost was reweighted */
			printf(",%.0f,%.2f\n", ia, pi);
		}
	}
	free(seen);
	free(group);
	return fflush(stdout) == 0 ? 0 : 1;
}
