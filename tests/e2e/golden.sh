#!/bin/sh
# The JSON every command prints is a contract: build one known database
# with the CLI at a fixed clock, run each --json command and compare its
# output byte for byte with tests/golden/NAME.json.
#
# After an intended change of the JSON, regenerate the files with
#   GOLDEN_UPDATE=1 make check TESTS=tests/e2e/golden.sh
# and review the difference (git diff tests/golden) before committing.
. "$top_srcdir/tests/e2e/lib.sh"

G="$top_srcdir/tests/golden"
# Who the CLI records as the actor: the user's name, else $USER, else unknown.
ME=$(id -un 2>/dev/null) || ME=${USER:-unknown}
[ -n "$ME" ] || ME=unknown
seen="$T/seen"
: >"$seen"

# golden NAME CMD...: CMD must exit 0 and print what tests/golden/NAME.json
# holds.  The scratch folder and the user name, which differ from run to
# run, are written as @TMP@ and @USER@ (who made notes and audit rows).
golden() {
	name=$1; shift
	echo "$name.json" >>"$seen"
	"$@" >"$T/raw" 2>"$T/err"; rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$name: exit $rc ($(head -c 300 "$T/err"))"
		return
	fi
	sed -e "s|$T|@TMP@|g" -e "s|\"$ME\"|\"@USER@\"|g" \
	    -e "s| $ME: | @USER@: |g" "$T/raw" >"$T/got"
	if [ -n "${GOLDEN_UPDATE:-}" ]; then
		cp "$T/got" "$G/$name.json"
		pass
	elif [ ! -f "$G/$name.json" ]; then
		fail "$name: no tests/golden/$name.json (GOLDEN_UPDATE=1 writes it)"
	elif cmp -s "$T/got" "$G/$name.json"; then
		pass
	else
		fail "$name: output differs from tests/golden/$name.json:
$(diff -u "$G/$name.json" "$T/got" | head -40)"
	fi
}

# The audit key is random; a fixed one keeps the sealed hashes stable.
printf 'key %s\nfrom-row 1\n' \
	000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f \
	>"$MIPSREVIEW_DB.audit-key"
chmod 600 "$MIPSREVIEW_DB.audit-key"

# -- the database: cases in several states, a case deadline of its own,
# a window of the office's, hardship filings, evidence, notes, a feed.
golden add "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2023 --reason euc-not-applied --reason scoring-error --quality 80 --cost 60 \
	--ia 100 --pi 50 --score 62.5 --adjustment -1.2 --practice small \
	--participation individual --owner ada@example.org --note "first look" \
	--special-status small-practice,rural --legal-name "Ada Example MD PC" \
	--requester-role clinician --explanation "EUC approved; quality and IA still scored." --json
ok "add a group case" "$MR" add --tin 98-7654321 --name "Lakeside Group" \
	--year 2024 --reason qp-status --participation group --quality 90 \
	--cost 90 --ia 90 --pi 90
ok "add a third case" "$MR" add --tin 11-1111111 --npi 1245319599 \
	--name "Dr. Bo Third" --year 2023 --reason wrong-tin-npi \
	--legal-name "Bo Third MD" --requester-role designated-support-staff \
	--explanation "Quality data filed under the wrong TIN."
ok "add a case to withdraw" "$MR" add --tin 22-2222222 --name "Gone Clinic" \
	--year 2023 --reason other
ok "note" "$MR" note 1 "called the QPP service center"
ok "ready" "$MR" status 3 ready --force
ok "submitted" "$MR" status 3 submitted
ok "request number" "$MR" set 3 request_number=TR-2024-0042
ok "documents requested" "$MR" status 3 documents-requested --requested-on 2024-09-30 \
	--note "CMS wants the receipt"
ok "own deadline" "$MR" set 3 "deadline=2024-10-31 17:00 America/New_York" \
	"deadline_source=CMS e-mail of 2024-10-01"
ok "withdraw" "$MR" status 4 withdrawn
golden window-add "$MR" window add --kind other --year 2024 --name "office review" \
	--opens "2024-09-01 09:00 America/Denver" --closes "2024-12-02 17:00 America/Denver" \
	--source "office calendar" --json
golden hardship-add "$MR" hardship add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--year 2023 --type euc --categories quality,ia,pi --submitted quality \
	--event "Change Healthcare cyberattack" --name "Dr. Ada Example" --json
ok "a filing without a window" "$MR" hardship add --tin "$SEED_TIN" --year 2018 \
	--type pi --categories pi --event "decertified EHR technology"
