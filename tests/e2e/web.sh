#!/bin/sh
# The office's pages under /app over HTTP: every page as nobody (401 and
# the sign-in form, nothing of a case shown), the style sheet, the
# security headers, methods, and forms refused without a session with
# nothing written.
. "$top_srcdir/tests/e2e/lib.sh"
need_tool curl

cat >"$T/mr.conf" <<EOT
listen = 127.0.0.1:0
EOT
export MIPSREVIEW_CONFIG="$T/mr.conf"
ok "seed case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--name 'Dr. <script>alert(1)</script>' --year 2023 --reason scoring-error
ok "note" "$MR" note 1 "secret note"

mkdir "$T/tmp"
TMPDIR="$T/tmp" "$MRD" --config "$T/mr.conf" --db "$MIPSREVIEW_DB" 2>"$T/d.log" &
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

# -- nobody: every page is the sign-in form with 401, and shows no case
for p in /app /app/ /app/due /app/cases /app/cases/1 /app/cases/1/packet \
    /app/hardship /app/windows /app/nonesuch; do
	expect_eq "nobody: GET $p" "$(get "$p")" "401"
	expect_match "nobody: $p is the sign-in form" "$(cat "$T/b")" 'action="/app/login"'
	expect_eq "nobody: $p shows no case" "$(grep -c 'Dr\. \|secret note\|6789' "$T/b")" "0"
done
expect_eq "the sign-in form itself: 200" "$(get /app/login)" "200"
expect_match "it has labelled fields" "$(cat "$T/b")" '<label for="password">'
expect_match "and a skip link" "$(cat "$T/b")" 'href="#main"'

# -- headers of every page
get /app/login >/dev/null
expect_match "CSP: only this origin" "$(header Content-Security-Policy)" "^default-src 'self';.*frame-ancestors 'none'"
expect_eq "no framing" "$(header X-Frame-Options)" "DENY"
expect_eq "no sniffing" "$(header X-Content-Type-Options)" "nosniff"
expect_eq "no referrer" "$(header Referrer-Policy)" "no-referrer"
expect_eq "no caching" "$(header Cache-Control)" "no-store"

# -- the style sheet is built in; nothing comes from elsewhere
expect_eq "style sheet: 200" "$(get /app/style.css)" "200"
expect_match "style sheet: text/css" "$(header Content-Type)" "^text/css"
expect_match "style sheet: a focus ring" "$(cat "$T/b")" "focus-visible"
get /app/login >/dev/null
expect_eq "no outside URL in a page" "$(grep -c 'https\?://' "$T/b")" "0"

# -- methods: /app takes GET, HEAD and POST
expect_eq "PUT: 405" "$(get /app/due -X PUT --data x)" "405"
expect_eq "405 says what is allowed" "$(header Allow)" "GET, HEAD, POST"
expect_eq "DELETE: 405" "$(get /app/cases/1 -X DELETE)" "405"
expect_eq "HEAD of the sign-in form: 200" "$(get /app/login -I)" "200"
expect_eq "the feed's paths keep their rule" "$(get /healthz -X POST --data x)" "405"

# -- forms without a session change nothing
before=$(db_digest)
expect_eq "status move without a session: 401" \
	"$(get /app/cases/1/status --data 'state=withdrawn&csrf=x')" "401"
expect_eq "note without a session: 401" "$(get /app/cases/1/notes --data 'text=hi')" "401"
printf 'receipt\n' >"$T/receipt.txt"
expect_eq "upload without a session: 401" \
	"$(get /app/cases/1/evidence -F "file=@$T/receipt.txt" -F kind=other)" "401"
expect_eq "window extension without a session: 401" \
	"$(get /app/windows/1/extend --data 'closes=2030-01-01&source=x')" "401"
expect_eq "a case's own deadline without a session: 401" \
	"$(get /app/cases/1/deadline --data 'deadline=2030-01-01&source=x')" "401"
expect_eq "a filing's move without a session: 401" \
	"$(get /app/hardship/1/status --data 'state=submitted')" "401"
expect_eq "nothing written" "$(db_digest)" "$before"
expect_eq "no upload left behind" "$(ls "$T/tmp" | wc -l)" "0"
expect_eq "no 'internal error' logged" "$(grep -c 'internal error' "$T/d.log")" "0"

kill "$dpid"; wait "$dpid" 2>/dev/null
expect_eq "daemon stopped cleanly" "$(grep -c stopped "$T/d.log")" "1"
finish
