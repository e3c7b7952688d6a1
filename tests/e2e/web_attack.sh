#!/bin/sh
# The office's pages and API attacked by a hostile user and a hostile
# member of staff: another practice's cases by every route (read as
# absent, never as forbidden), sessions fixed, replayed or crossed, CSRF
# tokens of another session, script payloads in names, notes, file names
# and query strings, redirects after sign-in to other sites, headers on
# every answer, bad ids, cursors, bodies and uploads (nothing written), and
# no secret in the clear in the database, the log or the audit trail.
. "$top_srcdir/tests/e2e/lib.sh"
need_tool curl
need_tool sqlite3

# What an attack must not change: every record, every session and when it
# began or ended.  A session's last use is written once a minute of use
# (the idle timeout reads it), which a run on a slow machine crosses.
db_digest() {
	{
		sqlite3 "$MIPSREVIEW_DB" .dump | grep -v '^INSERT INTO account_session '
		sqlite3 "$MIPSREVIEW_DB" "SELECT id_hash, account_id, created_at, ended_at \
			FROM account_session ORDER BY id_hash"
	} | sha256sum | cut -d' ' -f1
}

cat >"$T/mr.conf" <<EOT
listen = 127.0.0.1:0
EOT
# The daemon's own temporary folder, so what it leaves there is its own.
mkdir -m 700 "$T/tmp"
export MIPSREVIEW_CONFIG="$T/mr.conf"
A=123456789 B=987654321
XSS='<script>alert(1)</script>'
ok "a case of TIN A with a script in its name" "$MR" add --tin $A --npi "$SEED_NPI" \
	--name "Dr. Ada $XSS" --year 2023 --reason scoring-error
ok "a case of TIN B" "$MR" add --tin $B --name "Dr. Bea Theirs" --year 2023 --reason other
ok "a note of TIN B" "$MR" note 2 "B's private note"
ok "a note with a script" "$MR" note 1 "note $XSS"
pw='correct horse battery'
printf '%s\n' "$pw" >"$T/pw"
for u in "admin admin" "off officer --tin $A" "view viewer --tin $A" "offb officer --tin $B"; do
	set -- $u
	n=$1 r=$2; shift 2
	ok "add $n" sh -c '"$1" user add "$2" --role "$3" "$4" "$5" --password-stdin <"$6"' \
		sh "$MR" "$n" "$r" "${1:---json}" "${2:---json}" "$T/pw"
	ok "token for $n" "$MR" user token add "$n"
	eval "tok_$n=\$(cat \"\$T/out\")"
done

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

# req PATH [curl args]: body in $T/b, headers in $T/h; prints the status.
req() {
	p=$1; shift
	rm -f "$T/b" "$T/h"; : >"$T/b"
	curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' --max-time 10 "$@" "$base$p"
}
header() { sed -n "s/^$1: //Ip" "$T/h" | tr -d '\r'; }
bearer() { eval "printf 'Authorization: Bearer %s' \"\$tok_$1\""; }
json='Content-Type: application/json'
# login NAME JAR [curl args]: sign in with a fresh form (and the cookie
# $extra); prints the status, headers in $T/h.
login() {
	n=$1 jar=$2; shift 2
	curl -s -o "$T/lf" -D "$T/lh" "$base/app/login"
	lc=$(sed -n 's/^Set-Cookie: \(mr_login=[^;]*\);.*/\1/Ip' "$T/lh" | tr -d '\r')
	lt=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/lf" | head -n 1)
	curl -s -o /dev/null -D "$T/h" -w '%{http_code}' -c "$jar" -H "Cookie: $lc${extra:+; $extra}" "$@" \
		--data-urlencode "csrf=$lt" \
		--data-urlencode "user=$n" --data-urlencode "password=$pw" "$base/app/login"
}
csrf_of() { curl -s -b "$1" "$base/app/due" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }

expect_eq "off signs in" "$(login off "$T/off")" "303"
csrf_off=$(csrf_of "$T/off")
expect_match "off's CSRF token" "$csrf_off" '^[A-Za-z0-9_-]{43}$'

