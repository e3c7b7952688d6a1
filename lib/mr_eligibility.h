/*
 * mr_eligibility: a clinician's QPP eligibility record, as CMS's QPP
 * Eligibility API returns it (API version 6; the field names below are
 * CMS's), read into plain values, and kept in the database with the time
 * it was retrieved.
 *
 * The reader accepts what the published schema allows and treats a field
 * that is absent or of another type as unknown; it refuses (MR_EREMOTE) a
 * body that is not JSON, has no "data" object, or is about another NPI.
 * Text from CMS is cut to the buffers below and its control characters
 * replaced by spaces, so it can be printed safely.
 */
#ifndef MR_ELIGIBILITY_H
#define MR_ELIGIBILITY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "lib/mr_err.h"

struct mr_store;
struct mr_qpp_answer;

/* A yes/no of CMS's that may be missing: -1 unknown, 0 no, 1 yes. */
typedef signed char mr_tri;

/* individualScenario / groupScenario of one organization (TIN). */
struct mr_elig_scenario {
	int		 present;
	mr_tri		 eligible_individual;	/* isEligible.individual */
	mr_tri		 eligible_group;	/* isEligible.group */
	mr_tri		 eligible_mips_apm;	/* isEligible.mipsApm */
	mr_tri		 eligible_virtual_group;/* isEligible.virtualGroup */
	mr_tri		 small_practice;	/* smallGroupPractitioner */
	mr_tri		 facility_based;	/* isFacilityBased */
	mr_tri		 non_patient_facing;	/* nonPatientFacing */
	mr_tri		 hospital_based;	/* hospitalBasedClinician */
	mr_tri		 rural;			/* ruralClinician */
	mr_tri		 hpsa;			/* hpsaClinician */
	mr_tri		 asc;			/* ambulatorySurgicalCenter */
	mr_tri		 pi_hardship;		/* aciHardship */
	mr_tri		 pi_reweighting;	/* aciReweighting */
	mr_tri		 euc;			/* extremeHardship */
	unsigned int	 euc_categories;	/* MR_CAT_* of extremeHardshipReasons */
	char		 euc_event[64];		/* extremeHardshipEventType */
	char		 euc_sources[64];	/* extremeHardshipSources, "a,b" */
	mr_tri		 low_volume;		/* lowVolumeSwitch */
	char		 low_volume_reasons[64];/* lowVolStusRsnCd, "a,b" */
	mr_tri		 opted_in;		/* isOptedIn */
};

/* One APM Entity of an organization (apms[]). */
struct mr_elig_apm {
	char		 entity_name[128];	/* entityName */
	char		 apm_id[16];		/* apmId */
	char		 apm_name[128];		/* apmName */
	char		 subdivision_name[128];	/* subdivisionName */
	mr_tri		 advanced;		/* advancedApmFlag */
	mr_tri		 mips_apm;		/* mipsApmFlag */
	mr_tri		 small;			/* lvtSmallStatus */
	mr_tri		 euc;			/* extremeHardship */
	unsigned int	 euc_categories;
};

/* One organization (TIN) the clinician bills under (organizations[]). */
struct mr_elig_org {
	char		 tin_masked[16];	/* TIN, as CMS masks it */
	char		 name[128];		/* prvdrOrgName */
	char		 city[64];
	char		 state[8];
	char		 zip[16];
	struct mr_elig_scenario individual;
	struct mr_elig_scenario group;
	struct mr_elig_apm *apms;
	int		 napms;
};

struct mr_elig_record {
	char		 npi[11];
	char		 first_name[64];
	char		 last_name[64];
	char		 qp_status[4];		/* qpStatus: Y, N, P, Q, R; "" */
	char		 qp_score_type[4];	/* qpScoreType */
	mr_tri		 is_maqi;
	mr_tri		 mips_eligible;		/* amsMipsEligibleClinician */
	struct mr_elig_org *orgs;
	int		 norgs;
};

/* Read a 200 answer's body (len bytes) about npi into *rec. */
int	mr_elig_parse(const char *body, size_t len, const char *npi,
	    struct mr_elig_record *rec, struct mr_err *);
void	mr_elig_release(struct mr_elig_record *);

/*
 * 1 if the organization's masked TIN may be tin (9 digits): every digit
 * CMS left visible matches, right-aligned.  A TIN masked whole matches
 * any.
 */
int	mr_elig_org_matches(const struct mr_elig_org *, const char *tin);

/* A kept record: the answer's bytes and where and when they came from. */
struct mr_elig_kept {
	char		 npi[11];
	int		 performance_year;
	int		 run_number;	/* runNum asked for; 0: CMS's latest */
	int		 api_version;
	char		 url[512];
	char		 retrieved_at[24];	/* ISO 8601 UTC */
	time_t		 retrieved_epoch;
	char		 server_date[64];
	char		 sha256[65];
	char		*body;
	size_t		 len;
};

void	mr_elig_kept_release(struct mr_elig_kept *);

/*
 * Keep an answer as npi's record of year, replacing an older one, in one
 * transaction.  *changed is 1 when the bytes differ from the kept ones
 * (or none was kept), 0 when CMS's record is unchanged.
 */
int	mr_elig_keep(struct mr_store *, const char *npi, int year, int run,
	    int api_version, const struct mr_qpp_answer *, int *changed,
	    struct mr_err *);
/* The kept record of npi and year: MR_ENOTFOUND when none is kept. */
int	mr_elig_load(struct mr_store *, const char *npi, int year,
	    struct mr_elig_kept *, struct mr_err *);

/*
 * The record as JSON (the documented snake_case names of mipsreview(1));
 * kept adds where and when it came from, and now its age.  New reference
 * or NULL on no memory.
 */
json_t	*mr_elig_to_json(const struct mr_elig_record *,
	    const struct mr_elig_kept *kept, time_t now);

#endif /* MR_ELIGIBILITY_H */
