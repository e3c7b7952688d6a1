#!/bin/sh
# End to end: review windows, deadlines in their announced zones, and due.
. "$top_srcdir/tests/e2e/lib.sh"

ok "seed case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2023 --reason euc-not-applied
ok "group case" "$MR" add --tin 987654321 --name "Lakeside Group" --year 2023 --reason other

# The shipped PY2023 window: Oct 11 2024 7 p.m. CDT is 2024-10-12T00:00:00Z.
ok "window list 2023" "$MR" window list --year 2023 --kind targeted-review --json
expect_eq "seed closes_at" "$(json_get 0.deadline.closes_at <"$T/out")" "2024-10-12T00:00:00Z"
expect_eq "seed zone" "$(json_get 0.deadline.zone <"$T/out")" "America/Chicago"
expect_eq "seed closes_local" "$(json_get 0.deadline.closes_local <"$T/out")" "2024-10-11T19:00:00-05:00"
wid=$(json_get 0.id <"$T/out")

# due: soonest first, both zones, time left; the same answers whatever TZ.
for tz in UTC Asia/Tokyo America/Los_Angeles; do
	f="$T/due-$(echo "$tz" | tr / _)"
	TZ=$tz "$MR" due --json >"$f" 2>"$T/err" || fail "due under TZ=$tz"
	expect_eq "due closes_at under TZ=$tz" "$(json_get 0.deadline.closes_at <"$f")" "2024-10-12T00:00:00Z"
	expect_eq "due seconds_left under TZ=$tz" "$(json_get 0.deadline.seconds_left <"$f")" 907200
	expect_eq "due what" "$(json_get 0.what <"$f")" case
	expect_eq "due kind" "$(json_get 0.kind <"$f")" targeted-review
done
TZ=Asia/Tokyo "$MR" due >"$T/out"
expect_match "text due in announced zone" "$(cat "$T/out")" "2024-10-11 19:00 CDT"
expect_match "text due in the viewer's zone" "$(cat "$T/out")" "2024-10-12 09:00 JST"
expect_match "text due time left" "$(cat "$T/out")" "10d 12h"
expect_match "text due masks TIN" "$(cat "$T/out")" '\*\*\*\*\*4321'
TZ=UTC "$MR" deadlines --json >"$T/out"
expect_eq "alias gives the same" "$(cat "$T/out")" "$(cat "$T/due-UTC")"

# Colour only on a terminal, and never with NO_COLOR (script(1) gives a tty).
if command -v script >/dev/null 2>&1; then
	esc=$(printf '\033')
	(unset NO_COLOR; script -qec "$MR due" /dev/null) >"$T/tty" 2>&1
	grep -q "$esc\[" "$T/tty" && pass || fail "no colour on a terminal"
	NO_COLOR=1 script -qec "$MR due" /dev/null >"$T/tty" 2>&1
	grep -q "$esc" "$T/tty" && fail "colour despite NO_COLOR" || pass
	(unset NO_COLOR; "$MR" due) >"$T/pipe"
	grep -q "$esc" "$T/pipe" && fail "colour into a pipe" || pass
else
	fail "script(1) is missing (bsdutils)"
fi

# An own deadline (CMS asked for documents) sorts before the window.
ok "own deadline" "$MR" set 2 "deadline=2024-10-05 17:00 America/Los_Angeles" \
	"deadline_source=CMS e-mail of Sep 5"
ok "due order" "$MR" due --json
expect_eq "own deadline first" "$(json_get 0.id <"$T/out")" 2
expect_eq "own deadline instant" "$(json_get 0.deadline.closes_at <"$T/out")" "2024-10-06T00:00:00Z"
expect_eq "own deadline zone" "$(json_get 0.deadline.zone <"$T/out")" "America/Los_Angeles"
ok "show names the source" "$MR" show 2
expect_match "deadline source" "$(cat "$T/out")" "Deadline from  CMS e-mail of Sep 5"
ok "show json deadline" "$MR" show 1 --json
expect_eq "show json seconds_left" "$(json_get deadline.seconds_left <"$T/out")" 907200

# --within, --overdue, --all.
ok "within 7d" "$MR" due --within 7d --json
expect_eq "within 7d has one" "$(json_get 0.id <"$T/out")" 2
expect_eq "within 7d only one" "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$T/out")" 1
MIPSREVIEW_NOW=2024-10-20T00:00:00Z "$MR" due --overdue >"$T/out"
expect_match "overdue shown" "$(cat "$T/out")" "OVERDUE 8d"
ok "withdraw" "$MR" status 2 withdrawn
ok "due without withdrawn" "$MR" due --json
expect_eq "withdrawn gone" "$(json_get 0.id <"$T/out")" 1
ok "due --all" "$MR" due --all --json
expect_eq "withdrawn back with --all" "$(json_get 0.id <"$T/out")" 2

