-- Version 12: the audit trail sealed with a key kept outside the database.
--
-- A row with keyed = 1 carries in hash an HMAC-SHA-256, under the secret in
-- the key file beside the database (<database>.audit-key), of the same
-- fields the plain chain hashes; rewriting such a row, or the rows after
-- it, needs the key.  Rows written before this version keep their plain
-- SHA-256 chain: the key covers every row from the first one written after
-- the upgrade on (the key file records that row's id), and the first keyed
-- row links to the last plain one.  audit_head.mac seals the row count and
-- newest hash with the same key, so cutting rows from the end is caught.
ALTER TABLE audit ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0
	CHECK (keyed IN (0, 1));
ALTER TABLE audit_head ADD COLUMN mac TEXT;
