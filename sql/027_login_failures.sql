-- Version 27: failed sign-ins are counted in the database.
--
-- mipsreviewd slows sign-ins after failures, per account and per client
-- address.  Counted only in memory, a restart of the daemon (a crash
-- loop, say) would give a guesser a fresh allowance; kept here, the count
-- survives it.  An account's count is kept on its row; a name that is no
-- account is counted in memory only, since what is typed as a name may be
-- a password typed in the wrong field and must not be written anywhere.
-- Times are seconds since the epoch (UTC).
ALTER TABLE account ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account ADD COLUMN last_failed_at INTEGER;

-- Failures per client address; rows a day old are swept at the next one.
CREATE TABLE login_failure (
	address		TEXT PRIMARY KEY CHECK (length(address) BETWEEN 1 AND 64),
	count		INTEGER NOT NULL CHECK (count > 0),
	last_at		INTEGER NOT NULL
) WITHOUT ROWID;
