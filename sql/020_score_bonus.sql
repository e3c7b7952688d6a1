-- Version 20: the bonuses of the final score are reference facts.
--
-- The complex patient bonus (42 CFR 414.1380(c)(3): at most 5 points for
-- PY2018-2019, 10 from PY2020) and the small practice bonus (PY2018: 5
-- points on the final score, (c)(4); from PY2019: 6 measure bonus points
-- in quality, (b)(1)(v)(C)) were constants of the scoring code.  As rows
-- they carry their sources, are listed by 'mipsreview reference list' and
-- can be updated by a reference pack; the rows themselves come with the
-- release's pack.
CREATE TABLE score_bonus (
	performance_year	INTEGER NOT NULL CHECK (performance_year >= 2017),
	bonus			TEXT NOT NULL CHECK (bonus IN ('complex-patient',
		'small-practice')),
	points			REAL NOT NULL CHECK (points > 0 AND points <= 100),
	applies_to		TEXT NOT NULL CHECK (applies_to IN ('final-score',
		'quality')),	-- points on the final score, or measure points in quality
	source			TEXT NOT NULL,
	verified		INTEGER NOT NULL CHECK (verified IN (0, 1)),
	PRIMARY KEY (performance_year, bonus)
);
