#!/bin/sh
# mipsreviewd's accounts and JSON API: every route as every role and as
# nobody (401/403/404, nothing of another TIN shown, counts included),
# changes audited under the account's name, CSRF on changes made with the
# session cookie, a cookie replayed after sign-out refused, sign-ins
# slowed after failures, the API's objects byte for byte the CLI's, and
# an account of two TINs seeing both TINs' deadlines and no other's.
. "$top_srcdir/tests/e2e/lib.sh"
need_tool curl

cat >"$T/mr.conf" <<EOT
listen = 127.0.0.1:0
EOT
export MIPSREVIEW_CONFIG="$T/mr.conf"
A=123456789 B=987654321
ok "a case of TIN A" "$MR" add --tin $A --npi "$SEED_NPI" --name "Dr. Ada Mine" \
	--year 2023 --reason scoring-error
ok "a case of TIN B" "$MR" add --tin $B --name "Dr. Bea Theirs" --year 2023 --reason other
ok "another of TIN A" "$MR" add --tin $A --name "Dr. Cy Mine" --year 2023 --reason other
ok "a year without a window, TIN B" "$MR" add --tin $B --name "Dr. Dee Undated" \
	--year 2025 --reason other
printf 'correct horse battery\n' >"$T/pw"
for u in "admin admin" "off officer --tin $A" "view viewer --tin $A"; do
	set -- $u
	n=$1 r=$2; shift 2
	ok "add $n" sh -c '"$1" user add "$2" --role "$3" "$4" "$5" --password-stdin <"$6"' \
		sh "$MR" "$n" "$r" "${1:---json}" "${2:---json}" "$T/pw"
	ok "token for $n" "$MR" user token add "$n"
	eval "tok_$n=\$(cat \"\$T/out\")"
done

# start_daemon: mipsreviewd with $T/mr.conf, ready and answering at $base.
start_daemon() {
	# The last daemon's log goes first: its ': ready' line, read before
	# the new daemon's shell truncates the file, would be taken for this
	# one's.
	rm -f "$T/d.log"
	"$MRD" --config "$T/mr.conf" --db "$MIPSREVIEW_DB" 2>"$T/d.log" &
	dpid=$!
	at_exit "kill $dpid 2>/dev/null"
	i=0
	until grep -q ': ready' "$T/d.log" 2>/dev/null; do
		i=$((i + 1)); [ "$i" -lt 200 ] || { fail "daemon not ready: $(cat "$T/d.log")"; finish; }
		sleep 0.05
	done
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/d.log")
	base="http://127.0.0.1:$port"
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$base/healthz")
	[ "$code" = 200 ] || fail "daemon on port '$port' answers $code: $(cat "$T/d.log")"
}
# stop_daemon: it stops, and said nothing of memory errors.
stop_daemon() {
	kill "$dpid"; wait "$dpid" 2>/dev/null
	expect_eq "no memory error in the daemon" "$(grep -c 'Sanitizer' "$T/d.log")" "0"
}
start_daemon

# call WHO METHOD PATH [curl args]: body in $T/b, headers in $T/h; prints the status.
call() {
	who=$1 m=$2 p=$3; shift 3
	rm -f "$T/b" "$T/h"; : >"$T/b"
	if [ "$who" = nobody ]; then set -- "$@"
	else eval "set -- -H \"Authorization: Bearer \$tok_$who\" \"\$@\""; fi
	curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' --max-time 10 -X "$m" "$@" "$base$p"
}
header() { sed -n "s/^$1: //Ip" "$T/h" | tr -d '\r'; }
header_of() { sed -n "s/^$2: //Ip" "$1" | tr -d '\r'; }
json='Content-Type: application/json'

# -- nobody
for p in /api/v1/due /api/v1/cases /api/v1/cases/1 /api/v1/hardship /api/v1/hardship/1 \
    /api/v1/windows /api/v1/windows/1; do
	expect_eq "nobody GET $p: 401" "$(call nobody GET $p)" "401"
	expect_eq "nobody GET $p: nothing shown" "$(grep -c 'Dr\.' "$T/b")" "0"
done
expect_eq "401 asks for a bearer token" "$(header WWW-Authenticate)" 'Bearer realm="mipsreviewd"'
expect_eq "401 is JSON with the CLI's status" "$(json_get status <"$T/b")" "5"
before=$(db_digest)
for p in /api/v1/cases /api/v1/cases/1/status /api/v1/cases/1/notes /api/v1/cases/1/deadline \
    /api/v1/hardship/1 /api/v1/hardship/1/status /api/v1/windows/1/extend; do
	expect_eq "nobody POST $p: 401" "$(call nobody POST $p -H "$json" -d '{"text":"x"}')" "401"
done
expect_eq "a wrong token is nobody" "$(call nobody GET /api/v1/due -H 'Authorization: Bearer mrt_xyz')" "401"
expect_eq "nothing written by nobody" "$(db_digest)" "$before"

# -- headers and methods
expect_eq "admin GET due: 200" "$(call admin GET /api/v1/due)" "200"
expect_eq "CSP" "$(header Content-Security-Policy)" "default-src 'self'; frame-ancestors 'none'"
expect_eq "nosniff" "$(header X-Content-Type-Options)" "nosniff"
expect_eq "no referrer" "$(header Referrer-Policy)" "no-referrer"
expect_eq "not stored" "$(header Cache-Control)" "no-store"
expect_eq "DELETE a case: 405" "$(call admin DELETE /api/v1/cases/1)" "405"
expect_eq "405 says what is allowed" "$(header Allow)" "GET, HEAD"
expect_eq "GET status: 405" "$(call admin GET /api/v1/cases/1/status)" "405"
expect_eq "no such route: 404" "$(call admin GET /api/v1/nothing)" "404"
expect_eq "feeds unchanged: healthz" "$(call nobody GET /healthz)" "200"

