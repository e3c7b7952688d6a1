-- Version 11: evidence of kind participation-status — the exact answer of
-- CMS's QPP Eligibility API about a clinician ('mipsreview lookup --attach'),
-- which shows what CMS's system said and when.  SQLite cannot widen a CHECK
-- in place, so the evidence table is copied into one that allows the kind.
CREATE TABLE evidence_new (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	subject		TEXT NOT NULL CHECK (subject IN ('case', 'hardship')),
	subject_id	INTEGER NOT NULL,
	sha256		TEXT NOT NULL CHECK (length(sha256) = 64 AND
		sha256 NOT GLOB '*[^0-9a-f]*'),
	original_name	TEXT NOT NULL CHECK (length(original_name) > 0),
	size		INTEGER NOT NULL CHECK (size >= 0),
	media_type	TEXT NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('submission-receipt',
		'qp-determination', 'participation-status', 'tin-npi-record',
		'hardship-approval', 'cms-correspondence', 'ehr-vendor-letter',
		'screenshot', 'other')),
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

-- For QP status, CMS's guidance as society pages summarize it asks for the
-- Participation Status lookup.
INSERT INTO evidence_requirement (reason, kind, source, verified) VALUES
 ('qp-status', 'participation-status', 'advice, not a CMS list: for QP '
  || 'status, the APM Entity ID, participation list, snapshot dates and the '
  || 'Participation Status lookup (society summaries of CMS''s targeted-review '
  || 'guide, worldservicesgroup.com)', 0);
