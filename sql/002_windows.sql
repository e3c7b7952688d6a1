-- Version 2: review windows and case deadlines.
--
-- A window is a named deadline of one kind for one performance year.  Its
-- instants are UTC epoch seconds; zone is the IANA zone it was announced
-- in, used to show it as announced.  A case takes its deadline from the
-- latest-closing targeted-review window of its year unless it has a
-- deadline of its own (deadline_at), e.g. when CMS asks for documents.
CREATE TABLE review_window (
	id			INTEGER PRIMARY KEY AUTOINCREMENT,
	kind			TEXT NOT NULL CHECK (kind IN ('targeted-review',
		'euc-hardship', 'pi-hardship', 'data-submission', 'other')),
	performance_year	INTEGER NOT NULL CHECK (performance_year >= 2017),
	name			TEXT NOT NULL,
	opens_at		INTEGER,
	closes_at		INTEGER NOT NULL,
	zone			TEXT NOT NULL,
	source			TEXT NOT NULL DEFAULT '',
	revision		INTEGER NOT NULL DEFAULT 0,	-- +1 on every change
	created_at		TEXT NOT NULL,
	updated_at		TEXT NOT NULL,
	CHECK (opens_at IS NULL OR opens_at < closes_at)
);
CREATE INDEX review_window_year_kind ON review_window (performance_year, kind, closes_at);

ALTER TABLE review_case ADD COLUMN deadline_at INTEGER;	-- own deadline, UTC epoch
ALTER TABLE review_case ADD COLUMN deadline_zone TEXT;
ALTER TABLE review_case ADD COLUMN deadline_source TEXT;

