#!/bin/sh
# The Acknowledge button of the office's case and hardship pages: shown
# to officers and administrators within their TINs, with the session's
# CSRF token; acknowledging records and audits the account's name and the
# page then shows who, when and the note.  A viewer, an officer of another
# practice and a form without the token are refused with nothing written.
. "$top_srcdir/tests/e2e/lib.sh"
command -v curl >/dev/null 2>&1 || { echo "SKIP: no curl"; exit 77; }

cat >"$T/mr.conf" <<EOT
listen = 127.0.0.1:0
EOT
export MIPSREVIEW_CONFIG="$T/mr.conf"
unset MIPSREVIEW_NOW
year=$(($(date -u +%Y) - 1))
ok "case of practice A" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--name "Dr. Ada Example" --year "$year" --reason scoring-error
ok "its deadline" "$MR" window add --kind targeted-review --year "$year" \
	--closes "$((year + 2))-01-15 19:00 America/Chicago" --source "a test notice"
ok "a filing of practice A" "$MR" hardship add --tin "$SEED_TIN" --year "$year" \
	--type euc --categories quality --event "IV fluid shortage" --name "Dr. Hardy"
ok "its deadline" "$MR" window add --kind euc-hardship --year "$year" \
	--closes "$((year + 2))-01-20 19:00 America/Chicago" --source "a test notice"
pw="correct horse battery staple"
echo "$pw" >"$T/pw"
ok "officer of A" "$MR" user add ofa --role officer --tin "$SEED_TIN" --password-stdin <"$T/pw"
ok "viewer of A" "$MR" user add via --role viewer --tin "$SEED_TIN" --password-stdin <"$T/pw"
ok "officer of B" "$MR" user add ofb --role officer --tin 98-7654321 --password-stdin <"$T/pw"

"$MRD" --config "$T/mr.conf" --db "$MIPSREVIEW_DB" 2>"$T/d.log" &
dpid=$!
at_exit "kill $dpid 2>/dev/null"
i=0
until grep -q 'ready' "$T/d.log" 2>/dev/null; do
	i=$((i + 1)); [ "$i" -lt 200 ] || { fail "daemon not ready: $(cat "$T/d.log")"; finish; }
	sleep 0.05
done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/d.log")
base="http://127.0.0.1:$port"

