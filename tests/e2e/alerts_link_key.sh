#!/bin/sh
# The key signing the acknowledgement links is a secret: a key file that
# other users may read (or, for an office's shared database, users outside
# its group) is refused, as is a damaged one.  The mails then name the
# 'alerts ack' command instead of a link, with one warning per run naming
# the file and the fix; the daemon's link page says links are unavailable
# without telling the visitor why and logs the reason for the
# administrator.  Nothing replaces the refused file.  Real SMTP and HTTP
# on loopback.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/alerts_lib.sh"
command -v curl >/dev/null 2>&1 || { echo "SKIP: no curl"; exit 77; }

KEY="$MIPSREVIEW_DB.link-key"
start_sink main || finish
write_config "$PORT" "base_url = https://office.practice.example/mr/"
add_case --name "Dr. Ada Example" --owner ada@practice.example
add_case --name "Dr. Bo Example" --owner bo@practice.example
body_of() { $PY "$CHECK_PY" "$T/main/mail" body "$1"; }
link_of() { body_of "$1" |
	sed -n 's|^  https://office\.practice\.example/mr\(/app/ack?t=[^ ]*\)$|\1|p'; }

ok "the 14d reminders, signed with a new key" $MR alerts send
expect_eq "the key file is private" "$(stat -c %a "$KEY")" 600
l1=$(link_of case-1.1728691200.14d@)
expect_match "the reminder carries its link" "$l1" '^/app/ack\?t=v1\.case\.1\.'
expect_eq "no warning when the key is fine" "$(cat "$T/err")" ""

# --- a key other users may read: no link, one warning, the file kept
chmod 644 "$KEY"
key_before=$(cat "$KEY")
ok "the 7d reminders with the key readable by all" $MR alerts send --now 2024-10-05T00:00:30Z
expect_eq "both reminders went out" \
	"$(mails main | grep -c '\.7d@')" 2
for c in 1 2; do
	body=$(body_of "case-$c.1728691200.7d@")
	expect_eq "case $c: no link" "$(printf '%s\n' "$body" | grep -c '/app/ack')" 0
	expect_match "case $c: the command instead" "$body" \
		"Acknowledge it and the reminders to the owner stop: mipsreview alerts ack $c$"
done
expect_eq "one warning for the run" "$(wc -l <"$T/err")" 1
expect_match "it names the file and the fix" "$(cat "$T/err")" \
	"acknowledgement link key file '$KEY': other users may read it \(mode 0644\).*chmod 600 $KEY"
expect_match "it says what the mails carry instead" "$(cat "$T/err")" \
	"name the 'mipsreview alerts ack' command instead"
expect_eq "the refused key is not replaced" "$(cat "$KEY")" "$key_before"
expect_eq "nor its mode changed" "$(stat -c %a "$KEY")" 644

# --- group read on a private database is refused too
chmod 640 "$KEY"
ok "the 3d reminders with the key readable by the group" $MR alerts send --now 2024-10-09T00:00:30Z
expect_eq "case 1's 3d reminder: no link" \
	"$(body_of case-1.1728691200.3d@ | grep -c '/app/ack')" 0
expect_match "the warning says the group may read it" "$(cat "$T/err")" \
	"its group may read it \(mode 0640\).*chmod 600 $KEY"

# --- the daemon: links unavailable, the reason in its log only
cat >"$T/d.conf" <<EOT
listen = 127.0.0.1:0
EOT
start_daemon() {
	rm -f "$T/d.log"
	MIPSREVIEW_NOW=$1 "$MRD" --config "$T/d.conf" --db "$MIPSREVIEW_DB" 2>"$T/d.log" &
	dpid=$!
	at_exit "kill $dpid 2>/dev/null"
	i=0
	until grep -q 'ready' "$T/d.log" 2>/dev/null; do
		i=$((i + 1)); [ "$i" -lt 200 ] || { fail "daemon not ready: $(cat "$T/d.log")"; finish; }
		sleep 0.05
	done
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/d.log")
	base="http://127.0.0.1:$port"
}
stop_daemon() { kill "$dpid"; wait "$dpid" 2>/dev/null; }
get() {
	rm -f "$T/b"; : >"$T/b"
	curl -s -o "$T/b" -w '%{http_code}' --max-time 10 "$base$1"
}
post() {
	t=$1; shift
	rm -f "$T/b"; : >"$T/b"
	curl -s -o "$T/b" -w '%{http_code}' --max-time 10 \
		--data-urlencode "t=$t" "$@" "$base/app/ack"
}
chmod 644 "$KEY"
start_daemon 2024-10-05T06:00:00Z
before=$(db_digest)
expect_eq "GET a good link with a key readable by all: 503" "$(get "$l1")" 503
expect_match "the page says links are unavailable" "$(cat "$T/b")" \
	"acknowledgement links do not work on this service"
