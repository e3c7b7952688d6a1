#!/bin/sh
# Performance years by the clock, on 2026-11-30: 2017 to next year accepted,
# PY2026's hardship deadline shipped, and a year whose figures CMS has not
# published scored with the latest published ones, marked assumed.
export MIPSREVIEW_NOW=2026-11-30T15:00:00Z
. "$top_srcdir/tests/e2e/lib.sh"

# One rule for every command that takes a year: 2017 .. 2027 today.
ok "a PY2026 case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2026 --reason euc-not-applied --quality 80 --cost 50 --ia 100 --pi 90
ok "a PY2027 case (next year)" "$MR" add --tin 98-7654321 --name "Lakeside Group" \
	--year 2027 --reason other --quality 80 --cost 50 --ia 100 --pi 90
for cmd in "add --tin 11-2223334 --name X --reason other --year" \
	"hardship add --tin 11-2223334 --type euc --categories cost --event storm --year" \
	"window add --kind other --name later --closes 2028-12-31T20:00 --zone America/New_York --source x --year" \
	"list --year" "export csv --year" "export ics --year" "hardship list --year" \
	"feed add officer --year"; do
	# shellcheck disable=SC2086
	refuses "$cmd 2028" 3 "year '2028': MIPS performance years run from 2017 (the first) to 2027 (next year)" \
		"$MR" $cmd 2028
done
refuses "2016" 3 "year '2016'" "$MR" add --tin 11-2223334 --name X --reason other --year 2016
ok "list --year 2027" "$MR" list --year 2027
expect_match "the PY2027 case is listed" "$(cat "$T/out")" "Lakeside Group"

# The live deadline of late 2026: the PY2026 EUC and PI hardship
# applications, Dec 31 2026 8 p.m. ET (texmed.org id=68084).
ok "PY2026 EUC filing" "$MR" hardship add --tin "$SEED_TIN" --year 2026 --type euc \
	--categories cost --event "wildfire smoke"
ok "PY2026 PI filing" "$MR" hardship add --tin "$SEED_TIN" --year 2026 --type pi \
	--categories pi --event "EHR vendor outage"
ok "due --json" "$MR" due --json
expect_eq "EUC deadline in UTC" "$(/usr/bin/python3 -c 'import json,sys
print([i["deadline"]["closes_at"] for i in json.load(sys.stdin) if i.get("kind")=="euc-hardship"][0])' <"$T/out")" 2027-01-01T01:00:00Z
expect_eq "PI deadline, same instant" "$(/usr/bin/python3 -c 'import json,sys
print([i["deadline"]["closes_at"] for i in json.load(sys.stdin) if i.get("kind")=="pi-hardship"][0])' <"$T/out")" 2027-01-01T01:00:00Z
ok "window list --json" "$MR" window list --json --year 2026
expect_eq "PY2026 windows shipped, verified" "$(/usr/bin/python3 -c 'import json,sys
print(sorted(w["kind"] for w in json.load(sys.stdin)))' <"$T/out")" "['euc-hardship', 'pi-hardship']"

# PY2027: nothing published; PY2026's threshold and weights stand in.
ok "whatif PY2027" "$MR" whatif 2 --json
expect_eq "assumed" "$(json_get assumed <"$T/out")" True
expect_eq "assumed from PY2026" "$(json_get assumed_from <"$T/out")" 2026
expect_eq "the what-if side too" "$(json_get whatif.assumed_from <"$T/out")" 2026
expect_eq "the threshold rule is marked" "$(/usr/bin/python3 -c 'import json,sys
print([r["assumed_from"] for r in json.load(sys.stdin)["rules"] if r["rule"]=="threshold"][0])' <"$T/out")" 2026
ok "whatif PY2027 text" "$MR" whatif 2
expect_match "text says assumed" "$(cat "$T/out")" "assumed: PY2027's figures are not all published"
expect_match "rules marked" "$(cat "$T/out")" "\[assumed\]"
ok "show PY2027" "$MR" show 2
expect_match "show gives the year's program facts" "$(cat "$T/out")" "Program +threshold 75, adjustment down to -9%"
expect_match "show marks them assumed" "$(cat "$T/out")" "assumed: not all of PY2027's figures are published; PY2026's stand in"
ok "show PY2027 --json" "$MR" show 2 --json
expect_eq "show: program assumed" "$(json_get program.assumed <"$T/out")" True
expect_eq "show: assumed from PY2026" "$(json_get program.assumed_from <"$T/out")" 2026
expect_eq "show: threshold" "$(json_get program.threshold <"$T/out")" 75.0
ok "show PY2026 --json" "$MR" show 1 --json
expect_eq "show PY2026: own threshold" "$(json_get program.program_from <"$T/out")" 2026
expect_eq "show PY2026: maximum positive from PY2024, as the what-if says" \
	"$(json_get program.assumed_from <"$T/out")" 2024
