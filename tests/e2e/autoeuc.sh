#!/bin/sh
# CMS's automatic EUC areas by place: a case records the practice's county
# and ZIP code, and grounds says whether CMS's automatic EUC county list of
# the performance year covered it — by county (covered or not), by ZIP
# alone (possibly: a ZIP code can span several counties) — with the list's
# public source; bad places are refused with nothing written.
. "$top_srcdir/tests/e2e/lib.sh"

ok "a group case in Kerr County, PY2025" "$MR" add --tin 98-7654321 \
	--name "Hill Country Group" --year 2025 --reason euc-not-applied \
	--participation group --quality 70 --cost 40 --county "Kerr, TX" --zip 78028-1234
expect_eq "county kept tidy" "$("$MR" show 1 --json | json_get county)" "Kerr, TX"
expect_eq "ZIP+4 keeps five digits" "$("$MR" show 1 --json | json_get zip)" "78028"
expect_match "show prints the place" "$("$MR" show 1)" "County, ZIP +Kerr, TX, ZIP 78028"

refuses "county without a state" 3 "NAME, ST is expected" \
	"$MR" set 1 "county=Kerr"
refuses "unknown state code" 3 "'ZZ' is not a state or territory code" \
	"$MR" set 1 "county=Kerr, ZZ"
refuses "county with digits" 3 "letters, blanks" "$MR" set 1 "county=K3rr, TX"
refuses "bad ZIP" 3 "five digits" "$MR" set 1 zip=7802
refuses "bad ZIP on add" 3 "five digits" "$MR" add --tin 98-7654321 \
	--name X --year 2025 --reason other --zip 780281 --force

ok "grounds of a covered county" "$MR" grounds 1
out=$(cat "$T/out")
expect_match "group case: place only" "$out" "A group case: .*only the practice's place is read"
expect_match "covered" "$out" "GROUND  automatic-euc-area \(euc-not-applied\)"
expect_match "names county and year" "$out" "Kerr County, TX was in an area CMS's automatic EUC policy covered for PY2025"
expect_match "names the public source" "$out" "2025 MIPS Automatic EUC Policy \(Oct 13 2025\); county-ZIP crosswalk, github.com/CMSgov/qpp-eu-data"
expect_match "the scored categories" "$out" "scored: quality, cost"
ok "grounds --json" "$MR" grounds 1 --json
expect_eq "finding" "$(json_get grounds.0.finding <"$T/out")" "supports"
expect_eq "evidence" "$(json_get grounds.0.evidence <"$T/out")" '["fema-county"]'
expect_eq "reweight" "$(json_get grounds.0.reweight <"$T/out")" '["quality", "cost"]'
expect_eq "npi null for a group" "$(json_get npi <"$T/out")" "null"

# "County" and "Parish", periods and "Saint" are read as CMS's list has them.
ok "a parish, written out" "$MR" set 1 "county=Saint Tammany Parish, la" zip= year=2024
ok "grounds of the parish" "$MR" grounds 1 --json
expect_eq "parish covered in 2024" "$(json_get grounds.0.ground <"$T/out")" "automatic-euc-area"
expect_eq "as written" "$(json_get county <"$T/out")" "Saint Tammany Parish, LA"

ok "a county CMS did not list" "$MR" set 1 "county=Travis County, TX"
ok "grounds, not covered" "$MR" grounds 1 --json
expect_eq "does not support" "$(json_get grounds.0.finding <"$T/out")" "does-not-support"
expect_eq "ground" "$(json_get grounds.0.ground <"$T/out")" "automatic-euc-not-covered"

# A ZIP code in four covered counties: possibly, naming them.
ok "only a ZIP" "$MR" set 1 county= zip=78624 year=2025
ok "grounds by ZIP" "$MR" grounds 1
expect_match "possibly" "$(cat "$T/out")" "POSSIBLE  automatic-euc-area"
expect_match "the counties" "$(cat "$T/out")" "ZIP 78624 lies in Kendall, TX; Kerr, TX; Llano, TX; Mason, TX"
ok "a ZIP CMS did not list" "$MR" set 1 zip=10001
expect_eq "ZIP not covered" "$("$MR" grounds 1 --json | json_get grounds.0.ground)" "automatic-euc-not-covered"

# No list for the year: said, not guessed.
ok "a year without a list" "$MR" set 1 year=2021
expect_eq "year unknown" "$("$MR" grounds 1 --json | json_get grounds.0.ground)" "automatic-euc-year-unknown"

# No place and no record: nothing to read.
ok "a clinician case without a place" "$MR" add --tin 12-3456789 \
	--npi 1234567893 --name "Dr A" --year 2025 --reason euc-not-applied
refuses "grounds with nothing to read" 4 "run 'mipsreview lookup 2' first" \
	"$MR" grounds 2
ok "its county" "$MR" set 2 "county=Kerr County, TX"
ok "grounds without a record" "$MR" grounds 2
expect_match "says no record is kept" "$(cat "$T/out")" "No CMS eligibility record is kept \('mipsreview lookup 2' fetches it\)"
expect_match "still the place" "$(cat "$T/out")" "GROUND  automatic-euc-area"