expect_eq "the page does not name the key file" "$(grep -c 'link-key\|chmod' "$T/b")" 0
expect_eq "POST it: 503" \
	"$(post "${l1#*t=}" --data-urlencode address=ada@practice.example)" 503
expect_eq "nothing recorded" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM alert_ack")" 0
expect_eq "nothing written" "$(db_digest)" "$before"
expect_match "the daemon's log names the file and the fix" "$(cat "$T/d.log")" \
	"acknowledgement link key file '$KEY': other users may read it.*chmod 600 $KEY"
chmod 600 "$KEY"
expect_eq "once fixed, the same link works: 200" "$(get "$l1")" 200
expect_match "and asks to confirm" "$(cat "$T/b")" '<form method="post" action="/app/ack">'
stop_daemon

# --- a damaged key: no link, one warning saying what to do
printf 'key nothex\n' >"$KEY"
ok "the 1d reminders with a damaged key" $MR alerts send --now 2024-10-11T00:00:30Z
expect_eq "case 2's 1d reminder: no link" \
	"$(body_of case-2.1728691200.1d@ | grep -c '/app/ack')" 0
expect_match "case 2's 1d reminder: the command" "$(body_of case-2.1728691200.1d@)" \
	"mipsreview alerts ack 2$"
expect_eq "one warning for the run" "$(wc -l <"$T/err")" 1
expect_match "it names the damaged file" "$(cat "$T/err")" \
	"acknowledgement link key file '$KEY' is damaged"
expect_match "it says what to do and what it costs" "$(cat "$T/err")" \
	"remove it to make a new one \(links already mailed then stop working\)"
expect_eq "the damaged key is kept for the administrator" "$(cat "$KEY")" "key nothex"
start_daemon 2024-10-11T01:00:00Z
expect_eq "GET a link with a damaged key: 503" "$(get "$l1")" 503
expect_match "the daemon logs the damage" "$(cat "$T/d.log")" "'$KEY' is damaged"
stop_daemon

# --- removed as told: a new key, links again
rm "$KEY"
ok "the 4h reminders make a new key" $MR alerts send --now 2024-10-11T20:00:30Z
expect_match "case 1's 4h reminder carries a link again" \
	"$(link_of case-1.1728691200.4h@)" '^/app/ack\?t=v1\.case\.1\.'
expect_eq "no warning" "$(cat "$T/err")" ""
expect_eq "the new key is private" "$(stat -c %a "$KEY")" 600

# --- an office's shared database: its group may read the key, others not
mkdir "$T/office"; chmod 2770 "$T/office"
export MIPSREVIEW_DB="$T/office/mr.db"
KEY="$MIPSREVIEW_DB.link-key"
add_case --name "Dr. Cy Example" --owner cy@practice.example
ok "the office's 14d reminder" $MR alerts send
expect_eq "the office's key: its group may read it" "$(stat -c %a "$KEY")" 640
expect_eq "in the folder's group" "$(stat -c %g "$KEY")" "$(stat -c %g "$T/office")"
expect_eq "no warning for a group-readable key in a shared folder" "$(cat "$T/err")" ""
chmod 644 "$KEY"
ok "the office's 7d reminder" $MR alerts send --now 2024-10-05T00:00:30Z
expect_match "others may not: the fix keeps the group" "$(cat "$T/err")" \
	"users outside group [^ ]+ may read it \(mode 0644\).*chmod 640 $KEY"
alerts_finish
