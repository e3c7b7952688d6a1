#!/bin/sh
# The audit trail is sealed with a key kept outside the database: wiping
# it, cutting it short or rewriting it is caught, an anchor recorded
# elsewhere proves it still extends, and a database of the release before
# the key upgrades in place.
. "$top_srcdir/tests/e2e/lib.sh"

KEY="$MIPSREVIEW_DB.audit-key"
add() { "$MR" add --tin "$SEED_TIN" --name "$1" --year 2023 --reason other >/dev/null; }

ok "first case" add "A Group"
expect_eq "key file created on the first write" "$(stat -c %a "$KEY")" 600
expect_match "key file holds a key" "$(cat "$KEY")" "^key [0-9a-f]{64}$"
ok "second case" "$MR" add --tin 12-3456788 --name "B Group" --year 2023 --reason other
ok "a note" "$MR" note 1 "called CMS"
ok "verify" "$MR" audit --verify
expect_match "verify says sealed" "$(cat "$T/out")" "3 rows, hash chain verified, sealed"

ok "anchor" "$MR" audit anchor
A=$(cat "$T/out")
expect_match "anchor is ROWS:HASH" "$A" "^3:[0-9a-f]{64}$"
ok "anchor --json" "$MR" audit anchor --json
expect_eq "anchor --json" "$(json_get anchor <"$T/out")" "$A"
ok "a later change" "$MR" note 2 "mailed"
ok "verify extends the anchor" "$MR" audit --verify --anchor "$A"
expect_match "says it extends" "$(cat "$T/out")" "extends the anchor 3:"
refuses "a malformed anchor" 3 "ROWS:HASH" "$MR" audit --verify --anchor 3:abc
REFUSE_LINES=2 refuses "--anchor without --verify" 2 "goes with --verify" \
	"$MR" audit --anchor "$A"

cp "$MIPSREVIEW_DB" "$T/keep.db"
# Wiping the trail (and its head) with the cases left in place.
sqlite3 "$MIPSREVIEW_DB" "DELETE FROM audit; DELETE FROM audit_head"
refuses "wiped trail" 7 "none of them is left" "$MR" audit --verify
sqlite3 "$MIPSREVIEW_DB" "DELETE FROM sqlite_sequence WHERE name = 'audit'"
refuses "wiped trail, id counter reset" 7 "case 1 has no row in the audit trail" \
	"$MR" audit --verify
refuses "wiped trail, anchor" 7 "rows were deleted" "$MR" audit --verify --anchor "$A"
"$MR" audit --verify --json >"$T/out"
expect_eq "wiped trail --json: not intact" "$(json_get intact <"$T/out")" False
# Everything wiped: only the anchor knows.
sqlite3 "$MIPSREVIEW_DB" "DELETE FROM case_note; DELETE FROM review_case"
refuses "everything wiped, anchor" 7 "has 0 rows but the anchor recorded 3" \
	"$MR" audit --verify --anchor "$A"

# The last row deleted and the head set back to the row before it.
cp "$T/keep.db" "$MIPSREVIEW_DB"
sqlite3 "$MIPSREVIEW_DB" "DELETE FROM audit WHERE id = 4; UPDATE audit_head
	SET rows = 3, hash = (SELECT hash FROM audit WHERE id = 3)"
refuses "last row cut, head rewritten" 7 "lacks the seal" "$MR" audit --verify
# ... and the head's seal dropped too, with the id counter set back.
sqlite3 "$MIPSREVIEW_DB" "UPDATE audit_head SET mac = NULL"
refuses "head seal dropped" 7 "lacks the seal" "$MR" audit --verify

# A row rewritten and re-hashed with plain SHA-256 does not carry the seal.
cp "$T/keep.db" "$MIPSREVIEW_DB"
sqlite3 "$MIPSREVIEW_DB" "UPDATE audit SET keyed = 0 WHERE id = 4"
refuses "a sealed row turned plain" 7 "row 4 lacks the seal" "$MR" audit --verify

# A case slipped in behind the tool's back.
cp "$T/keep.db" "$MIPSREVIEW_DB"
sqlite3 "$MIPSREVIEW_DB" "INSERT INTO review_case (tin, name, performance_year,
	reasons, created_at, updated_at) VALUES ('123456789', 'Ghost', 2023,
	'other', 'x', 'x')"
refuses "a case with no audit row" 7 "case 3 has no row" "$MR" audit --verify

