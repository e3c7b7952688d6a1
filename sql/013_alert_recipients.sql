-- Delivery of each reminder per recipient.  A server may refuse one
-- address (550 no such user) and take the others: those are delivered
-- and recorded here in the same transaction as the ledger row's outcome,
-- so a retry goes only to the addresses without a 'sent' row, and each
-- address gets the reminder once.
--   sent     the server took the message for this address (sent_at);
--   refused  the last attempt was refused for it (last_error); retried.
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
