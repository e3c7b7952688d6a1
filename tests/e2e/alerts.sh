#!/bin/sh
# Alerts: which reminders go out, when, to whom, what they look like —
# through a real SMTP server on loopback, read back with Python's email
# parser and python3-icalendar.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/alerts_lib.sh"

start_sink main || finish
write_config "$PORT"
# PY2023 targeted review closes Oct 11 2024 7:00 PM CDT (2024-10-12T00:00Z);
# the clock (lib.sh) is 2024-10-01T12:00Z: 10.5 days before.
add_case --name "Dr. Ada Example" --owner ada@practice.example

# --- a dry run shows the reminder and writes nothing
before=$(db_digest)
ok "dry run" $MR alerts send --dry-run
expect_match "dry run names the 14d reminder of case 1" "$(cat "$T/out")" \
	"^would-send +case 1 +14d .*Dr. Ada Example -> ada@practice.example,officer@practice.example"
expect_eq "dry run writes nothing" "$(db_digest)" "$before"
expect_eq "dry run sends nothing" "$(count_mails main)" 0

# --- the first run sends the most urgent due reminder, to owner and alert_to
ok "send" $MR alerts send
expect_match "send reports it" "$(cat "$T/out")" "^sent +case 1 +14d"
expect_eq "one message arrived" "$(count_mails main)" 1
m=$(mails main)
expect_eq "Message-ID is the reminder's own" "$(echo "$m" | cut -d'|' -f1)" \
	"<mipsreview.case-1.1728691200.14d@practice.example>"
expect_eq "envelope: the owner and alert_to" "$(echo "$m" | cut -d'|' -f2)" \
	"ada@practice.example, officer@practice.example"
expect_eq "subject names case, time left and the announced time" \
	"$(echo "$m" | cut -d'|' -f3)" \
	"MIPS targeted review for Dr. Ada Example closes in 11 days (Oct 11 7:00 PM CDT)"
expect_eq "the .ics holds the deadline instant" "$(echo "$m" | cut -d'|' -f4)" \
	"2024-10-12T00:00:00+00:00"
ok "export the case's calendar" $MR export ics --case 1
expect_eq "the attachment is the feed's event (same UID)" \
	"$($PY "$CHECK_PY" "$T/main/mail" uid case-1.)" \
	"$(grep -m1 '^UID:' "$T/out" | tr -d '\r' | cut -d: -f2)"
expect_eq "the attachment is PUBLISH, from smtp_from (mail clients offer to add it)" \
	"$($PY "$CHECK_PY" "$T/main/mail" method)" "PUBLISH mailto:$(sed -n 's/^smtp_from *= *//p' "$MIPSREVIEW_CONFIG")"
expect_eq "the feed and export carry no METHOD" "$(grep -c '^METHOD' "$T/out")" "0"
body=$($PY "$CHECK_PY" "$T/main/mail" body)
expect_match "body: the true lead time in the footer" "$body" \
	"Sent by mipsreview 10d 12h before the deadline \(the 14d reminder\)"
expect_match "body: announced zone" "$body" "Oct 11 2024 7:00 PM CDT \(America/Chicago, as announced\)"
expect_match "body: the recipients' zone" "$body" "Oct 11 2024 8:00 PM EDT \(America/New_York\)"
expect_match "body: UTC" "$body" "2024-10-12T00:00:00Z"
expect_match "body: masked TIN" "$body" "TIN: +\*\*\*\*\*6789"
expect_match "body: the audit trail's head to record" "$body" \
	"Audit trail head when sent: [0-9]+:[0-9a-f]{64} "
if echo "$body" | grep -Eq '(^|[^0-9])123456789([^0-9]|$)'; then fail "body shows the whole TIN"; else pass; fi
expect_match "body: the evidence the checklist still misses" "$body" \
	"Evidence still missing \(mipsreview check 1\):
  - hardship approval"
expect_eq "ledger: one row, sent" "$(ledger_states)" "sent 1"
expect_eq "the send is audited" "$(audit_count sent)" 1

# --- repeated runs send nothing more
for i in 1 2 3; do ok "run again ($i)" $MR alerts send; done
expect_eq "repeated runs: still one message" "$(count_mails main)" 1
expect_match "repeated run reports nothing due" "$(cat "$T/out")" "^0 due"

