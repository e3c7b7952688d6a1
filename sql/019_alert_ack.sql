-- Version 19: acknowledged deadlines.
--
-- Someone has taken a deadline in hand: reminders to the item's owner stop.
-- The acknowledgement holds for the deadline and the workflow state it was
-- given for (closes_at, status): when the deadline moves (CMS extends the
-- window, a case gets its own deadline) or the item changes state, it no
-- longer matches and reminders resume.  Rows are kept as the record of who
-- acknowledged what and when (the audit trail has them too).
CREATE TABLE alert_ack (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	what		TEXT NOT NULL CHECK (what IN ('case', 'hardship')),
	item_id		INTEGER NOT NULL,
	closes_at	INTEGER NOT NULL,	-- the deadline acknowledged
	status		TEXT NOT NULL,		-- the item's state then
	note		TEXT,
	acked_by	TEXT NOT NULL,		-- the operating-system user
	acked_at	TEXT NOT NULL,		-- ISO 8601 UTC
	UNIQUE (what, item_id, closes_at, status)
);
