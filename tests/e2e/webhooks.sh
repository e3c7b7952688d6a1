#!/bin/sh
# Webhooks: Slack, Teams Workflows and a signed generic endpoint, emulated
# on loopback by tests/e2e/webhook_receiver.py (which checks each request
# as that receiver would, and the Standard Webhooks signature), told of
# every alert once; retries, Retry-After, 410, 400, a slow receiver, a
# sender killed mid-delivery, bad input, TLS, the daemon beside cron.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/alerts_lib.sh"

RX="$top_srcdir/tests/e2e/webhook_receiver.py"
LOG="$T/rx/log"
PLAN="$T/rx/plan"
mkdir -p "$T/rx"
printf 'whsec_%s\n' "$(head -c 32 /dev/urandom | base64)" >"$T/secret"
chmod 600 "$T/secret"
SECRET=$(cat "$T/secret")
echo '{}' >"$PLAN"

# start_rx NAME [--tls CERT KEY]: a receiver; sets RXPID and RXPORT.
start_rx() {
	name=$1; shift
	rm -f "$T/rx/$name.port"
	$PY "$RX" serve --port-file "$T/rx/$name.port" --log "$LOG" \
		--plan "$PLAN" --secret "$SECRET" "$@" 2>>"$T/rx/$name.err" &
	RXPID=$!
	at_exit "kill $RXPID 2>/dev/null"
	wait_for "$T/rx/$name.port" || { fail "receiver $name did not start: $(cat "$T/rx/$name.err")"; finish; }
	RXPORT=$(cat "$T/rx/$name.port")
}
count() { $PY "$RX" count "$LOG" "$1"; }
ids() { $PY "$RX" ids "$LOG" "$1"; }
get() { $PY "$RX" get "$LOG" "$1" "$2" "$3"; }
plan() { printf '%s\n' "$1" >"$PLAN"; }
cred_files() { ls "$T/webhooks" 2>/dev/null | wc -l; }
attempts() { sqlite3 "$MIPSREVIEW_DB" "SELECT coalesce(status, '-') || ' ' || outcome || ' ' || maybe_duplicate FROM webhook_attempt WHERE endpoint = '$1' ORDER BY id" | tr '\n' ';'; }

start_rx main
U="http://127.0.0.1:$RXPORT"
# No mail server: the webhooks alone are told.
{
	echo "alert_zone = America/New_York"
	echo "webhook_timeout = 2"
} >"$MIPSREVIEW_CONFIG"
add_case --name "Dr. Ada <Example> & Co" --owner ada@practice.example
$MR add --tin 98-7654321 --npi 1234567893 --year 2023 --reason euc-not-applied \
	--force --name "Dr. Bea [Open](https://evil.example) <https://evil.example|Open> <!here> _Second_" \
	>/dev/null || fail "add case 2"

# --- bad input: one line, a status, nothing written (no row, no file)
REFUSE_LINES=1
refuses "a URL that is not https" 3 "is not https" \
	$MR webhook add a --kind slack --url http://hooks.example.org/x
refuses "http to an address that only starts like the loopback" 3 "is not https" \
	$MR webhook add a --kind slack --url http://127.0.0.1.example.org/x
refuses "an unknown kind" 3 "unknown; use slack, teams or generic" \
	$MR webhook add a --kind discord --url "$U/x"
chmod 644 "$T/secret"
refuses "a secret file others may read" 3 "chmod 600" \
	$MR webhook add a --kind generic --url "$U/generic/a" --secret-file "$T/secret"
chmod 600 "$T/secret"
printf 'not-a-secret\n' >"$T/badsecret"; chmod 600 "$T/badsecret"
refuses "a secret not in the whsec_ form" 3 "whsec_" \
	$MR webhook add a --kind generic --url "$U/generic/a" --secret-file "$T/badsecret"
refuses "a generic endpoint without a secret" 3 "secret-file" \
	$MR webhook add a --kind generic --url "$U/generic/a"
refuses "a secret for Slack, which is not signed" 3 "not signed" \
	$MR webhook add a --kind slack --url "$U/slack/a" --secret-file "$T/secret"
refuses "a retired Office 365 connector URL for Teams" 3 "Workflows" \
	$MR webhook add a --kind teams --url https://contoso.webhook.office.com/webhookb2/x
refuses "a bad TIN" 3 "a TIN is 9 digits" \
	$MR webhook add a --kind slack --url "$U/slack/a" --tin 12345
refuses "a bad zone" 3 "zone" \
	$MR webhook add a --kind slack --url "$U/slack/a" --zone Mars/Olympus
expect_eq "nothing was kept for the refused endpoints" "$(cred_files)" 0
ok "slack endpoint" $MR webhook add ops --kind slack --url "$U/slack/ops"
refuses "a name taken" 5 "exists" \
	$MR webhook add ops --kind teams --url "$U/teams/ops"
