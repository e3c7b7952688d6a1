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
expect_eq "the log marks the resend" "$(attempts kill)" "200 sent 1;"
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

alerts_finish
