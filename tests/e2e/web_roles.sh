#!/bin/sh
# The office's pages as every role: an admin, an officer and a viewer of
# one practice, an officer of another, and nobody.  Scope and role are
# checked on the server for every page and form; forms without the
# session's CSRF token are refused; bad uploads (too big, malformed
# multipart, the wrong encoding, a field the page does not send) get one
# clear line and write nothing; a session cookie replayed after sign-out
# is refused.
. "$top_srcdir/tests/e2e/lib.sh"
command -v curl >/dev/null 2>&1 || { echo "SKIP: no curl"; exit 77; }

cat >"$T/mr.conf" <<EOT
listen = 127.0.0.1:0
base_url = https://cal.example.org
EOT
export MIPSREVIEW_CONFIG="$T/mr.conf"
unset MIPSREVIEW_NOW
year=$(($(date -u +%Y) - 1))
ok "case of practice A" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--name "Dr. Ada Example" --year "$year" --reason scoring-error
ok "case of practice B" "$MR" add --tin 98-7654321 --name "Bo Other Clinic" \
	--year "$year" --reason other
ok "note on B" "$MR" note 2 "B's private note"
pw="correct horse battery staple"
echo "$pw" >"$T/pw"
ok "admin" "$MR" user add root --role admin --password-stdin <"$T/pw"
ok "officer of A" "$MR" user add ofa --role officer --tin "$SEED_TIN" --password-stdin <"$T/pw"
ok "viewer of A" "$MR" user add via --role viewer --tin "$SEED_TIN" --password-stdin <"$T/pw"
ok "officer of B" "$MR" user add ofb --role officer --tin 98-7654321 --password-stdin <"$T/pw"

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

# as WHO PATH [curl args]: with WHO's cookie jar; body $T/b, headers $T/h.
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
for u in root ofa via ofb; do login "$u"; done
expect_match "a page carries the session's CSRF token" "$(csrf ofa)" '^[A-Za-z0-9_-]{20,}$'

# -- every page as every role
for p in /app/due /app/cases /app/hardship /app/windows /app/feeds; do
	for u in root via ofb ofa; do
		expect_eq "$u: GET $p" "$(as "$u" "$p")" "200"
	done
	expect_eq "ofa: $p shows nothing of B" "$(grep -c "Bo Other\|B's private\|4321" "$T/b")" "0"
	as root "$p" >/dev/null
	expect_eq "root: $p holds no markup shown as text" "$(grep -c '&lt;t[hdr]\|=&quot;' "$T/b")" "0"
done
as root /app/hardship >/dev/null
expect_eq "root: the filings table has its status-move column" "$(grep -c '<th scope="col">Status move</th>' "$T/b")" "1"
as ofa /app/due >/dev/null
expect_match "ofa: due counts A's case with no deadline known" "$(cat "$T/b")" ">1 case</a>"
as ofb /app/cases >/dev/null
expect_eq "ofb: cases shows nothing of A" "$(grep -c 'Ada Example\|6789' "$T/b")" "0"
expect_eq "root: case 2" "$(as root /app/cases/2)" "200"
expect_eq "ofb: case 2 (theirs)" "$(as ofb /app/cases/2)" "200"
for u in ofa via; do
	expect_eq "$u: case 2 (another practice): absent, 404" "$(as "$u" /app/cases/2)" "404"
	expect_eq "$u: case 2 shows nothing" "$(grep -c "Bo Other\|B's private" "$T/b")" "0"
	expect_eq "$u: case 2's packet: 404" "$(as "$u" /app/cases/2/packet)" "404"
	expect_eq "$u: case 2's what-if: 404" "$(as "$u" /app/cases/2/whatif)" "404"
