#!/bin/sh
# The targeted-review request as CMS's form asks for it (legal name, APM
# Entity and Virtual Group IDs, requester role, request number, detailed
# explanation), special statuses, and CMS's request for documents: the
# 30 days of 42 CFR 414.1385(a)(3) in due, the calendar and the alerts.
. "$top_srcdir/tests/e2e/lib.sh"

show() { "$MR" show "$1" --json >"$T/show.json" 2>"$T/err" || fail "show $1: $(cat "$T/err")"; }
get() { json_get "$1" <"$T/show.json"; }

# -- special statuses: recorded, shown, in JSON, settable, cleared
ok "add with special statuses" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2023 --reason euc-not-applied --special-status small-practice,rural --special-status hpsa
show 1
expect_eq "JSON lists them in a fixed order" "$(get special_statuses)" '["small-practice", "rural", "hpsa"]'
expect_match "show names them" "$("$MR" show 1)" "Special status small-practice,rural,hpsa"
ok "set replaces them" "$MR" set 1 special_statuses=facility-based,non-patient-facing,hospital-based
show 1
expect_eq "set took" "$(get special_statuses)" '["facility-based", "non-patient-facing", "hospital-based"]'
ok "an empty value clears them" "$MR" set 1 special_statuses=
show 1
expect_eq "cleared" "$(get special_statuses)" '[]'
refuses "an unknown special status" 3 "special status 'tiny' is not known; use one of: small-practice" \
	"$MR" set 1 special_statuses=small-practice,tiny
refuses "an unknown special status on add" 3 "special status 'urban'" \
	"$MR" add --tin 98-7654321 --name X --year 2023 --reason other --special-status urban

# -- the request fields
show 1
expect_eq "no legal name yet" "$(get legal_name)" null
expect_eq "no requester role yet" "$(get requester_role)" null
refuses "ready refused: the form's fields are missing" 5 \
	"cannot become ready: CMS's targeted-review request asks for what it lacks; set legal_name=TEXT, requester_role=ROLE, explanation=TEXT" \
	"$MR" status 1 ready --force
refuses "an unknown requester role" 3 "requester_role 'lawyer' is not known; use one of: clinician, designated-support-staff, third-party-intermediary" \
	"$MR" set 1 requester_role=lawyer
refuses "an identifier on two lines" 3 "apm_entity_id: control character" \
	"$MR" set 1 "apm_entity_id=$(printf 'A1\nB2')"
refuses "an identifier too long" 3 "request_number: at most 64 characters" \
	"$MR" set 1 "request_number=$(printf '%070d' 7)"
ok "fill in the form" "$MR" set 1 "legal_name=Ada Example MD PC" requester_role=third-party-intermediary \
	"explanation=$(printf 'CMS approved our EUC application (Change Healthcare).\nQuality and IA were still scored.')" \
	participation=apm-entity
refuses "an APM Entity needs its APM Entity ID" 5 "set apm_entity_id=ID" "$MR" status 1 ready --force
ok "APM Entity ID" "$MR" set 1 apm_entity_id=A1234
ok "ready once the form is complete" "$MR" status 1 ready --force
ok "submitted" "$MR" status 1 submitted
ok "CMS's request number once submitted" "$MR" set 1 request_number=TR-2024-000123
show 1
expect_eq "legal name" "$(get legal_name)" "Ada Example MD PC"
expect_eq "APM Entity ID" "$(get apm_entity_id)" "A1234"
expect_eq "virtual group ID" "$(get virtual_group_id)" null
expect_eq "requester role" "$(get requester_role)" third-party-intermediary
expect_eq "request number" "$(get request_number)" TR-2024-000123
expect_match "explanation keeps its lines" "$(get explanation)" "Change Healthcare\)\.$"
expect_match "show prints the request" "$("$MR" show 1)" "Request no\. +TR-2024-000123"

# A virtual group needs its Virtual Group ID.
ok "a virtual group case" "$MR" add --tin 98-7654321 --name "Lakeside VG" --year 2023 --reason other \
	--participation virtual-group --legal-name "Lakeside Clinic PA" --requester-role designated-support-staff \
	--explanation "Scored under the wrong virtual group."