# --- at the 7d moment the 7d reminder goes out, saying 7 days
ok "send at the 7d moment" $MR alerts send --now 2024-10-05T00:00:30Z
expect_eq "7d reminder arrived" "$(count_mails main)" 2
expect_match "7d subject" "$(mails main | grep '\.7d@' | cut -d'|' -f3)" \
	"^MIPS targeted review for Dr. Ada Example closes in 7 days \(Oct 11 7:00 PM CDT\)$"

expect_match "7d body still lists the missing evidence" \
	"$($PY "$CHECK_PY" "$T/main/mail" body .7d@)" "  - hardship approval"

# --- once the evidence is attached, the next reminder no longer asks for it
echo "approval letter" >"$T/approval.pdf"
ok "attach the approval" $MR attach 1 "$T/approval.pdf" --kind hardship-approval
echo "final score report" >"$T/feedback.pdf"
ok "attach the feedback report" $MR attach 1 "$T/feedback.pdf" --kind feedback-report
echo "FEMA declaration for the county" >"$T/fema.pdf"
ok "attach the FEMA county" $MR attach 1 "$T/fema.pdf" --kind fema-county
# --- cron was down: 2 hours before, only the most urgent (4h) goes out
ok "send after missed offsets" $MR alerts send --now 2024-10-11T22:00:00Z --json
expect_eq "json: one sent" "$(json_get sent <"$T/out")" 1
expect_eq "json: it is the 4h reminder" "$(json_get reminders.0.reminder <"$T/out")" 4h
expect_eq "json: its deadline" "$(json_get reminders.0.deadline.closes_at <"$T/out")" 2024-10-12T00:00:00Z
expect_eq "only one more message (not 3d, 1d and 4h)" "$(count_mails main)" 3
expect_eq "ledger holds 14d, 7d, 4h only" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT group_concat(offset_secs) FROM (SELECT offset_secs FROM alert_ledger ORDER BY id)")" \
	"1209600,604800,14400"
if $PY "$CHECK_PY" "$T/main/mail" body .4h@ | grep -q "Evidence still missing"; then
	fail "the 4h reminder still lists attached evidence"; else pass; fi
expect_match "4h subject says 2 hours" "$(mails main | grep '\.4h@' | cut -d'|' -f3)" \
	"closes in 2 hours \(Oct 11 7:00 PM CDT\)$"

# --- past the deadline nothing goes out
ok "send after the deadline" $MR alerts send --now 2024-10-12T00:00:01Z
expect_eq "nothing after the deadline" "$(count_mails main)" 3

# --- a closed item gets nothing; an open one without owner goes to alert_to
add_case --name "Withdrawn Case"
ok "withdraw case 2" $MR status 2 withdrawn
add_case --name "Dr. Bo Nowner"
ok "send for cases 2 and 3" $MR alerts send
expect_eq "only case 3 got one" "$(mails main | grep -c 'case-[23]\.')" 1
expect_eq "case 3 went to alert_to only" "$(mails main | grep 'case-3\.' | cut -d'|' -f2)" \
	"officer@practice.example"

# --- an extended deadline gets reminders of its own
ok "extend the window" $MR window extend 7 --closes "Oct 25 2024 7:00 p.m. CDT"
ok "send after the extension" $MR alerts send --now 2024-10-11T22:00:00Z
expect_eq "the new deadline's 30d reminder arrived for cases 1 and 3" \
	"$(mails main | grep -c '\.1729900800\.30d@')" 2
expect_match "its subject counts to the new deadline" \
	"$(mails main | grep 'case-1\.1729900800' | cut -d'|' -f3)" \
	"closes in 14 days \(Oct 25 7:00 PM CDT\)"
expect_eq "no Message-ID arrived twice" "$(dup_ids main)" ""

# --- a case's own deadline set by hand: it closes (documents are due
# only once CMS asked for them: status documents-requested)
ok "own deadline" $MR set 3 "deadline=2024-10-15 20:00 ET"
ok "send for the own deadline" $MR alerts send --now 2024-10-13T00:00:30Z
expect_match "own deadline subject" "$(mails main | grep 'case-3\.1729036800' | cut -d'|' -f3)" \
	"^MIPS targeted review for Dr. Bo Nowner closes in 3 days \(Oct 15 8:00 PM EDT\)$"

