-- Version 15: checklist rules of which one suffices.
--
-- For EUC reweighting that was not applied, CMS's targeted-review guidance
-- (as society pages summarize it) names two different proofs: the EUC
-- application's confirmation or approval for an EUC applied for, and the
-- FEMA-declared county of the practice for automatic EUC (CMS applies
-- automatic EUC to clinicians in FEMA major-disaster counties without an
-- application).  A case needs the one that fits it, not both.  Rules of
-- one ground sharing a one_of name are alternatives: any one of them,
-- attached, meets them all.
ALTER TABLE evidence_requirement ADD COLUMN one_of TEXT CHECK (one_of IS NULL
	OR (length(one_of) BETWEEN 1 AND 32 AND one_of NOT GLOB '*[^a-z0-9-]*'));
UPDATE evidence_requirement SET one_of = 'euc-proof'
	WHERE reason = 'euc-not-applied'
	    AND kind IN ('hardship-approval', 'fema-county');
UPDATE evidence_requirement SET source = 'advice: for automatic EUC, the '
	|| 'FEMA-declared county of the practice; for an EUC applied for, the '
	|| 'application''s confirmation or approval instead (society summaries '
	|| 'of CMS''s targeted review user guide and CMS''s automatic EUC '
	|| 'county lists)'
	WHERE reason = 'euc-not-applied' AND kind = 'fema-county'
	    AND source LIKE 'advice: for automatic EUC, the FEMA-declared county%';
UPDATE evidence_requirement SET source = 'advice: the EUC or PI hardship '
	|| 'application confirmation or approval; for automatic EUC, the '
	|| 'FEMA-declared county instead (society summaries of CMS''s targeted '
	|| 'review user guide; CMS asks for documents case by case, '
	|| '42 CFR 414.1385(a)(3))'
	WHERE reason = 'euc-not-applied' AND kind = 'hardship-approval'
	    AND source LIKE 'advice: the EUC or PI hardship application%';
