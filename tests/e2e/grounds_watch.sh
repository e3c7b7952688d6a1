#!/bin/sh
# mipsreviewd's qpp_refresh: the daemon asks the local HTTPS stand-in for
# CMS's QPP Eligibility API again for the records of the open cases, and
# when a record changed in a way that takes a ground away or gives one,
# one mail (through the alert ledger, to a real SMTP server on loopback)
# names the case and the ground; an unchanged record sends nothing.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/alerts_lib.sh"
DATA="$top_srcdir/tests/data/qpp"

# A test CA and a server certificate for 127.0.0.1 signed by it.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ca test CA" \
	-keyout "$T/ca.key" -out "$T/ca.pem" 2>/dev/null &&
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
	-keyout "$T/srv.key" -out "$T/srv.csr" 2>/dev/null &&
printf 'subjectAltName=IP:127.0.0.1\n' >"$T/san.ext" &&
openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
	-CAcreateserial -days 2 -extfile "$T/san.ext" -out "$T/srv.pem" 2>/dev/null ||
	{ echo "openssl failed"; exit 1; }
mkdir "$T/override"
$PY "$top_srcdir/tests/e2e/qpp_server.py" "$T/srv.pem" "$T/srv.key" \
	"$DATA" "$T/qport" "$T/requests.log" "$T/override" 2>"$T/server.err" &
SRV=$!
at_exit "kill $SRV 2>/dev/null"
wait_for "$T/qport" || { echo "server did not start: $(cat "$T/server.err")"; exit 1; }
QPORT=$(cat "$T/qport")

start_sink watch || finish
write_config "$PORT" "qpp_api_url = https://127.0.0.1:$QPORT" \
	"qpp_ca_file = $T/ca.pem" "qpp_timeout = 5" "qpp_retries = 0" \
	"qpp_rate_limit = 0" "qpp_refresh = 1d"