done
expect_eq "via: case 1 (theirs)" "$(as via /app/cases/1)" "200"
expect_eq "via: no forms to change it" "$(grep -c 'action="/app/cases/1/status"' "$T/b")" "0"
expect_eq "no such case: 404" "$(as root /app/cases/99)" "404"
expect_eq "ofa: the packet of case 1" "$(as ofa /app/cases/1/packet)" "200"
expect_match "the packet is a zip download" "$(sed -n 's/^Content-Disposition: //Ip' "$T/h")" 'attachment; filename="case-1-packet.zip"'
expect_eq "the packet starts PK" "$(head -c 2 "$T/b")" "PK"
expect_eq "no packet left in /tmp" "$(ls -d "$T"/tmp/mipsreviewd-packet.* 2>/dev/null | wc -l)" "0"

# -- changes: role, scope and the CSRF token
before=$(db_digest)
expect_eq "viewer: status move refused" \
	"$(as via /app/cases/1/status --data "state=withdrawn&csrf=$(csrf via)")" "403"
expect_eq "officer of B: status move on A, absent" \
	"$(as ofb /app/cases/1/status --data "state=withdrawn&csrf=$(csrf ofb)")" "404"
expect_eq "no CSRF token: refused" "$(as ofa /app/cases/1/status --data 'state=withdrawn')" "403"
expect_match "it says why" "$(cat "$T/b")" "CSRF"
expect_eq "another session's CSRF token: refused" \
	"$(as ofa /app/cases/1/status --data "state=withdrawn&csrf=$(csrf ofb)")" "403"
expect_eq "viewer: window extension refused" \
	"$(as via /app/windows/1/extend --data "closes=2030-01-01&source=x&csrf=$(csrf via)")" "403"
expect_eq "a move the workflow forbids: 409" \
	"$(as ofa /app/cases/1/status --data "state=approved&csrf=$(csrf ofa)")" "409"
expect_match "with the CLI's message" "$(cat "$T/b")" "role=\"alert\""
expect_eq "nothing written" "$(db_digest)" "$before"

# -- bad forms and uploads: one clear reason, nothing written
head -c $((21 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$T/big.txt"
printf 'receipt\n' >"$T/receipt.txt"
before=$(db_digest)
expect_eq "upload over 20 MiB: 413" \
	"$(as ofa /app/cases/1/evidence -F "csrf=$(csrf ofa)" -F "file=@$T/big.txt")" "413"
expect_match "it says the limit" "$(cat "$T/b")" "20 MiB"
expect_eq "malformed multipart: 400" "$(as ofa /app/cases/1/evidence \
	-H 'Content-Type: multipart/form-data; boundary=XX' \
	--data-binary "$(printf -- '--XX\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n%s\r\n--XX\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\ncut short' "$(csrf ofa)")")" "400"
expect_eq "JSON to a form: 415" "$(as ofa /app/cases/1/notes -H 'Content-Type: application/json' \
	--data '{"text":"x"}')" "415"
expect_eq "a field the page does not send: 400" \
	"$(as ofa /app/cases/1/notes --data "text=x&csrf=$(csrf ofa)&owner=evil")" "400"
expect_match "it names the field" "$(cat "$T/b")" "owner"
expect_eq "a field twice: 400" \
	"$(as ofa /app/cases/1/notes --data "text=x&text=y&csrf=$(csrf ofa)")" "400"
expect_eq "text where a file goes: 400" \
	"$(as ofa /app/cases/1/evidence -F "csrf=$(csrf ofa)" -F "note=@$T/receipt.txt")" "400"
expect_eq "an empty note: the library's message" \
	"$(as ofa /app/cases/1/notes --data "text=&csrf=$(csrf ofa)")" "400"
expect_eq "nothing written" "$(db_digest)" "$before"
expect_eq "no upload left in /tmp" "$(ls "$T"/tmp/mipsreviewd-upload.* 2>/dev/null | wc -l)" "0"

# -- review windows are every practice's deadline: an officer limited to
# some TINs is shown why there is no form, and is refused with it
ok "a window" "$MR" window add --kind other --year "$year" --name "office review" \
	--closes "$((year + 2))-01-15 20:00 America/New_York"
w=$(cat "$T/out")
expect_eq "ofa: windows page" "$(as ofa /app/windows)" "200"
expect_eq "ofa: no extension form" "$(grep -c "action=\"/app/windows/$w/extend\"" "$T/b")" "0"
expect_match "ofa: told why" "$(cat "$T/b")" 'id="windows-scope">a review window applies to every practice'
expect_eq "root: the extension form" "$(as root /app/windows; grep -c "action=\"/app/windows/$w/extend\"" "$T/b")" "2001"
before=$(db_digest)
expect_eq "ofa: window extension refused" \
	"$(as ofa /app/windows/$w/extend --data "closes=$((year + 2))-02-15 20:00&source=QPP notice&csrf=$(csrf ofa)")" "403"