# Extension moves every case on the window, and is audited.
ok "extend" "$MR" window extend "$wid" --closes "Oct 25 2024 7:00 p.m. CDT" \
	--source "CMS listserv: targeted review extended"
expect_match "extend reports moved cases" "$(cat "$T/out")" "1 open item"
ok "due after extension" "$MR" due --json
expect_eq "case moved" "$(json_get 0.deadline.closes_at <"$T/out")" "2024-10-26T00:00:00Z"
ok "audit" "$MR" audit --json
expect_match "extension audited" "$(cat "$T/out")" '"action": "extend"'

# Hardship filings appear in due on their window's deadline, and move with it.
ok "filing" "$MR" hardship add --tin 987654321 --name "Lakeside Group" --year 2024 \
	--type euc --categories cost,quality --event "IV-fluid shortage"
fid=$(cat "$T/out")
ok "due with filing" "$MR" due --json
/usr/bin/python3 - "$T/out" "$fid" >"$T/item" <<'PY' || fail "filing not in due"
import json, sys
items = [i for i in json.load(open(sys.argv[1])) if i["what"] == "hardship" and i["id"] == int(sys.argv[2])]
assert len(items) == 1
print(json.dumps(items[0]))
PY
expect_eq "filing kind" "$(json_get kind <"$T/item")" euc-hardship
expect_eq "filing deadline" "$(json_get deadline.closes_local <"$T/item")" "2025-04-14T20:00:00-04:00"
fw=$(json_get window_id <"$T/item")
ok "extend the filing's window" "$MR" window extend "$fw" --closes "2025-04-30 20:00 ET"
expect_match "filing moved" "$(cat "$T/out")" "1 open item"
ok "due after" "$MR" due --json
expect_match "filing deadline moved" "$(cat "$T/out")" "2025-04-30T20:00:00-04:00"

# Windows across DST and without DST; midnight.
ok "add Phoenix window" "$MR" window add --kind other --year 2024 \
	--closes "2024-07-01 17:00 America/Phoenix" --source test --json
expect_eq "phoenix" "$(json_get deadline.closes_local <"$T/out")" "2024-07-01T17:00:00-07:00"
ok "add Honolulu window" "$MR" window add --kind other --year 2024 \
	--closes "2024-12-31 23:59 Pacific/Honolulu"
hid=$(cat "$T/out")
ok "show it" "$MR" window show "$hid" --json
expect_eq "honolulu" "$(json_get deadline.closes_at <"$T/out")" "2025-01-01T09:59:00Z"
ok "midnight window" "$MR" window add --kind data-submission --year 2024 \
	--closes "2025-03-31 24:00 ET" --opens "2025-01-02 08:00 ET" --json
expect_eq "midnight" "$(json_get deadline.closes_local <"$T/out")" "2025-04-01T00:00:00-04:00"
ok "set window name" "$MR" window set "$hid" --name "Hawaii test"
ok "window show text" "$MR" window show "$hid"
expect_match "window show" "$(cat "$T/out")" "Hawaii test"

# Bad input: one line, non-zero, nothing written.
refuses "unknown zone" 3 "not a known IANA" "$MR" window add --kind other \
	--year 2024 --closes "2024-10-11 19:00 Mars/Olympus"
refuses "Feb 30" 3 "closes '2025-02-30 20:00 ET': not a date: February 2025 has 28 days" "$MR" window add --kind other \
	--year 2024 --closes "2025-02-30 20:00 ET"
refuses "malformed" 3 "not understood\|is not a date" "$MR" window add --kind other \
	--year 2024 --closes "soonish"
refuses "closes before opens" 3 "not before" "$MR" window add --kind other \
	--year 2024 --opens "2025-11-20 09:00 ET" --closes "2025-11-14 20:00 ET"
refuses "year 2016" 3 "year '2016'" "$MR" window add --kind other \
	--year 2016 --closes "2017-10-01 20:00 ET"
refuses "wrong abbreviation" 3 "use CST" "$MR" window add --kind other \
	--year 2024 --closes "2025-01-15 19:00 CDT"
refuses "gap" 3 "does not exist" "$MR" window add --kind other \
	--year 2024 --closes "2025-03-09 02:30 America/Chicago"
refuses "overlap" 3 "happens twice" "$MR" window add --kind other \
	--year 2024 --closes "2025-11-02 01:30 America/Chicago"
refuses "extend earlier" 3 "not later" "$MR" window extend "$wid" --closes "2024-10-01 19:00 CDT"
refuses "unknown kind" 3 "kind 'appeal'" "$MR" window add --kind appeal \
	--year 2024 --closes "2025-01-15 19:00 CST"
refuses "bad deadline on case" 3 "does not exist" "$MR" set 1 \
	"deadline=2024-03-10 02:30 America/Chicago"
refuses "no such window" 4 "window 999" "$MR" window show 999
refuses "bad --within" 3 "duration 'soon'" "$MR" due --within soon
refuses "bad --zone" 3 "not a known IANA" "$MR" due --zone Nowhere/Land

finish
