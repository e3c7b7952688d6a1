#!/bin/sh
# Hardship-exception filings: add, advice, window and deadline, workflow,
# refusals that leave the database unchanged, and a case's link to a filing.
. "$top_srcdir/tests/e2e/lib.sh"

# A PY2023 EUC filing with quality data submitted and no cost: two warnings.
ok "add an EUC filing" "$MR" hardship add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--year 2023 --type euc --categories quality,ia,pi --submitted quality \
	--event "Change Healthcare cyberattack" --name "Dr. Ada Example"
expect_eq "add prints the id" "$(cat "$T/out")" 1
expect_match "warning: CMS still scores submitted data" "$(cat "$T/err")" \
	"warning: quality: data was submitted, so CMS will still score quality"
expect_match "advice: cost needs no data submission" "$(cat "$T/err")" \
	"cost is computed from claims and needs no data submission.*texmed.org"

# JSON: the whole filing, its window (latest-closing PY2023 EUC window) and warnings.
ok "show --json" "$MR" hardship show 1 --json
J=$(cat "$T/out")
expect_eq "TIN masked in JSON" "$(echo "$J" | json_get tin)" "*****6789"
expect_eq "window kind" "$(echo "$J" | json_get window.kind)" euc-hardship
expect_eq "deadline is the Change Healthcare re-opening, 8 p.m. EDT Apr 15 2024" \
	"$(echo "$J" | json_get deadline)" 2024-04-16T00:00:00Z
expect_eq "quality marked submitted" "$(echo "$J" | json_get categories.0.data_submitted)" True
expect_match "warnings listed in JSON" "$(echo "$J" | json_get warnings)" "CMS will still score quality"
ok "show --reveal --json" "$MR" hardship show 1 --json --reveal
expect_eq "--reveal shows the TIN" "$(json_get tin <"$T/out")" 123456789
ok "show text" "$MR" hardship show 1
expect_match "text names the deadline as announced" "$(cat "$T/out")" "Deadline +2024-04-15 20:00 EDT"

# A year without a hardship window: accepted, and it says there is no deadline.
ok "add PY2018 PI filing" "$MR" hardship add --tin "$SEED_TIN" --year 2018 \
	--type pi --categories pi --event "decertified EHR technology" --json
expect_eq "no window" "$(json_get window_id <"$T/out")" null
expect_eq "no deadline" "$(json_get deadline <"$T/out")" null
expect_match "stderr says there is no deadline" "$(cat "$T/err")" "no deadline: there is no pi-hardship window for performance year 2018"

# Bad input: one clear line, exit 3, nothing written.
refuses "unknown category" 3 "category 'aci' is not known" \
	"$MR" hardship add --tin "$SEED_TIN" --year 2023 --type euc --categories quality,aci --event x
refuses "five categories" 3 "5 categories given" \
	"$MR" hardship add --tin "$SEED_TIN" --year 2023 --type euc --categories quality,cost,ia,pi,cost --event x
refuses "a category twice" 3 "ia is listed twice" \
	"$MR" hardship add --tin "$SEED_TIN" --year 2023 --type euc --categories ia,ia --event x
refuses "PI hardship asks for pi only" 3 "pi category only" \
	"$MR" hardship add --tin "$SEED_TIN" --year 2023 --type pi --categories pi,cost --event x
refuses "submitted outside the categories" 3 "submitted 'cost'" \
	"$MR" hardship add --tin "$SEED_TIN" --year 2023 --type euc --categories pi --submitted cost --event x
refuses "bad NPI" 3 "check digit" \
	"$MR" hardship add --tin "$SEED_TIN" --npi 1234567898 --year 2023 --type euc --categories pi --event x
refuses "window of another year" 3 "performance year 2017" \
	"$MR" hardship add --tin "$SEED_TIN" --year 2023 --type euc --categories pi --event x --window 1
MIPSREVIEW_NOW=2026-11-23T12:00:00Z refuses "the year after next" 3 "year '2028': MIPS performance years run from 2017 (the first) to 2027 (next year)" \
	"$MR" hardship add --tin "$SEED_TIN" --year 2028 --type euc --categories cost --event x

# Workflow: draft > submitted > approved; illegal moves refused.
refuses "draft cannot be approved" 5 "from draft it can go to: submitted, withdrawn" \
	"$MR" hardship status 1 approved
