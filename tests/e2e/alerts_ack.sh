#!/bin/sh
# Acknowledging a deadline: reminders to the owner stop until the deadline
# moves or the case changes state; alert_to keeps getting them; audited
# with who and when; alerts status shows it.  Real SMTP on loopback.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/alerts_lib.sh"

start_sink main || finish
write_config "$PORT"
# PY2023 targeted review closes Oct 11 2024 7:00 PM CDT (2024-10-12T00:00Z).
add_case --name "Dr. Ada Example" --owner ada@practice.example
ok "the 14d reminder" $MR alerts send
expect_eq "it went to the owner and alert_to" "$(mails main | cut -d'|' -f2)" \
	"ada@practice.example, officer@practice.example"
expect_match "the reminder says how to acknowledge it" \
	"$($PY "$CHECK_PY" "$T/main/mail" body .14d@)" \
	"Acknowledge it and the reminders to the owner stop: mipsreview alerts ack 1$"

# --- bad input: one line, nothing written
REFUSE_LINES=2 refuses "ack needs a case or a filing" 2 "CASE id or --hardship" \
	$MR alerts ack
REFUSE_LINES=2 refuses "ack takes one of them" 2 "not both" \
	$MR alerts ack 1 --hardship 1
refuses "no such case" 4 "no case 99" $MR alerts ack 99
refuses "no such filing" 4 "no hardship filing 5" $MR alerts ack --hardship 5
refuses "a note with a line break" 3 "control character" \
	$MR alerts ack 1 --note "$(printf 'on it\nBcc: x')"
refuses "a bad case id" 2 "a number like 12" $MR alerts ack abc

# --- nothing acknowledged yet
ok "status --json" $MR --json alerts status
expect_eq "status: not acknowledged" "$(json_get 0.acknowledged <"$T/out")" null
expect_eq "status: the last reminder sent" "$(json_get 0.last_reminder.reminder <"$T/out")" 14d

# --- acknowledge
ok "ack case 1" $MR alerts ack 1 --note "Ada files the request on Thursday"
me=$(id -un)
expect_match "ack says who, the deadline and what stops" "$(cat "$T/out")" \
	"^case 1: the deadline 2024-10-12T00:00:00Z is acknowledged by $me at 2024-10-01T12:00:00Z - Ada files the request on Thursday; reminders to its owner stop"
expect_eq "audited with who" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT who || ' ' || at FROM audit WHERE entity = 'case' AND entity_id = 1 AND action = 'acknowledge deadline'")" \
	"$me 2024-10-01T12:00:00Z"
ok "audit chain verifies" $MR audit --verify
refuses "a second ack of the same deadline" 5 "already acknowledged for this deadline (by $me" \
	$MR alerts ack 1
ok "status --json" $MR --json alerts status
expect_eq "status: acknowledged by" "$(json_get 0.acknowledged.acknowledged_by <"$T/out")" "$me"
expect_eq "status: the note" "$(json_get 0.acknowledged.note <"$T/out")" "Ada files the request on Thursday"
expect_eq "status: TIN masked" "$(json_get 0.tin <"$T/out")" "*****6789"
ok "status (text)" $MR alerts status
expect_match "text status names the acknowledgement" "$(cat "$T/out")" \
	"^case +1 .*Dr. Ada Example +14d +2024-10-01T12:00:00Z +by $me at 2024-10-01T12:00:00Z$"

# --- the 7d reminder goes to alert_to only
ok "send at the 7d moment" $MR alerts send --now 2024-10-05T00:00:30Z
expect_eq "7d reminder without the owner" "$(mails main | grep '\.7d@' | cut -d'|' -f2)" \
	"officer@practice.example"

# --- with nobody but the owner to tell, nothing is due at all
write_config "$PORT" "alert_to ="
sed -i '/^alert_to = officer/d' "$MIPSREVIEW_CONFIG"
before=$(db_digest)
ok "send at the 3d moment, owner only" $MR alerts send --now 2024-10-09T00:00:30Z
expect_match "nothing due" "$(cat "$T/out")" "^0 due"
expect_eq "no mail" "$(count_mails main)" 2
expect_eq "nothing written" "$(db_digest)" "$before"

# --- the case changes state: reminders to the owner resume
ok "the request's fields" $MR set 1 "legal_name=Ada Example MD" \
	requester_role=clinician "explanation=EUC not applied"
ok "case 1 moves on" $MR status 1 ready --force
ok "send at the 1d moment" $MR alerts send --now 2024-10-11T00:00:30Z
expect_eq "the 1d reminder reached the owner again" \
	"$(mails main | grep '\.1d@' | cut -d'|' -f2)" "ada@practice.example"
ok "ack again for the new state" $MR alerts ack 1
ok "send at the 4h moment" $MR alerts send --now 2024-10-11T20:00:30Z
expect_eq "acknowledged again: no 4h reminder" "$(mails main | grep -c '\.4h@')" 0

# --- the deadline moves: reminders resume
ok "extend the window" $MR window extend 7 --closes "Oct 25 2024 7:00 p.m. CDT"
ok "send after the extension" $MR alerts send --now 2024-10-19T00:00:30Z
expect_eq "the new deadline's 7d reminder reached the owner" \
	"$(mails main | grep 'case-1\.1729900800\.7d@' | cut -d'|' -f2)" "ada@practice.example"

# --- a hardship filing is acknowledged with --hardship
ok "file a hardship exception" $MR hardship add --tin "$SEED_TIN" --year 2024 \
	--type euc --categories quality --event "IV fluid shortage" \
	--name "Dr. Hardy" --owner hardy@practice.example
ok "ack the filing" $MR --json alerts ack --hardship 1
expect_eq "json: what" "$(json_get what <"$T/out")" hardship
expect_eq "json: its deadline" "$(json_get closes_at <"$T/out")" 2025-04-15T00:00:00Z
ok "send for the filing" $MR alerts send --now 2025-04-12T00:00:30Z
expect_eq "no reminder for the acknowledged filing" "$(mails main | grep -c 'hardship-1\.')" 0

# --- a closed item has nothing to acknowledge
add_case --name "Withdrawn Case"
ok "withdraw case 2" $MR status 2 withdrawn
refuses "a withdrawn case" 5 "awaits no action" $MR alerts ack 2
expect_eq "no Message-ID arrived twice" "$(dup_ids main)" ""
alerts_finish
