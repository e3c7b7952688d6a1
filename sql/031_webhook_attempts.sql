-- Version 31: the webhooks' delivery log lists every attempt.
--
-- An attempt cut short - its sender died after handing over the whole
-- request, leaving the delivery 'sending' - is logged as 'interrupted'
-- by the sender that takes the delivery over, with the time it began;
-- an attempt abandoned before its last byte because another sender had
-- taken the delivery over is logged as 'busy'.  webhook_delivery keeps
-- when its current attempt began (posting_at, UTC) for that.
--
-- SQLite cannot change a CHECK constraint in place: webhook_attempt is
-- rebuilt, keeping every row and id.
ALTER TABLE webhook_attempt RENAME TO webhook_attempt_v30;
CREATE TABLE webhook_attempt (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	at		TEXT NOT NULL,		-- when it ended, or began if cut short
	endpoint	TEXT NOT NULL,		-- its name then
	endpoint_id	INTEGER,		-- no reference: the log outlives it
	delivery_id	INTEGER,		-- NULL: 'webhook test'
	webhook_id	TEXT NOT NULL,
	kind		TEXT NOT NULL,
	what		TEXT,
	item_id		INTEGER,
	offset_secs	INTEGER,
	status		INTEGER,		-- HTTP status; NULL: no answer
	outcome		TEXT NOT NULL CHECK (outcome IN
		('sent', 'retry', 'failed', 'rejected', 'gone', 'interrupted',
		 'busy')),
	error		TEXT,
	maybe_duplicate	INTEGER NOT NULL DEFAULT 0
);
INSERT INTO webhook_attempt (id, at, endpoint, endpoint_id, delivery_id,
	webhook_id, kind, what, item_id, offset_secs, status, outcome, error,
	maybe_duplicate)
SELECT id, at, endpoint, endpoint_id, delivery_id, webhook_id, kind, what,
	item_id, offset_secs, status, outcome, error, maybe_duplicate
	FROM webhook_attempt_v30;
DROP TABLE webhook_attempt_v30;
CREATE INDEX webhook_attempt_delivery ON webhook_attempt (delivery_id);
ALTER TABLE webhook_delivery ADD COLUMN posting_at TEXT;
