-- Version 4: hardship-exception filings and the scoring reference data
-- behind the score what-if.

-- An EUC or Promoting Interoperability hardship application for a TIN
-- (optionally one NPI) and performance year (../shared/domain.md section 2).
-- window_id is the window it falls under (its deadline); NULL when the year
-- has no such window, and the filing then has no deadline.
CREATE TABLE hardship_filing (
	id			INTEGER PRIMARY KEY AUTOINCREMENT,
	tin			TEXT NOT NULL CHECK (length(tin) = 9 AND tin NOT GLOB '*[^0-9]*'),
	npi			TEXT CHECK (npi IS NULL OR (length(npi) = 10 AND npi NOT GLOB '*[^0-9]*')),
	name			TEXT,		-- clinician or group, optional
	participation		TEXT,		-- individual, group, ..., apm-entity; NULL unknown
	performance_year	INTEGER NOT NULL CHECK (performance_year >= 2017),
	type			TEXT NOT NULL CHECK (type IN ('euc', 'pi')),
	event			TEXT NOT NULL CHECK (length(event) > 0),
	window_id		INTEGER REFERENCES review_window (id),
	filed_at		TEXT,		-- date filed with CMS, YYYY-MM-DD
	status			TEXT NOT NULL DEFAULT 'draft' CHECK (status IN
		('draft', 'submitted', 'approved', 'denied', 'withdrawn')),
	confirmation		TEXT,		-- CMS confirmation number
	owner			TEXT,		-- e-mail of whoever answers for it (alerts)
	notes			TEXT,
	revision		INTEGER NOT NULL DEFAULT 0,	-- +1 on every change (iCalendar SEQUENCE)
	created_at		TEXT NOT NULL,
	updated_at		TEXT NOT NULL
);
CREATE INDEX hardship_filing_tin ON hardship_filing (tin, performance_year);
CREATE INDEX hardship_filing_window ON hardship_filing (window_id);

-- The categories a filing asks to reweight (one to four, each once) and
-- whether data was submitted for it: for individuals, groups and virtual
-- groups submitted data overrides EUC reweighting (domain.md section 2.2).
CREATE TABLE hardship_category (
	filing_id		INTEGER NOT NULL REFERENCES hardship_filing (id) ON DELETE CASCADE,
	category		TEXT NOT NULL CHECK (category IN ('quality', 'cost', 'ia', 'pi')),
	data_submitted		INTEGER NOT NULL DEFAULT 0 CHECK (data_submitted IN (0, 1)),
	PRIMARY KEY (filing_id, category)
);

-- The filing that should have caused a case's reweighting (reason
-- euc-not-applied).
ALTER TABLE review_case ADD COLUMN filing_id INTEGER REFERENCES hardship_filing (id);

-- Scoring reference data.  Every row names its source; verified = 0 marks
-- a row the facts sheet tags [U] (unverified) or [D] (derived), which the
-- what-if shows with an "unverified" mark.

