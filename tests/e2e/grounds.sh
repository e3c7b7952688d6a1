#!/bin/sh
# Evidence checklists per ground of a targeted review: every ground starts
# from the disputed feedback report, then its own documents; a request on
# other grounds asks for the detailed explanation.  Each item names its
# public source, and society guidance is marked as advice.
. "$top_srcdir/tests/e2e/lib.sh"

# ground, then the kinds its checklist must list after the feedback report
n=0
for spec in "wrong-tin-npi submission-receipt,tin-npi-record" \
    "qp-status qp-determination,participation-status,participation-list" \
    "euc-not-applied hardship-approval,fema-county" \
    "scoring-error submission-receipt,submitted-files" \
    "eligibility tin-npi-record" \
    "other explanation"; do
	ground=${spec%% *} want=${spec#* }
	n=$((n + 1))
	ok "add a $ground case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" \
		--name "Dr. Ada Example" --year 2024 --reason "$ground" --force
	"$MR" check "$n" --json >"$T/c.json" || fail "check $n --json"
	expect_eq "$ground: the feedback report comes first" \
		"$(json_get checklist.0.kind <"$T/c.json")" "feedback-report"
	expect_eq "$ground: the feedback report is advice" \
		"$(json_get checklist.0.advice <"$T/c.json")" "True"
	expect_match "$ground: the feedback report names CMS's guide" \
		"$(json_get checklist.0.source <"$T/c.json")" "targeted review user guide"
	got=$(/usr/bin/python3 -c 'import json,sys
print(",".join(i["kind"] for i in json.load(sys.stdin)["checklist"][1:] if i["required"]))' <"$T/c.json")
	expect_eq "$ground: its own documents follow" "$got" "$want"
	srcs=$(/usr/bin/python3 -c 'import json,sys
print("|".join(i["source"] for i in json.load(sys.stdin)["checklist"] if i["required"]))' <"$T/c.json")
	case $srcs in
	*domain.md*|*facts\ sheet*|*product\ inference*)
		fail "$ground: a source cites a developer document: $srcs" ;;
	*) pass ;;
	esac
	"$MR" check "$n" >"$T/c.txt"
	expect_match "$ground: check marks advice" "$(cat "$T/c.txt")" \
		"MISSING +feedback / final score report .*\[advice\]"
	expect_match "$ground: check shows the source" "$(cat "$T/c.txt")" \
		"source: advice: the disputed MIPS performance feedback"
done

# The explanation CMS's form asks for is a rule of the form, not advice,
# and the case's own explanation satisfies it.
"$MR" check 6 --json >"$T/c.json"
expect_eq "other: the explanation is not advice" \
	"$(json_get checklist.1.advice <"$T/c.json")" "False"
expect_eq "other: no explanation yet" "$(json_get checklist.1.present <"$T/c.json")" "0"
ok "record the explanation" "$MR" set 6 "explanation=Scored without our IA attestation."
expect_eq "other: the case's explanation counts" \
	"$("$MR" check 6 --json | json_get checklist.1.present)" "1"
printf 'MIPS final score report PY2024\n' >"$T/feedback.txt"
ok "attach the feedback report" "$MR" attach 6 "$T/feedback.txt" --kind feedback-report
expect_eq "other: complete with the report and the explanation" \
	"$("$MR" check 6 --json | json_get complete)" "True"

# show and show --json carry the same marks; a packet prints them.
expect_eq "show --json: advice flag" \
	"$("$MR" show 3 --json | json_get evidence.checklist.0.advice)" "True"
expect_match "show marks advice" "$("$MR" show 3)" "\[advice\]"
ok "packet" "$MR" packet 3 -o "$T/pk"
expect_match "packet marks advice and the alternative" "$(cat "$T/pk/summary.txt")" \
	"MISSING +FEMA-declared county, or hardship-approval \[advice\]"
expect_match "packet names the source" "$(cat "$T/pk/summary.txt")" \
	"source: advice: for automatic EUC, the FEMA-declared county"
expect_match "packet note names 42 CFR 414.1385" "$(cat "$T/pk/summary.txt")" \
	"414.1385\(a\)\(3\)"

# EUC not applied: the accepted application (an EUC applied for) or the
# FEMA-declared county (automatic EUC) proves it; either one meets both.
ok "the request fields of case 3" "$MR" set 3 "legal_name=Ada Example MD" \
	requester_role=clinician "explanation=EUC reweighting was not applied."
ok "attach case 3's feedback report" "$MR" attach 3 "$T/feedback.txt" --kind feedback-report
refuses "not ready without either proof" 5 \
	"required evidence is missing: hardship-approval or fema-county" \
	"$MR" status 3 ready
printf 'FEMA DR-4834: Harris County, TX\n' >"$T/fema.txt"
ok "attach the FEMA-declared county" "$MR" attach 3 "$T/fema.txt" --kind fema-county
"$MR" check 3 --json >"$T/c.json"
expect_eq "automatic EUC: complete with the county alone" "$(json_get complete <"$T/c.json")" True
expect_eq "the approval is covered by the county" "$(/usr/bin/python3 -c 'import json,sys
i = [i for i in json.load(sys.stdin)["checklist"] if i["kind"] == "hardship-approval"][0]
print(i["present"], i["covered"], i["alternatives"])' <"$T/c.json")" "0 True ['fema-county']"
expect_match "check marks it covered" "$("$MR" check 3)" \
	"covered +hardship approval +- +needed for euc-not-applied, or fema-county"
ok "ready without --force" "$MR" status 3 ready
ok "a case for an EUC applied for" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--name "Dr. Ada Example" --year 2023 --reason euc-not-applied --force
printf 'EUC application accepted\n' >"$T/approval.txt"
ok "attach the approval" "$MR" attach 7 "$T/approval.txt" --kind hardship-approval
expect_eq "an EUC applied for: the county is not missing" \
	"$("$MR" check 7 --json | json_get missing)" '["feedback-report"]'

# A database of the schema before this one keeps every evidence row on upgrade.
old="$T/old.db"
for f in $(sed -n 's|^SQL_FILES +\?= ||p' "$top_srcdir/sql/local.mk"); do
	case $f in *_evidence_grounds.sql) break ;; esac
	cat "$top_srcdir/$f"
