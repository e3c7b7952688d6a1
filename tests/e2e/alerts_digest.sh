#!/bin/sh
# Daily digests: one message a day per address in digest_to, at its local
# hour in its zone, exactly once across senders, across the America/Chicago
# spring-forward and fall-back days (once, at the hour or at the first
# valid instant after a skipped one); what it lists; digest_mode = instead;
# a sender killed with SIGKILL mid-digest leaves no lost and no unflagged
# duplicate message.  Real SMTP on loopback.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/alerts_lib.sh"

digests() { mails "$1" | grep -c '\.digest-'; }
digest_ids() { mails "$1" | grep '\.digest-' | cut -d'|' -f1 | tr '\n' ' '; }
start_sink main || finish

# --- bad settings: one line, nothing written
add_case --name "Dr. Ada Example" --owner ada@practice.example
write_config "$PORT" "digest_to = not-an-address"
refuses "a malformed digest_to address" 3 "digest_to: .*not-an-address" $MR alerts send
write_config "$PORT" "digest_to = ada@practice.example 25"
refuses "an hour out of range" 3 "digest_to: ada@practice.example: '25' is not an hour" $MR alerts send
write_config "$PORT" "digest_to = ada@practice.example 7 America/Chicag"
refuses "an unknown zone" 3 "'America/Chicag' is not a time zone" $MR alerts send
write_config "$PORT" "digest_to = ada@practice.example, ADA@practice.example"
refuses "an address twice" 3 "named twice" $MR alerts send
write_config "$PORT" "digest_mode = sometimes"
refuses "an unknown digest_mode" 3 "digest_mode" $MR alerts send
write_config "$PORT" "digest_hour = 24"
refuses "digest_hour out of range" 3 "digest_hour" $MR alerts send

# --- spring forward: 2024-03-10, 02:00 CST does not exist in Chicago
write_config "$PORT" "alert_to =" \
	"digest_to = ada@practice.example 2 America/Chicago, bo@practice.example 7 America/Chicago"
sed -i '/^alert_to = officer/d' "$MIPSREVIEW_CONFIG"
ok "01:59:59 CST: not yet" $MR alerts send --now 2024-03-10T07:59:59Z
expect_eq "no digest before the hour" "$(digests main)" 0
ok "03:00 CDT, the first instant after the skipped hour" $MR alerts send --now 2024-03-10T08:00:00Z
expect_match "it says so" "$(cat "$T/out")" "^sent +digest +2024-03-10 03:00 CDT +-> ada@practice.example$"
expect_eq "one digest" "$(digests main)" 1
ok "an hour later" $MR alerts send --now 2024-03-10T09:00:00Z
ok "06:59:59 CDT" $MR alerts send --now 2024-03-10T11:59:59Z
expect_eq "still one" "$(digests main)" 1
ok "07:00 CDT" $MR alerts send --now 2024-03-10T12:00:00Z
expect_eq "bo's at 07:00 CDT" "$(digests main)" 2
ok "late that night" $MR alerts send --now 2024-03-11T04:59:59Z
expect_eq "once a day each" "$(digests main)" 2
ok "the next day, 02:00 CDT" $MR alerts send --now 2024-03-11T07:00:00Z
expect_eq "the next day's" "$(digests main)" 3
expect_eq "the ledger has a row per recipient and local day" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT recipient || ' ' || local_day || ' ' || due_at || ' ' || state FROM alert_digest ORDER BY id" | tr '\n' ';')" \
	"ada@practice.example 2024-03-10 1710057600 sent;bo@practice.example 2024-03-10 1710072000 sent;ada@practice.example 2024-03-11 1710140400 sent;"
expect_eq "each audited" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM audit WHERE entity = 'digest' AND action = 'sent'")" 3

