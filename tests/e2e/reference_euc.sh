#!/bin/sh
# CMS's automatic EUC county lists are reference facts of kind euc-county:
# the release ships PY2022-PY2025 in its pack, next year's list is an
# office's import (checked whole, all or nothing, audited), and a release
# never overwrites a county the office imported.
export MIPSREVIEW_NOW=2026-11-30T15:00:00Z
. "$top_srcdir/tests/e2e/lib.sh"

shipped="$top_srcdir/sql/reference.json"
ok "list the shipped counties" "$MR" reference list --kind euc-county --year 2025
expect_match "Kerr County, PY2025, sourced" "$(cat "$T/out")" \
	"^euc-county +2025 automatic EUC: kerr, TX \(13 ZIP codes\) +verified +CMS, 2025 MIPS Automatic EUC Policy \(Oct 13 2025\); county-ZIP crosswalk"
expect_match "23 counties in PY2025" "$(cat "$T/out")" "^23 facts$"
ok "list --json" "$MR" reference list --json --kind euc-county
expect_eq "PY2022-PY2025 as the release ships them" "$(/usr/bin/python3 -c 'import json,sys
f = json.load(sys.stdin)["facts"]
print(len(f), sorted(set(x["year"] for x in f)), sum(len(x["zips"]) for x in f))' <"$T/out")" \
	"$(/usr/bin/python3 -c 'import json,sys
f = [x for x in json.load(open(sys.argv[1]))["facts"] if x["kind"] == "euc-county"]
print(len(f), sorted(set(x["year"] for x in f)), sum(len(x["zips"]) for x in f))' "$shipped")"
ok "export" "$MR" reference export -o "$T/pack.json"
expect_eq "an export carries the counties with their ZIP codes" "$(/usr/bin/python3 -c 'import json,sys
print([x["zips"][:3] for x in json.load(sys.stdin)["facts"] if x["kind"] == "euc-county" and x["year"] == 2025 and x["county"] == "kerr"])' <"$T/pack.json")" \
	"[['76849', '78003', '78010']]"

# pack NAME PYTHON: $T/NAME.json, a pack of the facts PYTHON puts in f.
pack() {
	/usr/bin/python3 -c 'import json,sys
f = []
exec(sys.argv[2])
json.dump({"format": "mipsreview-reference", "version": 1, "date": "2026-12-01",
    "publisher": "Example Practice compliance", "facts": f}, open(sys.argv[1], "w"))' "$T/$1.json" "$2"
}
SRC='"source": "CMS, 2026 MIPS Automatic EUC Policy (example); county-ZIP crosswalk, github.com/CMSgov/qpp-eu-data (CC0)", "verified": True'

# A PY2026 case in Kerr County: no list for the year yet.
ok "a PY2026 case in Kerr County" "$MR" add --tin 12-3456789 --npi 1234567893 \
	--name "Dr A" --year 2026 --reason euc-not-applied --quality 40 \
	--county "Kerr, TX"
expect_eq "year unknown" "$("$MR" grounds 1 --json | json_get grounds.0.ground)" "automatic-euc-year-unknown"
expect_match "says to import the list" "$("$MR" grounds 1)" "import its county list as a reference pack \(kind euc-county\)"
expect_eq "check: unknown" "$("$MR" check 1 --json | json_get automatic_euc.finding)" "unknown"

