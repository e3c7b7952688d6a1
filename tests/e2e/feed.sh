#!/bin/sh
# mipsreview feed + mipsreviewd: the subscription URL, the served calendar
# read by real clients, ETag/304, 404 for wrong and revoked tokens,
# changes picked up without a restart, SIGHUP, SIGTERM, --daemon.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/clients.sh"
need_tool curl

cat >"$T/mr.conf" <<EOF
# a test configuration
listen = 127.0.0.1:0
base_url = https://cal.example.org/mr/
calendar_alarms = 14d, 1d
refresh_interval = 1800
EOF
export MIPSREVIEW_CONFIG="$T/mr.conf"

ok "seed case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2023 --reason scoring-error
ok "add a feed" "$MR" feed add officer
url=$(cat "$T/out")
expect_match "the URL is base_url + /calendar/TOKEN.ics" "$url" \
	'^https://cal\.example\.org/mr/calendar/[A-Za-z0-9_-]{32}\.ics$'
token=${url##*/calendar/}
token=${token%.ics}
ok "feed list" "$MR" feed list
expect_eq "feed list never shows the token" "$(grep -c -- "$token" "$T/out")" "0"
"$MR" feed list --json >"$T/list.json"
expect_eq "feed list --json" "$(json_get 0.name <"$T/list.json") $(json_get 0.active <"$T/list.json")" "officer True"
expect_eq "the token is not in the database" \
	"$(cat "$MIPSREVIEW_DB" "$MIPSREVIEW_DB-wal" 2>/dev/null | grep -c -a -- "$token")" "0"
ok "the feed is audited" "$MR" audit --json
expect_match "audit has the feed" "$(cat "$T/out")" '"entity": "feed"'
expect_eq "audit never shows the token" "$(grep -c -- "$token" "$T/out")" "0"
ok "a second feed for one TIN" "$MR" feed add board --tin 98-7654321 --year 2023
other=$(cat "$T/out"); other=${other##*/calendar/}; other=${other%.ics}
refuses "duplicate feed name" 5 "exists already" "$MR" feed add officer
refuses "revoke unknown" 4 "no active feed" "$MR" feed revoke nosuch

# -- the daemon, with a systemd notification socket listening
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2], "w").close()
with open(sys.argv[2], "a") as f:
    while True:
        m = s.recv(512).decode()
        f.write(m + "\n"); f.flush()
' "$T/notify.sock" "$T/notify.log" &
npid=$!
at_exit "kill $npid 2>/dev/null"
until [ -e "$T/notify.log" ]; do sleep 0.05; done
NOTIFY_SOCKET="$T/notify.sock" "$MRD" --config "$T/mr.conf" --db "$MIPSREVIEW_DB" \
	2>"$T/d.log" &
dpid=$!
at_exit "kill $dpid 2>/dev/null"

# wait_log PATTERN FILE: until FILE has a line matching PATTERN (10 s).
wait_log() {
	i=0
	until grep -q -- "$1" "$2" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -lt 200 ] || { fail "no '$1' in $2: $(cat "$2")"; return 1; }
		sleep 0.05
	done
}
wait_log 'ready' "$T/d.log" || finish
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/d.log")
expect_match "port 0 picks a free port, logged" "$port" '^[0-9]+$'
base="http://127.0.0.1:$port"
wait_log 'READY=1' "$T/notify.log" && pass

# get PATH [curl args]: headers to $T/h, body to $T/b; prints the status.
get() {
	p=$1; shift
	rm -f "$T/b" "$T/h"; : >"$T/b"
	curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' "$@" "$base$p"
}
header() { sed -n "s/^$1: //Ip" "$T/h" | tr -d '\r'; }

expect_eq "/healthz" "$(get /healthz) $(cat "$T/b")" "200 ok"
expect_eq "the feed: 200" "$(get "/calendar/$token.ics")" "200"
expect_eq "Content-Type" "$(header Content-Type)" "text/calendar; charset=utf-8"
etag=$(header ETag)
lastmod=$(header Last-Modified)
expect_match "ETag" "$etag" '^"[0-9a-f]{24}"$'
expect_match "Last-Modified" "$lastmod" '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$'
cp "$T/b" "$T/feed1.ics"
expect_eq "REFRESH-INTERVAL from refresh_interval" \
	"$(grep -c '^REFRESH-INTERVAL;VALUE=DURATION:PT30M' "$T/feed1.ics")" "1"