expect_match "with the reason and what to do instead" "$(cat "$T/b")" "needs an admin or an officer not limited to some TINs; to move one case&#39;s deadline, set that case&#39;s own deadline"
expect_eq "root: without a source: 400" \
	"$(as root /app/windows/$w/extend --data "closes=$((year + 2))-02-15 20:00&csrf=$(csrf root)")" "400"
expect_eq "nothing moved" "$(db_digest)" "$before"
expect_eq "root: extension with a source: 303" \
	"$(as root /app/windows/$w/extend --data "closes=$((year + 2))-02-15 20:00 America/New_York&source=QPP notice&csrf=$(csrf root)")" "303"
ok "window show" "$MR" window show "$w" --json
expect_match "the source is kept" "$(cat "$T/out")" '"source": "QPP notice"'

# -- a case's own deadline, set on its page with its source
expect_match "ofa: case 1 offers its own deadline" "$(as ofa /app/cases/1; cat "$T/b")" 'action="/app/cases/1/deadline"'
before=$(db_digest)
expect_eq "without a source: 400" \
	"$(as ofa /app/cases/1/deadline --data "deadline=$((year + 1))-03-01 17:00 America/New_York&csrf=$(csrf ofa)")" "400"
expect_eq "a date the calendar lacks: 400 with the library's words" \
	"$(as ofa /app/cases/1/deadline --data "deadline=$((year + 1))-02-30 17:00&source=x&csrf=$(csrf ofa)")" "400"
expect_eq "ofb: on A's case, absent" \
	"$(as ofb /app/cases/1/deadline --data "deadline=$((year + 1))-03-01 17:00&source=x&csrf=$(csrf ofb)")" "404"
expect_eq "nothing written" "$(db_digest)" "$before"
expect_eq "ofa: sets it: 303" \
	"$(as ofa /app/cases/1/deadline --data "deadline=$((year + 1))-03-01 17:00 America/New_York&source=CMS e-mail&csrf=$(csrf ofa)")" "303"
ok "show" "$MR" show 1 --json
expect_match "the case has its own deadline and source" "$(cat "$T/out")" '"source": "CMS e-mail"'

# -- ready waits for the required evidence, as the CLI's status does
ok "a case ready for its request but for evidence" "$MR" add --tin "$SEED_TIN" \
	--name "Dr. Ready Example" --year "$year" --reason scoring-error \
	--legal-name "Ready MD" --requester-role clinician --explanation "scored twice"
c3=$(cat "$T/out")
as ofa "/app/cases/$c3" >/dev/null
expect_match "the ready form offers to go on without it" "$(cat "$T/b")" 'name="force" type="checkbox"'
before=$(db_digest)
expect_eq "ready with evidence missing: 409" \
	"$(as ofa "/app/cases/$c3/status" --data "state=ready&csrf=$(csrf ofa)")" "409"
expect_match "with the CLI's message" "$(cat "$T/b")" "cannot become ready: required evidence is missing"
expect_eq "nothing written" "$(db_digest)" "$before"
expect_eq "ready with force: 303" \
	"$(as ofa "/app/cases/$c3/status" --data "state=ready&force=1&csrf=$(csrf ofa)")" "303"
ok "audit" "$MR" audit "$c3"
expect_match "the forced move is in the history" "$(cat "$T/out")" "ready --force despite missing evidence"