# --- fall back: 2024-11-03, 01:00 comes twice in Chicago (CDT, then CST)
write_config "$PORT" "alert_to =" "digest_to = ada@practice.example 1 America/Chicago"
sed -i '/^alert_to = officer/d' "$MIPSREVIEW_CONFIG"
ok "00:59:59 CDT" $MR alerts send --now 2024-11-03T05:59:59Z
expect_eq "not yet" "$(mails main | grep -c 'digest-2024-11-03')" 0
ok "01:00 CDT, the first of the two" $MR alerts send --now 2024-11-03T06:00:00Z
expect_eq "sent at the first 01:00" "$(mails main | grep -c 'digest-2024-11-03')" 1
ok "01:00 CST, the second" $MR alerts send --now 2024-11-03T07:00:00Z
ok "01:30 CST" $MR alerts send --now 2024-11-03T07:30:00Z
expect_eq "not again at the repeated hour" "$(mails main | grep -c 'digest-2024-11-03')" 1
ok "the next day, 00:59:59 CST" $MR alerts send --now 2024-11-04T06:59:59Z
expect_eq "the next day's not yet" "$(mails main | grep -c 'digest-2024-11-04')" 0
ok "the next day, 01:00 CST" $MR alerts send --now 2024-11-04T07:00:00Z
expect_eq "the next day's at 01:00 CST" "$(mails main | grep -c 'digest-2024-11-04')" 1
expect_eq "no Message-ID arrived twice" "$(dup_ids main)" ""

# --- what it lists
stop_sink "$SINK_PID"
export MIPSREVIEW_DB="$T/list.db"
start_sink list || finish
write_config "$PORT" "base_url = https://office.practice.example" \
	"digest_to = officer@practice.example 8 America/New_York"
add_case --name "Dr. Ada Example" --owner ada@practice.example
add_case --name "Dr. Bo Example" --owner bo@practice.example
add_case --name "Dr. Cy Example" --owner officer@practice.example
$MR add --tin "$SEED_TIN" --year 2025 --reason euc-not-applied --force \
	--name "Dr. Undated" >/dev/null || fail "add an undated case"
MIPSREVIEW_NOW=2024-10-05T13:00:00Z ok "case 2 is in hand" $MR alerts ack 2 --note "Bo files Monday"
ok "08:00 EDT on Oct 6" $MR alerts send --now 2024-10-06T12:00:00Z
body=$($PY "$CHECK_PY" "$T/list/mail" body digest-2024-10-06)
subject=$(mails list | grep digest-2024-10-06 | cut -d'|' -f3)
expect_eq "the subject counts" "$subject" \
	"MIPS deadlines, Sun Oct 6 2024: 0 overdue, 3 due within 14d (2 not acknowledged)"
expect_match "not acknowledged: case 1" "$body" "^  - case 1, Dr. Ada Example, TIN \*\*\*\*\*6789: closes Oct 11 2024 7:00 PM CDT \(America/Chicago\), 5d 12h$"
expect_match "with its link for this recipient" "$body" "^      acknowledge: https://office\.practice\.example/app/ack\?t=v1\.case\.1\."
expect_match "the recipient's own case is marked" "$body" "^  - case 3, .*\[yours\]$"
expect_match "acknowledged: case 2, by whom" "$body" "^      acknowledged by $(id -un) at 2024-10-05T13:00:00Z: Bo files Monday$"
expect_match "the sections" "$body" "^Due soon, NOT acknowledged \(2\):$"
expect_match "the acknowledged section" "$body" "^Due soon, acknowledged \(1\):$"
expect_match "no known deadline" "$body" "^  - 1 case \(PY2025\)"
expect_eq "the whole TIN is not shown" "$(printf '%s\n' "$body" | grep -c '123456789')" 0
ok "after the deadline, Oct 12 08:00 EDT" $MR alerts send --now 2024-10-12T12:00:00Z
body=$($PY "$CHECK_PY" "$T/list/mail" body digest-2024-10-12)
expect_match "overdue, still open" "$body" "^Overdue, still open \(3\):$"
expect_match "an overdue one says so" "$body" "^  - case 1, .*: closed Oct 11 2024 7:00 PM CDT \(America/Chicago\), OVERDUE"

# --- digest_mode = instead: the owner gets the digest, not the reminders
stop_sink "$SINK_PID"
start_sink inst || finish
write_config "$PORT" "digest_to = ada@practice.example 8 America/New_York" \
	"digest_mode = instead"
export MIPSREVIEW_DB="$T/instead.db"
add_case --name "Dr. Ada Example" --owner ada@practice.example
ok "the 14d reminder" $MR alerts send --now 2024-09-28T00:00:30Z
expect_eq "the reminder went to alert_to only" \
	"$(mails inst | grep '\.14d@' | cut -d'|' -f2)" "officer@practice.example"
