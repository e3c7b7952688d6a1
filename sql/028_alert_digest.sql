-- Version 28: the daily digests in the alert ledger.
--
-- One row per recipient and local day (the day in the recipient's zone):
-- the row makes each digest go out once however many senders (cron, the
-- daemon) run at once, with the states and lease of the reminders'
-- ledger (sql/006_alerts.sql): claimed, sending, sent, failed.  due_at is
-- the instant the digest was due, the first instant of the day at or
-- after its local hour (after a spring-forward gap, the first valid one).
CREATE TABLE alert_digest (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	recipient	TEXT NOT NULL,		-- lowercase address
	local_day	TEXT NOT NULL,		-- YYYY-MM-DD in zone
	zone		TEXT NOT NULL,
	due_at		INTEGER NOT NULL,
	message_id	TEXT NOT NULL,
	state		TEXT NOT NULL CHECK (state IN
		('claimed', 'sending', 'sent', 'failed')),
	claim_token	TEXT,
	lease_until	INTEGER,
	attempts	INTEGER NOT NULL DEFAULT 0,
	last_error	TEXT,
	retry_at	INTEGER,
	sent_at		TEXT,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	UNIQUE (recipient, local_day),
	CHECK ((state IN ('claimed', 'sending')) =
	    (claim_token IS NOT NULL AND lease_until IS NOT NULL)),
	CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