-- The windows documented in ../shared/domain.md (sections 1.4 and 2.4),
-- each with its sources.  Closing times are 8 p.m. Eastern unless the
-- source announced Central time; the epoch values were computed from the
-- tz database and are checked by tests/unit/test_window.c.  Dates the
-- facts sheet marks unverified ([U]) or only derives ([D]) are left out.
CREATE TEMP TABLE seed_window (kind, performance_year, name, opens_at, closes_at, zone, source);
INSERT INTO seed_window VALUES
 ('targeted-review', 2017, 'PY2017 targeted review', NULL, 1539648000, 'America/New_York', 'qppsupport.org news 9/26/2018; mcms.org/BB/6705160; kidneynews.org; college.acaai.org (Sep 30 2018, extended to Oct 1, then to Oct 15 2018 8:00 PM EDT)'),
 ('targeted-review', 2018, 'PY2018 targeted review', NULL, 1569888000, 'America/Chicago', 'asoa.org; ftp.texmed.org/Template.aspx?id=51553 (7 p.m. CT = 8 p.m. ET)'),
 ('targeted-review', 2019, 'PY2019 targeted review', NULL, 1601942400, 'America/New_York', 'mgma-mo.org/news/9209554; texmed.org id=54776; worldservicesgroup.com id=17186'),
 ('targeted-review', 2020, 'PY2020 targeted review', NULL, 1638234000, 'America/New_York', 'neqpp.org; asahq.org 2021/09; ciproms.com 2021/10; mdinteractive.com 2021-11-01 (Oct 1 2021, extended to Nov 29 2021)'),
 ('targeted-review', 2021, 'PY2021 targeted review', NULL, 1666396800, 'America/New_York', 'aqihq.org/news/nacornews20220824.html; mdinteractive.com 2022-09-15; anatomyit.com'),
 ('targeted-review', 2022, 'PY2022 targeted review', NULL, 1696896000, 'America/New_York', 'telcor.com (feedback released Aug 10 2023); mdinteractive.com 2023-08-14; apma.org'),
 ('targeted-review', 2023, 'PY2023 targeted review', NULL, 1728691200, 'America/Chicago', 'world.vivinavi.com CMS mirror ''Last Day to Request a 2023 Targeted Review''; aafp.org; mdinteractive.com 2024-07-14 (8 p.m. ET / 7 p.m. CT)'),
 ('targeted-review', 2024, 'PY2024 targeted review', NULL, 1763168400, 'America/New_York', 'go.northwestahec.wakehealth.edu; facs.org Oct 21 2025; aasm.org; paltmed.org Nov 10 2025 (30 days after payment adjustments released Oct 15 2025)'),
 ('euc-hardship', 2019, 'PY2019 EUC re-opening for COVID-19', NULL, 1588291200, 'America/New_York', 'team-iha.org; facs.org; the-rheumatologist.org (re-opened Apr 3-30 2020)'),
 ('data-submission', 2019, 'PY2019 data submission (COVID-19 extension)', NULL, 1588291200, 'America/New_York', 'team-iha.org; facs.org; the-rheumatologist.org'),
 ('euc-hardship', 2020, 'PY2020 EUC application (re-opened)', NULL, 1617235200, 'America/New_York', 'medisysinc.com; ciproms.com (Feb 1 2021, re-opened to Mar 31 2021; later accepted via the targeted-review form to Nov 29 2021)'),
 ('euc-hardship', 2021, 'PY2021 EUC application (re-opened)', NULL, 1648771200, 'America/New_York', 'asahq.org 2021/12; vascular.org (Dec 31 2021 for groups, virtual groups, APM Entities; re-opened to Mar 31 2022)'),
 ('euc-hardship', 2022, 'PY2022 EUC application', NULL, 1672794000, 'America/New_York', 'aapmr.org Jan 3 2023; aafp.org; texmed.org (COVID-only extension to Mar 3 2023, no data override)'),
 ('euc-hardship', 2023, 'PY2023 EUC application', NULL, 1704243600, 'America/New_York', 'old.paltc.org/node/11940; aafp.org'),
 ('euc-hardship', 2023, 'PY2023 EUC re-opening for the Change Healthcare cyberattack', NULL, 1713225600, 'America/New_York', 'aafp.org Mar 15 2024; intellicure.com; texmed.org id=64791 (announced Mar 11 2024; later also via the targeted-review form to Oct 11 2024)'),
 ('data-submission', 2023, 'PY2023 data submission (Change Healthcare extension)', NULL, 1713225600, 'America/New_York', 'aafp.org; texmed.org id=64791 (announced Mar 11 2024)'),
 ('euc-hardship', 2024, 'PY2024 EUC application', NULL, 1735693200, 'America/New_York', 'texmed.org id=64288; members.tnmed.org'),
 ('euc-hardship', 2024, 'PY2024 EUC re-opening for the IV-fluid shortage', 1743429600, 1744675200, 'America/New_York', 'niepodam.pl CMS mirror; members.tnmed.org'),
 ('data-submission', 2024, 'PY2024 data submission (IV-fluid shortage extension)', NULL, 1744675200, 'America/New_York', 'niepodam.pl CMS mirror; members.tnmed.org'),
 ('euc-hardship', 2025, 'PY2025 EUC application', NULL, 1767229200, 'America/New_York', 'nie-podam.pl CMS mirror; aapmr.org 2025-05-30'),
 ('pi-hardship', 2025, 'PY2025 Promoting Interoperability hardship exception', NULL, 1767229200, 'America/New_York', 'CMS Dec 31 2025 reminder (nie-podam.pl mirror); the-rheumatologist.org 2025');
INSERT INTO review_window (kind, performance_year, name, opens_at, closes_at,
	zone, source, created_at, updated_at)
	SELECT kind, performance_year, name, opens_at, closes_at, zone, source,
	'2026-11-23T00:00:00Z', '2026-11-23T00:00:00Z' FROM seed_window;
DROP TABLE seed_window;

-- Own deadlines are few; due finds them through this index, and cases on a
-- window through review_case_year_status.
CREATE INDEX review_case_deadline ON review_case (deadline_at)
	WHERE deadline_at IS NOT NULL;
