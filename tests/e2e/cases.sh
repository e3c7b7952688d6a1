#!/bin/sh
# End to end: cases through the real mipsreview binary — the Oct 11
# scenario, the workflow, and every rejected input leaving the database
# byte-for-byte unchanged.
. "$top_srcdir/tests/e2e/lib.sh"

# The main job: add the example case and list it.
ok "add seed case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--name "Dr. Ada Example" --year 2023 --reason euc-not-applied \
	--reason qp-status --score 62.5 --adjustment -1.2 --practice solo \
	--participation individual --owner officer@practice.example \
	--note "Change Healthcare cyberattack"
expect_eq "add prints the id alone" "$(cat "$T/out")" "1"
ok "list" "$MR" list
expect_match "list masks the TIN" "$(cat "$T/out")" '\*\*\*\*\*6789'
if grep -Eq '(^| )123456789( |$)' "$T/out"; then fail "list shows the whole TIN"; else pass; fi
ok "list --reveal" "$MR" list --reveal
expect_match "reveal shows the TIN" "$(cat "$T/out")" '123456789'

ok "show --json" "$MR" show 1 --json
j=$(cat "$T/out")
expect_eq "json id" "$(echo "$j" | json_get id)" 1
expect_eq "json tin masked" "$(echo "$j" | json_get tin)" "*****6789"
expect_eq "json npi" "$(echo "$j" | json_get npi)" "$SEED_NPI"
expect_eq "json performance_year" "$(echo "$j" | json_get performance_year)" 2023
expect_eq "json payment_year" "$(echo "$j" | json_get payment_year)" 2025
expect_eq "json status" "$(echo "$j" | json_get status)" draft
expect_eq "json reasons" "$(echo "$j" | json_get reasons)" '["qp-status", "euc-not-applied"]'
expect_eq "json final_score" "$(echo "$j" | json_get final_score)" 62.5
expect_eq "json payment_adjustment" "$(echo "$j" | json_get payment_adjustment)" -1.2
expect_eq "json notes" "$(echo "$j" | json_get notes.0.text)" "Change Healthcare cyberattack"
expect_eq "json deadline" "$(echo "$j" | json_get deadline.closes_at)" "2024-10-12T00:00:00Z"
ok "add --json" "$MR" add --tin 987654321 --name "Group Practice" --year 2022 \
	--reason wrong-tin-npi --json
expect_eq "add --json returns the case" "$(json_get name <"$T/out")" "Group Practice"
expect_eq "add --json group has no npi" "$(json_get npi <"$T/out")" null

# Workflow.
# CMS's request form asks for the legal name, who requests and why.
refuses "ready needs what CMS's form asks for" 5 "set legal_name=TEXT, requester_role=ROLE, explanation=TEXT" \
	"$MR" status 1 ready --force
ok "request fields" "$MR" set 1 "legal_name=Ada Example MD PC" requester_role=clinician \
	"explanation=Our EUC approval was not applied to quality and IA."
# --force: this case has no evidence attached (the evidence gate)
ok "ready" "$MR" status 1 ready --force
ok "submitted" "$MR" status 1 submitted --note "submitted on qpp.cms.gov"
ok "documents requested" "$MR" status 1 documents-requested
ok "resubmitted" "$MR" status 1 submitted
ok "denied" "$MR" status 1 denied
refuses "decision is final" 5 "final" "$MR" status 1 submitted
refuses "no reopening" 5 "final" "$MR" status 1 draft
refuses "decided case cannot be edited" 5 "no longer" "$MR" set 1 score=80
ok "closed" "$MR" status 1 closed

# Edits and notes.
ok "set" "$MR" set 2 score=80 adjustment=1.05 "name=O'Brien & Sons" owner=a@b.example
ok "note" "$MR" note 2 "Called the QPP Service Center; ticket 123"
ok "show" "$MR" show 2
expect_match "show has the note" "$(cat "$T/out")" "ticket 123"
expect_match "show has the new name" "$(cat "$T/out")" "O'Brien & Sons"
ok "list --status" "$MR" list --status closed --json
expect_eq "filter by status" "$(json_get 0.id <"$T/out")" 1
ok "list --reason" "$MR" list --reason wrong-tin-npi --json
expect_eq "filter by reason" "$(json_get 0.id <"$T/out")" 2
ok "list --tin" "$MR" list --tin 987-65-4321 --json
expect_eq "filter by tin in SSN form" "$(json_get 0.id <"$T/out")" 2

# Quotes and SQL metacharacters are stored verbatim.
name="Robert'); DROP TABLE review_case;-- \"Bobby\""
ok "sql metacharacters" "$MR" add --tin 111223333 --name "$name" --year 2024 --reason other
id=$(cat "$T/out")
ok "show it" "$MR" show "$id" --json
expect_eq "name verbatim" "$(json_get name <"$T/out")" "$name"

# Bad input: one line, the right status, nothing written.
refuses "npi check digit" 3 "check digit should be 3" \
	"$MR" add --tin "$SEED_TIN" --npi 1234567898 --name X --year 2023 --reason other
refuses "npi letters" 3 "10 digits" \
	"$MR" add --tin "$SEED_TIN" --npi 12345A7893 --name X --year 2023 --reason other
refuses "npi length" 3 "10 digits" \
	"$MR" add --tin "$SEED_TIN" --npi 123456789 --name X --year 2023 --reason other
refuses "tin letters (masked in the message)" 3 "tin '\*\*\*\*\*678X'" \
	"$MR" add --tin 12-345678X --name X --year 2023 --reason other