# -- viewer of TIN A: its cases only, counts too; no changes
expect_eq "viewer GET cases" "$(call view GET /api/v1/cases)" "200"
expect_eq "viewer sees TIN A's two cases" "$(json_get cases <"$T/b" | grep -o '"id"' | wc -l)" "2"
expect_eq "and nothing of TIN B" "$(grep -c -e Bea -e Dee -e 4321 "$T/b")" "0"
expect_eq "viewer GET due" "$(call view GET /api/v1/due)" "200"
expect_eq "due shows nothing of TIN B, not even a count" \
	"$(grep -c -e Bea -e Dee -e 4321 -e '"count"' "$T/b")" "0"
expect_eq "viewer GET case of TIN B: 404 as if absent" "$(call view GET /api/v1/cases/2)" "404"
expect_eq "with the words of a missing case" "$(json_get error <"$T/b")" \
	"case 2 does not exist; 'mipsreview list' shows the cases"
call view GET /api/v1/cases/99 >/dev/null
expect_eq "a missing case reads the same" "$(json_get error <"$T/b")" \
	"case 99 does not exist; 'mipsreview list' shows the cases"
expect_eq "viewer asks for TIN B: 403" "$(call view GET "/api/v1/cases?tin=$B")" "403"
expect_eq "viewer hardship/windows: 200" \
	"$(call view GET /api/v1/hardship) $(call view GET /api/v1/windows)" "200 200"
before=$(db_digest)
expect_eq "viewer POST note: 403" "$(call view POST /api/v1/cases/1/notes -H "$json" -d '{"text":"x"}')" "403"
expect_eq "viewer POST status: 403" "$(call view POST /api/v1/cases/1/status -H "$json" -d '{"state":"withdrawn"}')" "403"
expect_eq "viewer POST case: 403" "$(call view POST /api/v1/cases -H "$json" \
	-d "{\"tin\":\"$A\",\"name\":\"X\",\"performance_year\":2023,\"reasons\":[\"other\"]}")" "403"
for p in /api/v1/cases/1/deadline /api/v1/hardship/1 /api/v1/hardship/1/status /api/v1/windows/1/extend; do
	expect_eq "viewer POST $p: 403" "$(call view POST $p -H "$json" -d '{"state":"submitted"}')" "403"
done
expect_eq "viewer wrote nothing" "$(db_digest)" "$before"

# -- officer of TIN A: changes its cases, not TIN B's
expect_eq "officer note on TIN A: 201" "$(call off POST /api/v1/cases/1/notes -H "$json" -d '{"text":"called CMS <script>x</script>"}')" "201"
expect_eq "the case comes back with its note" "$(grep -c 'called CMS <script>' "$T/b")" "1"
ok "audit" "$MR" audit 1 --json
expect_match "the note is audited under the account" "$(cat "$T/out")" '"who": "off"'
before=$(db_digest)
expect_eq "officer note on TIN B: 404" "$(call off POST /api/v1/cases/2/notes -H "$json" -d '{"text":"x"}')" "404"
expect_eq "officer moves TIN B: 404" "$(call off POST /api/v1/cases/2/status -H "$json" -d '{"state":"withdrawn"}')" "404"
expect_eq "officer opens a TIN B case: 403" "$(call off POST /api/v1/cases -H "$json" \
	-d "{\"tin\":\"$B\",\"name\":\"X\",\"performance_year\":2023,\"reasons\":[\"other\"]}")" "403"
expect_eq "an illegal move: 409 with the CLI's words and status" \
	"$(call off POST /api/v1/cases/1/status -H "$json" -d '{"state":"approved"}') $(json_get status <"$T/b")" "409 5"
"$MR" status 1 approved >/dev/null 2>"$T/cli.err"
expect_eq "the same message as the CLI" "mipsreview: $(json_get error <"$T/b")" "$(cat "$T/cli.err")"
expect_eq "an unknown field: 400" "$(call off POST /api/v1/cases/1/notes -H "$json" -d '{"txt":"x"}')" "400"
expect_eq "not JSON: 400" "$(call off POST /api/v1/cases/1/notes -H "$json" -d '{"text":')" "400"
expect_eq "not JSON's type: 415" "$(call off POST /api/v1/cases/1/notes -d 'text=x')" "415"
expect_eq "too large: 413" "$(head -c 70000 /dev/zero | tr '\0' a | call off POST /api/v1/cases/1/notes -H "$json" --data-binary @-)" "413"
expect_eq "an invalid value: 422 with the CLI's status" \
	"$(call off POST /api/v1/cases -H "$json" -d "{\"tin\":\"$A\",\"name\":\"X\",\"performance_year\":1999,\"reasons\":[\"other\"]}") $(json_get status <"$T/b")" "422 3"
expect_eq "officer refused or invalid wrote nothing" "$(db_digest)" "$before"
expect_eq "officer opens a TIN A case: 201" "$(call off POST /api/v1/cases -H "$json" \
	-d "{\"tin\":\"$A\",\"name\":\"Dr. Eve New\",\"performance_year\":2024,\"reasons\":[\"other\"]}")" "201"
new=$(json_get id <"$T/b")
expect_eq "officer moves it: 200" "$(call off POST /api/v1/cases/$new/status -H "$json" -d '{"state":"withdrawn","note":"duplicate"}') $(json_get status <"$T/b")" "200 withdrawn"

# -- a TIN outside the account's scope is refused without repeating it whole
expect_eq "viewer asks for TIN B's cases: 403" "$(call view GET "/api/v1/cases?tin=$B")" "403"
expect_match "the refusal masks the TIN" "$(json_get error <"$T/b")" '^TIN \*\*\*\*\*4321 is not among'
expect_eq "and never shows it whole" "$(grep -c -e 987654321 -e 98-7654321 "$T/b")" "0"
expect_eq "nor in the hardship list's refusal" \
	"$(call view GET "/api/v1/hardship?tin=98-7654321") $(grep -c -e 987654321 -e 98-7654321 "$T/b")" "403 0"
expect_eq "nor when opening a case" "$(call off POST /api/v1/cases -H "$json" \
	-d "{\"tin\":\"$B\",\"name\":\"X\",\"performance_year\":2023,\"reasons\":[\"other\"]}") $(grep -c "$B" "$T/b")" "403 0"

