#!/bin/sh
# import and export: all or nothing, rejects, round trips, private files.
. "$top_srcdir/tests/e2e/lib.sh"

H=tin,npi,name,year,reason,score,adjustment,practice,participation,owner,note,quality,cost,ia,pi
cat >"$T/good.csv" <<EOF
$H
$SEED_TIN,$SEED_NPI,"Example, Ada",2023,euc-not-applied;scoring-error,62.5,-1.2,small,group,officer@practice.example,"first line
second line, with ""quotes""",70,,100,55.25
123456789,,Clinique Zoë,2023,other,,,,,,,,,,
EOF

ok "create the database" "$MR" list

# A file with bad rows imports nothing and names every bad line.
cat >"$T/bad.csv" <<EOF
$H
223456789,1234567893,Good,2023,other,,,,,,,,,,
323456789,1234567898,Bad NPI,2023,other,,,,,,,,,,
423456789,,Good too,2023,other,,,,,,,,,,
523456789,,Bad year,2016,other,,,,,,,,,,
EOF
before=$(db_digest)
"$MR" import "$T/bad.csv" >"$T/out" 2>"$T/err"; rc=$?
expect_eq "import with bad rows exits 3" "$rc" 3
expect_match "bad NPI named with its line" "$(cat "$T/err")" "bad.csv:3: npi '1234567898': check digit"
expect_match "bad year named with its line" "$(cat "$T/err")" "bad.csv:5: year '2016'"
expect_match "summary says nothing was imported" "$(tail -1 "$T/err")" "2 of 4 rows are bad; nothing was imported"
expect_eq "stderr: two bad lines and the summary" "$(wc -l <"$T/err")" 3
expect_eq "database unchanged after a refused import" "$(db_digest)" "$before"

# Whole-file errors: one line, exit 3, database unchanged.
printf 'tin,npi,name,reason\n123456789,,A,other\n' >"$T/nocol.csv"
refuses "missing required column" 3 "required column is missing: year" "$MR" import "$T/nocol.csv"
printf 'tin,name,year,reason,colour\n123456789,A,2023,other,red\n' >"$T/unknown.csv"
refuses "unknown column" 3 "column 'colour' is not known" "$MR" import "$T/unknown.csv"
: >"$T/empty.csv"
refuses "empty file" 3 "empty.csv is empty" "$MR" import "$T/empty.csv"
printf 'tin,name,year,reason\n123456789,Caf\351,2023,other\n' >"$T/latin1.csv"
before=$(db_digest)
"$MR" import "$T/latin1.csv" >"$T/out" 2>"$T/err"; rc=$?
expect_eq "non-UTF-8 row refused" "$rc" 3
expect_match "non-UTF-8 named" "$(head -1 "$T/err")" "latin1.csv:2: name: byte 3 is not valid UTF-8"
expect_eq "database unchanged after non-UTF-8" "$(db_digest)" "$before"
"$MR" import "$T/good.txt" >"$T/out" 2>"$T/err"; rc=$?
expect_eq "unknown extension is a usage error" "$rc" 2
expect_match "unknown extension explained" "$(head -1 "$T/err")" "cannot tell the format of .*--format csv\|jsonl"

# The good file: quoting, commas, line breaks and UTF-8 arrive intact;
# no progress bar when stderr is not a terminal.
ok "import good.csv" "$MR" import "$T/good.csv"
expect_match "import reports ids" "$(cat "$T/out")" "^imported 2 cases \(ids 1-2\)"
expect_eq "no progress bar off a terminal" "$(cat "$T/err")" ""
ok "show 1 --json" "$MR" show 1 --json
expect_eq "name with a comma" "$(json_get name <"$T/out")" "Example, Ada"
expect_eq "note with a line break" "$(json_get notes.0.text <"$T/out")" 'first line
second line, with "quotes"'
ok "show 2 --json" "$MR" show 2 --json
expect_eq "UTF-8 name" "$(json_get name <"$T/out")" "Clinique Zoë"
ok "audit --json" "$MR" audit --json
expect_match "one audit row with the file's SHA-256" "$(cat "$T/out")" \
	"$(sha256sum "$T/good.csv" | cut -d' ' -f1)"

# Duplicates: within the file and against the database; --force allows.
cat >"$T/dup.csv" <<EOF
tin,npi,name,year,reason
923456789,,Group,2023,other
92-3456789,,Group again,2023,other
$SEED_TIN,$SEED_NPI,Ada again,2023,other
EOF
"$MR" import "$T/dup.csv" >"$T/out" 2>"$T/err"; rc=$?
expect_eq "duplicates refused" "$rc" 3
expect_match "duplicate within the file" "$(cat "$T/err")" "dup.csv:3: line 2 already opens a case"
expect_match "duplicate of the database" "$(cat "$T/err")" "dup.csv:4: case 1 is already open"
ok "--force opens duplicates" "$MR" import --force "$T/dup.csv"

# --skip-bad: the good rows go in, the bad ones land in a private file.
ok "--skip-bad" "$MR" import --skip-bad "$T/rejects.csv" "$T/bad.csv"
expect_match "--skip-bad summary" "$(cat "$T/out")" "imported 2 cases .*; 2 rows rejected, listed in"
expect_eq "rejects file is 0600" "$(stat -c %a "$T/rejects.csv")" 600
expect_eq "rejects header" "$(head -1 "$T/rejects.csv")" "line,reject_reason,$H"
expect_match "reject carries line and reason" "$(sed -n 2p "$T/rejects.csv")" \
	"^3,\"npi '1234567898': check digit should be 3, not 8; .*\",323456789,1234567898,Bad NPI"
expect_eq "two rejects" "$(wc -l <"$T/rejects.csv")" 3

# A rejects file that cannot be written (here: larger than the file-size
# limit) stops the import, says so, and imports nothing.  The file stays
# below a bulk load's size (import_bulk.sh refuses one of those).
{ echo "tin,name,year,reason,note"; echo "623456789,Good,2023,other,"
  i=0; while [ $i -lt 400 ]; do
	printf '723456789,Bad,2023,bogus,%01000d\n' 0; i=$((i + 1)); done
} >"$T/big.csv"
refuses "rejects file cannot be written" 1 \
	"cannot write the rejects file '$T/rej-big.csv': File too large; nothing was imported" \
	sh -c 'trap "" XFSZ; ulimit -f 256; exec "$0" "$@"' \
	"$MR" import --skip-bad "$T/rej-big.csv" "$T/big.csv"
expect_eq "no rejects file left behind" "$(ls "$T" | grep -c '^rej-big')" 0

# The request's fields travel too: special statuses, legal name, APM
# Entity and Virtual Group IDs, requester role, request number, explanation.
ok "a case with the request's fields" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--name "Dr. Request" --year 2023 --reason other --force --special-status small-practice \
	--special-status rural --legal-name 'Ada Example, MD "PC"' --apm-entity-id A1234 \
	--virtual-group-id VG-77 --requester-role third-party-intermediary \
	--request-number TR-2025-0042 --explanation 'Scored without our IA attestation;
the attestation was submitted on time.'

# Export: whole TINs, 0600 file, and export then import round-trips.
ok "export csv -o" "$MR" export csv -o "$T/all.csv"
expect_eq "export file is 0600" "$(stat -c %a "$T/all.csv")" 600
expect_match "export keeps TINs whole" "$(sed -n 2p "$T/all.csv")" "^1,123456789,$SEED_NPI,"
ok "export jsonl" "$MR" export jsonl --year 2023
cp "$T/out" "$T/all.jsonl"
expect_eq "jsonl: one line per case" "$(wc -l <"$T/all.jsonl")" 8
for fmt in csv jsonl; do
	MIPSREVIEW_DB="$T/copy-$fmt.db" "$MR" import --force "$T/all.$fmt" >/dev/null 2>"$T/err" ||
		fail "re-import $fmt: $(cat "$T/err")"
	MIPSREVIEW_DB="$T/copy-$fmt.db" "$MR" export "$fmt" >"$T/again.$fmt" ||
		fail "export of the copy ($fmt)"
	"$MR" export "$fmt" >"$T/orig.$fmt"
	expect_eq "export then import round-trips ($fmt)" \
		"$(sha256sum <"$T/again.$fmt")" "$(sha256sum <"$T/orig.$fmt")"
done
MIPSREVIEW_DB="$T/copy-csv.db" "$MR" show --json --reveal \
	"$(MIPSREVIEW_DB="$T/copy-csv.db" "$MR" list --json | /usr/bin/python3 -c 'import json,sys
print([c["id"] for c in json.load(sys.stdin) if c["name"] == "Dr. Request"][0])')" >"$T/req.json" ||
	fail "show the re-imported request case"
expect_eq "re-imported: the request's fields" "$(/usr/bin/python3 -c 'import json,sys
c = json.load(sys.stdin); c = c.get("case", c)
print(c["special_statuses"], c["legal_name"], c["apm_entity_id"], c["virtual_group_id"], c["requester_role"], c["request_number"], repr(c["explanation"]))' <"$T/req.json")" \
	"['small-practice', 'rural'] Ada Example, MD \"PC\" A1234 VG-77 third-party-intermediary TR-2025-0042 'Scored without our IA attestation;\\nthe attestation was submitted on time.'"
expect_match "csv: the request's columns, then the place, come last" "$(sed -n 1p "$T/all.csv")" \
	",status,special-status,legal-name,apm-entity-id,virtual-group-id,requester-role,request-number,explanation,county,zip$"
expect_match "csv: special statuses as a;b" "$(cat "$T/all.csv")" ",small-practice;rural,"
expect_match "jsonl: special statuses as a list" "$(cat "$T/all.jsonl")" \
	'"special-status":\["small-practice","rural"\]'
printf 'tin,name,year,reason,requester-role\n%s,X,2024,other,boss\n' "$SEED_TIN" >"$T/role.csv"
REFUSE_LINES=2 refuses "import: an unknown requester role" 3 "role.csv:2: requester_role 'boss' is not known" \
	"$MR" import "$T/role.csv"
ok "export --tin filter" "$MR" export csv --tin 92-3456789
expect_eq "--tin keeps only that TIN's cases" "$(wc -l <"$T/out")" 3
refuses "unknown export format" 2 "unknown subcommand 'xml'; use ics, csv or jsonl" "$MR" export xml

finish
