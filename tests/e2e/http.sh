#!/bin/sh
# mipsreviewd's HTTP manners under hostile or unusual clients: methods
# other than GET/HEAD (with a body or not), 304 without Content-Length,
# and slow clients that must not keep others from their feeds.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/clients.sh"
need_tool curl

cat >"$T/mr.conf" <<EOT
listen = 127.0.0.1:0
EOT
export MIPSREVIEW_CONFIG="$T/mr.conf"
ok "seed case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2023 --reason scoring-error
ok "add a feed" "$MR" feed add officer
token=$(sed 's,.*/calendar/,,; s,\.ics$,,' "$T/out")

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

# get PATH [curl args]: headers to $T/h, body to $T/b; prints the status.
get() {
	p=$1; shift
	rm -f "$T/b" "$T/h"; : >"$T/b"
	curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' --max-time 10 "$@" "$base$p"
}
header() { sed -n "s/^$1: //Ip" "$T/h" | tr -d '\r'; }

# -- methods: 405 with Allow, body or not
expect_eq "POST with a body: 405" "$(get /healthz -X POST --data 'x=1')" "405"
expect_eq "405 says what is allowed" "$(header Allow)" "GET, HEAD"
expect_eq "POST with a large body: 405" \
	"$(head -c 200000 /dev/zero | get "/calendar/$token.ics" -X POST --data-binary @-)" "405"
expect_eq "POST without a body: 405" "$(get /healthz -X POST)" "405"
expect_eq "PUT: 405" "$(get /healthz -X PUT --data 'x')" "405"
expect_eq "DELETE: 405 with Allow" "$(get "/calendar/$token.ics" -X DELETE) $(header Allow)" "405 GET, HEAD"
expect_eq "a GET with a body is still answered" "$(get /healthz -X GET --data 'x')" "200"
expect_eq "HEAD: 200" "$(get /healthz -I)" "200"
expect_eq "no 'internal error' logged" "$(grep -c 'internal error' "$T/d.log")" "0"

# -- 304: no Content-Length (RFC 9110 8.6), validators repeated
expect_eq "the feed: 200" "$(get "/calendar/$token.ics")" "200"
etag=$(header ETag)
expect_eq "If-None-Match: 304" "$(get "/calendar/$token.ics" -H "If-None-Match: $etag")" "304"
expect_eq "304 has no Content-Length" "$(grep -ci '^Content-Length' "$T/h")" "0"
expect_eq "304 has no Transfer-Encoding" "$(grep -ci '^Transfer-Encoding' "$T/h")" "0"
expect_eq "304 repeats the ETag" "$(header ETag)" "$etag"

# -- slow clients: 1,000 connections from 127.0.0.2 trickle bytes; a
# client at 127.0.0.1 still gets its feed within its own one-second limit,
# and the server closes every slow connection in the end.
rm -f "$T/flood.ready"
/usr/bin/python3 "$top_srcdir/tests/e2e/slow_clients.py" 127.0.0.2 "$port" 1000 25 \
	"$T/flood.ready" >"$T/flood.out" 2>"$T/flood.err" &
fpid=$!
at_exit "kill $fpid 2>/dev/null"
i=0
until [ -e "$T/flood.ready" ]; do
	i=$((i + 1)); [ "$i" -lt 400 ] || { fail "slow clients never connected: $(cat "$T/flood.err")"; break; }
	sleep 0.05
done
sleep 1
expect_eq "under 1,000 slow clients: /healthz within 1 s" \
	"$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$base/healthz")" "200"
expect_eq "under 1,000 slow clients: the feed within 1 s" \
	"$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$base/calendar/$token.ics")" "200"
wait "$fpid"
expect_eq "every slow connection was closed by the server" \
	"$(cat "$T/flood.out")" "opened 1000 closed 1000 open 0"
expect_match "and the cut is logged" "$(cat "$T/d.log")" 'closed [0-9]+ connections? that sent no whole request'
expect_eq "still serving" "$(get /healthz)" "200"

kill -TERM "$dpid"
wait "$dpid"
expect_eq "SIGTERM: exit 0" "$?" "0"
finish