# -- due with the CLI's filters, byte for byte
for q in "within=30d:--within 30d" "overdue=1:--overdue" "undated=1:--undated" \
    "all=1&undated=1:--all --undated" "within=400d&all=1:--within 400d --all"; do
	call admin GET "/api/v1/due?${q%%:*}&zone=America/Chicago" >/dev/null
	"$MR" due ${q#*:} --zone America/Chicago --json >"$T/cli.json"
	expect_eq "GET due?${q%%:*} = due ${q#*:} --json" "$(cmp -s "$T/b" "$T/cli.json" && echo same)" "same"
done
expect_match "undated lists TIN B's undated case one by one" "$(call admin GET '/api/v1/due?undated=1'; cat "$T/b")" 'Dee Undated'
expect_eq "a limited account's undated list shows nothing of TIN B" \
	"$(call view GET '/api/v1/due?undated=1') $(grep -c -e Bea -e Dee -e 4321 "$T/b")" "200 0"
expect_eq "within=0: 422 with the CLI's words" "$(call admin GET '/api/v1/due?within=0') $(json_get status <"$T/b")" "422 3"
"$MR" due --within 0 2>"$T/cli.err" >/dev/null
expect_eq "the same message as the CLI" "mipsreview: $(json_get error <"$T/b")" "$(cat "$T/cli.err")"
expect_eq "within=soon: 422" "$(call admin GET '/api/v1/due?within=soon')" "422"
expect_eq "overdue with within: 400" "$(call admin GET '/api/v1/due?overdue=1&within=3d') $(json_get status <"$T/b")" "400 2"
expect_eq "undated with overdue: 400" "$(call admin GET '/api/v1/due?undated=1&overdue=1')" "400"

# -- cases by reason, NPI, open, as list's filters
call admin GET '/api/v1/cases?reason=scoring-error' >/dev/null
expect_eq "by reason: the one scoring-error case" "$(json_get cases.0.id <"$T/b") $(json_get cases.1.id <"$T/b")" "1 "
call admin GET '/api/v1/cases?reason=scoring-error,other' >/dev/null
expect_eq "any of two reasons" "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["cases"]))' <"$T/b")" "5"
expect_eq "an unknown reason: 422" "$(call admin GET '/api/v1/cases?reason=bad-luck') $(json_get status <"$T/b")" "422 3"
"$MR" list --reason bad-luck 2>"$T/cli.err" >/dev/null
expect_eq "with list's message" "mipsreview: $(json_get error <"$T/b")" "$(cat "$T/cli.err")"
call admin GET "/api/v1/cases?npi=$SEED_NPI" >/dev/null
expect_eq "by NPI" "$(json_get cases.0.id <"$T/b") $(json_get next <"$T/b")" "1 null"

# -- hardship filings: status moves and fields, in scope, with the CLI's rules
ok "a filing of TIN A" "$MR" hardship add --tin $A --year 2023 --type euc \
	--categories quality --event "a storm closed the office"
fa=$(cat "$T/out")
ok "a filing of TIN B" "$MR" hardship add --tin $B --year 2023 --type euc \
	--categories quality --event "a flood"
fb=$(cat "$T/out")
before=$(db_digest)
expect_eq "viewer moves a filing: 403" "$(call view POST /api/v1/hardship/$fa/status -H "$json" -d '{"state":"submitted"}')" "403"
expect_eq "officer moves TIN B's filing: 404" "$(call off POST /api/v1/hardship/$fb/status -H "$json" -d '{"state":"submitted"}')" "404"
expect_eq "in the words of a missing filing" "$(json_get error <"$T/b")" \
	"filing $fb does not exist; 'mipsreview hardship list' shows the filings"
expect_eq "officer reads TIN B's filing: 404" "$(call off GET /api/v1/hardship/$fb)" "404"
expect_eq "an illegal move: 409" "$(call off POST /api/v1/hardship/$fa/status -H "$json" -d '{"state":"approved"}') $(json_get status <"$T/b")" "409 5"
"$MR" hardship status "$fa" approved 2>"$T/cli.err" >/dev/null
expect_eq "with hardship status's message" "mipsreview: $(json_get error <"$T/b")" "$(cat "$T/cli.err")"
expect_eq "an unknown field: 400" "$(call off POST /api/v1/hardship/$fa -H "$json" -d '{"confirmaton":"x"}')" "400"
expect_match "it names the field" "$(json_get error <"$T/b")" "unknown field 'confirmaton'"
expect_eq "a wrong type: 400" "$(call off POST /api/v1/hardship/$fa/status -H "$json" -d '{"state":["submitted"]}')" "400"
expect_eq "it says what is expected" "$(json_get error <"$T/b")" "field 'state': a string is expected"
expect_eq "a field twice: 400" "$(call off POST /api/v1/hardship/$fa/status -H "$json" -d '{"state":"submitted","state":"draft"}')" "400"
expect_eq "nothing to set: 400" "$(call off POST /api/v1/hardship/$fa -H "$json" -d '{}')" "400"
expect_eq "a form instead of JSON: 415" "$(call off POST /api/v1/windows/1/extend -d 'closes=x&source=y')" "415"
expect_eq "moving the filing to TIN B: 403" "$(call off POST /api/v1/hardship/$fa -H "$json" -d "{\"tin\":\"$B\"}") $(grep -c "$B" "$T/b")" "403 0"
expect_eq "an invalid value: 422" "$(call off POST /api/v1/hardship/$fa -H "$json" -d '{"categories":"cooking"}')" "422"
"$MR" hardship set "$fa" categories=cooking 2>"$T/cli.err" >/dev/null
expect_eq "with hardship set's message" "mipsreview: $(json_get error <"$T/b")" "$(cat "$T/cli.err")"
expect_eq "refused moves and fields wrote nothing" "$(db_digest)" "$before"
expect_eq "officer submits TIN A's filing: 200" \
	"$(call off POST /api/v1/hardship/$fa/status -H "$json" -d '{"state":"submitted","note":"sent by portal"}') $(json_get status <"$T/b")" "200 submitted"
"$MR" hardship show "$fa" --json >"$T/cli.json"
expect_eq "the answer is hardship show --json" "$(cmp -s "$T/b" "$T/cli.json" && echo same)" "same"
expect_eq "officer sets its confirmation: 200" \
	"$(call off POST /api/v1/hardship/$fa -H "$json" -d '{"confirmation":"EUC-2024-0042"}') $(json_get confirmation <"$T/b")" "200 EUC-2024-0042"
ok "the audit trail" "$MR" audit --json
expect_eq "the filing's changes are audited under the account" "$(/usr/bin/python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin) if r.get("entity") == "hardship" and r.get("entity_id") == int(sys.argv[1]) and r.get("who") == "off"))' "$fa" <"$T/out")" "2"

# -- review windows are every practice's: only an unlimited account extends one
ok "a window" "$MR" window add --kind targeted-review --year 2025 \
	--closes "2026-01-15 20:00 America/New_York" --name "PY2025 targeted review"
w=$(cat "$T/out")
before=$(db_digest)
expect_eq "viewer extends: 403" "$(call view POST /api/v1/windows/$w/extend -H "$json" \
	-d '{"closes":"2026-02-15 20:00 America/New_York","source":"QPP notice"}')" "403"
expect_eq "an officer limited to TIN A extends: 403" "$(call off POST /api/v1/windows/$w/extend -H "$json" \
	-d '{"closes":"2026-02-15 20:00 America/New_York","source":"QPP notice"}') $(json_get status <"$T/b")" "403 5"
expect_match "it says why and what to do instead" "$(json_get error <"$T/b")" \
	"^a review window applies to every practice: .* needs an admin or an officer not limited to some TINs; to move one case's deadline, set that case's own deadline"
expect_eq "admin without a source: 400" "$(call admin POST /api/v1/windows/$w/extend -H "$json" \
	-d '{"closes":"2026-02-15 20:00 America/New_York"}')" "400"
expect_eq "admin with an earlier time: 422 or 409" "$(call admin POST /api/v1/windows/$w/extend -H "$json" \
	-d '{"closes":"2025-01-15 20:00 America/New_York","source":"x"}' | grep -c -e 422 -e 409)" "1"
expect_eq "nothing moved" "$(db_digest)" "$before"
expect_eq "admin extends with a source: 200" "$(call admin POST /api/v1/windows/$w/extend -H "$json" \
	-d '{"closes":"2026-02-15 20:00 America/New_York","source":"QPP notice of 2026-01-10"}')" "200"
"$MR" window show "$w" --json >"$T/cli.json"
expect_eq "the answer is window show --json" "$(cmp -s "$T/b" "$T/cli.json" && echo same)" "same"
expect_match "the source is kept" "$(cat "$T/cli.json")" '"source": "QPP notice of 2026-01-10"'
expect_eq "GET a window" "$(call view GET /api/v1/windows/$w)" "200"

# -- every list pages by keyset, as cases does: limit, and after = the
# "next" of the previous page (null on the last)
# walk WHO PATH KEY LIMIT: every page from the first to the last, their
# items as one array in $T/walk.json; prints the number of pages.  Fails
# on a page of another shape, longer than LIMIT, or a cursor seen before.
walk() {
	eval "wt=\$tok_$1"
	/usr/bin/python3 - "$base" "$wt" "$2" "$3" "$4" "$T/walk.json" <<'EOF'
import json, sys, urllib.parse, urllib.request
base, tok, path, key, limit, out = sys.argv[1:7]
items, after, pages, seen = [], None, 0, set()
while True:
    q = path + ("&" if "?" in path else "?") + "limit=" + limit
    if after is not None:
        q += "&after=" + urllib.parse.quote(after)
    req = urllib.request.Request(base + q, headers={"Authorization": "Bearer " + tok})
    page = json.load(urllib.request.urlopen(req, timeout=10))
    if list(page) != [key, "next"] or len(page[key]) > int(limit):
        sys.exit("walk: a page of another shape: %r" % page)
    items += page[key]
    pages += 1
    after = page["next"]
    if after is None:
        break
    if after in seen or not page[key]:
        sys.exit("walk: cursor %r repeats" % after)
    seen.add(after)
json.dump(items, open(out, "w"))
print(pages)
EOF
}
# same_items KEY PAGE CLI: "same" if PAGE's KEY holds CLI's array.
same_items() {
	/usr/bin/python3 -c 'import json, sys
a, b = json.load(open(sys.argv[2]))[sys.argv[1]], json.load(open(sys.argv[3]))
print("same" if a == b else "differ")' "$@"
}
ok "a second filing of TIN B" "$MR" hardship add --tin $B --year 2022 --type euc \
	--categories cost --event "a fire"
fb2=$(cat "$T/out")
ok "a second filing of TIN A" "$MR" hardship add --tin $A --year 2022 --type pi \
	--categories pi --event "a vendor's outage"
fa2=$(cat "$T/out")
ok "a third filing of TIN B" "$MR" hardship add --tin $B --year 2021 --type euc \
	--categories quality --event "a storm"
ok "hardship list --json" "$MR" hardship list --json
cp "$T/out" "$T/filings.json"
expect_eq "admin: the filings in three pages of two" "$(walk admin /api/v1/hardship filings 2)" "3"
expect_eq "and together they are hardship list --json" \
	"$(/usr/bin/python3 -c 'import json,sys; print("same" if json.load(open(sys.argv[1])) == json.load(open(sys.argv[2])) else "differ")' "$T/walk.json" "$T/filings.json")" "same"
call admin GET '/api/v1/hardship?limit=2' >/dev/null
expect_eq "first page: two filings and a cursor" \
	"$(json_get filings.0.id <"$T/b") $(json_get filings.1.id <"$T/b") $(json_get next <"$T/b")" "$fa $fb $fb"
call admin GET "/api/v1/hardship?limit=2&after=$fb" >/dev/null
expect_eq "next page from the cursor" "$(json_get filings.0.id <"$T/b") $(json_get next <"$T/b")" "$fb2 $fa2"
call admin GET "/api/v1/hardship?limit=2&after=$fa2" >/dev/null
expect_eq "last page: next is null" "$(json_get next <"$T/b")" "null"
expect_eq "a filter holds across pages" "$(walk admin '/api/v1/hardship?year=2022' filings 1) $(json_get 1.id <"$T/walk.json")" "2 $fa2"
expect_eq "officer of TIN A: its two filings, a page each" "$(walk off /api/v1/hardship filings 1)" "2"
expect_eq "its pages hold TIN A's filings only" \
	"$(/usr/bin/python3 -c 'import json,sys; print(" ".join(str(f["id"]) for f in json.load(sys.stdin)))' <"$T/walk.json")" "$fa $fa2"
expect_eq "and never another TIN's" "$(grep -c -e 4321 -e flood -e fire "$T/walk.json")" "0"
call view GET "/api/v1/hardship?limit=1&after=$fb" >/dev/null
expect_eq "a cursor at another TIN's filing still shows only its own" \
	"$(json_get filings.0.id <"$T/b") $(json_get next <"$T/b") $(grep -c 4321 "$T/b")" "$fa2 null 0"
call view GET "/api/v1/hardship?after=$fa2" >/dev/null
expect_eq "past the last: an empty page" "$(json_get filings <"$T/b") $(json_get next <"$T/b")" "[] null"
for q in limit=0 limit=1001 after=x after=-3 'after=1%200'; do
	expect_eq "hardship?$q: 400 with the status of a usage error" \
		"$(call view GET "/api/v1/hardship?$q") $(json_get status <"$T/b")" "400 2"
done
expect_eq "windows: every page in window list's order" "$(walk view /api/v1/windows windows 5)" \
	"$("$MR" window list --json | /usr/bin/python3 -c 'import json,sys; print(-(-len(json.load(sys.stdin)) // 5))')"
"$MR" window list --json >"$T/cli.json"
expect_eq "and together they are window list --json" \
	"$(/usr/bin/python3 -c 'import json,sys; print("same" if json.load(open(sys.argv[1])) == json.load(open(sys.argv[2])) else "differ")' "$T/walk.json" "$T/cli.json")" "same"
expect_eq "a filter holds across pages" "$(walk view '/api/v1/windows?year=2024' windows 2)" "3"
call view GET '/api/v1/windows?limit=1' >/dev/null
expect_match "a window cursor is its closing instant and id" "$(json_get next <"$T/b")" '^[0-9]+-[0-9]+$'
for q in limit=0 after=x after=12 after=1-x after=-1-2 after=1-0; do
	expect_eq "windows?$q: 400 with the status of a usage error" \
		"$(call view GET "/api/v1/windows?$q") $(json_get status <"$T/b")" "400 2"
done

# due pages when asked (limit or after): the dated items soonest first,
# then those with no deadline, the pages together the unpaged answer
for who in admin off view; do
	for q in "zone=America/Chicago" "all=1" "overdue=1" "within=400d&all=1"; do
		call "$who" GET "/api/v1/due?$q" >/dev/null
		cp "$T/b" "$T/whole.json"
		pages=$(walk "$who" "/api/v1/due?$q" due 1)
		expect_eq "$who: due?$q in pages of one ($pages) is the unpaged answer" \
			"$(/usr/bin/python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); print("same" if a == b and len(a) > 0 else "differ: %d %d" % (len(a), len(b)))' "$T/walk.json" "$T/whole.json")" "same"
	done
done
expect_eq "a limited account's due pages show nothing of TIN B" \
	"$(walk view '/api/v1/due?all=1' due 2 >/dev/null; grep -c -e Bea -e Dee -e 4321 -e '"count"' "$T/walk.json")" "0"
call admin GET '/api/v1/due?all=1&limit=1' >/dev/null
expect_match "a dated item's cursor: its closing instant, kind of item and id" "$(json_get next <"$T/b")" '^[0-9]+-(case|hardship)-[0-9]+$'
n=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$T/whole.json")
call view GET "/api/v1/due?within=400d&all=1&limit=$n" >/dev/null
expect_eq "one page holding all: next is null" "$(json_get next <"$T/b")" "null"
for q in after=x after=12 after=1-case after=1-note-2 after=1-case-0 after=undated-0 \
    after=undated-x limit=0 'undated=1&limit=5'; do
	expect_eq "due?$q: 400 with the status of a usage error" \
		"$(call view GET "/api/v1/due?$q") $(json_get status <"$T/b")" "400 2"
done

# -- an officer limited to some TINs sets one case's own deadline instead
expect_eq "officer sets TIN A's case deadline: 200" "$(call off POST /api/v1/cases/3/deadline -H "$json" \
	-d '{"deadline":"2024-10-31 17:00 America/New_York","source":"CMS e-mail of 2024-10-01"}') $(json_get deadline.source <"$T/b")" \
	"200 CMS e-mail of 2024-10-01"
expect_eq "the deadline is the case's own" "$(json_get deadline.closes_at <"$T/b")" "2024-10-31T21:00:00Z"
expect_eq "not TIN B's: 404" "$(call off POST /api/v1/cases/2/deadline -H "$json" \
	-d '{"deadline":"2024-10-31 17:00 America/New_York","source":"x"}')" "404"
expect_eq "without a source: 400" "$(call off POST /api/v1/cases/3/deadline -H "$json" -d '{"deadline":"2024-10-31"}')" "400"

# -- admin: every TIN; keyset pages
expect_eq "admin sees TIN B's case" "$(call admin GET /api/v1/cases/2)" "200"
call admin GET '/api/v1/cases?limit=2' >/dev/null
expect_eq "page 1: two cases and a cursor" "$(json_get cases.1.id <"$T/b") $(json_get next <"$T/b")" "2 2"
call admin GET '/api/v1/cases?limit=2&after=2' >/dev/null
expect_eq "page 2" "$(json_get cases.0.id <"$T/b") $(json_get cases.1.id <"$T/b") $(json_get next <"$T/b")" "3 4 4"
call admin GET '/api/v1/cases?limit=2&after=4' >/dev/null
expect_eq "last page" "$(json_get cases.0.id <"$T/b") $(json_get next <"$T/b")" "$new null"
call off GET '/api/v1/cases?limit=1&after=1' >/dev/null
expect_eq "a limited account's pages skip other TINs" "$(json_get cases.0.id <"$T/b")" "3"
call off GET /api/v1/cases >/dev/null
expect_eq "officer of TIN A: a page of one case at a time, each of TIN A" \
	"$(walk off /api/v1/cases cases 1) $(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1])) == json.load(sys.stdin)["cases"])' "$T/walk.json" <"$T/b")" "3 True"
expect_eq "no page holds TIN B's" "$(grep -c -e Bea -e Dee -e 4321 "$T/walk.json")" "0"
expect_eq "an unknown parameter: 400" "$(call admin GET '/api/v1/cases?tin_=1')" "400"
for q in limit=0 limit=1001 limit=ten limit= after=x after=-1 after=2.5; do
	expect_eq "cases?$q: 400 with the status of a usage error" \
		"$(call admin GET "/api/v1/cases?$q") $(json_get status <"$T/b")" "400 2"
done
expect_match "a bad cursor says what to send" "$(call admin GET '/api/v1/cases?after=x'; json_get error <"$T/b")" \
	"^400after 'x': the \"next\" of the previous page is expected"

# -- the API's objects are the CLI's, byte for byte
call admin GET /api/v1/cases/1 >/dev/null
"$MR" show 1 --json >"$T/cli.json"
expect_eq "GET /api/v1/cases/1 = show 1 --json" "$(cmp -s "$T/b" "$T/cli.json" && echo same)" "same"
call admin GET '/api/v1/due?zone=America/Chicago' >/dev/null
"$MR" due --zone America/Chicago --json >"$T/cli.json"
expect_eq "GET /api/v1/due = due --json" "$(cmp -s "$T/b" "$T/cli.json" && echo same)" "same"
call admin GET /api/v1/windows >/dev/null
"$MR" window list --json >"$T/cli.json"
expect_eq "GET /api/v1/windows: window list --json's objects, one page" \
	"$(same_items windows "$T/b" "$T/cli.json") $(json_get next <"$T/b")" "same null"

# -- the session of the pages: cookie, CSRF, sign-out
# form: fetch the sign-in form; its cookie to $T/lc, its token to $T/lt.
form() {
	curl -s -o "$T/lf" -D "$T/lh" "$base/app/login"
	sed -n 's/^Set-Cookie: \(mr_login=[^;]*\);.*/\1/Ip' "$T/lh" | tr -d '\r' >"$T/lc"
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/lf" | head -n 1 >"$T/lt"
}
# post_login USER PASSWORD [curl args]: the form as it was sent, no more.
post_login() {
	u=$1 pw=$2; shift 2
	curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' -c "$T/jar" "$@" \
	--data-urlencode "user=$u" --data-urlencode "password=$pw" "$base/app/login"
}
login() { form; post_login "$1" "$2" -b "$(cat "$T/lc")" --data-urlencode "csrf=$(cat "$T/lt")"; }

# -- the sign-in form is bound to the browser that fetched it
form
expect_eq "the sign-in form sets one mr_login cookie" "$(header_of "$T/lh" Set-Cookie | grep -c '^mr_login=')" "1"
expect_match "its cookie's attributes" "$(header_of "$T/lh" Set-Cookie)" \
	'^mr_login=[0-9]+\.[A-Za-z0-9_-]{43}; Path=/app/login; HttpOnly; SameSite=Strict; Max-Age=900$'
expect_match "the form carries a token" "$(cat "$T/lt")" '^[A-Za-z0-9_-]{43}$'
before=$(db_digest)
: >"$T/jar"
expect_eq "a sign-in without the form's token: 403" \
	"$(post_login off 'correct horse battery' -b "$(cat "$T/lc")")" "403"
expect_match "it says why and how to go on" "$(cat "$T/b")" 'stale or not from this site.*sign in again'
expect_match "with a fresh form" "$(header Set-Cookie)" '^mr_login='
expect_eq "a sign-in with the token but not the cookie: 403" \
	"$(post_login off 'correct horse battery' --data-urlencode "csrf=$(cat "$T/lt")")" "403"
cp "$T/lc" "$T/lc.first"
form
expect_eq "a token with another form's cookie: 403" \
	"$(post_login off 'correct horse battery' -b "$(cat "$T/lc.first")" --data-urlencode "csrf=$(cat "$T/lt")")" "403"
moved=$(sed 's/^mr_login=\([0-9]*\)\./mr_login=1\1./' "$T/lc")
expect_eq "a cookie whose time was changed: 403" \
	"$(post_login off 'correct horse battery' -b "$moved" --data-urlencode "csrf=$(cat "$T/lt")")" "403"
expect_eq "no session cookie was given" "$(grep -c mr_session "$T/jar")" "0"
expect_eq "nothing written by a refused sign-in" "$(db_digest)" "$before"
expect_eq "sign in: 303" "$(login off 'correct horse battery')" "303"
cookie=$(header Set-Cookie)
expect_match "the cookie's attributes" "$cookie" '^mr_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Max-Age=[0-9]+$'
sid=$(printf '%s' "$cookie" | sed 's/^mr_session=\([^;]*\);.*/\1/')
expect_eq "the session id is not in the database" \
	"$(cat "$MIPSREVIEW_DB" "$MIPSREVIEW_DB-wal" 2>/dev/null | grep -c -a -- "$sid")" "0"
expect_eq "the cookie reads the API" "$(call nobody GET /api/v1/cases -b "$T/jar")" "200"
csrf=$(curl -s -b "$T/jar" "$base/app/due" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
expect_match "the pages carry a CSRF token" "$csrf" '^[A-Za-z0-9_-]{43}$'
before=$(db_digest)
expect_eq "a change with the cookie but no CSRF token: 403" \
	"$(call nobody POST /api/v1/cases/1/notes -b "$T/jar" -H "$json" -d '{"text":"x"}')" "403"
expect_eq "a wrong CSRF token: 403" \
	"$(call nobody POST /api/v1/cases/1/notes -b "$T/jar" -H "$json" -H 'X-CSRF-Token: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' -d '{"text":"x"}')" "403"
expect_eq "a page's form without the token: 403" \
	"$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" --data 'text=x' "$base/app/cases/1/notes")" "403"
expect_eq "nothing written without the token" "$(db_digest)" "$before"
expect_eq "with the token: 201" \
	"$(call nobody POST /api/v1/cases/1/notes -b "$T/jar" -H "$json" -H "X-CSRF-Token: $csrf" -d '{"text":"by cookie"}')" "201"
expect_eq "sign-out without the token is refused" \
	"$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" --data 'csrf=x' "$base/app/logout")" "403"
