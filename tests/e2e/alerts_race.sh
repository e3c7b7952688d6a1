#!/bin/sh
# Alerts exactly once under concurrency and crashes: several senders at
# once, a sender killed with SIGKILL before and after handing over the
# whole message, and the daemon racing cron.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/alerts_lib.sh"

# --- three senders at once over 30 due reminders
start_sink race --delay 0.03 || finish
write_config "$PORT"
i=1
while [ "$i" -le 30 ]; do
	add_case --name "Dr. Race $i" --owner "doc$i@practice.example"
	i=$((i + 1))
done
for p in 1 2 3; do
	$MR alerts send --json >"$T/race$p.out" 2>"$T/race$p.err" &
	eval "pid$p=$!"
done
for p in 1 2 3; do
	eval "wait \$pid$p"; rc=$?
	expect_eq "concurrent sender $p exits 0 ($(cat "$T/race$p.err"))" "$rc" 0
done
expect_eq "30 messages arrived" "$(count_mails race)" 30
expect_eq "none twice" "$(dup_ids race)" ""
expect_eq "ledger: 30 sent" "$(ledger_states)" "sent 30"
expect_eq "30 audited sends" "$(audit_count sent)" 30
total=0
for p in 1 2 3; do total=$((total + $(json_get sent <"$T/race$p.out"))); done
expect_eq "the senders' counts add up to 30" "$total" 30
ok "a later run" $MR alerts send
expect_eq "a later run sends nothing" "$(count_mails race)" 30

# --- killed while the server had not got the whole message (at RCPT)
export MIPSREVIEW_DB="$T/kill1.db"
add_case --name "Dr. Killed Early" --owner ada@practice.example
start_sink stall1 --stall rcpt || finish
STALL_PID=$SINK_PID
write_config "$PORT" "smtp_timeout = 30"
$MR alerts send >"$T/k1.out" 2>&1 &
victim=$!
wait_for "$T/stall1/stalled" || fail "the sender never reached RCPT"
expect_eq "claimed while talking to the server" "$(ledger_state_of 1)" claimed
kill -9 "$victim"
wait "$victim" 2>/dev/null
stop_sink "$STALL_PID"
start_sink after1 || finish
write_config "$PORT" "smtp_timeout = 30"
ok "a run while the dead sender's lease runs" $MR alerts send
expect_match "it leaves the claimed reminder alone" "$(cat "$T/out")" "^busy +case 1 +14d"
expect_eq "nothing sent during the lease" "$(count_mails after1)" 0
# smtp_timeout 30 s: the lease is 90 s.
ok "a run after the lease" $MR alerts send --now 2024-10-01T12:01:40Z --json
expect_eq "it takes the claim over" "$(json_get reminders.0.taken_over <"$T/out")" True
expect_eq "not a possible duplicate" "$(json_get reminders.0.maybe_duplicate <"$T/out")" False
expect_eq "delivered once" "$(count_mails after1)" 1
expect_eq "the stalled server kept nothing" "$(count_mails stall1)" 0
expect_match "the take-over is audited as not delivered" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT after FROM audit WHERE entity = 'alert' AND action = 'taken-over'")" \
	"died before the end of the message: it was not delivered"
ok "run again" $MR alerts send --now 2024-10-01T12:03:00Z
expect_eq "still once" "$(count_mails after1)" 1

# --- killed after the whole message was handed over (server stalls at DATA)
export MIPSREVIEW_DB="$T/kill2.db"
add_case --name "Dr. Killed Late" --owner ada@practice.example
start_sink stall2 --stall data || finish
STALL_PID=$SINK_PID
write_config "$PORT" "smtp_timeout = 30"
$MR alerts send >"$T/k2.out" 2>&1 &
victim=$!
wait_for "$T/stall2/stalled" || fail "the sender never finished DATA"
expect_eq "marked sending before the final dot" "$(ledger_state_of 1)" sending
kill -9 "$victim"
wait "$victim" 2>/dev/null
stop_sink "$STALL_PID"
start_sink after2 || finish
write_config "$PORT" "smtp_timeout = 30"
ok "a run after the lease" $MR alerts send --now 2024-10-01T12:01:40Z --json
expect_eq "resent, flagged as a possible duplicate" \
	"$(json_get reminders.0.maybe_duplicate <"$T/out")" True
expect_eq "delivered once (the stalled server kept nothing)" \
	"$(count_mails after2) $(count_mails stall2)" "1 0"
expect_match "the audit trail says it may be a duplicate" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT after FROM audit WHERE entity = 'alert' AND action = 'sent'")" \
	'"maybe_duplicate":true'

# --- the daemon and cron at once (real clock)
export MIPSREVIEW_DB="$T/daemon.db"
start_sink daemon --delay 0.03 || finish
write_config "$PORT" "alert_offsets = 4h"
real() { env -u MIPSREVIEW_NOW "$@"; }
in3h=$(date -u -d '+3 hours' +%Y-%m-%dT%H:%M:%SZ)
ok "a window closing in 3 hours" real $MR window add --kind targeted-review \
	--year 2025 --closes "$in3h"