done | sqlite3 "$old" || fail "building a database of the previous schema"
prev=$(sed -n 's|^SQL_FILES +\?= ||p' "$top_srcdir/sql/local.mk" | grep -n '_evidence_grounds.sql' | cut -d: -f1)
prev=$((prev - 1))
chmod 600 "$old"
sqlite3 "$old" "PRAGMA user_version = $prev; PRAGMA application_id = 1296650323;
INSERT INTO evidence (subject, subject_id, sha256, original_name, size,
 media_type, kind, attached_by, attached_at) VALUES ('case', 1,
 '$(printf x | sha256sum | cut -d' ' -f1)', 'x.txt', 1, 'text/plain',
 'participation-status', 'ada', '2026-11-01T00:00:00Z')"
MIPSREVIEW_DB="$old" "$MR" list >/dev/null 2>"$T/err" || fail "upgrade: $(cat "$T/err")"
expect_eq "upgrade: the evidence row is kept" \
	"$(sqlite3 "$old" "SELECT id || ' ' || kind FROM evidence")" "1 participation-status"
expect_eq "upgrade: the new kinds are allowed" \
	"$(sqlite3 "$old" "SELECT count(*) FROM sqlite_schema WHERE name = 'evidence' AND sql LIKE '%fema-county%'")" "1"
expect_eq "upgrade: shipped requirements marked advice" \
	"$(sqlite3 "$old" "SELECT count(*) FROM evidence_requirement WHERE advice = 0")" "1"
expect_eq "upgrade: integrity" "$(sqlite3 "$old" "PRAGMA foreign_key_check; PRAGMA integrity_check")" "ok"

finish