# --- header injection: a name smuggled into the database with CR/LF
refuses "add refuses a name with a line break" 3 "control character" \
	$MR add --tin "$SEED_TIN" --year 2023 --reason other --force \
	--name "$(printf 'Eve\r\nBcc: mallory@evil.example')"
add_case --name "Eve Placeholder" --owner eve@practice.example
sqlite3 "$MIPSREVIEW_DB" "UPDATE review_case SET name = 'Eve' || char(13,10) ||
	'Bcc: mallory@evil.example' || char(13,10) || 'X-Injected: yes' || char(10) ||
	'Subject: fake' WHERE name = 'Eve Placeholder'"
ok "send with a smuggled name" $MR alerts send --now 2024-10-13T00:00:30Z
eve=$(mails main | grep 'case-4\.')
expect_eq "the injected message arrived once" "$(echo "$eve" | grep -c .)" 1
expect_eq "envelope: only the owner and alert_to" "$(echo "$eve" | cut -d'|' -f2)" \
	"eve@practice.example, officer@practice.example"
expect_match "the name stays inside the subject" "$(echo "$eve" | cut -d'|' -f3)" \
	"^MIPS targeted review for Eve  Bcc: mallory@evil.example  X-Injected: yes Subject: fake closes in 13 days"
hdrs=$($PY "$CHECK_PY" "$T/main/mail" headers)
if echo "$hdrs" | grep -qiE '(^| )(Bcc|X-Injected)( |$)'; then
	fail "an injected header arrived: $hdrs"; else pass; fi
if grep -l 'case-4\.' "$T"/main/mail/new/* | xargs grep -ci '^subject:' | grep -qv '^1$'; then
	fail "more than one Subject header"; else pass; fi

# --- non-ASCII names are RFC 2047 encoded and read back intact
add_case --name "Dr. Zoë Müller-Łukasiewicz, Ärztin für Allgemeinmedizin und Innere Medizin"
ok "send with a non-ASCII name" $MR alerts send --now 2024-10-13T00:00:30Z
expect_match "decoded subject keeps the name" "$(mails main | grep 'case-5\.' | cut -d'|' -f3)" \
	"^MIPS targeted review for Dr. Zoë Müller-Łukasiewicz, Ärztin für Allgemeinmedizin und Innere Medizin closes in 13 days"
raw=$(grep -l 'case-5\.' "$T"/main/mail/new/*)
if grep -a '^Subject:' "$raw" | grep -q '=?UTF-8?B?' && ! LC_ALL=C grep -aq '[^ -~]' "$raw"; then
	pass; else fail "the raw message is not 7-bit with an RFC 2047 subject"; fi
if awk 'length($0) > 78 { bad = 1 } END { exit bad }' "$raw"; then pass; else
	fail "a line of the raw message is longer than 78 characters"; fi

# --- a hardship filing's window (PY2024 EUC re-opening, Apr 14 2025 8 PM EDT)
ok "file a hardship exception" $MR hardship add --tin "$SEED_TIN" --year 2024 \
	--type euc --categories quality --event "IV fluid shortage" \
	--name "Dr. Hardy" --owner hardy@practice.example
ok "send for the filing" $MR alerts send --now 2025-04-12T00:00:30Z
expect_eq "the filing's 3d reminder" "$(mails main | grep -c 'hardship-1\.1744675200\.3d@')" 1
expect_eq "its subject" "$(mails main | grep 'hardship-1\.' | cut -d'|' -f3)" \
	"MIPS EUC hardship application for Dr. Hardy closes in 3 days (Apr 14 8:00 PM EDT)"
expect_match "its body points to the filing" "$($PY "$CHECK_PY" "$T/main/mail" body hardship-1.)" \
	"Details: mipsreview hardship show 1"

# --- every send is audited, and the audit chain still verifies
expect_eq "one audit row per message" "$(audit_count sent)" "$(count_mails main)"
ok "audit chain verifies" $MR audit --verify
expect_eq "no Message-ID arrived twice" "$(dup_ids main)" ""

# --- alerts list shows the ledger
ok "alerts list --json" $MR --json alerts list
expect_eq "list: first row is case 1's 14d, sent" \
	"$(json_get 0.reminder <"$T/out") $(json_get 0.state <"$T/out")" "14d sent"
alerts_finish
