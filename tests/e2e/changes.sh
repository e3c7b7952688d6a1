#!/bin/sh
# set and status say what they changed: one line per field, old -> new,
# with the TIN masked unless --reveal.
. "$top_srcdir/tests/e2e/lib.sh"

ok "a case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2023 --reason scoring-error
ok "set three fields" "$MR" set 1 name="Dr. Ada Example, MD" score=71.5 tin=98-7654321
expect_eq "set: one line per changed field" "$(cat "$T/out")" "tin: *****6789 -> *****4321
name: Dr. Ada Example -> Dr. Ada Example, MD
final_score: (none) -> 71.5"
ok "set --reveal" "$MR" set 1 tin=12-3456789 --reveal
expect_eq "set --reveal: the whole TIN" "$(cat "$T/out")" "tin: 987654321 -> 123456789"
ok "set a category score" "$MR" set 1 quality=80
expect_eq "set: a nested field" "$(cat "$T/out")" "category_scores.quality: (none) -> 80.0"
ok "set the same again" "$MR" set 1 quality=80
expect_eq "set: nothing changed" "$(cat "$T/out")" "case 1: nothing changed"
ok "set the request's fields" "$MR" set 1 legal_name="Example Clinic LLC" \
	requester_role=clinician explanation="Quality measure 001 was scored as not submitted."
expect_eq "set: three lines" "$(wc -l <"$T/out")" 3

ok "status ready" "$MR" status 1 ready --force
expect_eq "status: the move" "$(cat "$T/out")" "status: draft -> ready"
ok "status submitted" "$MR" status 1 submitted
ok "documents requested" "$MR" status 1 documents-requested --requested-on 2024-09-30
expect_eq "status: the move, the day and the new deadline" "$(cat "$T/out")" \
"status: submitted -> documents-requested
documents_requested_on: (none) -> 2024-09-30
deadline: 2024-10-11T19:00:00-05:00 (America/Chicago) -> 2024-10-30T20:00:00-04:00 (America/New_York)"

# Refused changes print nothing on standard output.
refuses "a bad field" 3 "field 'colour' cannot be set" "$MR" set 1 colour=red
expect_eq "nothing printed" "$(cat "$T/out")" ""

# Hardship filings alike.
ok "a filing" "$MR" hardship add --tin "$SEED_TIN" --year 2024 --type euc \
	--categories quality,cost --event "Hurricane"
ok "hardship set" "$MR" hardship set 1 confirmation=EUC-12345 notes="filed by phone"
expect_eq "hardship set: one line per field" "$(cat "$T/out")" "confirmation: (none) -> EUC-12345
notes: (none) -> filed by phone"
ok "hardship status" "$MR" hardship status 1 submitted
expect_match "hardship status: the move" "$(cat "$T/out")" "^status: draft -> submitted"

finish