# grounds_mails: "Message-ID|To|Subject" of the grounds mails, a line each.
grounds_mails() {
	[ -d "$T/watch/mail" ] || return 0
	$PY -c 'import mailbox, sys
from email import policy
from email.parser import BytesParser
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
for k in sorted(box.keys()):
    with box.get_file(k) as f:
        m = BytesParser(policy=policy.default).parse(f)
    if ".grounds-" in m["Message-ID"]:
        print("%s|%s|%s" % (m["Message-ID"], m["X-RcptTo"], m["Subject"]))' "$T/watch/mail"
}
grounds_body() {
	$PY -c 'import mailbox, sys
from email import policy
from email.parser import BytesParser
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
for k in sorted(box.keys()):
    with box.get_file(k) as f:
        m = BytesParser(policy=policy.default).parse(f)
    if sys.argv[2] in m["Message-ID"]:
        print(m.get_body(preferencelist=("plain",)).get_content())' "$T/watch/mail" "$1"
}
runs_done() { sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM qpp_refresh_run WHERE finished_at IS NOT NULL"; }

# start_daemon: mipsreviewd on the real clock; wait_runs N: until N runs ended.
start_daemon() {
	env -u MIPSREVIEW_NOW $MRD --config "$MIPSREVIEW_CONFIG" --db "$MIPSREVIEW_DB" \
		--listen 127.0.0.1:0 2>>"$T/daemon.log" &
	DPID=$!
	at_exit "kill $DPID 2>/dev/null"
}
stop_daemon() {
	kill -TERM "$DPID"
	wait "$DPID"
	expect_eq "the daemon stops cleanly" "$?" 0
}
wait_runs() {
	n=0
	while [ "$(runs_done)" -lt "$1" ] && [ "$n" -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
	expect_eq "refresh run $1 ended" "$(runs_done)" "$1"
}
# As if a day went by since the last run.
a_day_later() { sqlite3 "$MIPSREVIEW_DB" "UPDATE qpp_refresh_run SET started_at = started_at - 90000"; }

# A QP clinician who got a MIPS adjustment: CMS's record proves the ground.
ok "case: a QP adjusted" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--name "Dr Summers" --year 2024 --reason qp-status --adjustment -4.5 \
	--quality 40 --cost 20 --pi 50 --ia 30 --owner owner@practice.example
ok "case: another clinician, record unchanged" "$MR" add --tin "$SEED_TIN" \
	--npi 1000000202 --name "Dr Other" --year 2024 --reason other
ok "case: a closed one is not asked for" "$MR" add --tin "$SEED_TIN" \
	--npi 1000000210 --name "Dr Closed" --year 2024 --reason other
ok "closed" "$MR" status 3 withdrawn
ok "lookup" "$MR" lookup 1
ok "lookup" "$MR" lookup 2
expect_eq "the QP ground" "$("$MR" grounds 1 --json | json_get grounds.0.ground)" "qp-status"

# Off by default: a daemon without qpp_refresh asks CMS nothing.
grep -v qpp_refresh "$MIPSREVIEW_CONFIG" >"$T/off.conf"
: >"$T/requests.log"
env -u MIPSREVIEW_NOW $MRD --config "$T/off.conf" --db "$MIPSREVIEW_DB" \
	--listen 127.0.0.1:0 2>"$T/off.log" &
OPID=$!
at_exit "kill $OPID 2>/dev/null"
n=0
while ! grep -q "ready" "$T/off.log" && [ "$n" -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
kill -TERM "$OPID"; wait "$OPID"
expect_eq "off by default: no request" "$(grep -c . "$T/requests.log")" 0
expect_eq "off by default: no run" "$(runs_done)" 0

# CMS's record changes: no longer a QP.  The daemon's first run finds it.
sed 's/"qpStatus": "Q"/"qpStatus": "N"/' "$DATA/record_full.json" >"$T/override/$SEED_NPI.json"
start_daemon
wait_runs 1
n=0
while [ -z "$(grounds_mails)" ] && [ "$n" -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
stop_daemon
expect_eq "the open cases asked for, the closed one not" \
	"$(cut -d' ' -f1 "$T/requests.log" | sed 's/?.*//' | sort | tr '\n' ' ')" \
	"/api/eligibility/npis/1000000202 /api/eligibility/npis/$SEED_NPI "
expect_eq "one grounds mail" "$(grounds_mails | grep -c .)" 1
expect_match "it names the case and the ground lost" "$(grounds_mails)" \
	"^<?mipsreview\.case-1\.grounds-1@practice\.example>?\|.*\|CMS's record for Dr Summers \(case 1\) changed its grounds: lost qp-status$"
expect_match "to the owner and alert_to" "$(grounds_mails | cut -d'|' -f2)" \
	"owner@practice.example.*officer@practice.example"
expect_match "the body says what the record said" "$(grounds_body grounds-1)" \
	"^- qp-status, no longer: the record had said supports \\(qpStatus\\): "
expect_match "the body says how to see the grounds" "$(grounds_body grounds-1)" "mipsreview grounds 1"
expect_eq "the change is kept" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT case_id || ' ' || gained || '|' || lost FROM grounds_change")" "1 |qp-status"
expect_eq "the ledger says sent" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT kind || ' ' || state FROM alert_ledger")" "grounds sent"
expect_eq "the change is audited" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT who || ' ' || action FROM audit WHERE entity = 'case' AND action = 'grounds-changed'")" "mipsreviewd grounds-changed"
expect_eq "the run is recorded" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT asked || ' ' || changed || ' ' || failed || ' ' || grounds_changes FROM qpp_refresh_run")" "2 1 0 1"
expect_eq "grounds now agree" "$("$MR" grounds 1 --json | json_get grounds.0.finding)" "does-not-support"

# A restart before the day is over asks nothing.
: >"$T/requests.log"
start_daemon
n=0
while ! grep -c "ready" "$T/daemon.log" | grep -q 2 && [ "$n" -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.5
stop_daemon
expect_eq "not due yet: no request" "$(grep -c . "$T/requests.log")" 0

# The next day, the record is the same: nothing to tell.
a_day_later
start_daemon
wait_runs 2
stop_daemon
expect_eq "asked again" "$(grep -c "npis/$SEED_NPI" "$T/requests.log")" 1
expect_eq "unchanged: still one grounds mail" "$(grounds_mails | grep -c .)" 1
expect_eq "unchanged: no change kept" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM grounds_change")" 1

# CMS restores the QP status: the ground comes back, told once.
rm "$T/override/$SEED_NPI.json"
a_day_later
start_daemon
wait_runs 3
n=0
while [ "$(grounds_mails | grep -c .)" -lt 2 ] && [ "$n" -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
stop_daemon
expect_eq "two grounds mails in all" "$(grounds_mails | grep -c .)" 2
expect_match "the ground gained" "$(grounds_mails | grep grounds-2)" \
	"changed its grounds: gained qp-status$"
expect_match "what proves it" "$(grounds_body grounds-2)" "^\\+ qp-status, supports \\(qpStatus\\): "
# cron beside it sends no second copy.
ok "alerts send" env -u MIPSREVIEW_NOW "$MR" alerts send
expect_eq "still two" "$(grounds_mails | grep -c .)" 2
expect_eq "no Message-ID twice" "$(grounds_mails | cut -d'|' -f1 | sort | uniq -d)" ""
alerts_finish