write_config "$PORT" "alert_to =" "digest_to = ada@practice.example 8 America/New_York" \
	"digest_mode = instead"
sed -i '/^alert_to = officer/d' "$MIPSREVIEW_CONFIG"
before_n=$(count_mails inst)
ok "the 7d moment, with nobody but the owner" $MR alerts send --now 2024-10-05T12:00:30Z
expect_eq "no reminder" "$(mails inst | grep -c '\.7d@')" 0
expect_eq "one new message, the digest" "$(($(count_mails inst) - before_n))" 1
expect_match "the digest says so" "$($PY "$CHECK_PY" "$T/inst/mail" body digest-2024-10-05)" \
	"digest_mode = instead: no per-deadline reminders come to this address"
write_config "$PORT" "alert_to =" "digest_to = ada@practice.example 8 America/New_York"
sed -i '/^alert_to = officer/d' "$MIPSREVIEW_CONFIG"
ok "besides (the default): the reminders come too" $MR alerts send --now 2024-10-09T00:00:40Z
expect_eq "the 3d reminder to the owner" "$(mails inst | grep '\.3d@' | cut -d'|' -f2)" "ada@practice.example"
stop_sink "$SINK_PID"

# --- four senders at once: one digest
export MIPSREVIEW_DB="$T/race.db"
start_sink race --delay 0.05 || finish
write_config "$PORT" "alert_to =" "digest_to = a@practice.example 8 UTC, b@practice.example 8 UTC, c@practice.example 8 UTC"
sed -i '/^alert_to = officer/d' "$MIPSREVIEW_CONFIG"
$MR add --tin "$SEED_TIN" --year 2025 --reason euc-not-applied --force --name X >/dev/null
for p in 1 2 3 4; do
	$MR alerts send --now 2024-06-01T08:00:00Z >"$T/race$p.out" 2>"$T/race$p.err" &
	eval "pid$p=\$!"
done
for p in 1 2 3 4; do eval "wait \$pid$p" || fail "sender $p: $(cat "$T/race$p.err")"; done
expect_eq "three recipients, one digest each" "$(digests race)" 3
expect_eq "no Message-ID arrived twice" "$(dup_ids race)" ""
stop_sink "$SINK_PID"

# --- killed before the end of the message (server stalls at RCPT)
export MIPSREVIEW_DB="$T/kill1.db"
$MR add --tin "$SEED_TIN" --year 2025 --reason euc-not-applied --force --name X >/dev/null
start_sink stall1 --stall rcpt || finish
STALL_PID=$SINK_PID
write_config "$PORT" "smtp_timeout = 30" "alert_to =" "digest_to = ada@practice.example 8 UTC"
sed -i '/^alert_to = officer/d' "$MIPSREVIEW_CONFIG"
$MR alerts send --now 2024-06-01T08:00:00Z >"$T/k1.out" 2>&1 &
victim=$!
wait_for "$T/stall1/stalled" || fail "the sender never reached RCPT"
expect_eq "claimed while talking to the server" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT state FROM alert_digest")" claimed
kill -9 "$victim"
wait "$victim" 2>/dev/null
stop_sink "$STALL_PID"
start_sink after1 || finish
write_config "$PORT" "smtp_timeout = 30" "alert_to =" "digest_to = ada@practice.example 8 UTC"
sed -i '/^alert_to = officer/d' "$MIPSREVIEW_CONFIG"
ok "a run while the dead sender's lease runs" $MR alerts send --now 2024-06-01T08:00:30Z
expect_match "it leaves the claimed digest alone" "$(cat "$T/out")" "^busy +digest"
ok "a run after the lease" $MR alerts send --now 2024-06-01T08:01:40Z --json
expect_eq "taken over and sent" "$(json_get reminders.0.outcome <"$T/out") $(json_get reminders.0.taken_over <"$T/out") $(json_get reminders.0.maybe_duplicate <"$T/out")" \
	"sent True False"
expect_eq "JSON names it a digest" "$(json_get reminders.0.kind <"$T/out") $(json_get reminders.0.reminder <"$T/out") $(json_get reminders.0.recipients.0 <"$T/out")" \
	"digest digest ada@practice.example"
