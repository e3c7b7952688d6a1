#!/bin/sh
# Alerts when things go wrong: bad settings are refused before anything is
# written; a server that is down, refuses, rejects a recipient or the
# login, or fails TLS leaves the reminder unsent and retried — and once
# the fault is gone each reminder arrives exactly once.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/alerts_lib.sh"

# fresh_db NAME: a new database with one case due for its 14d reminder.
fresh_db() {
	export MIPSREVIEW_DB="$T/$1.db"
	add_case --name "Dr. Ada Example" --owner ada@practice.example
}

# send_fails DESC PATTERN: alerts send must exit 8 naming PATTERN on stderr,
# deliver nothing and mark nothing sent.
send_fails() {
	$MR alerts send >"$T/out" 2>"$T/err"; got=$?
	expect_eq "$1: exit status" "$got" 8
	expect_match "$1: stderr says why" "$(cat "$T/err")" "$2"
	expect_eq "$1: nothing marked sent" \
		"$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM alert_ledger WHERE state = 'sent'")" 0
}

start_sink main || finish
MAIN_PORT=$PORT
fresh_db settings

# --- bad settings: one line, exit 3, database untouched
write_config "$MAIN_PORT" "alert_to = officer@practice.example, bad@"
refuses "an invalid alert_to address" 3 "e-mail 'bad@'" $MR alerts send
write_config "$MAIN_PORT" "smtp_url = smtp://mail.example.org:25"
refuses "plain SMTP to a remote server" 3 "only allowed for a server on the loopback" $MR alerts send
write_config "$MAIN_PORT" "smtp_url = http://127.0.0.1:$MAIN_PORT"
refuses "a URL that is not SMTP" 3 "smtp://HOST" $MR alerts send
printf 'secret\n' >"$T/pw"
chmod 644 "$T/pw"
write_config "$MAIN_PORT" "smtp_user = alerts" "smtp_password_file = $T/pw"
refuses "a password file others can read" 3 "chmod 600" $MR alerts send
chmod 640 "$T/pw"
refuses "a password file the group can read" 3 "readable by its owner only" $MR alerts send
write_config "$MAIN_PORT" "smtp_user = alerts"
refuses "a user without a password file" 3 "smtp_password_file is not;" $MR alerts send
grep -v '^smtp_url' "$MIPSREVIEW_CONFIG" >"$T/c" && mv "$T/c" "$MIPSREVIEW_CONFIG"
ok "no smtp_url: alerts are off, which is no failure" $MR alerts send
expect_match "and says how to turn them on" "$(cat "$T/out")" \
	"^alerts are not configured, nothing sent: set smtp_url and smtp_from in $MIPSREVIEW_CONFIG"
expect_eq "on standard output only (cron drops it)" "$(cat "$T/err")" ""
ok "no smtp_url, --json" $MR alerts send --json
expect_eq "says configured: false" "$(json_get configured <"$T/out")" "False"
write_config "$MAIN_PORT"
refuses "a bad --now" 3 "2024-13-45" $MR alerts send --now 2024-13-45
$MR alerts resend >"$T/out" 2>"$T/err"
expect_eq "an unknown alerts command is a usage error" "$?" 2
expect_match "and says so" "$(head -1 "$T/err")" "alerts: unknown subcommand 'resend'; did you mean 'send'?"
expect_eq "no mail after bad settings" "$(count_mails main)" 0

# --- the server is not running, then runs
start_sink gone || finish
GONE_PORT=$PORT
stop_sink "$SINK_PID"
write_config "$GONE_PORT"
add_case --name "Dr. Second Case" --owner bo@practice.example
send_fails "server not running" "cannot reach the mail server smtp://127.0.0.1:$GONE_PORT"
expect_match "the second reminder is not tried after that" "$(cat "$T/err")" \
	"1 more reminder not tried"
expect_eq "the attempt is recorded as failed" "$(ledger_states)" "failed 1"
expect_eq "the failure is audited" "$(audit_count send-failed)" 1
expect_match "the ledger keeps the error" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT last_error FROM alert_ledger")" "cannot reach"
write_config "$MAIN_PORT"
ok "send once the server runs" $MR alerts send
expect_eq "both reminders arrived" "$(count_mails main)" 2
expect_eq "ledger: both sent" "$(ledger_states)" "sent 2"
ok "send again" $MR alerts send
expect_eq "still two" "$(count_mails main)" 2
expect_eq "no Message-ID twice" "$(dup_ids main)" ""

# --- a server that refuses (451) for a while, then accepts
fresh_db refusing
add_case --name "Dr. Second Case" --owner bo@practice.example
touch "$T/refuse"
start_sink refusing --refuse-file "$T/refuse" || finish
write_config "$PORT"
send_fails "server answers 451" "reply 451"
send_fails "still 451 on the next run" "reply 451"
expect_eq "two attempts recorded" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT attempts FROM alert_ledger WHERE item_id = 1")" 2
expect_eq "nothing stored while refusing" "$(count_mails refusing)" 0
rm -f "$T/refuse"
ok "send once it accepts" $MR alerts send
expect_eq "each reminder arrived once" "$(count_mails refusing)" 2
expect_eq "no Message-ID twice" "$(dup_ids refusing)" ""
expect_eq "the third attempt succeeded" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT state, attempts FROM alert_ledger WHERE item_id = 1")" "sent|3"