ok "submit the filing" "$MR" hardship status 1 submitted --note "filed in the QPP portal"
ok "link case to filing" "$MR" set 1 filing=1
printf 'receipt\n' >"$T/receipt.txt"
printf 'letter\n' >"$T/letter.txt"
printf 'approval\n' >"$T/approval.txt"
golden attach "$MR" attach 1 "$T/receipt.txt" --kind submission-receipt \
	--note "portal receipt" --json
ok "attach a second file" "$MR" attach 1 "$T/letter.txt" --kind ehr-vendor-letter
ok "attach to the filing" "$MR" attach --hardship 1 "$T/approval.txt" --kind other
ok "detach" "$MR" evidence detach 2 --note "wrong letter"
ok "feed" "$MR" feed add office --year 2023
ok "revoked feed" "$MR" feed add old --tin "$SEED_TIN"
ok "revoke" "$MR" feed revoke old

# -- the read commands
golden show "$MR" show 1 --json
golden show-reveal "$MR" show 1 --json --reveal
golden show-own-deadline "$MR" show 3 --json
golden list "$MR" list --json
golden list-open-reveal "$MR" list --open --reveal --json
golden due "$MR" due --json
golden due-all-tokyo "$MR" due --all --zone Asia/Tokyo --json
golden due-overdue env MIPSREVIEW_NOW=2024-10-20T00:00:00Z "$MR" due --overdue --json
golden due-undated "$MR" due --undated --all --json
golden window-list "$MR" window list --year 2023 --json
golden window-show "$MR" window show 1 --json
golden hardship-list "$MR" hardship list --json
golden hardship-show "$MR" hardship show 1 --json
golden hardship-show-nowindow "$MR" hardship show 2 --json --reveal
golden evidence-list "$MR" evidence list 1 --json
golden evidence-list-all "$MR" evidence list --all --json
golden evidence-list-hardship "$MR" evidence list --hardship 1 --json
golden evidence-show "$MR" evidence show 1 --json
golden evidence-verify "$MR" evidence verify --json
golden check "$MR" check 1 --json
golden whatif "$MR" whatif 1 --json
golden whatif-reweight "$MR" whatif 2 --reweight cost --score pi=60 \
	--allowed-charges 120000 --json
golden audit "$MR" audit --json
golden audit-case "$MR" audit 3 --json --reveal
golden audit-verify "$MR" audit --verify --json
golden feed-list "$MR" feed list --json
golden feed-list-all "$MR" feed list --all --json
golden alerts-dry-run "$MR" alerts send --dry-run --json
golden alerts-list "$MR" alerts list --json
golden alerts-status "$MR" alerts status --json
golden export-jsonl "$MR" export jsonl

# -- what the writing commands print, last: they change the database
golden packet "$MR" packet 1 -o "$T/packet" --json
golden packet-summary cat "$T/packet/summary.json"
golden export-csv-file "$MR" export csv --year 2023 -o "$T/cases.csv" --json
golden export-ics-file "$MR" export ics --case 1 -o "$T/deadlines.ics" --json
golden import "$MR" import "$T/cases.csv" --force --json
golden alerts-ack "$MR" alerts ack 1 --note "the officer files Thursday" --json
printf 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n' >"$T/hook.secret"
chmod 600 "$T/hook.secret"
golden webhook-add "$MR" webhook add ops --kind generic \
	--url https://hooks.example.org/mips/abc --secret-file "$T/hook.secret" \
	--tin "$SEED_TIN" --zone Europe/Berlin --json
golden webhook-list "$MR" webhook list --json
golden feed-revoke "$MR" feed revoke office --json
# The office's window (its id follows the reference windows).
wid=$("$MR" window list --kind other --year 2024 --json | json_get 0.id)
ok "extend the office window" "$MR" window extend "$wid" \
	--closes "2024-12-09 17:00 America/Denver" --source "office calendar, moved"
golden window-extended "$MR" window show "$wid" --json
# A performance year no targeted-review window is known for yet.
golden add-no-window env MIPSREVIEW_NOW=2026-11-30T12:00:00Z "$MR" add \
	--tin 33-3333333 --name "Next Year Clinic" --year 2027 --reason other --json
ok "a second PY2027 case" env MIPSREVIEW_NOW=2026-11-30T12:00:00Z "$MR" add \
	--tin 44-4444444 --name "Second Clinic" --year 2027 --reason other
