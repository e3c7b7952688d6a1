-- Version 14: evidence checklists per ground of a targeted review.
--
-- Every ground starts from the disputed performance feedback (final score
-- report); then come the ground's own documents: the submitted QRDA III or
-- JSON files for scoring errors, the APM participation list and snapshot
-- dates for QP status, the FEMA-declared county for automatic EUC.  A
-- request on other grounds rests on the detailed explanation CMS's form
-- asks for.  No table references evidence, so it is copied whole into one
-- whose CHECK allows the new kinds, inside this migration's transaction.
CREATE TABLE evidence_new (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	subject		TEXT NOT NULL CHECK (subject IN ('case', 'hardship')),
	subject_id	INTEGER NOT NULL,
	sha256		TEXT NOT NULL CHECK (length(sha256) = 64 AND
		sha256 NOT GLOB '*[^0-9a-f]*'),
	original_name	TEXT NOT NULL CHECK (length(original_name) > 0),
	size		INTEGER NOT NULL CHECK (size >= 0),
	media_type	TEXT NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('feedback-report',
		'submission-receipt', 'submitted-files', 'qp-determination',
		'participation-status', 'participation-list', 'tin-npi-record',
		'hardship-approval', 'fema-county', 'cms-correspondence',
		'ehr-vendor-letter', 'explanation', 'screenshot', 'other')),
	note		TEXT,
	attached_by	TEXT NOT NULL,
	attached_at	TEXT NOT NULL,
	detached_by	TEXT,
	detached_at	TEXT
);
INSERT INTO evidence_new SELECT id, subject, subject_id, sha256, original_name,
	size, media_type, kind, note, attached_by, attached_at, detached_by,
	detached_at FROM evidence;
DROP TABLE evidence;
ALTER TABLE evidence_new RENAME TO evidence;
CREATE INDEX evidence_subject ON evidence (subject, subject_id);
CREATE INDEX evidence_sha256 ON evidence (sha256);

-- advice = 1: guidance from medical societies and consultants summarizing
-- CMS's targeted-review user guide, not a CMS rule.  CMS itself only says
-- documentation "varies by circumstance" and asks for it case by case
-- (42 CFR 414.1385(a)(3)).
ALTER TABLE evidence_requirement ADD COLUMN advice INTEGER NOT NULL
	DEFAULT 0 CHECK (advice IN (0, 1));
UPDATE evidence_requirement SET advice = 1
	WHERE (reason, kind) IN (VALUES ('wrong-tin-npi', 'submission-receipt'),
	    ('wrong-tin-npi', 'tin-npi-record'), ('qp-status', 'qp-determination'),
	    ('qp-status', 'participation-status'),
	    ('euc-not-applied', 'hardship-approval'),
	    ('scoring-error', 'submission-receipt'),
	    ('eligibility', 'tin-npi-record'));

-- The shipped sources name public documents.
UPDATE evidence_requirement SET source = CASE kind
	WHEN 'submission-receipt' THEN 'advice: the submission receipt from QPP '
	    || 'or the registry (society summaries of CMS''s targeted review user '
	    || 'guide; CMS asks for documents case by case, 42 CFR 414.1385(a)(3))'
	WHEN 'tin-npi-record' THEN 'advice: the TIN/NPI record, PECOS enrollment '
	    || 'or reassignment (society summaries of CMS''s targeted review user '
	    || 'guide; CMS asks for documents case by case, 42 CFR 414.1385(a)(3))'
	WHEN 'qp-determination' THEN 'advice: the QP status shown by CMS (society '
	    || 'summaries of CMS''s targeted review user guide; CMS asks for '
	    || 'documents case by case, 42 CFR 414.1385(a)(3))'
	WHEN 'participation-status' THEN 'advice: the QPP Participation Status '
	    || 'lookup (society summaries of CMS''s targeted review user guide; '
	    || 'CMS asks for documents case by case, 42 CFR 414.1385(a)(3))'
	WHEN 'hardship-approval' THEN 'advice: the EUC or PI hardship application '
	    || 'confirmation or approval (society summaries of CMS''s targeted '
	    || 'review user guide; CMS asks for documents case by case, '
	    || '42 CFR 414.1385(a)(3))'
	END
	WHERE advice = 1 AND verified = 0 AND source LIKE 'advice%';

INSERT INTO evidence_requirement (reason, kind, source, verified, advice)
SELECT r.column1, 'feedback-report', 'advice: the disputed MIPS performance '
	|| 'feedback / final score report, for every ground (society summaries '
	|| 'of CMS''s targeted review user guide; CMS asks for documents case '
	|| 'by case, 42 CFR 414.1385(a)(3))', 0, 1
FROM (VALUES ('wrong-tin-npi'), ('qp-status'), ('euc-not-applied'),
    ('scoring-error'), ('eligibility'), ('other')) AS r
WHERE 1 ON CONFLICT (reason, kind) DO NOTHING;
INSERT INTO evidence_requirement (reason, kind, source, verified, advice)
VALUES
 ('qp-status', 'participation-list', 'advice: the APM Entity ID, the APM '
  || 'participation list and its snapshot dates (society summaries of CMS''s '
  || 'targeted review user guide; 42 CFR 414.1455(b) for QP status)', 0, 1),
 ('euc-not-applied', 'fema-county', 'advice: for automatic EUC, the '
  || 'FEMA-declared county of the practice (society summaries of CMS''s '
  || 'targeted review user guide and CMS''s automatic EUC county lists)', 0, 1),
 ('scoring-error', 'submitted-files', 'advice: the submitted QRDA III or '
  || 'JSON files and the measure-level feedback (society summaries of CMS''s '
  || 'targeted review user guide; CMS asks for documents case by case, '
  || '42 CFR 414.1385(a)(3))', 0, 1),
 ('other', 'explanation', 'CMS''s targeted review user guide: a detailed '
  || 'explanation of the issue, in the requester''s words (the case''s '
  || 'explanation, or an attached statement)', 0, 0)
ON CONFLICT (reason, kind) DO NOTHING;