expect_eq "X-PUBLISHED-TTL" "$(grep -c '^X-PUBLISHED-TTL:PT30M' "$T/feed1.ics")" "1"
expect_eq "alarms from calendar_alarms (14d, 1d)" \
	"$(grep '^TRIGGER' "$T/feed1.ics" | tr -d '\r' | tr '\n' ' ')" "TRIGGER:-P2W TRIGGER:-P1D "
expect_eq "the feed leaks no TIN" "$(grep -c '123456789' "$T/feed1.ics")" "0"
expect_eq "the TIN-filtered feed has no one else's deadline" \
	"$(get "/calendar/$other.ics") $(grep -c '^BEGIN:VEVENT' "$T/b")" "200 0"

# -- real clients read the served calendar
libical_items "$T/feed1.ics" >"$T/lib1.txt" 2>"$T/lib.err" && pass || \
	fail "libical rejects the feed: $(cat "$T/lib.err")"
uid=$(awk -F'\t' '$1 == "VEVENT" { print $2 }' "$T/lib1.txt")
expect_eq "libical: the seed at 00:00Z, America/Chicago" \
	"$(awk -F'\t' '$1 == "VEVENT" { print $4, $5 }' "$T/lib1.txt")" \
	"2024-10-12T00:00:00Z America/Chicago"
icaljs_items "$T/feed1.ics" >"$T/js1.txt" 2>"$T/js.err" && pass || \
	fail "ical.js rejects the feed: $(cat "$T/js.err")"
expect_eq "ical.js: 2024-10-11 19:00 in America/Chicago" \
	"$(awk -F'\t' '$1 == "VEVENT" { print $5, $6 }' "$T/js1.txt")" \
	"America/Chicago 2024-10-11T19:00"
apts=$(calcurse_apts "$T/feed1.ics" America/Chicago) && pass
expect_match "calcurse: 10/11/2024 @ 19:00" "$apts" '^10/11/2024 @ 19:00 '
kl=$(khal_list "$T/feed1.ics" America/Chicago sub) && pass
expect_match "khal: 2024-10-11 19:00" "$kl" '^2024-10-11 19:00\|.*Dr\. Ada Example'

# -- conditional requests
expect_eq "If-None-Match: 304" "$(get "/calendar/$token.ics" -H "If-None-Match: $etag")" "304"
expect_eq "304 has no body" "$(wc -c <"$T/b")" "0"
expect_eq "304 repeats the ETag" "$(header ETag)" "$etag"
expect_eq "weak and listed ETags match" \
	"$(get "/calendar/$token.ics" -H "If-None-Match: \"x\", W/$etag")" "304"
expect_eq "another ETag: 200" "$(get "/calendar/$token.ics" -H 'If-None-Match: "abc"')" "200"
expect_eq "If-Modified-Since Last-Modified: 304" \
	"$(get "/calendar/$token.ics" -H "If-Modified-Since: $lastmod")" "304"
expect_eq "If-Modified-Since long ago: 200" \
	"$(get "/calendar/$token.ics" -H 'If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT')" "200"
expect_eq "HEAD: 200 with the same ETag" "$(get "/calendar/$token.ics" -I) $(header ETag)" "200 $etag"

# -- wrong tokens: 404, the same answer whatever was wrong
wrong=$(printf '%s' "$token" | tr 'A-Za-z' 'N-ZA-Mn-za-m')
expect_eq "wrong token: 404" "$(get "/calendar/$wrong.ics")" "404"
cp "$T/b" "$T/404a"
expect_eq "malformed token: 404" "$(get "/calendar/x.ics")" "404"
expect_eq "the same body, no hint" "$(cmp -s "$T/b" "$T/404a" && echo same)" "same"
expect_eq "token without .ics: 404" "$(get "/calendar/$token")" "404"
expect_eq "unknown path: 404" "$(get /calendar/)" "404"
expect_eq "POST: 405" "$(get /healthz -X POST)" "405"