# Without the key the sealed trail cannot be verified, nor written to.
cp "$T/keep.db" "$MIPSREVIEW_DB"
mv "$KEY" "$T/key"
refuses "key missing: verify" 7 "restore that file" "$MR" audit --verify
refuses "key missing: a write" 7 "restore that file" "$MR" note 1 "x"
mv "$T/key" "$KEY"
ok "key back" "$MR" audit --verify

# A key others may read seals nothing (whoever reads it can rewrite the
# trail and seal it again): refused, and with it every write.
chmod 644 "$KEY"
refuses "key readable by all: a write" 6 \
	"audit key file '$KEY': other users may read it (mode 0644).*chmod 600 $KEY" \
	"$MR" note 1 "x"
refuses "key readable by all: verify" 6 "chmod 600 $KEY" "$MR" audit --verify
chmod 640 "$KEY"
refuses "key readable by the group of a private database: a write" 6 \
	"its group may read it (mode 0640).*chmod 600 $KEY" "$MR" note 1 "x"
expect_eq "the refused key is left as it was" "$(stat -c %a "$KEY")" 640
chmod 600 "$KEY"
ok "key private again: a write" "$MR" note 1 "x"
ok "and the trail verifies" "$MR" audit --verify

# An office database (a setgid folder shared by its group) gets a key its
# group can read, so every officer's changes are sealed.
mkdir "$T/office"; chmod 2770 "$T/office"
MIPSREVIEW_DB="$T/office/mr.db" "$MR" add --tin "$SEED_TIN" --name "C Group" \
	--year 2023 --reason other >"$T/out" 2>"$T/err" || fail "office database: $(cat "$T/err")"
expect_eq "key follows the database's group mode" \
	"$(stat -c %a "$T/office/mr.db.audit-key")" 640
expect_eq "key in the database's group" "$(stat -c %g "$T/office/mr.db.audit-key")" \
	"$(stat -c %g "$T/office/mr.db")"
ok "an officer's second change, sealed with the group's key" env \
	MIPSREVIEW_DB="$T/office/mr.db" "$MR" note 1 "group-readable key"
chmod 644 "$T/office/mr.db.audit-key"
main_db=$MIPSREVIEW_DB
MIPSREVIEW_DB="$T/office/mr.db"
refuses "office key readable outside its group: a write" 6 \
	"users outside group [^ ]* may read it (mode 0644).*chmod 640 $T/office/mr.db.audit-key" \
	"$MR" note 1 "x"
MIPSREVIEW_DB=$main_db

# A database of the release before the key: the old rows keep their plain
# chain, rows from the upgrade on are sealed.
rm -f "$MIPSREVIEW_DB"*
for f in schema.sql 002_windows.sql 003_evidence.sql 004_hardship.sql \
    005_feeds.sql 006_alerts.sql; do cat "$top_srcdir/sql/$f"; done |
	sqlite3 "$MIPSREVIEW_DB"
sqlite3 "$MIPSREVIEW_DB" <"$top_srcdir/tests/data/audit_v6.sql"
sqlite3 "$MIPSREVIEW_DB" "PRAGMA user_version = 6; PRAGMA application_id = 1296650323"
chmod 600 "$MIPSREVIEW_DB"
ok "old database verifies" "$MR" audit --verify
expect_match "old rows, plain chain" "$(cat "$T/out")" "intact: 3 rows, hash chain verified$"
expect_eq "upgraded to the latest schema" \
	"$(sqlite3 "$MIPSREVIEW_DB" 'PRAGMA user_version')" \
	"$(sed -n 's/^SQL_FILES += sql\/0*\([0-9]*\)_.*/\1/p' "$top_srcdir/sql/local.mk" | tail -n 1)"
ok "old anchor" "$MR" audit anchor
OLD=$(cat "$T/out")
ok "first write after the upgrade" "$MR" note 1 "after the upgrade"
expect_match "key covers rows from the upgrade on" "$(cat "$KEY")" "from-row 4"
ok "verify after the upgrade" "$MR" audit --verify --anchor "$OLD"
expect_match "mixed trail explained" "$(cat "$T/out")" "1 sealed with the audit key, the 3 before it by the plain chain"
sqlite3 "$MIPSREVIEW_DB" "UPDATE audit SET who = 'mallory' WHERE id = 2"
refuses "an old row edited" 7 "row 2 was altered" "$MR" audit --verify
sqlite3 "$MIPSREVIEW_DB" "UPDATE audit SET who = 'root' WHERE id = 2;
	DELETE FROM audit WHERE id = 4;
	UPDATE audit_head SET rows = 3, hash = (SELECT hash FROM audit WHERE id = 3), mac = NULL"
refuses "the sealed rows deleted after an upgrade" 7 "none of them is left" \
	"$MR" audit --verify

finish