# --- a malformed owner address in the database; a recipient the server rejects
fresh_db recipients
start_sink recipients || finish
write_config "$PORT"
sqlite3 "$MIPSREVIEW_DB" "UPDATE review_case SET owner = 'not an address' WHERE id = 1"
add_case --name "Dr. Rejected" --owner rejected@practice.example
add_case --name "Dr. Fine" --owner fine@practice.example
before=$(count_mails recipients)
$MR alerts send >"$T/out" 2>"$T/err"; got=$?
expect_eq "bad recipients: exit 8" "$got" 8
expect_match "the malformed owner is named" "$(cat "$T/err")" \
	"case 1, 14d reminder: case 1: owner e-mail 'not an address'"
expect_match "the rejected recipient is named" "$(cat "$T/err")" "case 2, 14d reminder: .*reply 550"
expect_eq "the other reminder and the other recipient still got theirs" \
	"$(count_mails recipients)" $((before + 2))
expect_eq "ledger: two failed, one sent" "$(ledger_states)" "failed 2
sent 1"
ok "fix the owner" $MR set 1 owner=ada@practice.example
ok "fix the other owner" $MR set 2 owner=bo@practice.example
ok "send after the fixes" $MR alerts send
expect_eq "all delivered, the new owner alone" "$(count_mails recipients)" $((before + 4))
expect_eq "no recipient got a Message-ID twice" \
	"$(mails recipients | cut -d'|' -f1,2 | sort | uniq -d)" ""

# --- three recipients, one refused with 550: the others get it once, the
# refused one on a later run once the server takes it
fresh_db partial
echo "cy@practice.example" >"$T/refuse-rcpt"
start_sink partial --refuse-rcpt-file "$T/refuse-rcpt" || finish
write_config "$PORT"
sed -i 's/^alert_to = .*/alert_to = bo@practice.example, cy@practice.example/' "$MIPSREVIEW_CONFIG"
$MR alerts send >"$T/out" 2>"$T/err"; got=$?
expect_eq "one refused recipient: exit 8" "$got" 8
expect_match "the refused address is named" "$(cat "$T/err")" \
	"refused cy@practice.example .reply 550."
expect_eq "the two others got it once" "$(mails partial | cut -d'|' -f2)" \
	"ada@practice.example, bo@practice.example"
expect_eq "per recipient: two sent, one refused" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT address, state FROM alert_recipient ORDER BY address")" \
	"ada@practice.example|sent
bo@practice.example|sent
cy@practice.example|refused"
expect_eq "the partial send is audited with each outcome" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT json_extract(after, '$.delivered_to'), json_extract(after, '$.refused[0].address') FROM audit WHERE entity = 'alert' AND action = 'partly-sent'")" \
	'["ada@practice.example","bo@practice.example"]|cy@practice.example'
$MR alerts send >"$T/out" 2>"$T/err"; got=$?
expect_eq "still refused: exit 8" "$got" 8
expect_eq "no second copy for the others" "$(count_mails partial)" 1
rm -f "$T/refuse-rcpt"
ok "send once the server takes it" $MR alerts send
expect_eq "the refused one got it, alone" "$(mails partial | cut -d'|' -f2 | sort)" \
	"ada@practice.example, bo@practice.example
cy@practice.example"
expect_eq "no Message-ID twice per recipient" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT address, state, attempts FROM alert_recipient ORDER BY address")" \
	"ada@practice.example|sent|1
bo@practice.example|sent|1
cy@practice.example|sent|3"
expect_eq "the reminder is sent" "$(ledger_states)" "sent 1"
expect_eq "the last delivery is audited" "$(sqlite3 "$MIPSREVIEW_DB" \
	"SELECT json_extract(after, '$.delivered_to') FROM audit WHERE entity = 'alert' AND action = 'sent'")" \
	'["cy@practice.example"]'
ok "nothing left to send" $MR alerts send
expect_eq "no further message" "$(count_mails partial)" 2
stop_sink "$SINK_PID"

# --- a wrong password, then the right one
fresh_db auth
start_sink auth --auth alerts:s3cret || finish
printf 'wrong\n' >"$T/pw"
chmod 600 "$T/pw"
write_config "$PORT" "smtp_user = alerts" "smtp_password_file = $T/pw"
send_fails "wrong password" "refused the login of 'alerts'"
expect_eq "nothing stored after a refused login" "$(count_mails auth)" 0
if grep -q wrong "$T/err" "$T/out"; then fail "the password was printed"; else pass; fi
printf 's3cret\n' >"$T/pw"
ok "send with the right password" $MR alerts send
expect_eq "delivered once after login" "$(count_mails auth)" 1

# --- STARTTLS and smtps with a self-signed certificate
fresh_db tls
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
	-days 2 -subj /CN=localhost \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null ||
	fail "openssl could not make a certificate"
write_config "$MAIN_PORT" "smtp_starttls = required"
send_fails "STARTTLS required, server offers none" "does not offer STARTTLS"
start_sink tls --tls "$T/cert.pem" "$T/key.pem" || finish
write_config "$PORT" "smtp_starttls = required"
send_fails "STARTTLS with an unknown certificate" "TLS with the mail server .* failed"
write_config "$PORT" "smtp_starttls = required" "smtp_ca_file = $T/cert.pem"
ok "send over STARTTLS" $MR alerts send
expect_eq "delivered once over STARTTLS" "$(count_mails tls)" 1
fresh_db smtps
start_sink smtps --smtps "$T/cert.pem" "$T/key.pem" || finish
write_config "$PORT" "smtp_url = smtps://127.0.0.1:$PORT" "smtp_ca_file = $T/cert.pem"
ok "send over smtps" $MR alerts send
expect_eq "delivered once over smtps" "$(count_mails smtps)" 1
alerts_finish
