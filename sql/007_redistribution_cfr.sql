-- Version 7: the reweighting redistribution tables checked against the
-- regulation itself, 42 CFR 414.1380(c)(2)(ii), tables (A) to (G).
--
-- The tables are keyed by MIPS payment year, which is the performance year
-- plus two: table (A) "for the 2019 MIPS payment year" is performance year
-- 2017, and table (F) "beginning with the 2024 MIPS payment year" (with
-- table (G) for small practices) covers performance year 2022 onwards.
-- Public copy read: github.com/MichalOpoka/ecfr, title 42, part 414,
-- subpart O, section-414.1380.md, the version amended through 88 FR 79535
-- (Nov. 16, 2023).  Every row of every table was compared; all rows the
-- earlier migrations shipped match, including "no quality and no
-- improvement activities" from PY2022 on (quality 0, cost 30, IA 0, PI 70),
-- so they become verified, and the rows the earlier migrations lacked are
-- added.  Amendments after 88 FR 79535 (the CY 2025 and CY 2026 physician
-- fee schedule rules) are not in the copy: PY2025 rows rest on table (F)
-- and (G) applying "beginning with" the 2024 payment year.

CREATE TEMP TABLE cfr_redistribution (
	performance_year, reweighted, practice, quality, cost, ia, pi, source
);

-- Table (A), 2019 payment year (PY2017): cost already weighs 0 %.
INSERT INTO cfr_redistribution VALUES
 (2017, 'pi',            'any', 85, 0, 15,  0, '42 CFR 414.1380(c)(2)(ii)(A) (2019 MIPS payment year)'),
 (2017, 'quality',       'any',  0, 0, 50, 50, '42 CFR 414.1380(c)(2)(ii)(A) (2019 MIPS payment year)'),
 (2017, 'ia',            'any', 75, 0,  0, 25, '42 CFR 414.1380(c)(2)(ii)(A) (2019 MIPS payment year)');

-- Table (B), 2020 payment year (PY2018).
INSERT INTO cfr_redistribution VALUES
 (2018, 'cost',          'any', 60,  0, 15, 25, '42 CFR 414.1380(c)(2)(ii)(B) (2020 MIPS payment year)'),
 (2018, 'pi',            'any', 75, 10, 15,  0, '42 CFR 414.1380(c)(2)(ii)(B) (2020 MIPS payment year)'),
 (2018, 'quality',       'any',  0, 10, 45, 45, '42 CFR 414.1380(c)(2)(ii)(B) (2020 MIPS payment year)'),
 (2018, 'ia',            'any', 65, 10,  0, 25, '42 CFR 414.1380(c)(2)(ii)(B) (2020 MIPS payment year)'),
 (2018, 'cost,pi',       'any', 85,  0, 15,  0, '42 CFR 414.1380(c)(2)(ii)(B) (2020 MIPS payment year)'),
 (2018, 'quality,cost',  'any',  0,  0, 50, 50, '42 CFR 414.1380(c)(2)(ii)(B) (2020 MIPS payment year)'),
 (2018, 'cost,ia',       'any', 75,  0,  0, 25, '42 CFR 414.1380(c)(2)(ii)(B) (2020 MIPS payment year)'),
 (2018, 'quality,pi',    'any',  0, 10, 90,  0, '42 CFR 414.1380(c)(2)(ii)(B) (2020 MIPS payment year)'),
 (2018, 'ia,pi',         'any', 90, 10,  0,  0, '42 CFR 414.1380(c)(2)(ii)(B) (2020 MIPS payment year)'),
 (2018, 'quality,ia',    'any',  0, 10,  0, 90, '42 CFR 414.1380(c)(2)(ii)(B) (2020 MIPS payment year)');

