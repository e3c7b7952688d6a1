-- Version 18: the release's reference data is a reference pack.
--
-- From this version on, the facts a release ships live in one reference
-- pack (sql/reference.json), embedded in the programs and applied when a
-- database is opened through the same path as 'mipsreview reference
-- import', once per pack: its date and SHA-256 are recorded in
-- reference_pack with origin 'release'.  What the office entered or
-- edited is never overwritten by a release: windows it entered or edited
-- carry origin 'office', and the facts an office pack added or changed are
-- listed here; a release's differing value is a conflict, recorded with
-- the pack and shown by 'mipsreview reference list'.
CREATE TABLE reference_office (
	fact		TEXT PRIMARY KEY,	-- "program-year 2027", "window 2026 euc-hardship 'PY2026 EUC application'"
	pack_id		INTEGER NOT NULL REFERENCES reference_pack (id)
);

-- Which facts a pack left as the office had them, by name.
ALTER TABLE reference_pack ADD COLUMN conflict_names TEXT NOT NULL DEFAULT '';