# Bad packs are refused whole, naming the fact; nothing is written.
pack badzip "f = [{\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"TX\", \"county\": \"Kerr\", \"zips\": [\"78028\"], $SRC},
 {\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"TX\", \"county\": \"Bexar\", \"zips\": [\"7820\"], $SRC}]"
refuses "a ZIP code of four digits" 3 "fact 2 (euc-county 2026 TX bexar): 'zips' holds five-digit ZIP codes" \
	"$MR" reference import "$T/badzip.json"
pack badstate "f = [{\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"tx\", \"county\": \"Kerr\", \"zips\": [], $SRC}]"
refuses "a state in lower case" 3 "'state' must be a state or territory code in capitals" \
	"$MR" reference import "$T/badstate.json"
pack nostate "f = [{\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"ZZ\", \"county\": \"Kerr\", \"zips\": [], $SRC}]"
refuses "an unknown state" 3 "'state' must be a state or territory code" \
	"$MR" reference import "$T/nostate.json"
pack badcounty "f = [{\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"TX\", \"county\": \"K3rr\", \"zips\": [], $SRC}]"
refuses "a county with digits" 3 "'county' has letters, blanks" \
	"$MR" reference import "$T/badcounty.json"
pack twicezip "f = [{\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"TX\", \"county\": \"Kerr\", \"zips\": [\"78028\", \"78028\"], $SRC}]"
refuses "a ZIP code twice" 3 "'zips' names a ZIP code twice" \
	"$MR" reference import "$T/twicezip.json"
pack nozips "f = [{\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"TX\", \"county\": \"Kerr\", $SRC}]"
refuses "no zips" 3 "'zips' (a list of the county's five-digit ZIP codes" \
	"$MR" reference import "$T/nozips.json"
pack fips "f = [{\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"TX\", \"county\": \"Kerr\", \"zips\": [], \"fips\": \"48265\", $SRC}]"
refuses "an unknown key" 3 "unknown key 'fips' (a euc-county fact has kind, year, source, verified, state, county, zips)" \
	"$MR" reference import "$T/fips.json"
pack dup "f = [{\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"TX\", \"county\": \"Kerr\", \"zips\": [], $SRC},
 {\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"TX\", \"county\": \"kerr\", \"zips\": [\"78028\"], $SRC}]"
refuses "one county twice, however written" 3 "a duplicate of fact 1" \
	"$MR" reference import "$T/dup.json"
pack nosource "f = [{\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"TX\", \"county\": \"Kerr\", \"zips\": [], \"source\": \" \", \"verified\": True}]"
refuses "no source" 3 "'source' is missing" "$MR" reference import "$T/nosource.json"
pack future "f = [{\"kind\": \"euc-county\", \"year\": 2028, \"state\": \"TX\", \"county\": \"Kerr\", \"zips\": [], $SRC}]"
refuses "a year after next" 3 "performance years run from 2017 to next year" \
	"$MR" reference import "$T/future.json"

# Next year's list: an import, not a release.
pack py2026 "f = [{\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"TX\", \"county\": \"Kerr\", \"zips\": [\"78028\", \"78024\", \"78010\"], $SRC},
 {\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"TX\", \"county\": \"Kendall\", \"zips\": [\"78006\", \"78624\"], $SRC},
 {\"kind\": \"euc-county\", \"year\": 2026, \"state\": \"TX\", \"county\": \"Gillespie\", \"zips\": [\"78624\"], $SRC}]"
ok "import the PY2026 list" "$MR" reference import "$T/py2026.json" --json
expect_eq "three facts added" "$(json_get changed <"$T/out")" 3
expect_eq "kept as CMS writes it" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT county || ' ' || zips FROM euc_county WHERE performance_year = 2026 AND county = 'kerr'")" \
	"kerr 78010 78024 78028"
ok "grounds now" "$MR" grounds 1 --json
expect_eq "covered in PY2026" "$(json_get grounds.0.ground <"$T/out")" "automatic-euc-area"
expect_match "the pack's source" "$(json_get grounds.0.text <"$T/out")" "2026 MIPS Automatic EUC Policy \(example\)"
expect_match "check says so" "$("$MR" check 1)" "covered by automatic EUC in PY2026 \(Kerr County, TX\)"
ok "by ZIP only" "$MR" set 1 county= zip=78624
expect_match "possibly, both counties" "$("$MR" check 1)" "possibly covered by automatic EUC in PY2026 \(ZIP 78624 lies in Gillespie, TX; Kendall, TX"
ok "audit" "$MR" audit --json
expect_eq "the import is audited" "$(/usr/bin/python3 -c 'import json,sys
print([(r["action"], r["after"]["facts"], r["after"]["changed"]) for r in json.load(sys.stdin) if r["entity"] == "reference"])' <"$T/out")" \
	"[('import', 3, 3)]"
ok "the same pack again" "$MR" reference import "$T/py2026.json"
expect_match "applied before" "$(cat "$T/out")" "applied before"

# A later release does not overwrite what the office imported: the
# release's pack applied anew (as after an upgrade) keeps the office's
# Kerr County of PY2025 and records the conflict.
pack kerr2025 "f = [{\"kind\": \"euc-county\", \"year\": 2025, \"state\": \"TX\", \"county\": \"Kerr\", \"zips\": [\"78028\"], \"source\": \"office correction (example)\", \"verified\": False}]"
ok "the office corrects PY2025 Kerr" "$MR" reference import "$T/kerr2025.json"
sqlite3 "$MIPSREVIEW_DB" "DELETE FROM reference_pack WHERE origin = 'release'"
ok "a writable opening applies the release's pack anew" "$MR" reference list --kind euc-county --year 2025
expect_match "the conflict is named" "$(cat "$T/out")" "shipped with a release, .*1 conflicts, the office's kept: euc-county 2025 TX kerr"
expect_eq "the office's county stands" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT zips || ' | ' || source FROM euc_county WHERE performance_year = 2025 AND county = 'kerr'")" \
	"78028 | office correction (example)"
expect_eq "the release's other counties are its own" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM euc_county WHERE performance_year = 2025")" 23
finish
