-- mipsreview schema, version 1.  Later versions are sql/NNN_<what>.sql,
-- each applied in the same transaction as the PRAGMA user_version bump.
-- Times are ISO 8601 UTC text ("2024-10-12T00:00:00Z") unless named *_epoch.

-- Reference data: the MIPS program per performance year.  Each row names
-- its source (../shared/domain.md section 3.3); verified = 0 marks a fact
-- the facts sheet tags [U] or [D].
CREATE TABLE program_year (
	performance_year	INTEGER PRIMARY KEY,
	payment_year		INTEGER NOT NULL,
	performance_threshold	REAL NOT NULL,
	exceptional_threshold	REAL,		-- NULL: no exceptional bonus that year
	max_adjustment_pct	REAL NOT NULL,	-- statutory +/- applicable percent
	source			TEXT NOT NULL,
	verified		INTEGER NOT NULL DEFAULT 1 CHECK (verified IN (0, 1))
);
INSERT INTO program_year VALUES
 (2017, 2019,  3, 70, 4, 'aafp.org 2019 adjustments page; 42 CFR 414.1405(b)(4)', 1),
 (2018, 2020, 15, 70, 5, 'acponline.org; 42 CFR 414.1405(b)(5)', 1),
 (2019, 2021, 30, 75, 7, 'texmed.org id=54776; aao.org', 1),
 (2020, 2022, 45, 85, 9, 'ciproms.com 2021/08', 1),
 (2021, 2023, 60, 85, 9, 'practice-alt.com; aafp.org Sep 8 2022', 1),
 (2022, 2024, 75, 89, 9, 'the-rheumatologist.org; marsdenadvisors.com', 1),
 (2023, 2025, 75, NULL, 9, 'mdinteractive.com 2023 rule; northwestahec', 1),
 (2024, 2026, 75, NULL, 9, 'mdinteractive.com 2024 rule', 1),
 (2025, 2027, 75, NULL, 9, 'osteopathic.org (CY2025 proposed rule kept 75)', 1);

-- A targeted-review matter about one clinician or group for one year.
CREATE TABLE review_case (
	id			INTEGER PRIMARY KEY AUTOINCREMENT,
	tin			TEXT NOT NULL CHECK (length(tin) = 9 AND tin NOT GLOB '*[^0-9]*'),
	npi			TEXT CHECK (npi IS NULL OR (length(npi) = 10 AND npi NOT GLOB '*[^0-9]*')),
	name			TEXT NOT NULL CHECK (length(name) > 0),
	practice		TEXT,
	participation		TEXT,
	performance_year	INTEGER NOT NULL CHECK (performance_year >= 2017),
	status			TEXT NOT NULL DEFAULT 'draft' CHECK (status IN
		('draft', 'ready', 'submitted', 'documents-requested',
		 'approved', 'denied', 'closed', 'withdrawn')),
	reasons			TEXT NOT NULL CHECK (length(reasons) > 0),	-- "qp-status,other"
	final_score		REAL CHECK (final_score BETWEEN 0 AND 100),
	payment_adjustment	REAL,		-- percent, e.g. -9.0
	quality_score		REAL CHECK (quality_score BETWEEN 0 AND 100),
	cost_score		REAL CHECK (cost_score BETWEEN 0 AND 100),
	ia_score		REAL CHECK (ia_score BETWEEN 0 AND 100),
	pi_score		REAL CHECK (pi_score BETWEEN 0 AND 100),
	owner			TEXT,		-- e-mail of whoever answers for it
	revision		INTEGER NOT NULL DEFAULT 0,	-- +1 on every change (iCalendar SEQUENCE)
	created_at		TEXT NOT NULL,
	updated_at		TEXT NOT NULL
);
CREATE INDEX review_case_tin ON review_case (tin, performance_year);
CREATE INDEX review_case_npi ON review_case (npi) WHERE npi IS NOT NULL;
CREATE INDEX review_case_year_status ON review_case (performance_year, status);

CREATE TABLE case_note (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	case_id		INTEGER NOT NULL REFERENCES review_case (id) ON DELETE CASCADE,
	at		TEXT NOT NULL,
	who		TEXT NOT NULL,
	body		TEXT NOT NULL
);
CREATE INDEX case_note_case ON case_note (case_id);

-- Append-only audit trail.  Each row carries the SHA-256 of the previous
-- row (prev_hash) and of its own content (hash), so an edited or deleted
-- row breaks the chain; audit_head holds the newest hash and the row count
-- so that removing rows from the end is caught too.
CREATE TABLE audit (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	at		TEXT NOT NULL,
	who		TEXT NOT NULL,
	entity		TEXT NOT NULL,		-- 'case', 'window', 'hardship', ...
	entity_id	INTEGER,
	action		TEXT NOT NULL,
	before		TEXT,			-- JSON or NULL
	after		TEXT,			-- JSON or NULL
	prev_hash	TEXT NOT NULL,
	hash		TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit (entity, entity_id);

CREATE TABLE audit_head (
	one		INTEGER PRIMARY KEY CHECK (one = 1),
	rows		INTEGER NOT NULL,
	hash		TEXT NOT NULL
);