expect_eq "sign out: 303" \
	"$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' -b "$T/jar" --data-urlencode "csrf=$csrf" "$base/app/logout")" "303"
expect_match "the cookie is cleared" "$(header Set-Cookie)" '^mr_session=; .*Max-Age=0$'
expect_eq "the old cookie replayed: 401" \
	"$(call nobody GET /api/v1/cases -H "Cookie: mr_session=$sid")" "401"
expect_eq "and on a page: 401" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: mr_session=$sid" "$base/app/due")" "401"

# -- failed sign-ins slow the account down, without blocking the server
for i in 1 2 3 4 5; do
	expect_eq "wrong password $i: 401" "$(login view wrong-password)" "401"
done
expect_eq "then even the right one waits: 429" "$(login view 'correct horse battery')" "429"
expect_eq "while the server answers others" "$(call admin GET /api/v1/windows)" "200"
expect_eq "no password in the log" "$(grep -c -e wrong-password -e 'correct horse' "$T/d.log")" "0"

# -- under an https base_url the cookie travels over TLS only
stop_daemon
printf 'listen = 127.0.0.1:0\nbase_url = https://office.example.org/\n' >"$T/mr.conf"
start_daemon
# The failures above were counted in the database: a restart (a crash
# loop, say) gives no fresh allowance, to the account or to the address.
expect_eq "after a restart the account still waits: 429" "$(login view 'correct horse battery')" "429"
expect_eq "and so does its address, for any account" "$(login admin 'correct horse battery')" "429"
expect_eq "the count is the account's" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT failed_logins FROM account WHERE name = 'view'")" "5"
# The waits are over in 30 s; the test does not sleep through them.
sqlite3 "$MIPSREVIEW_DB" "UPDATE account SET failed_logins = 0, last_failed_at = NULL; DELETE FROM login_failure"
expect_eq "a name that is no account: 401" "$(login nosuchname wrong-password)" "401"
expect_eq "its address's failure is kept" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT count FROM login_failure")" "1"
expect_eq "but the name is written nowhere" \
	"$(sqlite3 "$MIPSREVIEW_DB" .dump | grep -c -e wrong-password -e nosuchname)" "0"