expect_eq "delivered once" "$(digests after1) $(count_mails stall1)" "1 0"
expect_match "the take-over is audited as not delivered" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT after FROM audit WHERE entity = 'digest' AND action = 'taken-over'")" \
	"it was not delivered"
ok "again" $MR alerts send --now 2024-06-01T09:00:00Z
expect_eq "still once" "$(digests after1)" 1
stop_sink "$SINK_PID"

# --- killed after the whole message was handed over (stall at DATA)
export MIPSREVIEW_DB="$T/kill2.db"
$MR add --tin "$SEED_TIN" --year 2025 --reason euc-not-applied --force --name X >/dev/null
start_sink stall2 --stall data || finish
STALL_PID=$SINK_PID
write_config "$PORT" "smtp_timeout = 30" "alert_to =" "digest_to = ada@practice.example 8 UTC"
sed -i '/^alert_to = officer/d' "$MIPSREVIEW_CONFIG"
$MR alerts send --now 2024-06-01T08:00:00Z >"$T/k2.out" 2>&1 &
victim=$!
wait_for "$T/stall2/stalled" || fail "the sender never finished DATA"
expect_eq "marked sending before the final dot" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT state FROM alert_digest")" sending
kill -9 "$victim"
wait "$victim" 2>/dev/null
stop_sink "$STALL_PID"
start_sink after2 || finish
write_config "$PORT" "smtp_timeout = 30" "alert_to =" "digest_to = ada@practice.example 8 UTC"
sed -i '/^alert_to = officer/d' "$MIPSREVIEW_CONFIG"
ok "a run after the lease" $MR alerts send --now 2024-06-01T08:01:40Z --json
expect_eq "resent, flagged as a possible duplicate" \
	"$(json_get reminders.0.outcome <"$T/out") $(json_get reminders.0.maybe_duplicate <"$T/out")" "sent True"
expect_eq "delivered once (the stalled server kept nothing)" \
	"$(digests after2) $(count_mails stall2)" "1 0"
expect_eq "with the Message-ID the killed sender used" \
	"$(digest_ids after2)" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT '<' || message_id || '> ' FROM alert_digest")"
expect_match "the audit trail says it may be a duplicate" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT after FROM audit WHERE entity = 'digest' AND action = 'sent'")" \
	'"maybe_duplicate":true'
ok "audit chain verifies" $MR audit --verify
stop_sink "$SINK_PID"

# --- the daemon sends them by itself; cron beside it sends none again
export MIPSREVIEW_DB="$T/daemon.db"
start_sink daemon || finish
hour=$(date -u +%H | sed 's/^0//')
write_config "$PORT" "alert_to =" \
	"digest_to = a@practice.example $hour UTC, b@practice.example $hour UTC"
sed -i '/^alert_to = officer/d' "$MIPSREVIEW_CONFIG"
env -u MIPSREVIEW_NOW $MR add --tin "$SEED_TIN" --year 2025 --reason other \
	--force --name X >/dev/null || fail "add a case"
env -u MIPSREVIEW_NOW $MRD --config "$MIPSREVIEW_CONFIG" --db "$MIPSREVIEW_DB" \
	--listen 127.0.0.1:0 2>"$T/daemon.log" &
DPID=$!
at_exit "kill $DPID 2>/dev/null"
n=0
while [ "$(digests daemon)" -lt 2 ] && [ "$n" -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
expect_eq "the daemon sent today's digests" "$(digests daemon)" 2
env -u MIPSREVIEW_NOW $MR alerts send >"$T/cron1.out" 2>&1 &
c1=$!
env -u MIPSREVIEW_NOW $MR alerts send >"$T/cron2.out" 2>&1 &
c2=$!
wait "$c1"; expect_eq "cron run 1 beside the daemon exits 0" "$?" 0
wait "$c2"; expect_eq "cron run 2 beside the daemon exits 0" "$?" 0
expect_eq "cron sent them not again" "$(digests daemon) $(dup_ids daemon)" "2 "
expect_match "the audit trail names the daemon" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT DISTINCT who FROM audit WHERE entity = 'digest' AND action = 'sent'")" \
	"^mipsreviewd$"
expect_match "and logs them" "$(cat "$T/daemon.log")" "digest sent to a@practice\.example <mipsreview\.digest-"
kill "$DPID"; wait "$DPID" 2>/dev/null
alerts_finish