# PY2026 has its own threshold and weights; only the maximum positive
# adjustment is unpublished (the latest is PY2024's, +1.05 %).
ok "whatif PY2026" "$MR" whatif 1 --json
expect_eq "PY2026 threshold is its own" "$(/usr/bin/python3 -c 'import json,sys
print([r["assumed_from"] for r in json.load(sys.stdin)["rules"] if r["rule"]=="threshold"][0])' <"$T/out")" None
expect_eq "PY2026 positive scale from PY2024" "$(json_get assumed_from <"$T/out")" 2024
ok "whatif PY2026 no cost" "$MR" whatif 1 --reweight cost --json
expect_eq "the redistribution table is PY2025's" "$(json_get assumed_from <"$T/out")" 2025
# Nothing tracked disappears: no PY2025 targeted-review window is published
# yet, so a PY2025 case is listed as having no deadline known, with the
# command that sets one, and counted at the end.
ok "a PY2025 case" "$MR" add --tin 55-6667778 --name "Riverside Clinic" --year 2025 --reason scoring-error
ok "due" "$MR" due
expect_match "no deadline known" "$(cat "$T/out")" "^case +- +\(1 case\) +- +targeted-review +no deadline known"
expect_match "how to set it" "$(cat "$T/out")" "no targeted-review window is known for performance year 2025; set one: mipsreview window add --kind targeted-review --year 2025"
expect_match "how to list them" "$(cat "$T/out")" "list them: mipsreview due --undated"
expect_eq "one line per year (PY2025, PY2026, PY2027)" "$(grep -c '^case  *-  *(1 case)' "$T/out")" 3
expect_eq "count at the end (PY2025, PY2026, PY2027 cases)" "$(tail -n 1 "$T/out")" "3 items with no deadline known"
ok "due --undated" "$MR" due --undated
expect_match "one by one" "$(cat "$T/out")" "^case +3 +Riverside Clinic .*no deadline known"
expect_match "the PY2027 case too" "$(cat "$T/out")" "^case +2 +Lakeside Group .*no deadline known"
expect_match "its own command" "$(cat "$T/out")" "mipsreview set 3 deadline=TIME"
expect_eq "the same count" "$(tail -n 1 "$T/out")" "3 items with no deadline known"
ok "due --json" "$MR" due --json
expect_eq "closes_at null" "$(/usr/bin/python3 -c 'import json,sys
print([i["closes_at"] for i in json.load(sys.stdin) if i.get("group") and i["performance_year"]==2025][0])' <"$T/out")" None
expect_eq "a reason" "$(/usr/bin/python3 -c 'import json,sys
print([i["reason"] for i in json.load(sys.stdin) if i.get("group") and i["performance_year"]==2025][0])' <"$T/out")" "no targeted-review window is known for performance year 2025"
ok "due --undated --json" "$MR" due --undated --json
expect_eq "closes_at null, one by one" "$(/usr/bin/python3 -c 'import json,sys
print([i["closes_at"] for i in json.load(sys.stdin) if i["what"]=="case" and i["id"]==3][0])' <"$T/out")" None
# A deadline of its own dates it.
ok "set a deadline" "$MR" set 3 "deadline=2026-12-15 20:00 America/New_York"
ok "due" "$MR" due
expect_eq "two left" "$(tail -n 1 "$T/out")" "2 items with no deadline known"
# The daemon's health check names them too (no names or TINs).
cat >"$T/mr.conf" <<CONF
listen = 127.0.0.1:0
CONF
"$MRD" --config "$T/mr.conf" --db "$MIPSREVIEW_DB" 2>"$T/d.log" &
dpid=$!
at_exit "kill $dpid 2>/dev/null"
i=0
until grep -q 'ready' "$T/d.log" 2>/dev/null || [ $i -ge 200 ]; do i=$((i + 1)); sleep 0.05; done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/d.log")
curl -s "http://127.0.0.1:$port/healthz" >"$T/health"
expect_eq "healthz first line" "$(head -n 1 "$T/health")" "ok"
expect_match "healthz counts the PY2026 case" "$(cat "$T/health")" "^no deadline known: 1 case \(PY2026\): no targeted-review window is known"
expect_eq "healthz: two years" "$(grep -c 'no deadline known' "$T/health")" 2
expect_eq "healthz shows no names" "$(grep -c 'Lakeside' "$T/health")" 0
kill "$dpid"; wait "$dpid" 2>/dev/null
finish
