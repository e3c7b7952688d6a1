-- Version 23: a calendar feed may belong to a staff account.
--
-- A feed made on the office's pages belongs to the account that made it:
-- it shows that person's feeds only and lets them revoke only those.
-- Feeds made with the CLI belong to no account (NULL), as before.
ALTER TABLE calendar_feed ADD COLUMN account_id INTEGER REFERENCES account (id);
CREATE INDEX calendar_feed_account ON calendar_feed (account_id)
	WHERE account_id IS NOT NULL;
