-- Version 3: evidence.
--
-- Evidence files live beside the database in <db folder>/evidence/, each
-- named by the SHA-256 of its content, so the same content is stored once
-- however often it is attached.  A row names one attachment of that
-- content to a case or a hardship filing (subject, subject_id).  Detaching
-- keeps the row (detached_at, detached_by) and the audit trail; the file
-- goes once no attached row needs it.
CREATE TABLE evidence (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	subject		TEXT NOT NULL CHECK (subject IN ('case', 'hardship')),
	subject_id	INTEGER NOT NULL,
	sha256		TEXT NOT NULL CHECK (length(sha256) = 64 AND
		sha256 NOT GLOB '*[^0-9a-f]*'),
	original_name	TEXT NOT NULL CHECK (length(original_name) > 0),
	size		INTEGER NOT NULL CHECK (size >= 0),
	media_type	TEXT NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('submission-receipt',
		'qp-determination', 'tin-npi-record', 'hardship-approval',
		'cms-correspondence', 'ehr-vendor-letter', 'screenshot', 'other')),
	note		TEXT,
	attached_by	TEXT NOT NULL,
	attached_at	TEXT NOT NULL,
	detached_by	TEXT,
	detached_at	TEXT
);
CREATE INDEX evidence_subject ON evidence (subject, subject_id);
CREATE INDEX evidence_sha256 ON evidence (sha256);

-- Which evidence kinds a case normally needs for each of its reasons.
-- CMS publishes no such list: "CMS generally requires documentation ...
-- which varies by circumstance" (../shared/domain.md section 1.6).  The
-- artifacts below are the facts sheet's product inference, tagged [U],
-- so every row ships with verified = 0 and 'check' says so.
CREATE TABLE evidence_requirement (
	reason		TEXT NOT NULL,
	kind		TEXT NOT NULL,
	source		TEXT NOT NULL,
	verified	INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
	PRIMARY KEY (reason, kind)
);
INSERT INTO evidence_requirement VALUES
 ('wrong-tin-npi', 'submission-receipt', 'product inference, ../shared/domain.md 1.6 [U]: submission confirmations from QPP/registry', 0),
 ('wrong-tin-npi', 'tin-npi-record', 'product inference, ../shared/domain.md 1.6 [U]: PECOS reassignment records; 1.3 identifiers (NPI, TIN, legal name)', 0),
 ('qp-status', 'qp-determination', 'product inference, ../shared/domain.md 1.6 [U]: QP status screenshots', 0),
 ('euc-not-applied', 'hardship-approval', 'product inference, ../shared/domain.md 1.6 [U]: EUC/PI application confirmation (print the accepted application)', 0),
 ('scoring-error', 'submission-receipt', 'product inference, ../shared/domain.md 1.6 [U]: submission confirmations, QRDA/JSON files', 0),
 ('eligibility', 'tin-npi-record', 'product inference, ../shared/domain.md 1.6 [U]: PECOS reassignment records', 0);