# -- hardship filings: the status moves their workflow allows
ok "a filing of A" "$MR" hardship add --tin "$SEED_TIN" --year "$year" --type euc \
	--categories quality --event "a storm"
fa=$(cat "$T/out")
ok "a filing of B" "$MR" hardship add --tin 98-7654321 --year "$year" --type euc \
	--categories quality --event "a flood"
fb=$(cat "$T/out")
expect_match "ofa: the filing's move form" "$(as ofa /app/hardship; cat "$T/b")" "action=\"/app/hardship/$fa/status\""
expect_eq "via: no move form" "$(as via /app/hardship; grep -c 'action="/app/hardship/' "$T/b")" "2000"
before=$(db_digest)
expect_eq "via: move refused" "$(as via /app/hardship/$fa/status --data "state=submitted&csrf=$(csrf via)")" "403"
expect_eq "ofb: A's filing, absent" "$(as ofb /app/hardship/$fa/status --data "state=submitted&csrf=$(csrf ofb)")" "404"
expect_eq "no CSRF token: refused" "$(as ofa /app/hardship/$fa/status --data "state=submitted")" "403"
expect_eq "a move the workflow forbids: 409" "$(as ofa /app/hardship/$fa/status --data "state=approved&csrf=$(csrf ofa)")" "409"
"$MR" hardship status "$fa" approved 2>"$T/cli.err" >/dev/null
expect_match "with hardship status's message" "$(cat "$T/b")" "$(sed 's/^mipsreview: //; s/[][\.*^$]/./g; s/'"'"'/\&#39;/g' "$T/cli.err")"
expect_eq "nothing written" "$(db_digest)" "$before"
expect_eq "ofa: submits it: 303" "$(as ofa /app/hardship/$fa/status --data "state=submitted&note=by portal&csrf=$(csrf ofa)")" "303"
expect_eq "back to the page that begins with the filing" "$(sed -n "s/^Location: //Ip" "$T/h" | tr -d "\r")" \
	"/app/hardship?after=$((fa - 1))&done=status#filing-$fa"
ok "hardship show" "$MR" hardship show "$fa" --json
expect_match "submitted" "$(cat "$T/out")" '"status": "submitted"'

# -- the filings page shows 50 at a time, by keyset, and only the
# account's: every third of 90 more filings is B's
i=0
while [ "$i" -lt 90 ]; do
	if [ $((i % 3)) -eq 0 ]; then t=98-7654321 e="B's outage $i"; else t=$SEED_TIN e="A's outage $i"; fi
	"$MR" hardship add --tin "$t" --year "$year" --type pi --categories pi --event "$e" \
		--force >/dev/null 2>&1 || fail "filing $i"
	i=$((i + 1))
done
# pages WHO [LIST ROW]: every page of LIST (/app/hardship) from the
# first, following its "next" link; the numbers in its ROWs (filing rows)
# in $T/ids, one a line, and counts of B's words in $T/leaks.WHO; prints
# the number of rows of each page.
pages() {
	: >"$T/ids"
	list=${2:-/app/hardship} row=${3:-'<tr id="filing-[0-9]*"'}
	p=$list n=
	while [ -n "$p" ]; do
		[ "$(as "$1" "$p")" = 200 ] || { fail "$1: GET $p"; break; }
		grep -o "$row" "$T/b" | sed 's/[^0-9]//g' >"$T/page"
		cat "$T/page" >>"$T/ids"
		n="$n$(wc -l <"$T/page" | tr -d ' ') "
		grep -c -e "B's outage" -e 4321 -e flood -e "Bo Other" "$T/b" >>"$T/leaks.$1"
		p=$(sed -n "s|.*<a rel=\"next\" href=\"\($list?after=[0-9]*\)[\"&].*|\1|p" "$T/b")
	done
	echo $n
}
expect_eq "root: 92 filings in pages of 50 and 42" "$(pages root)" "50 42"
expect_eq "each filing once, in order" "$(sort -n "$T/ids" | uniq | tr '\n' ' ')" "$(tr '\n' ' ' <"$T/ids")"
expect_eq "all of them" "$(sort -u "$T/ids" | wc -l | tr -d ' ')" \
	"$(sqlite3 "$MIPSREVIEW_DB" 'SELECT count(*) FROM hardship_filing')"