# -- scope: TIN B's case is absent for off, by every route, with the words
#    of a case that does not exist
req /app/cases/99 -b "$T/off" >/dev/null
missing=$(sed -n 's/.*role="alert">\([^<]*\)<.*/\1/p' "$T/b" | sed 's/99/N/g')
expect_match "a missing case's page says so" "$missing" "case N does not exist"
expect_eq "page of TIN B's case: 404" "$(req /app/cases/2 -b "$T/off")" "404"
expect_eq "in the words of a missing case" \
	"$(sed -n 's/.*role="alert">\([^<]*\)<.*/\1/p' "$T/b" | sed 's/2/N/g')" "$missing"
expect_eq "showing nothing of it" "$(grep -c -e Bea -e 'private note' -e 4321 "$T/b")" "0"
expect_eq "TIN B's packet: 404" "$(req /app/cases/2/packet -b "$T/off")" "404"
expect_eq "no archive sent" "$(header Content-Type | grep -c zip)" "0"
expect_eq "TIN B's what-if: 404" "$(req /app/cases/2/whatif -b "$T/off")" "404"
expect_eq "showing nothing of it" "$(grep -c -e Bea -e 'private note' "$T/b")" "0"
for p in /app/due /app/hardship /app/cases /api/v1/due /api/v1/hardship /api/v1/cases; do
	case $p in /api/*) set -- -H "$(bearer off)" ;; *) set -- -b "$T/off" ;; esac
	req "$p" "$@" >/dev/null
	expect_eq "off: $p shows nothing of TIN B" "$(grep -c -e Bea -e 4321 -e 'private note' "$T/b")" "0"
done
# Asking for TIN B answers as for a TIN no case has: nothing tells it is used.
C=111111119
for p in /app/cases /api/v1/cases; do
	case $p in /api/*) set -- -H "$(bearer off)" ;; *) set -- -b "$T/off" ;; esac
	# The TIN as given and as masked (*****4321) in a refusal.
	sb=$(req "$p?tin=$B" "$@"); sed "s/$B/TIN/g; s/[*]\{5\}${B#?????}/TIN/g" "$T/b" >"$T/b.B"
	sc=$(req "$p?tin=$C" "$@"); sed "s/$C/TIN/g; s/[*]\{5\}${C#?????}/TIN/g" "$T/b" >"$T/b.C"
	expect_eq "$p?tin=B answers as an unused TIN" "$sb $(cmp -s "$T/b.B" "$T/b.C" && echo same)" "$sc same"
	expect_eq "$p?tin=B shows none of its cases" "$(grep -c -e Bea -e 'private note' "$T/b.B")" "0"
	case $p in /api/*)
		req "$p?tin=$B" "$@" >/dev/null
		expect_eq "$p?tin=B: the refusal repeats no whole TIN" "$(grep -c "$B" "$T/b")" "0" ;;
	esac
done
before=$(db_digest)
printf 'receipt\n' >"$T/receipt.txt"
expect_eq "off: note on TIN B's case: 404" \
	"$(req /app/cases/2/notes -b "$T/off" --data-urlencode "csrf=$csrf_off" --data 'text=mine')" "404"
expect_eq "off: status move of TIN B's case: 404" \
	"$(req /app/cases/2/status -b "$T/off" --data-urlencode "csrf=$csrf_off" --data 'state=withdrawn')" "404"
expect_eq "off: upload to TIN B's case: 404" \
	"$(req /app/cases/2/evidence -b "$T/off" -F "csrf=$csrf_off" -F kind=other -F "file=@$T/receipt.txt")" "404"
expect_eq "off's token: note on TIN B's case: 404" \
	"$(req /api/v1/cases/2/notes -H "$(bearer off)" -H "$json" -d '{"text":"mine"}')" "404"
expect_eq "offb's token cannot act for off: TIN A's case absent" \
	"$(req /api/v1/cases/1/notes -H "$(bearer offb)" -H "$json" -d '{"text":"mine"}')" "404"
expect_eq "view's session cookie of another name is nobody" \
	"$(req /app/cases/1/notes -H "Cookie: mr_session=$tok_off" --data 'text=x')" "401"
expect_eq "nothing of TIN B written" "$(db_digest)" "$before"

# -- a viewer writes nothing, by pages or token
expect_eq "view signs in" "$(login view "$T/view")" "303"
csrf_view=$(csrf_of "$T/view")
before=$(db_digest)
expect_eq "viewer: note: 403" \
	"$(req /app/cases/1/notes -b "$T/view" --data-urlencode "csrf=$csrf_view" --data 'text=x')" "403"
expect_eq "viewer: status: 403" \
	"$(req /app/cases/1/status -b "$T/view" --data-urlencode "csrf=$csrf_view" --data 'state=withdrawn')" "403"
expect_eq "viewer: upload: 403" \
	"$(req /app/cases/1/evidence -b "$T/view" -F "csrf=$csrf_view" -F kind=other -F "file=@$T/receipt.txt")" "403"
expect_eq "viewer: window extension: 403" \
	"$(req /app/windows/1/extend -b "$T/view" --data-urlencode "csrf=$csrf_view" --data 'closes=2030-01-01&source=x')" "403"
expect_eq "viewer wrote nothing" "$(db_digest)" "$before"

# -- CSRF: the token of another session does not serve
before=$(db_digest)
expect_eq "off's cookie with view's token: 403" \
	"$(req /app/cases/1/notes -b "$T/off" --data-urlencode "csrf=$csrf_view" --data 'text=x')" "403"
expect_eq "API: off's cookie with view's token: 403" \
	"$(req /api/v1/cases/1/notes -b "$T/off" -H "X-CSRF-Token: $csrf_view" -H "$json" -d '{"text":"x"}')" "403"
expect_eq "the token in the query string does not serve" \
	"$(req "/app/cases/1/notes?csrf=$csrf_off" -b "$T/off" --data 'text=x')" "403"
expect_eq "nothing written by a crossed token" "$(db_digest)" "$before"

# -- session fixation: an id the attacker chose is never taken
fixed=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
expect_eq "sign in carrying a chosen cookie" "$(extra="mr_session=$fixed" login admin "$T/adm")" "303"
expect_eq "a new id is set" "$(header Set-Cookie | grep -c "mr_session=$fixed")" "0"
expect_eq "the chosen id is nobody" "$(req /app/due -H "Cookie: mr_session=$fixed")" "401"
expect_eq "a short or odd cookie is nobody" "$(req /app/due -H 'Cookie: mr_session=../../x')" "401"

# -- a revoked token and a disabled account's session stop at once
ok "token for offb again" "$MR" user token add offb
tok_offb2=$(cat "$T/out")
expect_eq "offb's second token works" "$(req /api/v1/due -H "Authorization: Bearer $tok_offb2")" "200"
ok "revoke it" "$MR" user token revoke 5
expect_eq "revoked: 401" "$(req /api/v1/due -H "Authorization: Bearer $tok_offb2")" "401"
expect_eq "offb's first token still works" "$(req /api/v1/due -H "$(bearer offb)")" "200"
expect_eq "offb signs in" "$(login offb "$T/offb")" "303"
ok "disable offb" "$MR" user disable offb
expect_eq "the disabled account's session: 401" "$(req /app/due -b "$T/offb")" "401"
expect_eq "and its session on the API: 401" "$(req /api/v1/due -b "$T/offb")" "401"

# -- open redirects after sign-in
for next in //evil.example /app//evil.example 'https://evil.example/app' \
    '/app\@evil.example' /\\evil.example "$(printf '/app\r\nSet-Cookie: x=1')"; do
	login admin "$T/adm" --data-urlencode "next=$next" >/dev/null
	loc=$(header Location)
	expect_match "next=$next stays on this site" "$loc" '^/app'
	expect_eq "next=$next: no second slash or scheme" "$(printf '%s' "$loc" | grep -c -e '//' -e '\\' -e ':')" "0"
	expect_eq "next=$next: no header injected" "$(grep -c '^Set-Cookie: x=1' "$T/h")" "0"
done
login admin "$T/adm" --data-urlencode "next=/app/cases/1" >/dev/null
expect_eq "a page of this site is kept" "$(header Location)" "/app/cases/1"

# -- script payloads are text: names, notes, file names, query strings
csrf_off=$(csrf_of "$T/off")
cp "$T/receipt.txt" "$T/x.txt"
expect_eq "upload with a script and quotes in its file name" \
	"$(req /app/cases/1/evidence -b "$T/off" -F "csrf=$csrf_off" -F kind=other \
	    -F "file=@$T/x.txt;filename=\"><img src=x onerror=alert(1)>.txt")" "303"
before=$(db_digest)
expect_eq "upload named with a path: 400" \
	"$(req /app/cases/1/evidence -b "$T/off" -F "csrf=$csrf_off" -F kind=other \
	    -F "file=@$T/receipt.txt;filename=../../../etc/evil.txt")" "400"
expect_match "which says why" "$(cat "$T/b")" "a name must not contain &#39;/&#39;"
expect_eq "and writes nothing" "$(db_digest)" "$before"
expect_eq "nothing landed outside the store" "$(ls /etc/evil.txt 2>/dev/null | wc -l)" "0"
for p in /app/cases/1 /app/due /app/cases '/app/cases?tin=%3Cscript%3Ealert(1)%3C/script%3E' \
    '/app/due?zone=%3Cscript%3Ealert(1)%3C/script%3E' '/app/cases?status=%22%3E%3Cscript%3E' \
    '/app/nonesuch%3Cscript%3E'; do
	req "$p" -b "$T/off" >/dev/null
	expect_eq "$p: no live script or tag" "$(grep -c -i -e '<script>' -e '<img' -e 'alert(1)<' "$T/b")" "0"
	expect_match "$p: HTML" "$(header Content-Type)" '^text/html; charset=utf-8'
done
req /app/cases/1 -b "$T/off" >/dev/null
expect_match "the name shown as text" "$(cat "$T/b")" 'Dr\. Ada &lt;script&gt;alert\(1\)&lt;/script&gt;'
expect_match "the file name shown as text" "$(cat "$T/b")" '&lt;img src=x onerror=alert\(1\)&gt;'
req /api/v1/cases/1 -H "$(bearer off)" >/dev/null
expect_match "JSON: application/json" "$(header Content-Type)" '^application/json'
expect_eq "JSON: nosniff" "$(header X-Content-Type-Options)" "nosniff"

# -- packet download: a fixed file name in Content-Disposition
expect_eq "packet of TIN A: 200" "$(req /app/cases/1/packet -b "$T/off")" "200"
expect_eq "its disposition" "$(header Content-Disposition)" 'attachment; filename="case-1-packet.zip"'
expect_eq "no packet temporary left" "$(ls "$T/tmp")" ""

# -- the security headers on every answer: errors and redirects too
check_headers() {
	expect_match "$1: CSP" "$(header Content-Security-Policy)" "^default-src 'self'"
	expect_eq "$1: nosniff" "$(header X-Content-Type-Options)" "nosniff"
}
req /app/nonesuch -b "$T/off" >/dev/null; check_headers "404 page"
req /app >/dev/null; check_headers "401 page"
req /app -b "$T/off" >/dev/null; check_headers "303 redirect"
req /app/due -b "$T/off" -X PUT --data x >/dev/null; check_headers "405 page"
req /nonesuch >/dev/null; check_headers "the feed's 404"
req /healthz >/dev/null; check_headers "health"
req /healthz -X POST --data x >/dev/null; check_headers "the feed's 405"
req /api/v1/nothing -H "$(bearer off)" >/dev/null; check_headers "API 404"
req /api/v1/due -X DELETE -H "$(bearer off)" >/dev/null; check_headers "API 405"
login off "$T/off2" >/dev/null; check_headers "sign-in redirect"
req /app/cases/1/notes -b "$T/off" --data x=1 >/dev/null; check_headers "400 form"

# -- bad ids, limits and cursors: a clear answer and nothing written
before=$(db_digest)
for p in /app/cases/0 /app/cases/-1 /app/cases/99999999999999999999 /app/cases/1x \
    /app/cases/%2e%2e/etc/passwd /app/cases/1/../2; do
	expect_match "page $p: 404" "$(req "$p" -b "$T/off")" '^40[04]$'
	expect_eq "page $p: nothing of TIN B" "$(grep -c -e Bea -e 'root:' "$T/b")" "0"
done
for p in /api/v1/cases/0 /api/v1/cases/-1 /api/v1/cases/99999999999999999999; do
	expect_eq "API $p: 404" "$(req "$p" -H "$(bearer off)")" "404"
done
for l in cases hardship windows due; do
	for q in after=-5 after=abc after=99999999999999999999 limit=-1 limit=99999999999 limit=1e3; do
		expect_eq "API $l?$q: 400, a usage error" \
			"$(req "/api/v1/$l?$q" -H "$(bearer admin)") $(json_get status <"$T/b")" "400 2"
		expect_match "with a clear word" "$(json_get error <"$T/b")" '^(after|limit) '
	done
done
expect_eq "page cases?after=abc: 400" "$(req '/app/cases?after=abc' -b "$T/off")" "400"
expect_eq "page hardship?after=abc: 400" "$(req '/app/hardship?after=abc' -b "$T/off")" "400"
expect_eq "nothing written by bad ids" "$(db_digest)" "$before"

# -- bad bodies and uploads: a clear error, nothing written, nothing left
csrf_off=$(csrf_of "$T/off")
before=$(db_digest)
head -c 21000000 /dev/zero >"$T/big"
expect_eq "upload over 20 MiB: 413" \
	"$(req /app/cases/1/evidence -b "$T/off" -F "csrf=$csrf_off" -F kind=other -F "file=@$T/big")" "413"
rm -f "$T/big"
expect_eq "a cut multipart body: 400" \
	"$(printf -- '--XX\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n%s\r\n--XX\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc' "$csrf_off" |
	    req /app/cases/1/evidence -b "$T/off" -H 'Content-Type: multipart/form-data; boundary=XX' --data-binary @-)" "400"
expect_eq "multipart without a boundary: 4xx" \
	"$(req /app/cases/1/evidence -b "$T/off" -H 'Content-Type: multipart/form-data' --data-binary 'x')" "$(echo 415)"
expect_eq "an unknown form field: 400" \
	"$(req /app/cases/1/notes -b "$T/off" --data-urlencode "csrf=$csrf_off" --data 'text=x&admin=1')" "400"
expect_match "which names the field" "$(cat "$T/b")" "form field &#39;admin&#39; is not known"
expect_eq "a form over 64 KiB: 413" \
	"$(head -c 70000 /dev/zero | tr '\0' a | sed 's/^/text=/' |
	    req /app/cases/1/notes -b "$T/off" --data-urlencode "csrf=$csrf_off" --data-binary @-)" "413"
expect_eq "API: JSON with an unknown field: 400" \
	"$(req /api/v1/cases/1/notes -H "$(bearer off)" -H "$json" -d '{"text":"x","who":"admin"}')" "400"
expect_eq "API: a deep JSON: 400" \
	"$(python3 -c 'print("["*100000 + "]"*100000)' |
	    req /api/v1/cases/1/notes -H "$(bearer off)" -H "$json" --data-binary @-)" "$(echo 413)"
expect_eq "nothing written by bad bodies" "$(db_digest)" "$before"
expect_eq "no upload left behind" "$(ls "$T/tmp")" ""

# -- secrets: not in the database, the log, the audit trail or the process list
curl -s -o /dev/null -b "$T/off" -D "$T/h" "$base/app/due"
sid=$(sed -n 's/.*mr_session\t\([^\t]*\)$/\1/p' "$T/off" | tail -n 1)
expect_match "off's session id known" "$sid" '^[A-Za-z0-9_-]{43}$'
for secret in "$pw" "$sid" "${tok_off#mrt_}" "$csrf_off"; do
	expect_eq "not in the database: ${secret%"${secret#????}"}…" \
		"$(cat "$MIPSREVIEW_DB" "$MIPSREVIEW_DB-wal" 2>/dev/null | grep -c -a -F -- "$secret")" "0"
	expect_eq "not in the log: ${secret%"${secret#????}"}…" "$(grep -c -F -- "$secret" "$T/d.log")" "0"
done
ok "audit" "$MR" audit --json
expect_eq "the audit trail holds no secret" \
	"$(grep -c -F -e "$pw" -e "$sid" -e "${tok_off#mrt_}" "$T/out")" "0"
expect_eq "no whole TIN in the log" "$(grep -c -e $A -e $B "$T/d.log")" "0"
expect_eq "no secret on the daemon's command line" \
	"$(tr '\0' ' ' </proc/$dpid/cmdline | grep -c -F -e "$pw" -e mrt_)" "0"
req /app/cases/1 -b "$T/off" >/dev/null
expect_eq "the page masks the TIN" "$(grep -c -w $A "$T/b")" "0"
expect_match "as the CLI does" "$(cat "$T/b")" '\*\*\*\*\*6789' 

kill "$dpid"; wait "$dpid" 2>/dev/null

# -- under an https base_url the cookie is Secure
cat >"$T/mr.conf" <<EOT
listen = 127.0.0.1:0
base_url = https://office.example.org
EOT
: >"$T/d.log"
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
expect_eq "sign in under https" "$(login admin "$T/adm3")" "303"
expect_match "the cookie is Secure" "$(header Set-Cookie)" '; HttpOnly; SameSite=Strict; Secure;'
kill "$dpid"; wait "$dpid" 2>/dev/null
finish
