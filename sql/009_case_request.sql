-- Version 9: what CMS's targeted-review request form asks for, the special
-- statuses that change how a case is scored, and the date of CMS's request
-- for documents, from which the 30-day clock of 42 CFR 414.1385(a)(3) runs.

-- Special statuses CMS assigns (QPP Participation Status), comma-separated
-- in a fixed order: small-practice, facility-based, non-patient-facing,
-- hospital-based, rural, hpsa.  NULL: none recorded.
ALTER TABLE review_case ADD COLUMN special_statuses TEXT;

-- The request as CMS's form has it: the practice's legal name, the APM
-- Entity ID and Virtual Group ID where they apply, who requests (the
-- clinician, designated support staff, or an authorized third-party
-- intermediary), CMS's request number once submitted, and the detailed
-- explanation of the issue in the requester's words.
ALTER TABLE review_case ADD COLUMN legal_name TEXT;
ALTER TABLE review_case ADD COLUMN apm_entity_id TEXT;
ALTER TABLE review_case ADD COLUMN virtual_group_id TEXT;
ALTER TABLE review_case ADD COLUMN requester_role TEXT CHECK (requester_role IS NULL
	OR requester_role IN ('clinician', 'designated-support-staff',
	    'third-party-intermediary'));
ALTER TABLE review_case ADD COLUMN request_number TEXT;
ALTER TABLE review_case ADD COLUMN explanation TEXT;

-- The day CMS asked for more information (YYYY-MM-DD, Eastern), recorded
-- when the case moves to documents-requested.
ALTER TABLE review_case ADD COLUMN documents_requested_on TEXT CHECK
	(documents_requested_on IS NULL OR documents_requested_on GLOB
	 '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