ok "submit" "$MR" hardship status 1 submitted --note "filed in the QPP portal"
ok "set confirmation and cost" "$MR" hardship set 1 confirmation=EUC-0042 categories=quality,cost,ia,pi
expect_eq "no cost advice once cost is asked for" "$(grep -c 'cost is computed' "$T/err")" 0
ok "approve" "$MR" hardship status 1 approved
refuses "approved is final" 5 "final" "$MR" hardship status 1 withdrawn
refuses "categories frozen once decided" 5 "only confirmation, owner, notes, county and zip" \
	"$MR" hardship set 1 categories=pi
ok "show after approval" "$MR" hardship show 1 --json
J=$(cat "$T/out")
expect_eq "status approved" "$(echo "$J" | json_get status)" approved
expect_eq "filed date recorded on submit" "$(echo "$J" | json_get filed_at)" 2024-10-01
expect_eq "revision counts changes" "$(echo "$J" | json_get revision)" 3
expect_eq "confirmation" "$(echo "$J" | json_get confirmation)" EUC-0042
ok "list open" "$MR" hardship list --open
expect_match "approved filing not open" "$(cat "$T/out")" "^2 +draft +pi +2018"
expect_eq "only the open filing listed" "$(grep -c '^1 ' "$T/out")" 0
ok "list --json" "$MR" hardship list --json --year 2023
expect_eq "one PY2023 filing" "$(json_get 0.id <"$T/out")" 1

# Audited like cases, chain intact.
ok "audit --json" "$MR" audit --json
expect_eq "hardship audit rows" "$(/usr/bin/python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["entity"]=="hardship"))' <"$T/out")" 5
ok "audit chain verifies" "$MR" audit --verify

# A case points at the filing that should have caused reweighting.
ok "add case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" --year 2023 --reason euc-not-applied
ok "link filing" "$MR" set 1 filing=1
ok "show case" "$MR" show 1 --json
expect_eq "case filing_id" "$(json_get filing_id <"$T/out")" 1
refuses "filing of another year" 3 "performance year 2018" "$MR" set 1 filing=2
refuses "no such filing" 4 "filing 99 does not exist" "$MR" set 1 filing=99
refuses "no such filing to show" 4 "filing 7 does not exist" "$MR" hardship show 7
"$MR" hardship frobnicate >"$T/out" 2>"$T/err"
expect_eq "unknown subcommand is a usage error" "$?" 2
expect_match "usage names the subcommands" "$(cat "$T/err")" "unknown subcommand 'frobnicate'; use add, list"

# A second open filing of one type for one TIN, NPI and year is refused
# with the open one's id; --force files it, audited as forced.
ok "a PY2025 EUC filing" "$MR" hardship add --tin 55-5555555 --year 2025 \
	--type euc --categories quality,cost --event "Flood"
dup=$(cat "$T/out")
refuses "the same filing again" 5 "filing $dup (draft) is already open as the EUC hardship of this TIN for performance year 2025; .*--force" \
	"$MR" hardship add --tin 555555555 --year 2025 --type euc \
	--categories cost --event "Flood again"
ok "a PI filing of the same TIN and year is another matter" "$MR" hardship add \
	--tin 55-5555555 --year 2025 --type pi --categories pi --event "EHR down"
pi=$(cat "$T/out")
refuses "set cannot turn it into a second open EUC filing" 5 "filing $dup (draft) is already open as the EUC hardship of this TIN for performance year 2025; .*rather than make this filing a second one" \
	"$MR" hardship set "$pi" type=euc
ok "a set that moves it onto no other filing is taken" "$MR" hardship set \
	"$pi" confirmation=PI-1
ok "one for an NPI of the TIN is another matter" "$MR" hardship add \
	--tin 55-5555555 --npi "$SEED_NPI" --year 2025 --type euc \
	--categories quality --event "Flood"
refuses "the NPI's twice" 5 "already open as the EUC hardship of this TIN and NPI" \
	"$MR" hardship add --tin 55-5555555 --npi "$SEED_NPI" --year 2025 \
	--type euc --categories quality --event "Flood"
ok "--force files it all the same" "$MR" hardship add --tin 55-5555555 \
	--year 2025 --type euc --categories quality --event "Flood" --force
forced=$(cat "$T/out")
ok "audit" "$MR" audit --json
expect_match "the audit says it was forced" "$(cat "$T/out")" "\"add --force\""
ok "withdraw both" "$MR" hardship status "$dup" withdrawn
ok "withdraw the forced one" "$MR" hardship status "$forced" withdrawn
ok "once none is open, a new one is filed" "$MR" hardship add --tin 55-5555555 \
	--year 2025 --type euc --categories quality --event "Flood"

finish
