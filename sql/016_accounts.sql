-- Version 16: accounts of the office's staff, their API tokens and their
-- browser sessions, for mipsreviewd's pages and JSON API.
--
-- A password is kept only as an argon2id PHC string (parameters, salt and
-- hash together, RFC 9106), an API token and a session identifier only as
-- the SHA-256 of the random value (hex): a copy of the database lets no
-- one in.  An account is disabled, never deleted, so its audit rows keep
-- naming someone.
CREATE TABLE account (
	id			INTEGER PRIMARY KEY AUTOINCREMENT,
	name			TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
	role			TEXT NOT NULL CHECK (role IN ('viewer', 'officer', 'admin')),
	password_hash		TEXT CHECK (password_hash IS NULL OR password_hash GLOB '$argon2id$*'),
	created_at		TEXT NOT NULL,
	password_changed_at	TEXT,
	disabled_at		TEXT
);

-- The TINs a viewer or officer is limited to; none means every TIN.
CREATE TABLE account_tin (
	account_id	INTEGER NOT NULL REFERENCES account (id),
	tin		TEXT NOT NULL CHECK (length(tin) = 9 AND tin NOT GLOB '*[^0-9]*'),
	PRIMARY KEY (account_id, tin)
) WITHOUT ROWID;

CREATE TABLE account_token (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id	INTEGER NOT NULL REFERENCES account (id),
	token_hash	TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
	created_at	TEXT NOT NULL,
	revoked_at	TEXT
);
CREATE INDEX account_token_account ON account_token (account_id);

-- Times are seconds since the epoch (UTC): the daemon compares them with
-- its clock on every request.
CREATE TABLE account_session (
	id_hash		TEXT PRIMARY KEY CHECK (length(id_hash) = 64),
	account_id	INTEGER NOT NULL REFERENCES account (id),
	created_at	INTEGER NOT NULL,
	last_seen_at	INTEGER NOT NULL,
	ended_at	INTEGER
) WITHOUT ROWID;
CREATE INDEX account_session_account ON account_session (account_id);