# check and show give the county verdict beside the case.
ok "Kerr County for check" "$MR" set 2 zip=78028
ok "check" "$MR" check 2
expect_match "check says covered" "$(cat "$T/out")" "Automatic EUC  covered by automatic EUC in PY2025 \(Kerr County, TX\)"
ok "check --json" "$MR" check 2 --json
expect_eq "check finding" "$(json_get automatic_euc.finding <"$T/out")" "covered"
expect_eq "check place" "$(json_get automatic_euc.place <"$T/out")" "Kerr County, TX"
expect_eq "check summary" "$(json_get automatic_euc.summary <"$T/out")" \
	"covered by automatic EUC in PY2025 (Kerr County, TX)"
expect_match "check source" "$(json_get automatic_euc.source <"$T/out")" "2025 MIPS Automatic EUC Policy"
expect_match "show says covered" "$("$MR" show 2)" "Automatic EUC  covered by automatic EUC in PY2025 \(Kerr County, TX\)"
expect_eq "show --json finding" "$("$MR" show 2 --json | json_get automatic_euc.finding)" "covered"
ok "only a ZIP for check" "$MR" set 2 county= zip=78624
expect_match "check says possibly" "$("$MR" check 2)" "possibly covered by automatic EUC in PY2025 \(ZIP 78624 lies in Kendall, TX; Kerr, TX"
expect_eq "check --json possibly" "$("$MR" check 2 --json | json_get automatic_euc.finding)" "possibly"
ok "no place" "$MR" set 2 zip=
expect_eq "no place, null" "$("$MR" check 2 --json | json_get automatic_euc)" "null"
ok "Kerr again" "$MR" set 2 "county=Kerr County, TX"

# A hardship filing records the place too; an EUC filing for a covered
# county is told that CMS reweights without it.
ok "an EUC filing by ZIP" "$MR" hardship add --tin 12-3456789 --year 2025 \
	--type euc --categories quality,ia,cost --event "Hill Country floods" --zip 78624
expect_match "possibly, advised" "$(cat "$T/err")" "ZIP 78624 lies in Kendall, TX; Kerr, TX; Llano, TX; Mason, TX, covered by CMS's automatic EUC policy for PY2025"
ok "show the filing" "$MR" hardship show 1
expect_match "filing shows the place" "$(cat "$T/out")" "County, ZIP +-, ZIP 78624"
expect_match "filing verdict possibly" "$(cat "$T/out")" "Automatic EUC  possibly covered by automatic EUC in PY2025"
ok "its county" "$MR" hardship set 1 "county=Kerr, TX"
expect_match "covered, advised" "$(cat "$T/err")" "Kerr County, TX was in an area CMS's automatic EUC policy covered for PY2025: .*this filing may not be needed"
ok "filing --json" "$MR" hardship show 1 --json
expect_eq "filing county" "$(json_get county <"$T/out")" "Kerr, TX"
expect_eq "filing zip" "$(json_get zip <"$T/out")" "78624"
expect_eq "filing finding" "$(json_get automatic_euc.finding <"$T/out")" "covered"
expect_match "filing advice" "$(json_get warnings <"$T/out")" "this filing may not be needed"
expect_eq "list carries it" "$("$MR" hardship list --json | json_get 0.automatic_euc.place)" "Kerr County, TX"
refuses "filing: bad county" 3 "not a state or territory code" \
	"$MR" hardship set 1 "county=Kerr, XX"
refuses "filing: bad ZIP" 3 "five digits" "$MR" hardship set 1 zip=123
refuses "filing add: bad ZIP" 3 "five digits" "$MR" hardship add --tin 12-3456789 \
	--year 2024 --type pi --categories pi --event "EHR outage" --zip 1234
ok "a PI filing in a covered county" "$MR" hardship add --tin 12-3456789 \
	--year 2025 --type pi --categories pi --event "EHR outage" --county "Kerr, TX"
expect_no_advice=$(grep -c "may not be needed" "$T/err")
expect_eq "no EUC advice for a PI filing" "$expect_no_advice" "0"
expect_eq "PI filing verdict shown" "$("$MR" hardship show 2 --json | json_get automatic_euc.finding)" "covered"
ok "a decided filing still takes its place" "$MR" hardship status 2 submitted
ok "decided" "$MR" hardship status 2 approved
ok "county after the decision" "$MR" hardship set 2 "county=Bexar, TX"
expect_eq "not covered" "$("$MR" hardship show 2 --json | json_get automatic_euc.finding)" "not-covered"
ok "cleared" "$MR" hardship set 2 county=
expect_eq "cleared, null" "$("$MR" hardship show 2 --json | json_get automatic_euc)" "null"

# export and import carry the place (a county's comma is quoted in CSV).
ok "export csv" "$MR" export csv --year 2025 -o "$T/cases.csv"
ok "import it back" "$MR" import "$T/cases.csv" --force
n=$("$MR" list --json | json_get -1.id)
expect_eq "county round trip" "$("$MR" show "$n" --json | json_get county)" "Kerr County, TX"
printf 'tin,name,year,reason,county\n98-7654321,Bad Place,2025,other,"Kerr, XX"\n' >"$T/bad.csv"
REFUSE_LINES=2 refuses "import refuses a bad county" 3 "not a state or territory code" \
	"$MR" import "$T/bad.csv"
finish