-- Category weights (domain.md section 3.1) and the published
-- redistribution when categories are reweighted (section 3.2).  reweighted
-- '' holds the year's weights; otherwise it lists the categories weighted
-- to 0 % in the order quality,cost,ia,pi.  practice 'small' rows apply to
-- practices of 15 or fewer clinicians and take precedence over 'any'.
CREATE TABLE score_weight (
	performance_year	INTEGER NOT NULL,
	reweighted		TEXT NOT NULL,
	practice		TEXT NOT NULL DEFAULT 'any' CHECK (practice IN ('any', 'small')),
	quality			REAL NOT NULL,
	cost			REAL NOT NULL,
	ia			REAL NOT NULL,
	pi			REAL NOT NULL,
	source			TEXT NOT NULL,
	verified		INTEGER NOT NULL CHECK (verified IN (0, 1)),
	PRIMARY KEY (performance_year, reweighted, practice),
	CHECK (quality + cost + ia + pi = 100)
);
INSERT INTO score_weight VALUES
 (2017, '', 'any', 60,  0, 15, 25, 'nrdrsupport.acr.org; 42 CFR 414.1330(b)(1) via law.lawstack.com (PI was ACI in 2017)', 1),
 (2018, '', 'any', 50, 10, 15, 25, 'macrauniversity.com; acponline.org; 42 CFR 414.1330(b)(2)', 1),
 (2019, '', 'any', 45, 15, 15, 25, 'aao.org 2019; facs.org; 42 CFR 414.1330(b)(3)', 1),
 (2020, '', 'any', 45, 15, 15, 25, 'facs.org; acr.org May 27 2021', 1),
 (2021, '', 'any', 40, 20, 15, 25, 'practice-alt.com; old-prod.asco.org Apr 26 2022', 1),
 (2022, '', 'any', 30, 30, 15, 25, 'the-rheumatologist.org (2022 final rule); mdinteractive.com 2023 rule; hcms.org 2023 guide', 1),
 (2023, '', 'any', 30, 30, 15, 25, 'the-rheumatologist.org (2023 proposed rule: no change); mdinteractive.com 2023 rule (no changes); hcms.org 2023 guide', 1),
 (2024, '', 'any', 30, 30, 15, 25, 'the-rheumatologist.org; mdinteractive.com; hcms.org 2023 guide (PY2024 inferred from no-change statements)', 1),
 (2025, '', 'any', 30, 30, 15, 25, 'the-rheumatologist.org; mdinteractive.com; hcms.org 2023 guide (PY2025 inferred from no-change statements)', 1),
 (2026, '', 'any', 30, 30, 15, 25, 'macralytics.com (single weak source)', 0),
 (2019, 'pi', 'any', 70, 15, 15, 0, 'aao.org EyeNet 2019 (PI exception: quality 70 %)', 1),
 (2020, 'cost', 'any', 55, 0, 15, 30, 'go.northwestahec.wakehealth.edu/practicesupport/latest-mips-news (table at 42 CFR 414.1380(c)(2)(ii)(D))', 1),
 (2020, 'cost,pi', 'any', 85, 0, 15, 0, 'go.northwestahec.wakehealth.edu/practicesupport/latest-mips-news (table at 42 CFR 414.1380(c)(2)(ii)(D))', 1),
 (2020, 'quality,cost', 'any', 0, 0, 15, 85, 'go.northwestahec.wakehealth.edu/practicesupport/latest-mips-news (table at 42 CFR 414.1380(c)(2)(ii)(D))', 1),
 (2020, 'cost,ia', 'any', 70, 0, 0, 30, 'go.northwestahec.wakehealth.edu/practicesupport/latest-mips-news (table at 42 CFR 414.1380(c)(2)(ii)(D))', 1),
 (2021, 'cost', 'any', 55, 0, 15, 30, 'old-prod.asco.org Apr 26 2022 (same rows as PY2020)', 1),
 (2021, 'cost,pi', 'any', 85, 0, 15, 0, 'old-prod.asco.org Apr 26 2022 (same rows as PY2020)', 1),
 (2021, 'quality,cost', 'any', 0, 0, 15, 85, 'old-prod.asco.org Apr 26 2022 (same rows as PY2020)', 1);
-- PY2021 "no IA, no cost" is truncated in the source and left out.