: >"$T/leaks.ofa"
expect_eq "ofa: A's 61 filings in pages of 50 and 11" "$(pages ofa)" "50 11"
expect_eq "no page shows any of B's" "$(sort -u "$T/leaks.ofa")" "0"
expect_eq "they are A's filings, each once" "$(sort -u "$T/ids" | wc -l | tr -d ' ')" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM hardship_filing WHERE tin = '123456789'")"
b1=$(sqlite3 "$MIPSREVIEW_DB" "SELECT max(id) FROM hardship_filing WHERE tin = '987654321'")
expect_eq "ofa: a cursor at B's filing shows none of B's" \
	"$(as ofa "/app/hardship?after=$((b1 - 1))") $(grep -c -e "B's outage" -e 4321 "$T/b")" "200 0"
expect_eq "a cursor that is no number: 400" "$(as ofa '/app/hardship?after=x1')" "400"
expect_match "saying what is expected" "$(cat "$T/b")" "after: the number of the last filing of the previous page is expected"

# -- a good upload and a good move, audited under the account
expect_eq "upload: 303 back to the case" \
	"$(as ofa /app/cases/1/evidence -F "csrf=$(csrf ofa)" -F kind=submission-receipt \
	-F "file=@$T/receipt.txt" -F "note=from the portal")" "303"
ok "evidence list" "$MR" evidence list 1
expect_match "the receipt is evidence of case 1" "$(cat "$T/out")" "receipt.txt"
expect_eq "status move: 303" \
	"$(as ofa /app/cases/1/status --data "state=withdrawn&note=duplicate&csrf=$(csrf ofa)")" "303"
ok "audit" "$MR" audit 1
expect_match "audited under the account" "$(cat "$T/out")" "ofa"

# -- feeds: made by the account, for its TIN, address shown once
expect_eq "ofa adds a feed" "$(as ofa /app/feeds --data "name=ofa-cal&csrf=$(csrf ofa)")" "200"
expect_match "the address from base_url" "$(cat "$T/b")" 'value="https://cal.example.org/calendar/[A-Za-z0-9_-]{32}\.ics"'
expect_eq "ofb adds one for A's TIN: 403" \
	"$(as ofb /app/feeds --data "name=x&tin=$SEED_TIN&csrf=$(csrf ofb)")" "403"
as ofb /app/feeds >/dev/null
expect_eq "ofb does not see ofa's feed" "$(grep -c 'ofa-cal' "$T/b")" "0"

# -- an account of two TINs, A and C, sees both TINs' items and nothing
# of a third (B), on every page as the accounts of one of them and the
# admin see them: the rows in the same order, a page at a time
C=55-5551234
ok "ofc, an officer of TIN C alone" "$MR" user add ofc --role officer --tin $C --password-stdin <"$T/pw"
ok "two, a viewer of TINs A and C" sh -c '"$1" user add two --role viewer --tin "$2" \
	--tin "$3" --password-stdin <"$4"' sh "$MR" "$SEED_TIN" $C "$T/pw"
i=0
while [ "$i" -lt 50 ]; do
	"$MR" add --tin $C --name "Dr. Cy Clinic $i" --year "$year" --reason other --force \
		>/dev/null 2>&1 || fail "case $i of C"
	i=$((i + 1))
done
# dated items of each TIN, B's between C's and A's
for t in "$C 15:30" "98-7654321 16:30" "$SEED_TIN 17:30"; do
	ok "a case of ${t% *} with its own deadline" "$MR" add --tin "${t% *}" \
		--name "Dr. Own ${t#* }" --year "$year" --reason other --force
	ok "its deadline" "$MR" set "$(cat "$T/out")" \
		"deadline=$((year + 1))-03-01 ${t#* } America/New_York"