expect_eq "one credentials file" "$(cred_files)" 1
REFUSE_LINES=2
refuses "no --url" 2 "url" $MR webhook add b --kind slack
REFUSE_LINES=1

# --- every alert to every endpoint in scope, each once
ok "teams endpoint, in Berlin" $MR webhook add tm --kind teams \
	--url "$U/teams/tm" --zone Europe/Berlin
ok "generic endpoint for case 1's TIN" $MR webhook add gen --kind generic \
	--url "$U/generic/gen" --secret-file "$T/secret" --tin "$SEED_TIN"
ok "generic endpoint for another TIN" $MR webhook add other --kind generic \
	--url "$U/generic/other" --secret-file "$T/secret" --tin 111-22-3333
ok "the audit trail" $MR audit --json
expect_eq "names the endpoints' TINs masked" \
	"$($PY -c 'import json,sys; print(" ".join(t for r in json.load(sys.stdin) if r["action"] == "add webhook" for t in (r["after"].get("tins") or [])))' <"$T/out")" \
	"*****6789 *****3333"
if grep -q -e '"123456789"' -e '"111223333"' "$T/out"; then fail "the audit shows an endpoint's whole TIN"; else pass; fi
ok "the audit trail revealed" $MR audit --json --reveal
expect_match "--reveal shows it whole" "$(cat "$T/out")" '"123456789"'
ok "send" $MR alerts send
expect_match "send reports each post" "$(cat "$T/out")" "^posted +case 1 +14d .*webhook gen \(generic\)"
expect_match "and a summary" "$(cat "$T/out")" "^webhooks: 5 due: 5 posted, 0 failed"
expect_eq "Slack has both cases" "$(count /slack/ops)" 2
expect_eq "Teams has both cases" "$(count /teams/tm)" 2
expect_eq "the generic endpoint has its TIN's case only" "$(count /generic/gen)" 1
expect_eq "the endpoint of another TIN has nothing" "$(count /generic/other)" 0
expect_eq "every request is what its receiver accepts (signature verified)" \
	"$($PY "$RX" bad "$LOG")" ""
expect_eq "Slack was paced: never two messages within a second" \
	"$($PY "$RX" fast "$LOG")" 0
expect_eq "the generic message is a deadline.reminder" "$(get /generic/gen 0 body.type)" \
	deadline.reminder
expect_eq "the TIN is masked" "$(get /generic/gen 0 body.data.tin_masked)" "*****6789"
if grep -q '123456789' "$LOG"; then fail "a whole TIN reached a receiver"; else pass; fi
expect_eq "the announced time" "$(get /generic/gen 0 body.data.closes_at_announced)" \
	"2024-10-11T19:00:00-05:00"
expect_eq "the recipient's zone (alert_zone)" "$(get /generic/gen 0 body.data.recipient_zone)" \
	"America/New_York"
expect_eq "the acknowledgement command" "$(get /generic/gen 0 body.data.ack_command)" \
	"mipsreview alerts ack 1"
expect_eq "no base_url: no link" "$(grep -c '/app/ack' "$LOG")" 0
expect_eq "the webhook-id names the alert" "$(ids /generic/gen)" \
	"msg_mipsreview_reminder_case_1_1728691200_1209600"
expect_match "Teams: the endpoint's own zone" "$(get /teams/tm 0 body)" \
	"Europe/Berlin"
expect_match "Slack: the ack command" "$(get /slack/ops 0 body)" "mipsreview alerts ack"
# A name is shown as typed, never as a link or a mention.
expect_eq "no link nor mention in Slack's messages, no link in Teams' cards" \
	"$(for p in /slack/ops /teams/tm; do for i in 0 1; do $PY "$RX" links "$LOG" $p $i; done; done)" ""
expect_match "Teams: the name's Markdown is escaped" "$(get /teams/tm 0 body)$(get /teams/tm 1 body)" \
	'Dr. Bea \\\\\[Open\\\\\]\\\\\(https://evil.example\\\\\)'
expect_match "Slack: its <, > and & are escaped" "$(get /slack/ops 0 body)$(get /slack/ops 1 body)" \
	'Dr. Bea \[Open\]\(https://evil.example\) &lt;https://evil.example\|Open&gt; &lt;!here&gt;'
for i in 1 2 3; do ok "send again ($i)" $MR alerts send; done
expect_eq "nothing twice" "$(count /)" 5
ok "log" $MR alerts log
expect_eq "the log has the five attempts" "$(grep -c ' sent ' "$T/out")" 5
ok "log --json" $MR alerts log --json
expect_eq "log JSON fields" "$(json_get 0.endpoint <"$T/out")$(json_get 0.status <"$T/out")$(json_get 0.outcome <"$T/out")" \
	"ops200sent"
