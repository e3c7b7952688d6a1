#!/bin/sh
# Open cases with no known deadline at scale: the cases of a year with no
# targeted-review window are one line (and one JSON object) with their
# count, not thousands of lines; --undated lists them one by one.
. "$top_srcdir/tests/e2e/lib.sh"

# After the PY2024 window closed; no PY2025 or PY2026 window is known.
export MIPSREVIEW_NOW=2026-11-30T12:00:00Z
N=3000
awk -v n="$N" 'BEGIN {
	print "tin,npi,name,year,reason,score,adjustment,practice,participation,owner,note,quality,cost,ia,pi"
	for (i = 1; i <= n; i++)
		printf "%09d,,Clinician %d,2025,other,,,,,,,,,,\n", 300000000 + i, i
	printf "%09d,,Next One,2026,other,,,,,,,,,,\n", 400000001
	printf "%09d,,Next Two,2026,other,,,,,,,,,,\n", 400000002
}' >"$T/many.csv"
ok "import the cases" "$MR" import "$T/many.csv"
ok "one case with a deadline of its own" "$MR" set 1 "deadline=2026-12-15 20:00 America/New_York"
ok "one withdrawn" "$MR" status 2 withdrawn

ok "due" "$MR" due
expect_eq "a short listing" "$(wc -l <"$T/out")" 7
expect_match "the dated case" "$(cat "$T/out")" "^case +1 +Clinician 1 "
expect_match "PY2025 as one group" "$(cat "$T/out")" "^case +- +\(2998 cases\) +- +targeted-review +no deadline known"
expect_match "PY2026 as one group" "$(cat "$T/out")" "^case +- +\(2 cases\) +- +targeted-review +no deadline known"
expect_match "what is missing and the fix" "$(cat "$T/out")" "no targeted-review window is known for performance year 2025; set one: mipsreview window add --kind targeted-review --year 2025 --closes TIME --source TEXT"
expect_eq "the count" "$(tail -n 1 "$T/out")" "3000 items with no deadline known"

ok "due --json" "$MR" due --json
expect_eq "groups and their counts" "$(/usr/bin/python3 -c 'import json,sys
a = json.load(sys.stdin)
print(len(a), [(i["performance_year"], i["count"], i["closes_at"], i["window_id"]) for i in a if i.get("group")])' <"$T/out")" \
	"3 [(2025, 2998, None, None), (2026, 2, None, None)]"
expect_eq "a reason and the command that lists them" "$(/usr/bin/python3 -c 'import json,sys
g = [i for i in json.load(sys.stdin) if i.get("group")][0]
print(g["reason"] + " / " + g["list_with"])' <"$T/out")" \
	"no targeted-review window is known for performance year 2025 / mipsreview due --undated"

ok "due --within 30d" "$MR" due --within 30d
expect_eq "undated whatever --within asks" "$(tail -n 1 "$T/out")" "3000 items with no deadline known"
ok "due --all" "$MR" due --all
expect_match "the withdrawn case counted with --all" "$(cat "$T/out")" "\(2999 cases\)"

ok "due --undated" "$MR" due --undated
expect_eq "every undated case one by one" "$(grep -c '^case .*no deadline known' "$T/out")" 3000
expect_match "with its own command" "$(cat "$T/out")" "mipsreview set 3000 deadline=TIME"
expect_eq "not the dated or withdrawn case" "$(grep -c '^case  *[12]  ' "$T/out")" 0
ok "due --undated --json" "$MR" due --undated --json
expect_eq "a JSON array of every item" "$(/usr/bin/python3 -c 'import json,sys
a = json.load(sys.stdin)
print(len(a), a[0]["id"], a[-1]["id"], set(i["closes_at"] for i in a))' <"$T/out")" "3000 3 3002 {None}"

REFUSE_LINES=2 refuses "--undated with --within" 2 "--within and --overdue do not apply" \
	"$MR" due --undated --within 30d

# Setting the year's window dates them all at once.
ok "the PY2025 window" "$MR" window add --kind targeted-review --year 2025 \
	--closes "2027-01-15 20:00 America/New_York" --source "CMS notice"
ok "due after the window" "$MR" due
expect_eq "only PY2026 left" "$(tail -n 1 "$T/out")" "2 items with no deadline known"
expect_eq "no PY2025 group" "$(grep -c '(2998 cases)' "$T/out")" 0
finish