as() {
	who=$1 p=$2; shift 2
	rm -f "$T/b" "$T/h"; : >"$T/b"
	curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' --max-time 20 \
		-b "$T/jar.$who" -c "$T/jar.$who" "$@" "$base$p"
}
login() {
	: >"$T/jar.$1"
	as "$1" /app/login >/dev/null
	t=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/b" | head -n 1)
	as "$1" /app/login --data-urlencode "user=$1" --data-urlencode "password=$pw" \
		--data-urlencode "csrf=$t" >/dev/null
	grep -q mr_session "$T/jar.$1" || fail "$1 could not sign in: $(head -c 300 "$T/b")"
	as "$1" /app/due >/dev/null
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/b" | head -n 1 >"$T/csrf.$1"
}
csrf() { cat "$T/csrf.$1"; }
header() { sed -n "s/^$1: //Ip" "$T/h" | tr -d '\r'; }
acks() { sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM alert_ack"; }
for u in ofa via ofb; do login "$u"; done

# -- the case page
expect_eq "ofa: the case" "$(as ofa /app/cases/1)" 200
expect_match "it says it is not acknowledged" "$(cat "$T/b")" "Not acknowledged"
expect_match "with the button for an officer" "$(cat "$T/b")" 'action="/app/cases/1/ack"'
expect_match "the form carries the session's token" "$(cat "$T/b")" "name=\"csrf\" value=\"$(csrf ofa)\""
expect_eq "via: the case" "$(as via /app/cases/1)" 200
expect_match "a viewer sees the state" "$(cat "$T/b")" "Not acknowledged"
expect_eq "but no button" "$(grep -c '/app/cases/1/ack' "$T/b")" 0

before=$(db_digest)
expect_eq "via: POST is refused" "$(as via /app/cases/1/ack --data-urlencode "csrf=$(csrf via)")" 403
expect_eq "ofb: another practice's case reads as absent" "$(as ofb /app/cases/1/ack --data-urlencode "csrf=$(csrf ofb)")" 404
expect_eq "ofa: without the token" "$(as ofa /app/cases/1/ack --data-urlencode note=x)" 403
expect_eq "ofa: with another session's token" "$(as ofa /app/cases/1/ack --data-urlencode "csrf=$(csrf via)")" 403
expect_eq "ofa: a note with a line break" "$(as ofa /app/cases/1/ack --data-urlencode "csrf=$(csrf ofa)" --data-urlencode "note=$(printf 'a\nb')")" 400
expect_match "it says why" "$(cat "$T/b")" "control character"
expect_eq "nothing written" "$(db_digest)" "$before"

expect_eq "ofa acknowledges: 303" "$(as ofa /app/cases/1/ack --data-urlencode "csrf=$(csrf ofa)" --data-urlencode "note=Ada files Monday")" 303
expect_eq "back to the case" "$(header Location)" "/app/cases/1?done=ack"
expect_eq "recorded under the account's name" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT acked_by || '|' || note FROM alert_ack WHERE what = 'case' AND item_id = 1")" \
	"ofa|Ada files Monday"
expect_eq "audited under the account's name" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT who FROM audit WHERE entity = 'case' AND entity_id = 1 AND action = 'acknowledge deadline'")" ofa
expect_eq "the case again" "$(as ofa '/app/cases/1?done=ack')" 200
expect_match "it says it was done" "$(cat "$T/b")" "The deadline was acknowledged"
expect_match "who, when and the note" "$(cat "$T/b")" 'Acknowledged by ofa at <time datetime="[0-9T:Z-]+">[0-9T:Z-]+</time>: <span class="note">Ada files Monday</span>'
expect_eq "no button any more" "$(grep -c 'action="/app/cases/1/ack"' "$T/b")" 0
expect_eq "twice: 409" "$(as ofa /app/cases/1/ack --data-urlencode "csrf=$(csrf ofa)")" 409
expect_match "it says by whom" "$(cat "$T/b")" "already acknowledged for this deadline \(by ofa"
expect_eq "one acknowledgement" "$(acks)" 1

# -- the hardship page
expect_eq "ofa: the filings" "$(as ofa /app/hardship)" 200
expect_match "a button per open filing" "$(cat "$T/b")" 'action="/app/hardship/1/ack"'
as via /app/hardship >/dev/null
expect_eq "no button for a viewer" "$(grep -c '/app/hardship/1/ack' "$T/b")" 0
before=$(db_digest)
expect_eq "via: POST is refused" "$(as via /app/hardship/1/ack --data-urlencode "csrf=$(csrf via)")" 403
expect_eq "ofb: another practice's filing" "$(as ofb /app/hardship/1/ack --data-urlencode "csrf=$(csrf ofb)")" 404
expect_eq "ofa: without the token" "$(as ofa /app/hardship/1/ack --data-urlencode note=x)" 403
expect_eq "nothing written" "$(db_digest)" "$before"
expect_eq "ofa acknowledges the filing: 303" "$(as ofa /app/hardship/1/ack --data-urlencode "csrf=$(csrf ofa)")" 303
expect_eq "back to the filings, on the page that begins with it" "$(header Location)" \
	"/app/hardship?after=0&done=ack#filing-1"
expect_eq "recorded under the account's name" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT acked_by FROM alert_ack WHERE what = 'hardship' AND item_id = 1")" ofa
as ofa '/app/hardship?done=ack' >/dev/null
expect_match "the filings page shows who" "$(cat "$T/b")" "Acknowledged by ofa at"
ok "audit chain verifies" "$MR" audit --verify
finish