ok "list --json" $MR webhook list --json
expect_eq "list: the generic endpoint is signed, for a masked TIN" \
	"$(json_get 0.name <"$T/out") $(json_get 0.signed <"$T/out") $(json_get 0.tins.0 <"$T/out")" \
	"gen True *****6789"
secret_b64=${SECRET#whsec_}
if sqlite3 "$MIPSREVIEW_DB" .dump | grep -qF -e "$secret_b64" -e "/slack/ops" -e "/generic/gen"; then
	fail "a secret or a whole URL is in the database"; else pass; fi
for c in "webhook list" "webhook list --json" "alerts log --json"; do
	$MR $c >"$T/o" 2>&1
	if grep -qF -e "$secret_b64" -e "/slack/ops" "$T/o"; then fail "$c shows a secret or a whole URL"; else pass; fi
done
expect_eq "the credentials files are private" \
	"$(stat -c %a "$T/webhooks" "$T"/webhooks/* | sort -u | tr '\n' ' ')" "600 700 "
ok "remove the other-TIN endpoint" $MR webhook remove other
expect_eq "its credentials file went too" "$(cred_files)" 3
refuses "remove an unknown endpoint" 4 "no webhook named" $MR webhook remove other

# --- 500 then 200: tried again in the same run, same webhook-id
ok "remove the others" sh -c "$MR webhook remove tm && $MR webhook remove gen"
plan '{"/generic/retry": [{"status": 500}]}'
ok "a receiver failing once" $MR webhook add retry --kind generic \
	--url "$U/generic/retry" --secret-file "$T/secret" --tin "$SEED_TIN"
ok "send: the second try is taken" $MR alerts send
expect_eq "two requests" "$(count /generic/retry)" 2
expect_eq "under one webhook-id" "$(ids /generic/retry | sort -u | wc -l)" 1
expect_eq "the log: 500 retried, then 200" "$(attempts retry)" "500 retry 0;200 sent 0;"
ok "remove" $MR webhook remove retry

# --- 429 with Retry-After: 1 waits a second; 3600 waits for a later run
plan '{"/generic/busy": [{"status": 429, "retry_after": "1"}], "/generic/later": [{"status": 429, "retry_after": "3600"}]}'
ok "a rate-limited receiver" $MR webhook add busy --kind generic \
	--url "$U/generic/busy" --secret-file "$T/secret" --tin "$SEED_TIN"
ok "send" $MR alerts send
expect_eq "429, Retry-After 1: delivered on the second try" "$(attempts busy)" "429 retry 0;200 sent 0;"
ok "remove" $MR webhook remove busy
ok "a receiver asking for an hour" $MR webhook add later --kind generic \
	--url "$U/generic/later" --secret-file "$T/secret" --tin "$SEED_TIN"
run_cmd $MR alerts send
expect_eq "not delivered: exit 8" "$E2E_RC" 8
expect_match "stderr says when it is tried again" "$(cat "$T/err")" \
	"webhook later: case 1, 14d reminder: HTTP 429.*tried again from 2024-10-01T13:00:00Z"
ok "send before the hour" $MR alerts send --now 2024-10-01T12:30:00Z
expect_eq "Retry-After is honoured across runs" "$(count /generic/later)" 1
ok "send after the hour" $MR alerts send --now 2024-10-01T13:00:01Z
expect_eq "then delivered, same webhook-id" "$(count /generic/later) $(ids /generic/later | sort -u | wc -l)" "2 1"
ok "remove" $MR webhook remove later

# --- 400: refused, not retried
plan '{"/generic/bad": [{"status": 400}, {"status": 400}]}'
ok "a receiver refusing" $MR webhook add bad --kind generic \
	--url "$U/generic/bad" --secret-file "$T/secret" --tin "$SEED_TIN"
run_cmd $MR alerts send
expect_eq "exit 8" "$E2E_RC" 8
ok "send later" $MR alerts send --now 2024-10-01T15:00:00Z
expect_eq "400 is not retried, in the run or later" "$(count /generic/bad)" 1
expect_eq "the log says rejected" "$(attempts bad)" "400 rejected 0;"
ok "remove" $MR webhook remove bad

# --- 410: the endpoint is disabled and said so
plan '{"/slack/gone": [{"status": 410}]}'
ok "an archived channel" $MR webhook add gone --kind slack --url "$U/slack/gone"
run_cmd $MR alerts send
expect_eq "exit 8" "$E2E_RC" 8
expect_match "stderr: disabled" "$(cat "$T/err")" "webhook gone answered 410 Gone and is now disabled"
ok "list" $MR webhook list
expect_match "list shows it disabled" "$(grep '^gone ' "$T/out")" "disabled"
ok "send again" $MR alerts send --now 2024-10-01T16:00:00Z
expect_eq "nothing more goes to it" "$(count /slack/gone)" 1
refuses "a disabled endpoint is not tested" 5 "disabled" $MR webhook test gone
expect_eq "the disabling is audited" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM audit WHERE entity = 'webhook' AND action = 'disable webhook'")" 1
ok "remove" $MR webhook remove gone

# --- webhook test
ok "test a Slack endpoint" $MR webhook test ops
expect_match "test says delivered" "$(cat "$T/out")" "test message delivered \(HTTP 200"
expect_match "the test message says so" "$(get /slack/ops 2 body.text)" "TEST"

# --- a slow receiver: no answer within webhook_timeout; later, the same id
plan '{"/generic/slow": [{"sleep": 4}]}'
ok "a slow receiver" $MR webhook add slow --kind generic \
	--url "$U/generic/slow" --secret-file "$T/secret" --tin "$SEED_TIN"
run_cmd $MR alerts send
expect_eq "exit 8" "$E2E_RC" 8
expect_match "the timeout is named" "$(cat "$T/err")" "no answer within 2 s"
expect_eq "a slow receiver is not asked again in the same run" "$(count /generic/slow)" 1
ok "send later" $MR alerts send --now 2024-10-01T17:00:00Z
expect_eq "posted again, same webhook-id" "$(count /generic/slow) $(ids /generic/slow | sort -u | wc -l)" "2 1"
expect_eq "the retry is marked as a possible duplicate" "$(attempts slow)" "- failed 0;200 sent 1;"
ok "remove" $MR webhook remove slow

# --- kill -9 mid-delivery: nothing lost, the resend flagged, same id
plan '{"/generic/kill": [{"sleep": 30}]}'
ok "a receiver that holds the request" $MR webhook add kill --kind generic \
	--url "$U/generic/kill" --secret-file "$T/secret" --tin "$SEED_TIN"
kill_began=$(date -u +%Y-%m-%dT%H:%M:%SZ)
$MR alerts send >"$T/kill.out" 2>&1 &
KPID=$!
n=0
while [ "$(count /generic/kill)" -lt 1 ] && [ "$n" -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
kill -9 "$KPID"; wait "$KPID" 2>/dev/null
expect_eq "the whole request had arrived" "$(count /generic/kill)" 1
expect_eq "the delivery was marked as sending" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT state FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id WHERE e.name = 'kill'")" sending
ok "a run while the dead sender's lease holds" $MR alerts send
expect_match "it is held, not sent twice" "$(cat "$T/out")" "^busy +case 1"
expect_eq "so nothing more arrived" "$(count /generic/kill)" 1
ok "a run after the lease" $MR alerts send --now 2024-10-01T18:00:00Z
expect_match "it is posted again, said so" "$(cat "$T/out")" "again after an interrupted delivery \(same webhook-id\)"
expect_eq "two arrivals, one webhook-id (the receiver deduplicates)" \
	"$(count /generic/kill) $(ids /generic/kill | sort -u | wc -l)" "2 1"
expect_eq "the log has the interrupted attempt, then the resend" "$(attempts kill)" \
	"- interrupted 0;200 sent 1;"
expect_eq "the interrupted attempt is logged as it began, before the resend" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM webhook_attempt a JOIN webhook_attempt b ON b.id = a.id + 1 WHERE a.endpoint = 'kill' AND a.outcome = 'interrupted' AND a.at <= b.at AND a.at >= '$kill_began'")" 1
ok "log" $MR alerts log
expect_match "the log says it may have arrived" "$(grep ' kill ' "$T/out" | grep ' interrupted ')" \
	"its sender stopped .* it may have arrived"
expect_eq "the takeover is audited" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM audit WHERE entity = 'webhook_delivery' AND action = 'taken-over'")" 1
ok "remove" $MR webhook remove kill

# --- kill -9 between tries, before a request went out whole: not a duplicate
plan '{"/generic/kill2": [{"status": 503}]}'
ok "a receiver failing once" $MR webhook add kill2 --kind generic \
	--url "$U/generic/kill2" --secret-file "$T/secret" --tin "$SEED_TIN"
$MR alerts send --now 2024-10-01T19:00:00Z >"$T/kill2.out" 2>&1 &
KPID=$!
q="SELECT d.state || ' ' || d.attempts FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id WHERE e.name = 'kill2'"
n=0
while [ "$(sqlite3 "$MIPSREVIEW_DB" "$q" 2>/dev/null)" != "claimed 1" ] && [ "$n" -lt 400 ]; do sleep 0.02; n=$((n + 1)); done
kill -9 "$KPID"; wait "$KPID" 2>/dev/null
expect_eq "killed while waiting to try again" "$(sqlite3 "$MIPSREVIEW_DB" "$q")" "claimed 1"
ok "a run after the lease" $MR alerts send --now 2024-10-01T20:00:00Z
expect_eq "delivered: the 503 and the 200" "$(count /generic/kill2)" 2
expect_eq "not marked as a duplicate: nothing had arrived whole" "$(attempts kill2)" "503 retry 0;200 sent 0;"
ok "remove" $MR webhook remove kill2

# --- a sender that lost its claim stops before the last byte: logged busy
ok "a Slack endpoint for case 2" $MR webhook add lost --kind slack \
	--url "$U/slack/lost" --tin 98-7654321
# Its next free second is 6 s away: the first sender claims and waits.
sqlite3 "$MIPSREVIEW_DB" "UPDATE webhook_endpoint SET next_post_ms = \
	CAST(1000 * (julianday('now') - 2440587.5) * 86400 AS INTEGER) + 6000 WHERE name = 'lost'"
$MR alerts send --now 2024-10-01T21:00:00Z >"$T/lost.out" 2>&1 &
LPID=$!
q="SELECT count(*) FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id WHERE e.name = 'lost' AND d.state = 'claimed'"
n=0
while [ "$(sqlite3 "$MIPSREVIEW_DB" "$q" 2>/dev/null)" != 1 ] && [ "$n" -lt 200 ]; do sleep 0.02; n=$((n + 1)); done
expect_eq "the first sender holds it" "$(sqlite3 "$MIPSREVIEW_DB" "$q")" 1
ok "a second sender after the first one's lease takes it over" \
	$MR alerts send --now 2024-10-01T23:00:00Z
wait "$LPID"
expect_eq "it arrived once" "$(count /slack/lost)" 1
expect_eq "the log: the first sender's attempt abandoned, then the second's" \
	"$(attempts lost)" "- busy 0;200 sent 0;"
ok "log" $MR alerts log
expect_match "the log says it did not arrive" "$(grep ' lost ' "$T/out" | grep ' busy ' | head -1)" \
	"abandoned before its last byte \(it did not arrive\)"
ok "remove" $MR webhook remove lost


# --- TLS is verified: a self-signed receiver fails until its CA is named
if openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1; then
	start_rx tls --tls "$T/cert.pem" "$T/key.pem"
	ok "an https receiver" $MR webhook add tls --kind slack \
		--url "https://127.0.0.1:$RXPORT/slack/tls"
	run_cmd $MR webhook test tls
	expect_eq "a certificate nobody vouches for is refused" "$E2E_RC" 8
	expect_match "and named" "$(cat "$T/err")" "certificate was refused.*webhook_ca_file"
	echo "webhook_ca_file = $T/cert.pem" >>"$MIPSREVIEW_CONFIG"
	ok "with webhook_ca_file" $MR webhook test tls
	expect_eq "delivered over TLS" "$(count /slack/tls)" 1
	ok "remove" $MR webhook remove tls
else
	fail "openssl could not make a test certificate"
fi

# --- mail and webhooks in one run; JSON
export MIPSREVIEW_DB="$T/both.db"
start_sink mail || finish
write_config "$PORT"
add_case --name "Dr. Both" --owner both@practice.example
ok "endpoint" $MR webhook add both --kind teams --url "$U/teams/both"
ok "send --json" $MR alerts send --json
expect_eq "the mail went" "$(count_mails mail)" 1
expect_eq "and the webhook" "$(count /teams/both)" 1
expect_eq "JSON: the reminders and the webhooks" \
	"$(json_get sent <"$T/out") $(json_get webhooks.0.endpoint <"$T/out") $(json_get webhooks.0.outcome <"$T/out")" \
	"1 both sent"
# An escalation the mail ledger sent goes to the webhooks too, once.
write_config "$PORT" "escalate_to = boss@practice.example" "escalate_after = 2d"
ok "the 7d reminder" $MR alerts send --now 2024-10-05T00:00:30Z
ok "two days unacknowledged" $MR alerts send --now 2024-10-07T00:01:00Z
expect_match "the escalation is mailed" "$(mails mail)" "escalation"
expect_match "and posted" "$(cat "$T/out")" "webhook both \(teams\), escalation"
ok "again" $MR alerts send --now 2024-10-07T00:05:00Z
expect_eq "the Teams channel: 14d, 7d, the escalation, each once" "$(count /teams/both)" 3
expect_match "it says nobody acknowledged" "$(get /teams/both 2 body)" "Not acknowledged"
# An acknowledged deadline is in hand: channels are not told again.
MIPSREVIEW_NOW=2024-10-07T01:00:00Z ok "acknowledge" $MR alerts ack 1
ok "the 3d reminder's moment" $MR alerts send --now 2024-10-09T00:01:00Z
expect_eq "no post for an acknowledged deadline" "$(count /teams/both)" 3

# --- escalation without a mail server: the channels are told on the
# mail's rule (a reminder that went out, unacknowledged for
# escalate_after), once each; acknowledging stops it
export MIPSREVIEW_DB="$T/esc.db"
{
	echo "alert_zone = America/New_York"
	echo "escalate_to = boss@practice.example"
	echo "escalate_after = 2d"
} >"$MIPSREVIEW_CONFIG"
add_case --name "Dr. Esc One" --owner one@practice.example
add_case --name "Dr. Esc Two" --owner two@practice.example
ok "an endpoint" $MR webhook add esc --kind generic --url "$U/generic/esc" \
	--secret-file "$T/secret"
ok "the 14d reminders" $MR alerts send
ok "the 7d reminders" $MR alerts send --now 2024-10-05T00:00:30Z
expect_eq "four reminders posted, no mail server" "$(count /generic/esc)" 4
MIPSREVIEW_NOW=2024-10-05T01:00:00Z ok "case 2 is acknowledged" $MR alerts ack 2
ok "a day later" $MR alerts send --now 2024-10-06T00:01:00Z
expect_eq "not yet escalated" "$(count /generic/esc)" 4
ok "two days unacknowledged" $MR alerts send --now 2024-10-07T00:01:00Z
expect_match "the escalation is posted" "$(cat "$T/out")" "webhook esc \(generic\), escalation"
expect_eq "one escalation: case 1's, the 7d reminder's" \
	"$(get /generic/esc 4 body.type) $(ids /generic/esc | sed -n 5p)" \
	"deadline.escalation msg_mipsreview_escalation_case_1_1728691200_604800"
for n in 2024-10-07T00:05:00Z 2024-10-08T00:00:00Z; do
	ok "again at $n" $MR alerts send --now "$n"
done
expect_eq "each once; the acknowledged case is not escalated" "$(count /generic/esc)" 5
expect_eq "no mail ledger was needed" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM alert_ledger")" 0
# The daemon and cron escalating side by side: once per endpoint.
export MIPSREVIEW_DB="$T/escd.db"
for i in 1 2 3; do add_case --name "Dr. Esc D$i" --owner "d$i@practice.example"; done
ok "endpoint 1" $MR webhook add escd1 --kind generic --url "$U/generic/escd1" \
	--secret-file "$T/secret"
ok "endpoint 2" $MR webhook add escd2 --kind generic --url "$U/generic/escd2" \
	--secret-file "$T/secret"
ok "the 14d reminders" $MR alerts send
ok "the 7d reminders" $MR alerts send --now 2024-10-05T00:00:30Z
MIPSREVIEW_NOW=2024-10-07T00:01:00Z $MRD --config "$MIPSREVIEW_CONFIG" \
	--db "$MIPSREVIEW_DB" --listen 127.0.0.1:0 2>"$T/escd.log" &
EPID=$!
at_exit "kill $EPID 2>/dev/null"
ok "cron beside the daemon" $MR alerts send --now 2024-10-07T00:01:00Z
q="SELECT count(*) FROM webhook_delivery WHERE kind = 'escalation' AND state = 'sent'"
n=0
while [ "$(sqlite3 "$MIPSREVIEW_DB" "$q")" -lt 6 ] && [ "$n" -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
ok "cron again" $MR alerts send --now 2024-10-07T00:01:00Z
kill -TERM "$EPID"; wait "$EPID"
expect_eq "three escalations to each endpoint" \
	"$(for e in escd1 escd2; do ids /generic/$e | grep -c escalation; done | tr '\n' ' ')" "3 3 "
expect_eq "none twice to one endpoint" \
	"$(for e in escd1 escd2; do ids /generic/$e | sort | uniq -d; done)" ""

# --- the one-click link in each message: it names the channel, and
# acknowledging from it is recorded as that channel, not as a person
export MIPSREVIEW_DB="$T/link.db"
{
	echo "alert_zone = America/New_York"
	echo "base_url = https://office.practice.example/mr/"
} >"$MIPSREVIEW_CONFIG"
add_case --name "Dr. Link" --owner link@practice.example
ok "a Slack endpoint" $MR webhook add lslack --kind slack --url "$U/slack/link"
ok "a Teams endpoint" $MR webhook add lteams --kind teams --url "$U/teams/link"
ok "a generic endpoint" $MR webhook add lgen --kind generic --url "$U/generic/link" \
	--secret-file "$T/secret"
ok "send" $MR alerts send
tok_re='t=v2\.webhook\.case\.1\.1728691200\.draft\.1728691200'
lg=$(get /generic/link 0 body.data.ack_url)
expect_match "generic: the link, naming the endpoint" "$lg" \
	"^https://office\\.practice\\.example/mr/app/ack\\?$tok_re\\.$(printf lgen | od -An -tx1 | tr -d ' \n')\\.[0-9a-f]{64}\$"
expect_eq "and the command beside it" "$(get /generic/link 0 body.data.ack_command)" \
	"mipsreview alerts ack 1"
expect_match "Teams: the link is the card's one link (a button)" \
	"$($PY "$RX" links "$LOG" /teams/link 0 | tr '\n' ' ')" \
	"^https://office\\.practice\\.example/mr/app/ack\\?$tok_re\\.[0-9a-f.]+ \$"
expect_match "Slack: the link is the message's one link" \
	"$($PY "$RX" links "$LOG" /slack/link 0 | tr '\n' ' ')" \
	"^https://office\\.practice\\.example/mr/app/ack\\?$tok_re\\.[0-9a-f.]+\\|Acknowledge it \$"
expect_eq "the link key file is private" "$(stat -c %a "$MIPSREVIEW_DB.link-key")" 600
expect_eq "every request was what its receiver accepts" "$($PY "$RX" bad "$LOG")" ""

cat >"$T/d.conf" <<EOT
listen = 127.0.0.1:0
EOT
MIPSREVIEW_NOW=2024-10-01T13:00:00Z $MRD --config "$T/d.conf" --db "$MIPSREVIEW_DB" \
	2>"$T/ld.log" &
LDPID=$!
at_exit "kill $LDPID 2>/dev/null"
n=0
until grep -q 'ready' "$T/ld.log" 2>/dev/null; do
	n=$((n + 1)); [ "$n" -lt 200 ] || { fail "daemon not ready: $(cat "$T/ld.log")"; finish; }
	sleep 0.05
done
lbase="http://127.0.0.1:$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/ld.log")"
lt=${lg#*t=}
lpost() { t=$1; shift; curl -s -o "$T/b" -w '%{http_code}' --max-time 10 \
	--data-urlencode "t=$t" "$lbase/app/ack" "$@"; }
expect_eq "GET the channel's link: 200" \
	"$(curl -s -o "$T/b" -w '%{http_code}' --max-time 10 "$lbase/app/ack?t=$lt")" 200
expect_match "the page says it acknowledges as the channel" "$(cat "$T/b")" \
	"Acknowledging from the channel of webhook lgen"
before=$(db_digest)
expect_eq "POST as an address: refused" "$(lpost "$lt" --data-urlencode address=link@practice.example)" 400
expect_eq "POST as another endpoint: refused" "$(lpost "$lt" --data-urlencode address=lslack)" 400
expect_eq "POST it as a mail's link: not valid" \
	"$(lpost "v1.${lt#v2.webhook.}" --data-urlencode address=lgen)" 400
expect_eq "nothing written" "$(db_digest)" "$before"
expect_eq "POST from the page: 200" \
	"$(lpost "$lt" --data-urlencode address=lgen --data-urlencode "note=Ada, from the channel")" 200
expect_eq "recorded as the channel, through its link" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT acked_by || '|' || note FROM alert_ack WHERE what = 'case' AND item_id = 1")" \
	"webhook lgen (webhook link)|Ada, from the channel"
audit=$(sqlite3 "$MIPSREVIEW_DB" "SELECT after FROM audit WHERE entity = 'case' AND entity_id = 1 AND action = 'acknowledge deadline'")
expect_match "audited as the webhook's link" "$audit" '"via":"webhook link"'
expect_match "with the channel as the recipient" "$audit" '"recipient":"webhook lgen"'
kill "$LDPID"; wait "$LDPID" 2>/dev/null
ok "the 7d reminder's moment" $MR alerts send --now 2024-10-05T00:01:00Z
expect_eq "an acknowledged deadline is not posted again" "$(count /generic/link)" 1

# --- the daemon and cron side by side: each alert once per endpoint
real() { env -u MIPSREVIEW_NOW "$@"; }
export MIPSREVIEW_DB="$T/daemon.db"
{
	echo "alert_zone = America/New_York"
	echo "webhook_timeout = 5"
} >"$MIPSREVIEW_CONFIG"
in3h=$(date -u -d '+3 hours' +%Y-%m-%dT%H:%M:%SZ)
real $MR window add --kind targeted-review --year 2025 --closes "$in3h" >/dev/null ||
	fail "window"
for i in 1 2 3; do
	real $MR add --tin "$SEED_TIN" --year 2025 --reason other --force \
		--name "Dr. Daemon $i" >/dev/null || fail "add $i"
done
real $MR webhook add dslack --kind slack --url "$U/slack/daemon" >/dev/null || fail "add dslack"
real $MR webhook add dgen --kind generic --url "$U/generic/daemon" \
	--secret-file "$T/secret" >/dev/null || fail "add dgen"
env -u MIPSREVIEW_NOW $MRD --config "$MIPSREVIEW_CONFIG" --db "$MIPSREVIEW_DB" \
	--listen 127.0.0.1:0 2>"$T/daemon.log" &
DPID=$!
at_exit "kill $DPID 2>/dev/null"
real $MR alerts send >"$T/cron.out" 2>&1 || fail "cron beside the daemon: $(cat "$T/cron.out")"
n=0
while [ "$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM webhook_delivery WHERE state = 'sent'")" -lt 6 ] &&
    [ "$n" -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
expect_eq "daemon + cron: three alerts to each endpoint" \
	"$(count /slack/daemon) $(count /generic/daemon)" "3 3"
expect_eq "none twice" "$(ids /generic/daemon | sort | uniq -d)" ""
expect_eq "Slack paced across both senders" "$($PY "$RX" fast "$LOG")" 0
plan '{"/teams/daemon": [{"status": 410}]}'
real $MR webhook add dgone --kind teams --url "$U/teams/daemon" >/dev/null || fail "add dgone"
n=0
while ! grep -q "dgone answered 410" "$T/daemon.log" && [ "$n" -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
expect_match "the daemon logs the disabling" "$(cat "$T/daemon.log")" \
	"webhook dgone answered 410 Gone and is disabled"
expect_match "and its posts" "$(cat "$T/daemon.log")" "webhook posted: case"
kill -TERM "$DPID"
wait "$DPID"
expect_eq "the daemon stops cleanly" "$?" 0
expect_eq "every request was what its receiver accepts" "$($PY "$RX" bad "$LOG")" ""

# --- an office whose group shares the database: its members (the daemon
# among them) read the credentials, others do not
if [ "$(id -u)" -eq 0 ] && command -v useradd >/dev/null 2>&1; then
	G=mrw$$
	if groupadd "$G" && useradd -M -N -g "$G" -s /bin/sh "${G}a" &&
	    useradd -M -N -g "$G" -s /bin/sh "${G}b"; then
		at_exit "userdel ${G}a; userdel ${G}b; groupdel $G 2>/dev/null"
		chmod 711 "$T"
		chmod 644 "$MIPSREVIEW_CONFIG"
		install -m 755 "$MR" "$T/mipsreview"
		O="$T/office"
		install -d -g "$G" -m 2770 "$O"
		install -m 600 -o "${G}a" "$T/secret" "$T/asecret"
		as() { u=$1; shift; runuser -u "$u" -- env MIPSREVIEW_NOW="$MIPSREVIEW_NOW" \
			MIPSREVIEW_CONFIG="$MIPSREVIEW_CONFIG" NO_COLOR=1 "$@"; }
		ok "a member adds a webhook" as "${G}a" "$T/mipsreview" --db "$O/mr.db" \
			webhook add grp --kind generic --url "$U/generic/grp" --secret-file "$T/asecret"
		expect_eq "the credentials: a setgid folder, a file only the group reads" \
			"$(stat -c '%a %G' "$O/webhooks") $(stat -c '%a %G' "$O"/webhooks/*)" "2770 $G 640 $G"
		ok "another member posts with them" as "${G}b" "$T/mipsreview" --db "$O/mr.db" \
			webhook test grp
		expect_eq "the signed test arrived" "$(count /generic/grp)" 1
	else
		fail "cannot create throwaway users"
	fi
fi

# --- a database of the schema before the log listed every attempt keeps
# its log on upgrade
old="$T/old.db"
for f in $(sed -n 's|^SQL_FILES +\?= ||p' "$top_srcdir/sql/local.mk"); do
	case $f in *_webhook_attempts.sql) break ;; esac
	cat "$top_srcdir/$f"
done | sqlite3 "$old" || fail "building a database of the previous schema"
prev=$(sed -n 's|^SQL_FILES +\?= ||p' "$top_srcdir/sql/local.mk" | grep -n '_webhook_attempts.sql' | cut -d: -f1)
prev=$((prev - 1))
chmod 600 "$old"
sqlite3 "$old" "PRAGMA user_version = $prev; PRAGMA application_id = 1296650323;
INSERT INTO webhook_attempt (id, at, endpoint, endpoint_id, delivery_id,
 webhook_id, kind, what, item_id, offset_secs, status, outcome, error,
 maybe_duplicate) VALUES (7, '2024-10-01T12:00:00Z', 'ops', 1, 3, 'msg_x',
 'reminder', 'case', 1, 1209600, 503, 'retry', 'HTTP 503', 0)"
MIPSREVIEW_DB="$old" $MR alerts log --json >"$T/out" 2>"$T/err" || fail "upgrade: $(cat "$T/err")"
expect_eq "upgrade: the log is kept" \
	"$(json_get 0.id <"$T/out") $(json_get 0.outcome <"$T/out") $(json_get 0.status <"$T/out")" "7 retry 503"
expect_eq "upgrade: an interrupted attempt can be logged" \
	"$(sqlite3 "$old" "INSERT INTO webhook_attempt (at, endpoint, webhook_id, kind, outcome) VALUES ('x', 'ops', 'msg_y', 'reminder', 'interrupted'); SELECT max(id) FROM webhook_attempt")" 8
expect_eq "upgrade: integrity" "$(sqlite3 "$old" "PRAGMA foreign_key_check; PRAGMA integrity_check")" "ok"

alerts_finish