-- PY2022 to PY2025 share one table (domain.md section 3.2).  Only "no cost"
-- and the small-practice "no cost, no PI" row are verified; the rest are
-- [U] until checked against 42 CFR 414.1380(c)(2)(ii)(E)/(F) or the CMS
-- Traditional MIPS Scoring Guide for the year.
CREATE TEMP TABLE seed_redistribution (reweighted, practice, quality, cost, ia, pi, source, verified);
INSERT INTO seed_redistribution VALUES
 ('cost', 'any', 55, 0, 15, 30, 'aao.org MIPS 2022 small-practices article', 1),
 ('pi', 'any', 55, 30, 15, 0, 'facts sheet [U]: check 42 CFR 414.1380(c)(2)(ii)(E)/(F) or the CMS Traditional MIPS Scoring Guide', 0),
 ('pi', 'small', 40, 30, 30, 0, 'facts sheet [U] (aao.org confirms small practices differ; numbers not retrieved): check 42 CFR 414.1380(c)(2)(ii)(E)/(F)', 0),
 ('quality', 'any', 0, 30, 15, 55, 'facts sheet [U]: check 42 CFR 414.1380(c)(2)(ii)(E)/(F) or the CMS Traditional MIPS Scoring Guide', 0),
 ('ia', 'any', 45, 30, 0, 25, 'facts sheet [U]: check 42 CFR 414.1380(c)(2)(ii)(E)/(F) or the CMS Traditional MIPS Scoring Guide', 0),
 ('cost,pi', 'any', 85, 0, 15, 0, 'facts sheet [U]: check 42 CFR 414.1380(c)(2)(ii)(E)/(F) or the CMS Traditional MIPS Scoring Guide', 0),
 ('cost,pi', 'small', 50, 0, 50, 0, 'mdinteractive.com, 2023 QPP proposed and final rule summaries (verified separately)', 1),
 ('quality,cost', 'any', 0, 0, 15, 85, 'facts sheet [U]: check 42 CFR 414.1380(c)(2)(ii)(E)/(F) or the CMS Traditional MIPS Scoring Guide', 0),
 ('cost,ia', 'any', 70, 0, 0, 30, 'facts sheet [U]: check 42 CFR 414.1380(c)(2)(ii)(E)/(F) or the CMS Traditional MIPS Scoring Guide', 0),
 ('quality,pi', 'any', 0, 50, 50, 0, 'facts sheet [U]: check 42 CFR 414.1380(c)(2)(ii)(E)/(F) or the CMS Traditional MIPS Scoring Guide', 0),
 ('ia,pi', 'any', 70, 30, 0, 0, 'facts sheet [U]: check 42 CFR 414.1380(c)(2)(ii)(E)/(F) or the CMS Traditional MIPS Scoring Guide', 0),
 ('quality,ia', 'any', 0, 30, 0, 70, 'facts sheet [U]: check 42 CFR 414.1380(c)(2)(ii)(E)/(F) or the CMS Traditional MIPS Scoring Guide', 0);
INSERT INTO score_weight
	SELECT y.performance_year, s.reweighted, s.practice, s.quality, s.cost,
	    s.ia, s.pi, s.source, s.verified
	FROM seed_redistribution s,
	    (SELECT 2022 AS performance_year UNION ALL SELECT 2023
	     UNION ALL SELECT 2024 UNION ALL SELECT 2025) y;
DROP TABLE seed_redistribution;

-- Categories CMS reweighted to 0 % for everyone in a year (section 3.1).
CREATE TABLE score_auto_reweight (
	performance_year	INTEGER NOT NULL,
	category		TEXT NOT NULL CHECK (category IN ('quality', 'cost', 'ia', 'pi')),
	source			TEXT NOT NULL,
	verified		INTEGER NOT NULL CHECK (verified IN (0, 1)),
	PRIMARY KEY (performance_year, category)
);
INSERT INTO score_auto_reweight VALUES
 (2020, 'cost', 'facs.org; acr.org May 27 2021 (cost reweighted to 0 % for all in PY2020)', 1),
 (2021, 'cost', 'practice-alt.com; old-prod.asco.org Apr 26 2022 (cost reweighted from 20 % to 0 % for individuals, groups and virtual groups)', 1);

-- The published payment adjustment at a final score of 100 (section 3.4).
-- exceptional_pct is the part of it that is the exceptional-performance
-- bonus when the source splits it; NULL when it does not (or there was none).
CREATE TABLE payment_scale (
	performance_year	INTEGER PRIMARY KEY,
	max_positive_pct	REAL NOT NULL,
	exceptional_pct		REAL,
	source			TEXT NOT NULL,
	verified		INTEGER NOT NULL CHECK (verified IN (0, 1))
);
INSERT INTO payment_scale VALUES
 (2017, 1.88, NULL, 'GAO-22-104667 (vdocuments.net copy); PMC7720898 (includes the exceptional-performance bonus)', 1),
 (2018, 1.68, NULL, 'billing-coding.com table', 1),
 (2019, 1.79, NULL, 'billing-coding.com table', 1),
 (2020, 1.87, NULL, 'billing-coding.com table', 1),
 (2021, 2.34, NULL, 'billing-coding.com table', 1),
 (2022, 8.25, 6.0, 'billing-coding.com table (8.25 % = 6 % exceptional + 2.25 % base)', 1),
 (2023, 2.15, NULL, 'sirweb.org citing the CMS At-a-Glance', 1),
 (2024, 1.05, NULL, 'blog.healthmonix.com (single source)', 1);