# A form made at a time of our choosing (pages run on the real clock): the
# token is the SHA-256 of the cookie's value, so only its holder has it.
forged() {
	v="$1.$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-43)"
	t=$(printf 'mipsreview csrf\000%s' "$v" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | cut -c1-43)
	printf 'mr_login=%s csrf=%s' "$v" "$t"
}
set -- $(forged $(($(date +%s) - 20 * 60)))
expect_eq "a sign-in form older than 15 minutes: 403" \
	"$(post_login admin 'correct horse battery' -b "$1" --data-urlencode "$2")" "403"
set -- $(forged $(($(date +%s) + 5 * 60)))
expect_eq "a sign-in form from the future: 403" \
	"$(post_login admin 'correct horse battery' -b "$1" --data-urlencode "$2")" "403"
set -- $(forged $(($(date +%s) - 60)))
expect_eq "one a minute old: 303" \
	"$(post_login admin 'correct horse battery' -b "$1" --data-urlencode "$2")" "303"
form
expect_match "the form's cookie is Secure too" "$(header_of "$T/lh" Set-Cookie)" '; HttpOnly; SameSite=Strict; Secure; Max-Age=900$'
expect_eq "sign in under https: 303" "$(login admin 'correct horse battery')" "303"
expect_match "the cookie is Secure" "$(header Set-Cookie)" '; HttpOnly; SameSite=Strict; Secure; Max-Age=[0-9]+$'

