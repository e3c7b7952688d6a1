#!/bin/sh
# Escalation: a reminder within escalate_within of the deadline that goes
# unacknowledged for escalate_after is told, once, to escalate_to (or the
# TIN's own list in escalate_to_tin), naming the deadline, the owner and
# what was sent when; acknowledging stops it.  Real SMTP on loopback.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/alerts_lib.sh"

OTHER_TIN=98-7654321
start_sink main || finish

# --- bad settings: one line, nothing written
add_case --name "Dr. Ada Example" --owner ada@practice.example
write_config "$PORT" "escalate_to_tin = boss@practice.example"
refuses "an escalate_to_tin address before any TIN" 3 "escalate_to_tin: 'boss@practice.example' comes before any TIN" \
	$MR alerts send
write_config "$PORT" "escalate_to_tin = 12345: boss@practice.example"
refuses "a malformed TIN in escalate_to_tin" 3 "escalate_to_tin: " $MR alerts send
write_config "$PORT" "escalate_after = soon"
refuses "a malformed escalate_after" 3 "mr.conf:7: duration 'soon'" $MR alerts send
write_config "$PORT" "escalate_to = not-an-address"
refuses "a malformed escalate_to" 3 "mr.conf:7: e-mail 'not-an-address'" $MR alerts send

write_config "$PORT" "escalate_to = boss@practice.example" "escalate_after = 2d" \
	"escalate_to_tin = $OTHER_TIN: head@other.example, deputy@other.example"
# PY2023 targeted review closes Oct 11 2024 7:00 PM CDT (2024-10-12T00:00Z).
add_case --name "Dr. Bo Acked" --owner bo@practice.example
$MR add --tin "$OTHER_TIN" --year 2023 --reason euc-not-applied --force \
	--name "Dr. Cy Other" --owner cy@other.example >/dev/null || fail "add case 3"

# --- a 14d reminder is outside escalate_within (7d): never escalated
ok "the 14d reminders" $MR alerts send
ok "four days later" $MR alerts send --now 2024-10-04T00:00:00Z
expect_eq "no escalation of a 14d reminder" "$(mails main | grep -c escalation)" 0

# --- the 7d reminders
ok "the 7d reminders" $MR alerts send --now 2024-10-05T00:00:30Z
expect_eq "three 7d reminders" "$(mails main | grep -c '\.7d@')" 3
MIPSREVIEW_NOW=2024-10-06T00:00:00Z ok "case 2 is acknowledged" \
	$MR alerts ack 2 --note "Bo is on it"

# --- a day later: too early
before=$(db_digest)
ok "one day on" $MR alerts send --now 2024-10-06T12:00:00Z
expect_match "nothing due yet" "$(cat "$T/out")" "^0 due"
expect_eq "nothing written" "$(db_digest)" "$before"

# --- two days on, four senders at once: each escalation exactly once
for p in 1 2 3 4; do
	$MR alerts send --now 2024-10-07T00:00:31Z >"$T/race$p.out" 2>"$T/race$p.err" &
	eval "pid$p=\$!"
done
for p in 1 2 3 4; do eval "wait \$pid$p" || fail "sender $p: $(cat "$T/race$p.err")"; done
expect_eq "two escalations (case 2 is acknowledged)" "$(mails main | grep -c escalation)" 2
expect_eq "no Message-ID arrived twice" "$(dup_ids main)" ""
esc1=$(mails main | grep 'case-1\.1728691200\.7d-escalation@')
expect_eq "case 1: its Message-ID" "$(echo "$esc1" | cut -d'|' -f1)" \
	"<mipsreview.case-1.1728691200.7d-escalation@practice.example>"
expect_eq "case 1: to escalate_to only" "$(echo "$esc1" | cut -d'|' -f2)" "boss@practice.example"
expect_eq "case 1: the subject" "$(echo "$esc1" | cut -d'|' -f3)" \
	"Not acknowledged: MIPS targeted review for Dr. Ada Example closes in 5 days (Oct 11 7:00 PM CDT)"
body=$($PY "$CHECK_PY" "$T/main/mail" body case-1.1728691200.7d-escalation@)
expect_match "body: the owner" "$body" "^Owner: +ada@practice.example$"
expect_match "body: what was sent when" "$body" \
	"^  - the 14d reminder, sent 2024-10-01T12:00:00Z to ada@practice.example,officer@practice.example$"
expect_match "body: the 7d reminder too" "$body" \
	"^  - the 7d reminder, sent 2024-10-05T00:00:30Z to ada@practice.example,officer@practice.example$"
expect_match "body: the deadline as announced" "$body" "Oct 11 2024 7:00 PM CDT \(America/Chicago, as announced\)"
expect_match "body: in the recipients' zone" "$body" "Oct 11 2024 8:00 PM EDT \(America/New_York\)"
expect_match "body: the masked TIN" "$body" "TIN: +\*\*\*\*\*6789"
expect_match "body: how to acknowledge" "$body" "mipsreview alerts ack 1$"
if echo "$body" | grep -Eq '(^|[^0-9])123456789([^0-9]|$)'; then fail "body shows the whole TIN"; else pass; fi
expect_eq "case 3: to its TIN's own list" \
	"$(mails main | grep 'case-3\..*-escalation@' | cut -d'|' -f2)" \
	"head@other.example, deputy@other.example"
expect_eq "the escalations are audited" "$(audit_count escalated)" 2
ok "audit chain verifies" $MR audit --verify

