-- Version 5: calendar subscriptions.
--
-- A feed is a secret URL a calendar client subscribes to.  Only the
-- SHA-256 of its token is kept (hex), so a copy of the database does not
-- give the URLs away; the token is shown once, when the feed is added.
-- A revoked feed keeps its row (and its audit trail) but answers 404.
CREATE TABLE calendar_feed (
	id			INTEGER PRIMARY KEY AUTOINCREMENT,
	name			TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
	token_hash		TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
	tin			TEXT CHECK (tin IS NULL OR (length(tin) = 9 AND tin NOT GLOB '*[^0-9]*')),
	performance_year	INTEGER CHECK (performance_year IS NULL OR performance_year >= 2017),
	created_at		TEXT NOT NULL,
	revoked_at		TEXT
);
CREATE UNIQUE INDEX calendar_feed_active_name ON calendar_feed (name)
	WHERE revoked_at IS NULL;

-- The key from which calendar UIDs are derived (HMAC-SHA-256 of an item's
-- kind and id), so a UID is stable for the life of the database yet says
-- nothing about the case or the clinician behind it.
CREATE TABLE calendar_key (
	one		INTEGER PRIMARY KEY CHECK (one = 1),
	secret		BLOB NOT NULL CHECK (length(secret) = 32)
);
INSERT INTO calendar_key VALUES (1, randomblob(32));