# -- the CLI changes a deadline; the daemon notices without a restart
"$MR" window list --year 2023 --kind targeted-review --json >"$T/w.json"
ok "extend the PY2023 window" "$MR" window extend "$(json_get 0.id <"$T/w.json")" \
	--closes "2024-10-18 19:00 America/Chicago"
# wait_change: fetch until the ETag differs from $etag (10 s).
wait_change() {
	i=0
	while [ "$(get "/calendar/$token.ics" -H "If-None-Match: $etag")" = 304 ]; do
		i=$((i + 1))
		[ "$i" -lt 200 ] || { fail "the feed did not change"; return 1; }
		sleep 0.05
	done
}
wait_change && pass
cp "$T/b" "$T/feed2.ics"
expect_eq "the new version: 200 and a new ETag" \
	"$([ "$(header ETag)" != "$etag" ] && echo new)" "new"
libical_items "$T/feed2.ics" >"$T/lib2.txt" 2>&1 || fail "libical rejects the changed feed"
expect_eq "same UID, now Oct 18 19:00 Chicago" \
	"$(awk -F'\t' -v u="$uid" '$2 == u { print $4 }' "$T/lib2.txt")" "2024-10-19T00:00:00Z"
s1=$(awk -F'\t' -v u="$uid" '$2 == u { print $3 }' "$T/lib1.txt")
s2=$(awk -F'\t' -v u="$uid" '$2 == u { print $3 }' "$T/lib2.txt")
if [ "${s2:-0}" -gt "${s1:-0}" ]; then pass; else fail "SEQUENCE did not rise: $s1 -> $s2"; fi
expect_eq "no duplicate event" "$(grep -c '^BEGIN:VEVENT' "$T/feed2.ics")" "1"
kl=$(khal_list "$T/feed2.ics" America/Chicago sub) && pass
expect_eq "khal: the subscribed event moved in place" \
	"$(printf '%s\n' "$kl" | grep -c 'Dr\. Ada Example') $(printf '%s\n' "$kl" | cut -d'|' -f1)" \
	"1 2024-10-18 19:00"
icaljs_items "$T/feed2.ics" >"$T/js2.txt" 2>&1 || fail "ical.js rejects the changed feed"
expect_eq "ical.js: same UID at the new time" \
	"$(awk -F'\t' -v u="$uid" '$1 == "VEVENT" && $2 == u { print $6 }' "$T/js2.txt")" \
	"2024-10-18T19:00"
etag=$(header ETag)

# -- two versions within one second share Last-Modified: a client that
# only has the older one's date must not be told nothing changed.
same_second=
for try in 1 2 3 4 5; do
	# Start just after a second begins, so both changes fit in it.
	while [ "$(date +%N | cut -c1)" != 0 ]; do sleep 0.01; done
	"$MR" set 1 "name=Dr. Ada Example $try a" >/dev/null || fail "set name"
	wait_change || break
	etag=$(header ETag); lm_a=$(header Last-Modified)
	"$MR" set 1 "name=Dr. Ada Example $try b" >/dev/null || fail "set name"
	wait_change || break
	etag=$(header ETag)
	if [ "$(header Last-Modified)" = "$lm_a" ]; then same_second=1; break; fi
done
if [ -n "$same_second" ]; then
	expect_eq "If-Modified-Since of an older version in the same second: 200" \
		"$(get "/calendar/$token.ics" -H "If-Modified-Since: $lm_a")" "200"
	expect_eq "and it is the newer version" "$(header ETag)" "$etag"
else
	echo "SKIP: no two renders within one second (5 tries)"
fi
ok "the name back" "$MR" set 1 "name=Dr. Ada Example"
wait_change && pass
etag=$(header ETag)
n1=$(grep -c 'feed 1 rendered' "$T/d.log")
ok "a new feed changes the database" "$MR" feed add spare
wait_log 'feed 3 rendered' "$T/d.log" && pass
expect_eq "the unchanged feed is not rendered again" \
	"$(grep -c 'feed 1 rendered' "$T/d.log")" "$n1"
expect_eq "and keep their ETag" "$(get "/calendar/$token.ics" -H "If-None-Match: $etag")" "304"

# -- revocation
ok "revoke" "$MR" feed revoke officer
i=0
while [ "$(get "/calendar/$token.ics")" != 404 ]; do
	i=$((i + 1)); [ "$i" -lt 200 ] || { fail "revoked feed still served"; break; }
	sleep 0.05
