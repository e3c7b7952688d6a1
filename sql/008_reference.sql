-- Version 8: reference data an office can update, and the program year 2026.
--
-- Reference facts (program years, weights, payment scales, windows,
-- evidence requirements) come with the release and from reference packs
-- an office imports ('mipsreview reference import').  A pack never
-- overwrites a window the office entered or edited itself: origin says
-- whose a window is, and every edit through 'window edit' makes it the
-- office's.  verified follows the source-quality rule of the other
-- reference tables: 1 for primary sources and secondary ones quoting them,
-- 0 for figures that are unverified or only derived; NULL for a window the
-- office entered, which is its own statement.
ALTER TABLE review_window ADD COLUMN verified INTEGER CHECK (verified IN (0, 1));
ALTER TABLE review_window ADD COLUMN origin TEXT NOT NULL DEFAULT 'office'
	CHECK (origin IN ('reference', 'office'));

-- The windows the release shipped and nobody edited are reference facts;
-- every one of them came from a CMS notice re-posted by a society or a
-- MAC, as its source says.
UPDATE review_window SET origin = 'reference', verified = 1
	WHERE revision = 0 AND created_at = '2026-11-23T00:00:00Z';

-- Each reference pack applied, release or office update: its own date, the
-- SHA-256 of its bytes, and what applying it did.
CREATE TABLE reference_pack (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	digest		TEXT NOT NULL UNIQUE CHECK (length(digest) = 64),
	pack_date	TEXT NOT NULL,		-- YYYY-MM-DD, the pack's own date
	publisher	TEXT NOT NULL,
	origin		TEXT NOT NULL CHECK (origin IN ('release', 'office')),
	facts		INTEGER NOT NULL,	-- facts in the pack
	changed		INTEGER NOT NULL,	-- facts added or changed
	conflicts	INTEGER NOT NULL,	-- office windows left as they were
	applied_at	TEXT NOT NULL,
	applied_by	TEXT NOT NULL
);

-- Performance year 2026: threshold 75 in the CY 2026 PFS final rule; the
-- applicable percent has been 9 since payment year 2022 (42 CFR 414.1405(b)).
INSERT INTO program_year VALUES
 (2026, 2028, 75, NULL, 9, 'patient360.com, finalized policies in the CY 2026 PFS final rule (threshold 75); 42 CFR 414.1405(b) (applicable percent 9)', 1);

-- The PY2026 EUC application and, for every year whose EUC application
-- deadline is known, the Promoting Interoperability hardship exception,
-- which closes at the same instant (qpp.cms.gov/about/deadlines as quoted
-- by society pages).  8 p.m. Eastern each.
CREATE TEMP TABLE seed_window (kind, performance_year, name, closes_at, source);
INSERT INTO seed_window VALUES
 ('euc-hardship', 2026, 'PY2026 EUC application', 1798765200, 'texmed.org/TexasMedicineDetail.aspx?Pageid=46106&id=68084 (Dec 31 2026, 8 p.m. ET)'),
 ('pi-hardship', 2026, 'PY2026 Promoting Interoperability hardship exception', 1798765200, 'texmed.org/TexasMedicineDetail.aspx?Pageid=46106&id=68084 (Dec 31 2026, 8 p.m. ET); qpp.cms.gov/about/deadlines as quoted by society pages'),
 ('pi-hardship', 2020, 'PY2020 Promoting Interoperability hardship exception', 1612227600, 'medisysinc.com; ciproms.com (EUC application deadline Feb 1 2021); qpp.cms.gov/about/deadlines as quoted by society pages (same instant)'),
 ('pi-hardship', 2021, 'PY2021 Promoting Interoperability hardship exception', 1640998800, 'asahq.org 2021/12; vascular.org (EUC application deadline Dec 31 2021); qpp.cms.gov/about/deadlines as quoted by society pages (same instant)'),
 ('pi-hardship', 2022, 'PY2022 Promoting Interoperability hardship exception', 1672794000, 'aapmr.org Jan 3 2023; aafp.org; texmed.org (EUC application deadline Jan 3 2023); qpp.cms.gov/about/deadlines as quoted by society pages (same instant)'),
 ('pi-hardship', 2023, 'PY2023 Promoting Interoperability hardship exception', 1704243600, 'old.paltc.org/node/11940; aafp.org (EUC application deadline Jan 2 2024); qpp.cms.gov/about/deadlines as quoted by society pages (same instant)'),
 ('pi-hardship', 2024, 'PY2024 Promoting Interoperability hardship exception', 1735693200, 'texmed.org id=64288; members.tnmed.org (EUC application deadline Dec 31 2024); qpp.cms.gov/about/deadlines as quoted by society pages (same instant)');
INSERT INTO review_window (kind, performance_year, name, opens_at, closes_at,
	zone, source, created_at, updated_at, verified, origin)
	SELECT kind, performance_year, name, NULL, closes_at, 'America/New_York',
	    source, '2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z', 1, 'reference'
	FROM seed_window s
	WHERE NOT EXISTS (SELECT 1 FROM review_window w WHERE w.kind = s.kind
	    AND w.performance_year = s.performance_year AND w.name = s.name);
DROP TABLE seed_window;

-- Sources are shown to the officer: they name public sources only.
UPDATE score_weight SET source = 'unverified: ' ||
	substr(source, length('facts sheet [U]: ') + 1)
	WHERE source LIKE 'facts sheet [U]: %';
UPDATE score_weight SET source = 'unverified (aao.org confirms small '
	|| 'practices differ; numbers not retrieved): check 42 CFR '
	|| '414.1380(c)(2)(ii)(E)/(F)'
	WHERE source LIKE 'facts sheet [U] (aao.org%';
UPDATE evidence_requirement SET source = 'advice, not a CMS list (CMS: '
	|| 'documentation "varies by circumstance", AMA advocacy update Sep 8 '
	|| '2023): ' || substr(source, instr(source, '[U]: ') + 5)
	WHERE source LIKE 'product inference, ../shared/domain.md%';
UPDATE evidence_requirement SET source = replace(source,
	'; 1.3 identifiers (NPI, TIN, legal name)',
	'; identifiers CMS asks for (NPI, TIN, legal name)')
	WHERE source LIKE '%1.3 identifiers%';
