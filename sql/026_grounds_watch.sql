-- Version 26: the daemon watches CMS's records of open cases.
--
-- With qpp_refresh set, mipsreviewd asks CMS's QPP Eligibility API again
-- for the record of every open case with an NPI, and when a record
-- changed in a way that gives the case a targeted-review ground or takes
-- one away, the change is kept here and told once through the alert
-- ledger (kind 'grounds').
--
-- Each refresh run, so a restarted daemon knows when the next is due.
CREATE TABLE qpp_refresh_run (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	started_at	INTEGER NOT NULL,	-- UTC epoch
	finished_at	INTEGER,		-- NULL while running or if it died
	asked		INTEGER NOT NULL DEFAULT 0,	-- records asked for
	changed		INTEGER NOT NULL DEFAULT 0,	-- records that differed
	failed		INTEGER NOT NULL DEFAULT 0,	-- requests that failed
	grounds_changes	INTEGER NOT NULL DEFAULT 0
);

-- A record that changed a case's grounds: the grounds gained and lost
-- (comma-separated ids, as 'mipsreview grounds' names them) and, a line
-- each, what CMS's record says of them.
CREATE TABLE grounds_change (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	case_id		INTEGER NOT NULL REFERENCES review_case (id),
	npi		TEXT NOT NULL,
	performance_year INTEGER NOT NULL,
	gained		TEXT NOT NULL,
	lost		TEXT NOT NULL,
	detail		TEXT NOT NULL,
	found_at	INTEGER NOT NULL,	-- UTC epoch
	record_retrieved_at TEXT NOT NULL,
	CHECK (gained <> '' OR lost <> '')
);
CREATE INDEX grounds_change_case ON grounds_change (case_id);

-- The ledger takes a third kind.  For kind 'grounds', closes_at is the
-- instant the change was found and offset_secs the grounds_change id, so
-- each change is told once.  SQLite cannot change a CHECK in place: the
-- ledger and the table that refers to it are rebuilt, keeping every row.
ALTER TABLE alert_recipient RENAME TO alert_recipient_v22;
ALTER TABLE alert_ledger RENAME TO alert_ledger_v22;
DROP INDEX alert_ledger_state;
DROP INDEX alert_ledger_one_escalation;
CREATE TABLE alert_ledger (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	kind		TEXT NOT NULL DEFAULT 'reminder'
		CHECK (kind IN ('reminder', 'escalation', 'grounds')),
	what		TEXT NOT NULL CHECK (what IN ('case', 'hardship')),
	item_id		INTEGER NOT NULL,
	closes_at	INTEGER NOT NULL,	-- the deadline this row is for
	offset_secs	INTEGER NOT NULL CHECK (offset_secs > 0),
	message_id	TEXT NOT NULL,
	state		TEXT NOT NULL CHECK (state IN
		('claimed', 'sending', 'sent', 'failed')),
	claim_token	TEXT,			-- the sender holding it
	lease_until	INTEGER,
	attempts	INTEGER NOT NULL DEFAULT 0,
	last_error	TEXT,
	retry_at	INTEGER,
	recipients	TEXT,			-- comma-separated, as last tried
	sent_at		TEXT,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	UNIQUE (what, item_id, closes_at, offset_secs, kind),
	CHECK ((state IN ('claimed', 'sending')) =
	    (claim_token IS NOT NULL AND lease_until IS NOT NULL)),
	CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
INSERT INTO alert_ledger (id, kind, what, item_id, closes_at, offset_secs,
	message_id, state, claim_token, lease_until, attempts, last_error,
	retry_at, recipients, sent_at, created_at, updated_at)
SELECT id, kind, what, item_id, closes_at, offset_secs, message_id,
	state, claim_token, lease_until, attempts, last_error, retry_at,
	recipients, sent_at, created_at, updated_at FROM alert_ledger_v22;
CREATE TABLE alert_recipient (
	ledger_id	INTEGER NOT NULL REFERENCES alert_ledger (id),
	address		TEXT NOT NULL,
	state		TEXT NOT NULL CHECK (state IN ('sent', 'refused')),
	attempts	INTEGER NOT NULL DEFAULT 1,
	last_error	TEXT,
	sent_at		TEXT,
	updated_at	TEXT NOT NULL,
	PRIMARY KEY (ledger_id, address),
	CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
INSERT INTO alert_recipient SELECT ledger_id, address, state, attempts,
	last_error, sent_at, updated_at FROM alert_recipient_v22;
DROP TABLE alert_recipient_v22;
DROP TABLE alert_ledger_v22;
CREATE INDEX alert_ledger_state ON alert_ledger (state, retry_at);
CREATE UNIQUE INDEX alert_ledger_one_escalation
	ON alert_ledger (what, item_id, closes_at) WHERE kind = 'escalation';