i=1
while [ "$i" -le 20 ]; do
	real $MR add --tin "$SEED_TIN" --year 2025 --reason other --force \
		--name "Dr. Daemon $i" --owner "d$i@practice.example" >/dev/null ||
		fail "add daemon case $i"
	i=$((i + 1))
done
# Not through real(): a function run with & is a subshell, and $! its pid.
env -u MIPSREVIEW_NOW $MRD --config "$MIPSREVIEW_CONFIG" --db "$MIPSREVIEW_DB" \
	--listen 127.0.0.1:0 2>"$T/daemon.log" &
DPID=$!
at_exit "kill $DPID 2>/dev/null"
env -u MIPSREVIEW_NOW $MR alerts send >"$T/cron1.out" 2>&1 &
c1=$!
env -u MIPSREVIEW_NOW $MR alerts send >"$T/cron2.out" 2>&1 &
c2=$!
wait "$c1"; expect_eq "cron run 1 beside the daemon exits 0 ($(cat "$T/cron1.out"))" "$?" 0
wait "$c2"; expect_eq "cron run 2 beside the daemon exits 0 ($(cat "$T/cron2.out"))" "$?" 0
n=0
while [ "$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM alert_ledger WHERE state = 'sent'")" -lt 20 ] &&
    [ "$n" -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
expect_eq "daemon + cron: 20 messages" "$(count_mails daemon)" 20
expect_eq "daemon + cron: none twice" "$(dup_ids daemon)" ""
# The daemon plans again when the CLI changes the database.
real $MR add --tin "$SEED_TIN" --year 2025 --reason other --force \
	--name "Dr. Late Comer" --owner late@practice.example >/dev/null
n=0
while [ "$(count_mails daemon)" -lt 21 ] && [ "$n" -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
expect_eq "the daemon sent the new case's reminder by itself" \
	"$(mails daemon | grep -c 'Dr. Late Comer')" 1
# It wakes when the next reminder falls due, with no change to tell it.
soon=$(date -u -d '+4 hours 4 seconds' +%Y-%m-%dT%H:%M:%SZ)
ok "a window whose 4h reminder falls due in 4 s" real $MR window add \
	--kind targeted-review --year 2026 --closes "$soon"
real $MR add --tin "$SEED_TIN" --year 2026 --reason other \
	--name "Dr. Wake Up" --owner wake@practice.example >/dev/null
expect_eq "not due yet" "$(mails daemon | grep -c 'Dr. Wake Up')" 0
n=0
while [ "$(mails daemon | grep -c 'Dr. Wake Up')" -lt 1 ] && [ "$n" -lt 200 ]; do
	sleep 0.1; n=$((n + 1)); done
expect_eq "the daemon woke for it" "$(mails daemon | grep -c 'Dr. Wake Up')" 1
expect_eq "all exactly once" "$(count_mails daemon) $(dup_ids daemon)" "22 "
expect_match "the audit trail names the daemon for its sends" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT DISTINCT who FROM audit WHERE entity = 'alert' AND action = 'sent' ORDER BY who")" \
	"mipsreviewd"
expect_match "the daemon logs its sends" "$(cat "$T/daemon.log")" "alert sent: case"
kill -TERM "$DPID"
wait "$DPID"
expect_eq "the daemon stops cleanly" "$?" 0

# --- a daemon started without mail settings sends once SIGHUP brings them
export MIPSREVIEW_DB="$T/reload.db"
start_sink reload || finish
real $MR window add --kind targeted-review --year 2025 --closes "$in3h" >/dev/null
real $MR add --tin "$SEED_TIN" --year 2025 --reason other \
	--name "Dr. Reload" --owner reload@practice.example >/dev/null
grep -v '^smtp_url' "$MIPSREVIEW_CONFIG" >"$T/reload.conf"
env -u MIPSREVIEW_NOW $MRD --config "$T/reload.conf" --db "$MIPSREVIEW_DB" \
	--listen 127.0.0.1:0 2>"$T/reload.log" &
RPID=$!
at_exit "kill $RPID 2>/dev/null"
n=0
until grep -q "sends no alerts" "$T/reload.log" || [ "$n" -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
expect_match "without smtp_url the daemon says it sends nothing" "$(cat "$T/reload.log")" \
	"smtp_url or smtp_from not set"
expect_eq "and sends nothing" "$(count_mails reload)" 0
echo "smtp_url = smtp://127.0.0.1:$PORT" >>"$T/reload.conf"
kill -HUP "$RPID"
n=0
while [ "$(count_mails reload)" -lt 1 ] && [ "$n" -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
expect_eq "after SIGHUP it sends the due reminder" "$(count_mails reload)" 1
kill -TERM "$RPID"
wait "$RPID"
expect_eq "and stops cleanly" "$?" 0
alerts_finish