refuses "a virtual group needs its ID" 5 "set virtual_group_id=ID" "$MR" status 2 ready --force
ok "with the ID it can be ready" "$MR" add --tin 11-2223334 --name "Hill VG" --year 2023 --reason other \
	--participation virtual-group --virtual-group-id VG-0042 --legal-name "Hill Clinic" \
	--requester-role clinician --explanation "Wrong virtual group." --json
expect_eq "add --json shows the virtual group ID" "$(json_get virtual_group_id <"$T/out")" VG-0042

# -- CMS asks for documents: the 30 days of 42 CFR 414.1385(a)(3)
refuses "requested-on only with documents-requested" 3 "only a move to documents-requested" \
	"$MR" status 1 withdrawn --requested-on 2024-09-20
refuses "a request dated after today" 3 "after today (2024-10-01, Eastern)" \
	"$MR" status 1 documents-requested --requested-on 2024-10-02
refuses "a date that does not exist" 3 "requested-on '2024-09-31': not a date; write .* YYYY-MM-DD" \
	"$MR" status 1 documents-requested --requested-on 2024-09-31
ok "documents requested on Sep 20" "$MR" status 1 documents-requested --requested-on 2024-09-20
show 1
expect_eq "the day is recorded" "$(get documents_requested_on)" 2024-09-20
# Sep 20 + 30 days = Oct 20 2024, 8 p.m. EDT = Oct 21 00:00 UTC.
expect_eq "the case's deadline is 30 days later, 8 p.m. Eastern" "$(get deadline.closes_at)" 2024-10-21T00:00:00Z
expect_match "the deadline names its rule" "$(get deadline.source)" "within 30 days \(42 CFR 414.1385\(a\)\(3\)\)"
"$MR" due --json >"$T/due.json"
expect_eq "due lists the documents deadline" \
	"$(/usr/bin/python3 -c 'import json,sys; print([d["deadline"]["closes_at"] for d in json.load(sys.stdin) if d["what"]=="case" and d["id"]==1])' <"$T/due.json")" \
	"['2024-10-21T00:00:00Z']"
ok "export ics" "$MR" export ics --case 1 -o "$T/c1.ics"
expect_match "the calendar has it" "$(grep -E '^(DTSTART|DUE);TZID' "$T/c1.ics" | tr -d '\r' | head -1)" "20241020T200000"
printf 'smtp_url = smtp://127.0.0.1:9\nsmtp_from = tracker@practice.example\nalert_to = officer@practice.example\n' >"$T/mr.conf"
"$MR" --config "$T/mr.conf" alerts send --dry-run --json >"$T/alerts.json" 2>"$T/err" || fail "alerts dry run: $(cat "$T/err")"
expect_eq "the alerts plan a reminder for it" \
	"$(/usr/bin/python3 -c 'import json,sys; print([r["deadline"]["closes_at"] for r in json.load(sys.stdin)["reminders"] if r["what"]=="case" and r["id"]==1])' <"$T/alerts.json")" \
	"['2024-10-21T00:00:00Z']"

# A corrected date moves the deadline with it.
ok "the request was dated Sep 25" "$MR" set 1 documents_requested_on=2024-09-25
show 1
expect_eq "the deadline moved" "$(get deadline.closes_at)" 2024-10-26T00:00:00Z
refuses "only a case waiting on documents has that date" 5 "case 2 is draft, not waiting on documents" \
	"$MR" set 2 documents_requested_on=2024-09-25
# A request of Sep 30: due Oct 30, still in daylight time.
ok "a request of Sep 30" "$MR" set 1 documents_requested_on=2024-09-30
show 1
expect_eq "Sep 30 + 30 = Oct 30, 8 p.m. EDT" "$(get deadline.closes_at)" 2024-10-31T00:00:00Z
ok "documents sent" "$MR" status 1 submitted --note "sent the QP letter"
show 1
expect_eq "the 30-day deadline is gone once answered" "$(get own_deadline)" null
expect_eq "the request day stays recorded" "$(get documents_requested_on)" 2024-09-30
MIPSREVIEW_NOW=2024-11-05T12:00:00Z ok "asked again, no date given: today" "$MR" status 1 documents-requested
show 1
expect_eq "today in Eastern time" "$(get documents_requested_on)" 2024-11-05
expect_eq "Nov 5 + 30 = Dec 5, 8 p.m. EST" "$(get deadline.closes_at)" 2024-12-06T01:00:00Z

finish
