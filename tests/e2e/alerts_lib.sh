# tests/e2e/alerts_lib.sh: what the alert tests share, sourced after lib.sh.
# A real SMTP server on loopback (tests/e2e/smtp_sink.py over Debian's
# python3-aiosmtpd) and a reader that parses what it stored.
PY=/usr/bin/python3
SINK_PY="$top_srcdir/tests/e2e/smtp_sink.py"
CHECK_PY="$top_srcdir/tests/e2e/mailcheck.py"
export MIPSREVIEW_CONFIG="$T/mr.conf"

# start_sink NAME [sink options]: a server storing into $T/NAME/mail;
# sets SINK_PID and PORT.
start_sink() {
	name=$1; shift
	mkdir -p "$T/$name"
	rm -f "$T/$name/port" "$T/$name/stalled"
	$PY "$SINK_PY" --port-file "$T/$name/port" --maildir "$T/$name/mail" \
		"$@" 2>>"$T/$name/log" &
	SINK_PID=$!
	at_exit "kill $SINK_PID 2>/dev/null"
	n=0
	while [ ! -s "$T/$name/port" ]; do
		kill -0 "$SINK_PID" 2>/dev/null || { fail "sink $name died: $(cat "$T/$name/log")"; return 1; }
		n=$((n + 1)); [ "$n" -lt 400 ] || { fail "sink $name did not start"; return 1; }
		sleep 0.05
	done
	PORT=$(cat "$T/$name/port")
}

stop_sink() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# write_config PORT [extra "key = value" lines...]: plain SMTP on loopback.
write_config() {
	port=$1; shift
	{
		echo "smtp_url = smtp://127.0.0.1:$port"
		echo "smtp_from = alerts@practice.example"
		echo "smtp_starttls = never"
		echo "smtp_timeout = 10"
		echo "alert_to = officer@practice.example"
		echo "alert_zone = America/New_York"
		for l in "$@"; do echo "$l"; done
	} >"$MIPSREVIEW_CONFIG"
}

# mails NAME: one line per stored message (Message-ID|rcpts|subject|dtstart),
# failing the test if any message does not parse as a mail reader would.
mails() {
	[ -d "$T/$1/mail" ] || return 0
	# Runs in $(...): record a failure in a file, alerts_finish counts it.
	$PY "$CHECK_PY" "$T/$1/mail" 2>"$T/mailcheck.err" || {
		echo "FAIL: stored mail does not parse: $(cat "$T/mailcheck.err")" >&2
		touch "$T/mailcheck.failed"
	}
}
count_mails() { mails "$1" | grep -c . ; }
# Message-IDs that arrived more than once (none expected).
dup_ids() { mails "$1" | cut -d'|' -f1 | sort | uniq -d; }

# ledger_states: "state count" lines of the alert ledger.
ledger_states() { sqlite3 "$MIPSREVIEW_DB" "SELECT state, count(*) FROM alert_ledger GROUP BY state ORDER BY state" | tr '|' ' '; }
ledger_state_of() { sqlite3 "$MIPSREVIEW_DB" "SELECT state FROM alert_ledger WHERE id = $1"; }
audit_count() { sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM audit WHERE entity = 'alert' AND action = '$1'"; }

# wait_for FILE: up to 20 s.
wait_for() {
	n=0
	while [ ! -e "$1" ]; do
		n=$((n + 1)); [ "$n" -lt 400 ] || return 1
		sleep 0.05
	done
}

add_case() {
	$MR add --tin "$SEED_TIN" --npi "$SEED_NPI" --year 2023 \
		--reason euc-not-applied --force "$@" >/dev/null ||
		fail "add case $*"
}

alerts_finish() {
	[ ! -e "$T/mailcheck.failed" ] || fail "some stored mail did not parse (above)"
	finish
}