done
expect_eq "revoked token: 404" "$(get "/calendar/$token.ics")" "404"
expect_eq "revoked: the same body as any wrong token" "$(cmp -s "$T/b" "$T/404a" && echo same)" "same"
expect_eq "the other feed still works" "$(get "/calendar/$other.ics")" "200"

# -- SIGHUP: an invalid file is refused, a valid one applied
cp "$T/mr.conf" "$T/good.conf"
echo "calendar_alarms = soon" >>"$T/mr.conf"
kill -HUP "$dpid"
wait_log 'keeping the previous configuration' "$T/d.log" && pass
expect_match "the reload error names file and line" \
	"$(grep 'keeping' "$T/d.log")" 'mr\.conf:6: .*soon'
expect_eq "still serving after a bad reload" "$(get "/calendar/$other.ics")" "200"
sed 's/^calendar_alarms.*/calendar_alarms = 3d/' "$T/good.conf" >"$T/mr.conf"
ok "seed case for the other feed" "$MR" add --tin 98-7654321 --name "Lakeside Clinic" \
	--year 2023 --reason other
kill -HUP "$dpid"
wait_log 'reloaded configuration' "$T/d.log" && pass
i=0
until get "/calendar/$other.ics" >/dev/null && grep -q '^TRIGGER:-P3D' "$T/b"; do
	i=$((i + 1)); [ "$i" -lt 200 ] || { fail "reloaded alarms not served"; break; }
	sleep 0.05
done
expect_eq "reloaded alarms served" "$(grep -c '^TRIGGER' "$T/b")" "1"

# -- logs mask identifiers and never show tokens
expect_eq "no token in the log" "$(grep -c -e "$token" -e "$other" "$T/d.log")" "0"
expect_eq "no whole TIN in the log" "$(grep -c -e 123456789 -e 987654321 "$T/d.log")" "0"

# -- SIGTERM: exit 0
kill -TERM "$dpid"
wait "$dpid"
expect_eq "SIGTERM: exit 0" "$?" "0"
expect_match "stopped cleanly" "$(tail -1 "$T/d.log")" 'stopped$'
wait_log 'STOPPING=1' "$T/notify.log" && pass

# -- --daemon with a pidfile: the parent returns once the child serves
ok "check the configuration" "$MRD" --check --config "$T/mr.conf" --db "$MIPSREVIEW_DB"
expect_match "--check says OK" "$(cat "$T/out")" '^configuration OK'
"$MRD" --daemon --pidfile "$T/mrd.pid" --config "$T/mr.conf" --db "$MIPSREVIEW_DB" \
	--listen 127.0.0.1:0 2>"$T/dd.log"
expect_eq "--daemon: the parent exits 0" "$?" "0"
bg=$(cat "$T/mrd.pid" 2>/dev/null)
at_exit "kill $bg 2>/dev/null"
expect_match "the pidfile names the child" "$bg" '^[0-9]+$'
expect_eq "the child runs" "$(kill -0 "$bg" 2>/dev/null && echo alive)" "alive"
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/dd.log")
base="http://127.0.0.1:$port"
expect_eq "the detached daemon serves at once" "$(get /healthz)" "200"
"$MRD" --daemon --config "$T/mr.conf" --db "$MIPSREVIEW_DB" \
	--listen "127.0.0.1:$port" >"$T/out" 2>"$T/err"
st=$?
expect_eq "--daemon on a busy port: the parent fails" "$([ "$st" -ne 0 ] && echo failed)" "failed"
expect_match "and says why" "$(cat "$T/err")" 'cannot listen on 127\.0\.0\.1'
kill -TERM "$bg"
i=0
while kill -0 "$bg" 2>/dev/null; do
	i=$((i + 1)); [ "$i" -lt 200 ] || { fail "--daemon child did not stop"; break; }
	sleep 0.05
done
expect_eq "the pidfile is removed on exit" "$([ -e "$T/mrd.pid" ] || echo gone)" "gone"

"$MRD" --config "$T/nonexistent.conf" >"$T/out" 2>"$T/err"
expect_eq "a missing --config: exit 1" "$?" "1"
expect_match "and says which file" "$(cat "$T/err")" "nonexistent\.conf"

finish