# --- later runs: never again, though the 3d reminders go out
ok "the 3d reminders" $MR alerts send --now 2024-10-09T00:00:30Z
ok "and later" $MR alerts send --now 2024-10-11T00:00:30Z
expect_eq "still two escalations" "$(mails main | grep -c escalation)" 2
ok "alerts list --json" $MR --json alerts list
expect_eq "the ledger marks the escalations" \
	"$(json_get 0.kind <"$T/out") $($PY -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["kind"] == "escalation"))' <"$T/out")" \
	"reminder 2"

# --- acknowledging before the moment stops it
ok "extend the window" $MR window extend 7 --closes "Oct 25 2024 7:00 p.m. CDT"
ok "the new deadline's 7d reminders" $MR alerts send --now 2024-10-19T00:00:30Z
MIPSREVIEW_NOW=2024-10-20T00:00:00Z ok "case 1 acknowledged for the new deadline" $MR alerts ack 1
ok "two days on" $MR alerts send --now 2024-10-21T00:00:31Z --json
expect_eq "the new deadline: case 1 not escalated" \
	"$(mails main | grep -c 'case-1\.1729900800\..*escalation')" 0
expect_eq "the new deadline: case 3 escalated" \
	"$(mails main | grep -c 'case-3\.1729900800\.7d-escalation@')" 1

# --- the daemon wakes for an escalation by itself, and cron beside it
# sends no second one (real clock: escalate_after of 3 seconds)
export MIPSREVIEW_DB="$T/daemon.db"
start_sink daemon || finish
write_config "$PORT" "alert_offsets = 4h" "escalate_within = 4h" \
	"escalate_after = 3s" "escalate_to = boss@practice.example"
real() { env -u MIPSREVIEW_NOW "$@"; }
in3h=$(date -u -d '+3 hours' +%Y-%m-%dT%H:%M:%SZ)
ok "a window closing in 3 hours" real $MR window add --kind targeted-review \
	--year 2025 --closes "$in3h"
real $MR add --tin "$SEED_TIN" --year 2025 --reason other --force \
	--name "Dr. Daemon" --owner d@practice.example >/dev/null || fail "add daemon case"
env -u MIPSREVIEW_NOW $MRD --config "$MIPSREVIEW_CONFIG" --db "$MIPSREVIEW_DB" \
	--listen 127.0.0.1:0 2>"$T/daemon.log" &
DPID=$!
at_exit "kill $DPID 2>/dev/null"
n=0
while [ "$(count_mails daemon)" -lt 1 ] && [ "$n" -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
expect_eq "the daemon sent the 4h reminder" "$(mails daemon | grep -c '\.4h@')" 1
n=0
while [ "$(mails daemon | grep -c escalation)" -lt 1 ] && [ "$n" -lt 150 ]; do
	sleep 0.1; n=$((n + 1)); done
expect_eq "one escalation, to escalate_to" \
	"$(mails daemon | grep escalation | cut -d'|' -f2)" "boss@practice.example"
expect_eq "the daemon woke for it by itself" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT who FROM audit WHERE entity = 'alert' AND action = 'escalated'")" mipsreviewd
# cron runs beside it
for i in 1 2 3 4; do real $MR alerts send >/dev/null 2>&1 || fail "cron run $i"; done
expect_eq "no Message-ID twice" "$(dup_ids daemon)" ""
expect_eq "two messages in all" "$(count_mails daemon)" 2
kill -TERM "$DPID"
wait "$DPID"
expect_eq "the daemon stops cleanly" "$?" 0
export MIPSREVIEW_DB="$T/mr.db"

# --- a ledger written before escalations existed upgrades in place
files=$(sed -n 's|^SQL_FILES +\?= ||p' "$top_srcdir/sql/local.mk")
old="$T/v19.db"
for g in $files; do
	cat "$top_srcdir/$g"
	[ "$g" != sql/019_alert_ack.sql ] || break
done | sqlite3 "$old" || fail "building a version 19 database"
chmod 600 "$old"
sqlite3 "$old" "PRAGMA user_version = 19; PRAGMA application_id = 1296650323;
INSERT INTO alert_ledger (id, what, item_id, closes_at, offset_secs, message_id,
 state, attempts, recipients, sent_at, created_at, updated_at) VALUES (7, 'case',
 1, 1728691200, 604800, 'mipsreview.case-1.1728691200.7d@practice.example',
 'sent', 1, 'ada@practice.example', '2024-10-05T00:00:30Z',
 '2024-10-05T00:00:30Z', '2024-10-05T00:00:30Z');
INSERT INTO alert_recipient (ledger_id, address, state, sent_at, updated_at)
 VALUES (7, 'ada@practice.example', 'sent', '2024-10-05T00:00:30Z',
 '2024-10-05T00:00:30Z')" || fail "seeding the version 19 database"
MIPSREVIEW_DB="$old" ok "open the version 19 database" $MR --json alerts list
expect_eq "the old ledger row is kept as a reminder" \
	"$(json_get 0.ledger_id <"$T/out") $(json_get 0.kind <"$T/out") $(json_get 0.state <"$T/out")" \
	"7 reminder sent"
expect_eq "its recipient row still points to it" \
	"$(sqlite3 "$old" "SELECT ledger_id || ' ' || address FROM alert_recipient; PRAGMA foreign_key_check")" \
	"7 ada@practice.example"
alerts_finish