# -- an account's changes hold from its next request on: role, TINs,
# disabling (token and session at once) and enabling (the token only)
form
expect_eq "off signs in" "$(post_login off 'correct horse battery' -b "$(cat "$T/lc")" --data-urlencode "csrf=$(cat "$T/lt")")" "303"
osid=$(header Set-Cookie | sed 's/^mr_session=\([^;]*\);.*/\1/')
ocookie="Cookie: mr_session=$osid"
expect_eq "off's session reads TIN A" "$(call nobody GET "/api/v1/cases?tin=$A" -H "$ocookie")" "200"
ok "off moves to TIN B" "$MR" user set off --tin $B
expect_eq "the session no longer reads TIN A" "$(call nobody GET "/api/v1/cases?tin=$A" -H "$ocookie")" "403"
expect_eq "nor its case" "$(call nobody GET /api/v1/cases/1 -H "$ocookie")" "404"
expect_eq "but TIN B's" "$(call off GET /api/v1/cases/2)" "200"
ok "off becomes a viewer" "$MR" user set off --role viewer
expect_eq "its token may no longer change anything" \
	"$(call off POST /api/v1/cases/2/notes -H "$json" -d '{"text":"x"}')" "403"
ok "disable off" "$MR" user disable off
expect_eq "its token: 401" "$(call off GET /api/v1/due)" "401"
expect_eq "its session: 401" "$(call nobody GET /api/v1/due -H "$ocookie")" "401"
ok "enable off" "$MR" user enable off
expect_match "enable says the token works again" "$(cat "$T/out")" "its 1 API token"
expect_eq "its token works again" "$(call off GET /api/v1/due)" "200"
expect_eq "the session it had stays ended" "$(call nobody GET /api/v1/due -H "$ocookie")" "401"