refuses "tin length" 3 "9 digits" \
	"$MR" add --tin 12345678 --name X --year 2023 --reason other
# CMS "Requirements for NPI Check Digit": NPIs begin with 1 or 2 (3234567899 passes Luhn).
refuses "npi first digit 3" 3 "begins with 1 or 2" \
	"$MR" add --tin "$SEED_TIN" --npi 3234567899 --name X --year 2023 --reason other
refuses "tin of all zeros" 3 "all zeros is a placeholder" \
	"$MR" add --tin 00-0000000 --name X --year 2023 --reason other
refuses "tin of all zeros on set" 3 "all zeros" "$MR" set 2 tin=000000000
refuses "hardship tin of all zeros" 3 "all zeros" \
	"$MR" hardship add --tin 000-00-0000 --year 2023 --type pi --categories pi --event "x"
refuses "unknown reason" 3 "reason 'bad-luck'" \
	"$MR" add --tin "$SEED_TIN" --name X --year 2023 --reason bad-luck
refuses "unknown state" 3 "state 'pending'" "$MR" status 2 pending
refuses "illegal transition" 5 "cannot go from draft to approved" "$MR" status 2 approved
refuses "year 2016" 3 "year '2016'" \
	"$MR" add --tin "$SEED_TIN" --name X --year 2016 --reason other
refuses "the year after next" 3 "year '2026': MIPS performance years run from 2017 (the first) to 2025 (next year)" \
	"$MR" add --tin "$SEED_TIN" --name X --year 2026 --reason other
refuses "score 101" 3 "score '101'" \
	"$MR" add --tin "$SEED_TIN" --name X --year 2023 --reason other --score 101
refuses "adjustment beyond -9%" 3 "adjustment" \
	"$MR" add --tin "$SEED_TIN" --name X --year 2023 --reason other --adjustment -12
refuses "non-UTF-8 note" 3 "UTF-8" "$MR" note 2 "$(printf 'bad \377 byte')"
refuses "bad owner" 3 "e-mail" "$MR" set 2 owner=nobody
refuses "unknown field" 3 "field 'color'" "$MR" set 2 color=red
refuses "duplicate open case" 5 "--force" \
	"$MR" add --tin 987654321 --name "Group Practice" --year 2022 --reason other
refuses "no such case" 4 "case 99" "$MR" show 99
REFUSE_LINES=2 refuses "missing --tin" 2 "--tin is required" "$MR" add --name X --year 2023 --reason other
refuses "unknown command" 2 "unknown command 'frobnicate'" "$MR" frobnicate
refuses "unknown command: 'help' lists them" 2 "'mipsreview help' lists them" "$MR" frobnicate
refuses "a mistyped command gets a suggestion" 2 \
	"^mipsreview: unknown command 'lst'; did you mean 'list'?$" "$MR" lst
refuses "the start of one command's name is a suggestion" 2 \
	"did you mean 'hardship'?" "$MR" hards
refuses "a mistyped subcommand gets a suggestion" 2 \
	"^mipsreview window: unknown subcommand 'lsit'; did you mean 'list'?$" \
	"$MR" window lsit
refuses "help of a mistyped command" 2 "did you mean 'status'?" "$MR" help statsu
REFUSE_LINES=2 refuses "an unknown option names the command" 2 \
	"^mipsreview add: unknown option '--tni'$" "$MR" add --tni 123456789
REFUSE_LINES=2 refuses "an option without its value names the command" 2 \
	"^mipsreview list: option '--year' needs a value$" "$MR" list --year
REFUSE_LINES=2 refuses "an option that takes no value" 2 \
	"^mipsreview list: option '--open=yes' takes no value$" "$MR" list --open=yes
REFUSE_LINES=2 refuses "a subcommand's option error names both" 2 \
	"^mipsreview window extend: unknown option '--kind'$" \
	"$MR" window extend 1 --closes '2030-01-01 12:00 UTC' --kind other
REFUSE_LINES=2 refuses "too many operands" 2 \
	"^mipsreview show: unexpected argument '3'$" "$MR" show 2 3
REFUSE_LINES=2 refuses "too few operands" 2 \
	"^mipsreview note: a CASE id and the TEXT (quoted) are expected$" "$MR" note 2
ok "the old name of due still runs it" "$MR" deadlines
ok "options may follow the operands" "$MR" show 2 --json
expect_match "and are read" "$(cat "$T/out")" '"id": 2'
refuses "bad case id" 2 "case 'abc'" "$MR" show abc
ok "duplicate with --force" "$MR" add --tin 987654321 --name "Group Practice" \
	--year 2022 --reason other --force

# Help and version.
ok "help" "$MR" help add
expect_match "help names the options" "$(cat "$T/out")" "--reason"
ok "--help" "$MR" status --help
ok "--version" "$MR" --version
expect_match "version" "$(cat "$T/out")" "^mipsreview [0-9]"

# Audit trail.
ok "audit" "$MR" audit 1
expect_match "audit shows the status moves" "$(cat "$T/out")" "status denied"
if grep -q '"123456789"' "$T/out"; then fail "audit shows the whole TIN"; else pass; fi
ok "audit --verify" "$MR" audit --verify
sqlite3 "$MIPSREVIEW_DB" "UPDATE audit SET who = 'mallory' WHERE id = 3"
"$MR" audit --verify >"$T/out" 2>"$T/err"
expect_eq "tampering exits 7" "$?" 7
expect_match "names the first broken row" "$(cat "$T/err")" "audit row 3"

finish