-- Table (C), 2021 payment year (PY2019).
INSERT INTO cfr_redistribution VALUES
 (2019, 'cost',          'any', 60,  0, 15, 25, '42 CFR 414.1380(c)(2)(ii)(C) (2021 MIPS payment year)'),
 (2019, 'pi',            'any', 70, 15, 15,  0, '42 CFR 414.1380(c)(2)(ii)(C) (2021 MIPS payment year); aao.org EyeNet 2019'),
 (2019, 'quality',       'any',  0, 15, 40, 45, '42 CFR 414.1380(c)(2)(ii)(C) (2021 MIPS payment year)'),
 (2019, 'ia',            'any', 60, 15,  0, 25, '42 CFR 414.1380(c)(2)(ii)(C) (2021 MIPS payment year)'),
 (2019, 'cost,pi',       'any', 85,  0, 15,  0, '42 CFR 414.1380(c)(2)(ii)(C) (2021 MIPS payment year)'),
 (2019, 'quality,cost',  'any',  0,  0, 50, 50, '42 CFR 414.1380(c)(2)(ii)(C) (2021 MIPS payment year)'),
 (2019, 'cost,ia',       'any', 75,  0,  0, 25, '42 CFR 414.1380(c)(2)(ii)(C) (2021 MIPS payment year)'),
 (2019, 'quality,pi',    'any',  0, 15, 85,  0, '42 CFR 414.1380(c)(2)(ii)(C) (2021 MIPS payment year)'),
 (2019, 'ia,pi',         'any', 85, 15,  0,  0, '42 CFR 414.1380(c)(2)(ii)(C) (2021 MIPS payment year)'),
 (2019, 'quality,ia',    'any',  0, 15,  0, 85, '42 CFR 414.1380(c)(2)(ii)(C) (2021 MIPS payment year)');

-- Table (D), 2022 payment year (PY2020; cost was reweighted for everyone).
INSERT INTO cfr_redistribution VALUES
 (2020, 'cost',          'any', 55,  0, 15, 30, '42 CFR 414.1380(c)(2)(ii)(D) (2022 MIPS payment year); go.northwestahec.wakehealth.edu'),
 (2020, 'pi',            'any', 70, 15, 15,  0, '42 CFR 414.1380(c)(2)(ii)(D) (2022 MIPS payment year)'),
 (2020, 'quality',       'any',  0, 15, 15, 70, '42 CFR 414.1380(c)(2)(ii)(D) (2022 MIPS payment year)'),
 (2020, 'ia',            'any', 60, 15,  0, 25, '42 CFR 414.1380(c)(2)(ii)(D) (2022 MIPS payment year)'),
 (2020, 'cost,pi',       'any', 85,  0, 15,  0, '42 CFR 414.1380(c)(2)(ii)(D) (2022 MIPS payment year); go.northwestahec.wakehealth.edu'),
 (2020, 'quality,cost',  'any',  0,  0, 15, 85, '42 CFR 414.1380(c)(2)(ii)(D) (2022 MIPS payment year); go.northwestahec.wakehealth.edu'),
 (2020, 'cost,ia',       'any', 70,  0,  0, 30, '42 CFR 414.1380(c)(2)(ii)(D) (2022 MIPS payment year); go.northwestahec.wakehealth.edu'),
 (2020, 'quality,pi',    'any',  0, 50, 50,  0, '42 CFR 414.1380(c)(2)(ii)(D) (2022 MIPS payment year)'),
 (2020, 'ia,pi',         'any', 85, 15,  0,  0, '42 CFR 414.1380(c)(2)(ii)(D) (2022 MIPS payment year)'),
 (2020, 'quality,ia',    'any',  0, 15,  0, 85, '42 CFR 414.1380(c)(2)(ii)(D) (2022 MIPS payment year)');

-- Table (E), 2023 payment year (PY2021; cost was reweighted for most).
INSERT INTO cfr_redistribution VALUES
 (2021, 'cost',          'any', 55,  0, 15, 30, '42 CFR 414.1380(c)(2)(ii)(E) (2023 MIPS payment year); old-prod.asco.org Apr 26 2022'),
 (2021, 'pi',            'any', 65, 20, 15,  0, '42 CFR 414.1380(c)(2)(ii)(E) (2023 MIPS payment year)'),
 (2021, 'quality',       'any',  0, 20, 15, 65, '42 CFR 414.1380(c)(2)(ii)(E) (2023 MIPS payment year)'),
 (2021, 'ia',            'any', 55, 20,  0, 25, '42 CFR 414.1380(c)(2)(ii)(E) (2023 MIPS payment year)'),
 (2021, 'cost,pi',       'any', 85,  0, 15,  0, '42 CFR 414.1380(c)(2)(ii)(E) (2023 MIPS payment year); old-prod.asco.org Apr 26 2022'),
 (2021, 'quality,cost',  'any',  0,  0, 15, 85, '42 CFR 414.1380(c)(2)(ii)(E) (2023 MIPS payment year); old-prod.asco.org Apr 26 2022'),
 (2021, 'cost,ia',       'any', 70,  0,  0, 30, '42 CFR 414.1380(c)(2)(ii)(E) (2023 MIPS payment year)'),
 (2021, 'quality,pi',    'any',  0, 50, 50,  0, '42 CFR 414.1380(c)(2)(ii)(E) (2023 MIPS payment year)'),
 (2021, 'ia,pi',         'any', 80, 20,  0,  0, '42 CFR 414.1380(c)(2)(ii)(E) (2023 MIPS payment year)'),
 (2021, 'quality,ia',    'any',  0, 20,  0, 80, '42 CFR 414.1380(c)(2)(ii)(E) (2023 MIPS payment year)');