done
ok "a filing of C" "$MR" hardship add --tin $C --year "$year" --type euc \
	--categories quality --event "a fire"
for u in ofc two; do login "$u"; done
# due_rows WHO: the rows of /app/due with a deadline, one a line: the
# item's link and its TIN's last four digits; then the page's counts.
due_rows() {
	[ "$(as "$1" /app/due)" = 200 ] || fail "$1: GET /app/due"
	/usr/bin/python3 - "$T/b" <<'EOF'
import re, sys
page = open(sys.argv[1]).read()
for row in page.split("<tr")[1:]:
    m = re.match(r'[^>]*>\n<td><a href="([^"]*)">[^<]*</a></td>\n<td>[^<]*</td>'
                 r'<td>([^<]*)</td>', row)
    if m and 'class="undated"' not in row:
        print(m.group(1), m.group(2)[-4:])
m = re.search(r"<p>(\d+) with a deadline, (\d+) with no deadline known", page)
print("counts", m.group(1) if m else "-", m.group(2) if m else "-")
EOF
}
due_rows two >"$T/due.two"
expect_eq "two: /app/due shows nothing of B" "$(grep -c -e 4321 -e "Bo Other" -e "Own 16:30" \
	-e "B's outage" -e flood "$T/b")" "0"
due_rows root >"$T/due.root"
expect_match "root: /app/due shows B's dated case (the check above can see it)" \
	"$(cat "$T/due.root")" " 4321"
expect_eq "two: the dated rows of A and C, as the admin's, in order" \
	"$(grep -v counts "$T/due.two")" "$(grep -e ' 6789$' -e ' 1234$' "$T/due.root")"
expect_eq "two: the cases with a deadline, C's and then A's" \
	"$(grep /app/cases/ "$T/due.two" | cut -d' ' -f2 | tr '\n' ' ')" "1234 6789 "
expect_eq "two: as many items as ofa's and ofc's, dated and not" \
	"$(sed -n 's/^counts //p' "$T/due.two")" \
	"$(due_rows ofa >"$T/due.ofa"; due_rows ofc >"$T/due.ofc"
	   sed -n 's/^counts //p' "$T/due.ofa" "$T/due.ofc" | awk '{ d += $1; u += $2 } END { print d, u }')"
expect_match "C's 50 cases among those with no deadline" "$(sed -n 's/^counts //p' "$T/due.two")" \
	"^[0-9]+ (5[1-9]|[6-9][0-9])$"
: >"$T/leaks.two"
expect_eq "two: A's and C's cases in pages of 50 and 4" \
	"$(pages two /app/cases '<tr><td><a href="/app/cases/[0-9]*"')" "50 4"
expect_eq "each of A's and C's cases once, in order" "$(tr '\n' ' ' <"$T/ids")" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT id FROM review_case WHERE tin IN ('123456789', '555551234') ORDER BY id" | tr '\n' ' ')"
expect_eq "two: A's and C's filings in pages of 50 and 12" "$(pages two)" "50 12"
expect_eq "each of A's and C's filings once, in order" "$(tr '\n' ' ' <"$T/ids")" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT id FROM hardship_filing WHERE tin IN ('123456789', '555551234') ORDER BY id" | tr '\n' ' ')"
expect_eq "no page of either list shows any of B's" "$(sort -u "$T/leaks.two")" "0"

# -- sign-out ends the session on the server: the old cookie is refused
cp "$T/jar.ofa" "$T/jar.replay"
expect_eq "sign out: 303" "$(as ofa /app/logout --data "csrf=$(csrf ofa)")" "303"
expect_eq "the cookie replayed after sign-out: 401" "$(as replay /app/due)" "401"
expect_eq "and no case shows" "$(grep -c 'Ada Example' "$T/b")" "0"

kill "$dpid"; wait "$dpid" 2>/dev/null
expect_eq "no memory error in the daemon" "$(grep -c 'ERROR: AddressSanitizer' "$T/d.log")" "0"
finish
