-- Version 29: chat channels and webhooks told of every alert.
--
-- webhook_endpoint: one per channel.  Its URL (for Slack and Teams the
-- URL is itself the key) and a generic endpoint's signing secret are kept
-- in a file of their own beside the database, never here: the row holds
-- the URL's shown form and that file's name.  next_post_ms paces Slack
-- (one message a second per endpoint) across every sender.
--
-- webhook_delivery: one row per alert and endpoint, claimed and leased as
-- the alert ledger's rows are, so daemon and cron post each alert to
-- each endpoint once.  The body is kept from the first attempt, so a
-- retry sends the same bytes under the same webhook-id.
--
-- webhook_attempt: the delivery log, every attempt with its answer; it
-- outlives a removed endpoint (it names it).
CREATE TABLE webhook_endpoint (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	name		TEXT NOT NULL UNIQUE,
	kind		TEXT NOT NULL CHECK (kind IN ('slack', 'teams', 'generic')),
	url_shown	TEXT NOT NULL,
	credentials	TEXT NOT NULL,		-- file name in webhooks/
	signed		INTEGER NOT NULL DEFAULT 0 CHECK (signed IN (0, 1)),
	tins		TEXT,			-- comma-separated; NULL: every TIN
	zone		TEXT,
	next_post_ms	INTEGER NOT NULL DEFAULT 0,
	disabled_at	TEXT,
	disabled_reason	TEXT,
	created_at	TEXT NOT NULL,
	created_by	TEXT NOT NULL,
	CHECK ((kind = 'generic') = (signed = 1))
);
CREATE TABLE webhook_delivery (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	endpoint_id	INTEGER NOT NULL REFERENCES webhook_endpoint (id)
		ON DELETE CASCADE,
	kind		TEXT NOT NULL CHECK (kind IN ('reminder', 'escalation')),
	what		TEXT NOT NULL CHECK (what IN ('case', 'hardship')),
	item_id		INTEGER NOT NULL,
	closes_at	INTEGER NOT NULL,
	offset_secs	INTEGER NOT NULL,
	webhook_id	TEXT NOT NULL,
	body		TEXT NOT NULL,
	state		TEXT NOT NULL CHECK (state IN
		('claimed', 'sending', 'sent', 'failed', 'rejected')),
	claim_token	TEXT,
	lease_until	INTEGER,
	attempts	INTEGER NOT NULL DEFAULT 0,
	retry_at	INTEGER,
	last_status	INTEGER,
	last_error	TEXT,
	sent_at		TEXT,
	maybe_sent	INTEGER NOT NULL DEFAULT 0,	-- an earlier try may
						-- have arrived
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	UNIQUE (endpoint_id, kind, what, item_id, closes_at, offset_secs),
	CHECK ((state IN ('claimed', 'sending')) =
	    (claim_token IS NOT NULL AND lease_until IS NOT NULL)),
	CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
CREATE TABLE webhook_attempt (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	at		TEXT NOT NULL,
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
		('sent', 'retry', 'failed', 'rejected', 'gone')),
	error		TEXT,
	maybe_duplicate	INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_attempt_delivery ON webhook_attempt (delivery_id);