# -- session limits from the configuration
stop_daemon
printf 'listen = 127.0.0.1:0\nsession_idle = 600\nsession_lifetime = 300\n' >"$T/bad.conf"
expect_eq "an idle limit past the lifetime is refused" \
	"$("$MRD" --config "$T/bad.conf" --db "$MIPSREVIEW_DB" --check 2>&1 >/dev/null | grep -c 'session_idle (600) is longer than session_lifetime (300)')" "1"
printf 'listen = 127.0.0.1:0\nsession_idle = 59\n' >"$T/bad.conf"
expect_match "a limit out of range is refused" \
	"$("$MRD" --config "$T/bad.conf" --db "$MIPSREVIEW_DB" --check 2>&1 >/dev/null)" 'session_idle.*60'
printf 'listen = 127.0.0.1:0\nsession_idle = 60\nsession_lifetime = 300\n' >"$T/mr.conf"
start_daemon
# signed-in ACCOUNT: a fresh session's cookie header in $T/sc.
signed_in() {
	form
	expect_eq "$1 signs in" "$(post_login "$1" 'correct horse battery' -b "$(cat "$T/lc")" --data-urlencode "csrf=$(cat "$T/lt")")" "303"
	printf 'Cookie: mr_session=%s' "$(header Set-Cookie | sed 's/^mr_session=\([^;]*\);.*/\1/')" >"$T/sc"
}
# aged SECONDS COLUMN: the open sessions' COLUMN moved SECONDS into the past.
aged() { sqlite3 "$MIPSREVIEW_DB" "UPDATE account_session SET $2 = CAST(strftime('%s','now') AS INTEGER) - $1 WHERE ended_at IS NULL"; }
signed_in admin
expect_match "the cookie lives session_lifetime seconds" "$(header Set-Cookie)" '; Max-Age=300$'
aged 45 last_seen_at
expect_eq "unused 45 s of 60: alive" "$(call nobody GET /api/v1/due -H "$(cat "$T/sc")")" "200"
aged 75 last_seen_at
expect_eq "unused 75 s of 60: ended" "$(call nobody GET /api/v1/due -H "$(cat "$T/sc")")" "401"
signed_in admin
aged 310 created_at
expect_eq "used, but begun 310 s ago of 300: ended" "$(call nobody GET /api/v1/due -H "$(cat "$T/sc")")" "401"
stop_daemon

