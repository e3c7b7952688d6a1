-- Version 30: the VTIMEZONEs of calendars are kept.
--
-- A calendar writes each zone it uses as a VTIMEZONE, which libical makes
-- from the system's tzdata; loading libical (with ICU) costs more than the
-- rest of a one-TIN calendar.  The text depends only on the zone's TZif
-- file, the year the rules are cut from and the versions of the code that
-- made it, so a calendar written again takes it from here (lib/mr_tzcache.c).
-- A row serves only a calendar whose key matches it whole: a tzdata update
-- (another SHA-256 of the TZif file) or an upgrade (another maker) makes a
-- new text, which replaces the row.  check_sha256 covers the key and the
-- text: a damaged row is ignored.  Nothing else refers to this table; its
-- rows may be deleted at any time.
CREATE TABLE zone_vtimezone (
	zone		TEXT NOT NULL CHECK (length(zone) BETWEEN 1 AND 63),
	first_year	INTEGER NOT NULL,
	tzif_sha256	BLOB NOT NULL CHECK (length(tzif_sha256) = 32),
	maker		TEXT NOT NULL,
	vtimezone	TEXT NOT NULL,
	check_sha256	BLOB NOT NULL CHECK (length(check_sha256) = 32),
	made_at		TEXT NOT NULL,
	PRIMARY KEY (zone, first_year)
);
