#!/bin/sh
# A national-size import is one transaction of hundreds of megabytes; it
# runs in SQLite's rollback journal when nothing else has the store open,
# and in WAL when something does.  Either way the store ends in WAL with
# every row; a reader that arrives meanwhile waits and then sees them
# all; an import killed half-way leaves the store as it was.
. "$top_srcdir/tests/e2e/lib.sh"

ok "a case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2023 --reason scoring-error
# 40,000 clinicians of distinct TINs: large enough (1.6 MB) to count as a
# bulk load, small enough to be quick.
awk 'BEGIN { print "tin,name,year,reason"
	for (i = 0; i < 40000; i++)
		printf "%09d,Clinician %d,2023,other\n", 200000000 + i, i }' >"$T/big.csv"

count() { /usr/bin/python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'; }

# store_state: the journal mode, the integrity check and the count of cases,
# read by SQLite itself (the journal mode is what the file says).
store_state() {
	/usr/bin/python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("PRAGMA journal_mode").fetchone()[0],
      c.execute("PRAGMA integrity_check").fetchone()[0],
      c.execute("SELECT count(*) FROM review_case").fetchone()[0])' "$MIPSREVIEW_DB"
}

# Killed while its rollback journal exists: the next opening rolls the
# import back and returns the store to WAL.
if kill9_when "$MIPSREVIEW_DB-journal" "$MR" import "$T/big.csv"; then
	pass
	ok "the next command opens the store" "$MR" list --json
	expect_eq "one case, as before the import" "$(count <"$T/out")" 1
	expect_eq "back in WAL, whole" "$(store_state)" "wal ok 1"
	[ ! -e "$MIPSREVIEW_DB-journal" ] && pass ||
	    fail "the rollback journal is still there"
else
	fail "the import finished before a rollback journal was seen"
fi

# A reader that arrives while the import writes waits for it and sees
# every row, never a part.
"$MR" import "$T/big.csv" >"$T/import.out" 2>&1 &
ipid=$!
while [ ! -e "$MIPSREVIEW_DB-journal" ] && kill -0 $ipid 2>/dev/null; do :; done
"$MR" list --json >"$T/reader.json" 2>"$T/reader.err"
expect_eq "the reader succeeds" "$?" 0
wait $ipid
expect_eq "the import succeeds" "$?" 0
n=$(count <"$T/reader.json")
case $n in
1|40001) pass ;;
*) fail "the reader saw $n cases, not 1 or 40001" ;;
esac
expect_match "the import says what it did" "$(cat "$T/import.out")" \
	"imported 40000 cases"
expect_eq "in WAL with every case" "$(store_state)" "wal ok 40001"

# Another connection holds the store (as the daemon does): the import
# stays in WAL, and no rollback journal ever appears.
awk 'BEGIN { print "tin,name,year,reason"
	for (i = 0; i < 40000; i++)
		printf "%09d,Clinician %d,2023,other\n", 300000000 + i, i }' >"$T/more.csv"
/usr/bin/python3 - "$MIPSREVIEW_DB" "$MR" "$T/more.csv" >"$T/held.out" 2>&1 <<'EOF'
import os, sqlite3, subprocess, sys
db, mr, csv = sys.argv[1:4]
held = sqlite3.connect(db)
held.execute("SELECT count(*) FROM review_case").fetchone()
p = subprocess.Popen([mr, "import", csv], stdout=subprocess.DEVNULL)
seen = False
while p.poll() is None:
    seen = seen or os.path.exists(db + "-journal")
print("exit", p.returncode, "journal", "seen" if seen else "never")
EOF
expect_eq "held: imported in WAL" "$(cat "$T/held.out")" "exit 0 journal never"
expect_eq "held: every case" "$(store_state)" "wal ok 80001"

# A bulk file with a bad row is refused and imports nothing: every row
# stays as it was (the switch of journal and back leaves its mark in the
# file's header, its change counter, and nowhere else), in WAL.
dump() {
	/usr/bin/python3 -c 'import hashlib, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(hashlib.sha256("\n".join(c.iterdump()).encode()).hexdigest())' "$MIPSREVIEW_DB"
}
{ cat "$T/more.csv"; echo "500000001,,2023,other"; } | sed 's/^3/5/' >"$T/bad.csv"
before=$(dump)
"$MR" import "$T/bad.csv" >"$T/out" 2>"$T/err"
expect_eq "bad bulk file refused" "$?" 3
expect_match "the bad row named" "$(cat "$T/err")" "bad.csv:40002: name: "
expect_match "nothing imported" "$(cat "$T/err")" "1 of 40001 rows are bad; nothing was imported"
expect_eq "refused: every row as it was" "$(dump)" "$before"
expect_eq "refused: in WAL" "$(store_state)" "wal ok 80001"

# A small file is no bulk load: no journal switch for a handful of rows.
printf 'tin,name,year,reason\n400000001,Small Practice,2023,other\n' >"$T/small.csv"
ok "a small import" "$MR" import "$T/small.csv"
expect_eq "small: every case" "$(store_state)" "wal ok 80002"

finish