# -- an account of two TINs: its due holds exactly both TINs' items, as
# the admin sees them, whole and a page at a time, and nothing of a third
# (a masked TIN shows its last four digits: A's 6789, B's 4321, C's 1234)
C=555551234
ok "a case of TIN C" "$MR" add --tin $C --name "Dr. Cato Window" --year 2023 --reason other
ok "one of TIN C with its own deadline" "$MR" add --tin $C --name "Dr. Cal Own" --year 2024 --reason other
ok "its deadline" "$MR" set "$(cat "$T/out")" "deadline=2024-10-20 17:00 America/New_York"
ok "one of TIN B's, its deadline between" "$MR" add --tin $B --name "Dr. Bo Own" --year 2024 --reason other
ok "its deadline" "$MR" set "$(cat "$T/out")" "deadline=2024-10-20 16:30 America/New_York"
ok "a filing of TIN C" "$MR" hardship add --tin $C --year 2023 --type euc \
	--categories quality --event "a fire"
ok "one of TIN C with no window" "$MR" hardship add --tin $C --year 2018 --type euc \
	--categories quality --event "a flood of 2018"
ok "one of TIN B with no window" "$MR" hardship add --tin $B --year 2018 --type euc \
	--categories quality --event "a storm of 2018"
ok "add two, a viewer of TINs A and C" sh -c '"$1" user add two --role viewer --tin "$2" \
	--tin "$3" --password-stdin <"$4"' sh "$MR" $A $C "$T/pw"
ok "token for two" "$MR" user token add two
tok_two=$(cat "$T/out")
start_daemon
# scoped WHAT [both]: python over $T/two.json and $T/admin.json.
#   dated: "same" if two's dated items are the admin's of A and C, the
#          same objects in the same order; with "both", of each of them.
#   undated: two's items with no deadline, then the admin's of TIN B.
scoped() {
	/usr/bin/python3 - "$T/two.json" "$T/admin.json" "$@" <<'EOF'
import json, sys
two, admin = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
what = sys.argv[3]
dated = lambda l: [v for v in l if not v.get("group") and v.get("deadline")]
tins = lambda l: {v["tin"][-4:] for v in l}
if what == "dated":
    want = [v for v in dated(admin) if v["tin"][-4:] in ("6789", "1234")]
    got = dated(two)
    both = len(sys.argv) < 5 or tins(got) == {"6789", "1234"}
    print("same" if got == want and got and both else "differ: %s" %
          " ".join("%s-%s" % (v["what"], v["id"]) for v in got))
else:
    undated = lambda l, t: sorted(v["name"] for v in l
                                  if not v.get("deadline") and v["tin"][-4:] in t)
    print("; ".join(undated(two, ("6789", "1234", "4321"))
                    + ["B:"] + undated(admin, ("4321",))))
EOF
}
for q in "all=1" "zone=America/Chicago" "within=30d" "overdue=1"; do
	expect_eq "two and admin GET due?$q" "$(call two GET "/api/v1/due?$q"; cp "$T/b" "$T/two.json"
		call admin GET "/api/v1/due?$q"; cp "$T/b" "$T/admin.json")" "200200"
	expect_eq "due?$q: TINs A's and C's dated items, as the admin's" "$(scoped dated)" "same"
done
call two GET '/api/v1/due?all=1' >/dev/null; cp "$T/b" "$T/two.json"
call admin GET '/api/v1/due?all=1' >/dev/null; cp "$T/b" "$T/admin.json"
expect_eq "all=1: items of both TINs" "$(scoped dated both)" "same"
expect_eq "TIN C's filing with no window shown, TIN B's not" "$(scoped undated)" \
	"a flood of 2018; B:; a storm of 2018"
expect_eq "the admin sees TIN B's items (the next check can see them)" \
	"$(grep -c -e 4321 "$T/admin.json" | sed 's/^[1-9][0-9]*$/some/')" "some"
expect_eq "two sees nothing of TIN B" "$(grep -c -e 4321 -e Bea -e 'Bo Own' -e Dee -e 'storm of 2018' "$T/two.json")" "0"
for limit in 1 2; do
	walk two '/api/v1/due?all=1' due $limit >/dev/null
	expect_eq "two's pages of $limit together are the whole answer" \
		"$(/usr/bin/python3 -c 'import json,sys; print("same" if json.load(open(sys.argv[1])) == json.load(open(sys.argv[2])) else "differ")' "$T/walk.json" "$T/two.json")" "same"
done
stop_daemon

finish