# The cases of a year with no window are one group with their count;
# --undated lists them one by one.
golden due-group env MIPSREVIEW_NOW=2026-11-30T12:00:00Z "$MR" due --json
golden due-undated-cases env MIPSREVIEW_NOW=2026-11-30T12:00:00Z "$MR" due \
	--undated --json
# CMS's eligibility record of case 1's clinician, kept as lookup keeps it
# (the bytes of the documented sample; retrieved at the fixed clock), and
# the practice's county, on CMS's automatic EUC list for PY2023.
/usr/bin/python3 - "$MIPSREVIEW_DB" "$top_srcdir/tests/data/qpp/record_full.json" <<'EOP'
import hashlib, sqlite3, sys
body = open(sys.argv[2], "rb").read()
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO eligibility_record VALUES ('1234567893', 2023, NULL, 6,"
           " 'https://qpp.cms.gov/api/eligibility/npis/1234567893?year=2023',"
           " '2024-09-02T12:00:00Z', 'Mon, 02 Sep 2024 12:00:00 GMT', ?, ?)",
           (hashlib.sha256(body).hexdigest(), body))
db.commit()
EOP
golden lookup "$MR" lookup 1 --offline --json
ok "the practice's county" "$MR" set 1 "county=Alachua County, FL" zip=32601
golden grounds "$MR" grounds 1 --json
# A ZIP code CMS's crosswalk puts in four covered counties, no county.
ok "a case with a ZIP code only" "$MR" add --tin 44-4444444 \
	--name "Zip Clinic" --year 2025 --reason euc-not-applied --zip 78624 --json
golden grounds-zip "$MR" grounds "$(json_get id <"$T/out")" --json

# -- staff accounts, and the daemon's API answering with the CLI's bytes
printf 'correct horse battery\n' >"$T/pw"
golden user-add sh -c '"$1" user add dana --role officer --tin 98-7654321 \
	--tin "$2" --password-stdin --json <"$3"' sh "$MR" "$SEED_TIN" "$T/pw"
ok "an admin" sh -c '"$1" user add boss --role admin --password-stdin <"$2"' \
	sh "$MR" "$T/pw"
ok "a token" "$MR" user token add boss
token=$(cat "$T/out")
golden user-list "$MR" user list --json --reveal
printf 'listen = 127.0.0.1:0\n' >"$T/d.conf"
"$MRD" --config "$T/d.conf" --db "$MIPSREVIEW_DB" 2>"$T/d.log" &
dpid=$!
at_exit "kill $dpid 2>/dev/null"
i=0
until grep -q 'ready' "$T/d.log" 2>/dev/null; do
	i=$((i + 1)); [ "$i" -lt 200 ] || { fail "daemon not ready: $(cat "$T/d.log")"; finish; }
	sleep 0.05
done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/d.log")
api() { curl -s -f --max-time 10 -H "Authorization: Bearer $token" \
	"http://127.0.0.1:$port/api/v1/$1"; }
golden api-case-1 api cases/1
"$MR" show 1 --json >"$T/cli.json"
expect_eq "the API's case is show --json's bytes" \
	"$(cmp -s "$T/raw" "$T/cli.json" && echo same)" "same"
golden api-due-all-tokyo api 'due?all=1&zone=Asia/Tokyo'
"$MR" due --all --zone Asia/Tokyo --json >"$T/cli.json"
expect_eq "the API's due is due --json's bytes" \
	"$(cmp -s "$T/raw" "$T/cli.json" && echo same)" "same"
golden api-cases-page api 'cases?limit=2&after=1'
golden api-due-within api 'due?within=60d&zone=Asia/Tokyo'
"$MR" due --within 60d --zone Asia/Tokyo --json >"$T/cli.json"
expect_eq "the API's due within is due --within's bytes" \
	"$(cmp -s "$T/raw" "$T/cli.json" && echo same)" "same"
golden api-due-undated api 'due?undated=1'
"$MR" due --undated --json >"$T/cli.json"
expect_eq "the API's undated list is due --undated --json's bytes" \
	"$(cmp -s "$T/raw" "$T/cli.json" && echo same)" "same"
golden api-cases-reason api 'cases?reason=wrong-tin-npi,qp-status'
kill "$dpid"

# Every file in tests/golden belongs to a command above (a renamed or
# dropped command leaves no stale file behind).
for f in "$G"/*.json; do
	grep -qx "$(basename "$f")" "$seen" ||
	    fail "tests/golden/$(basename "$f") is not produced by any command"
done
finish