-- Tables (F) and (G), beginning with the 2024 payment year (PY2022 on).
-- (G) differs from (F) for small practices in two rows only.
CREATE TEMP TABLE cfr_table_f (reweighted, practice, quality, cost, ia, pi, source);
INSERT INTO cfr_table_f VALUES
 ('cost',         'any',   55,  0, 15, 30, '42 CFR 414.1380(c)(2)(ii)(F) (from the 2024 MIPS payment year); aao.org MIPS 2022 small practices'),
 ('pi',           'any',   55, 30, 15,  0, '42 CFR 414.1380(c)(2)(ii)(F) (from the 2024 MIPS payment year)'),
 ('pi',           'small', 40, 30, 30,  0, '42 CFR 414.1380(c)(2)(ii)(G) (small practices, from the 2024 MIPS payment year); help.eyefinity.com'),
 ('quality',      'any',    0, 30, 15, 55, '42 CFR 414.1380(c)(2)(ii)(F) (from the 2024 MIPS payment year)'),
 ('ia',           'any',   45, 30,  0, 25, '42 CFR 414.1380(c)(2)(ii)(F) (from the 2024 MIPS payment year)'),
 ('cost,pi',      'any',   85,  0, 15,  0, '42 CFR 414.1380(c)(2)(ii)(F) (from the 2024 MIPS payment year)'),
 ('cost,pi',      'small', 50,  0, 50,  0, '42 CFR 414.1380(c)(2)(ii)(G) (small practices, from the 2024 MIPS payment year); mdinteractive.com'),
 ('quality,cost', 'any',    0,  0, 15, 85, '42 CFR 414.1380(c)(2)(ii)(F) (from the 2024 MIPS payment year)'),
 ('cost,ia',      'any',   70,  0,  0, 30, '42 CFR 414.1380(c)(2)(ii)(F) (from the 2024 MIPS payment year)'),
 ('quality,pi',   'any',    0, 50, 50,  0, '42 CFR 414.1380(c)(2)(ii)(F) (from the 2024 MIPS payment year)'),
 ('ia,pi',        'any',   70, 30,  0,  0, '42 CFR 414.1380(c)(2)(ii)(F) (from the 2024 MIPS payment year)'),
 ('quality,ia',   'any',    0, 30,  0, 70, '42 CFR 414.1380(c)(2)(ii)(F) (from the 2024 MIPS payment year)');
INSERT INTO cfr_redistribution
	SELECT y.performance_year, f.reweighted, f.practice, f.quality, f.cost,
	    f.ia, f.pi, f.source
	FROM cfr_table_f f,
	    (SELECT 2022 AS performance_year UNION ALL SELECT 2023
	     UNION ALL SELECT 2024 UNION ALL SELECT 2025) y;
DROP TABLE cfr_table_f;

-- A row is marked verified only where its figures are the regulation's; a
-- row that differs (edited by hand in an office's database) keeps its
-- figures and its flag.
UPDATE score_weight SET verified = 1, source = (
	SELECT c.source FROM cfr_redistribution c
	WHERE c.performance_year = score_weight.performance_year
	    AND c.reweighted = score_weight.reweighted
	    AND c.practice = score_weight.practice)
WHERE EXISTS (
	SELECT 1 FROM cfr_redistribution c
	WHERE c.performance_year = score_weight.performance_year
	    AND c.reweighted = score_weight.reweighted
	    AND c.practice = score_weight.practice
	    AND c.quality = score_weight.quality AND c.cost = score_weight.cost
	    AND c.ia = score_weight.ia AND c.pi = score_weight.pi);

INSERT OR IGNORE INTO score_weight (performance_year, reweighted, practice,
    quality, cost, ia, pi, source, verified)
	SELECT performance_year, reweighted, practice, quality, cost, ia, pi,
	    source, 1
	FROM cfr_redistribution;
DROP TABLE cfr_redistribution;
