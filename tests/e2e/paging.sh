#!/bin/sh
# Paging through many cases on the office's pages and in /api/v1/cases:
# each page is the next cases by number after the "after" cursor, the
# last one says there is no next, and filters (reason too) fill a page.
. "$top_srcdir/tests/e2e/lib.sh"
command -v curl >/dev/null 2>&1 || { echo "SKIP: no curl"; exit 77; }

cat >"$T/mr.conf" <<EOT
listen = 127.0.0.1:0
EOT
export MIPSREVIEW_CONFIG="$T/mr.conf"

# 130 cases of as many TINs; the even ones for "other", the odd ones for
# "scoring-error".
{
	echo tin,name,year,reason
	i=1
	while [ "$i" -le 130 ]; do
		if [ $((i % 2)) -eq 0 ]; then r=other; else r=scoring-error; fi
		printf '100000%03d,Clinician %d,2023,%s\n' "$i" "$i" "$r"
		i=$((i + 1))
	done
} >"$T/many.csv"
ok "import 130 cases" "$MR" import "$T/many.csv"
pw="correct horse battery staple"
echo "$pw" >"$T/pw"
ok "admin" "$MR" user add root --role admin --password-stdin <"$T/pw"
ok "token" "$MR" user token add root
tok=$(cat "$T/out")

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

# api PATH: the body in $T/b; prints the status.
api() {
	curl -s -o "$T/b" -w '%{http_code}' --max-time 20 \
		-H "Authorization: Bearer $tok" "$base$1"
}
# The case ids of the JSON page in $T/b, one a line; its "next".
ids() { /usr/bin/python3 -c 'import json,sys
for c in json.load(sys.stdin)["cases"]: print(c["id"])' <"$T/b"; }
next() { json_get next <"$T/b"; }

# -- the API: pages of 50 after the cursor, then null
expect_eq "API page 1: 200" "$(api '/api/v1/cases?limit=50')" "200"
expect_eq "page 1: 50 cases" "$(ids | wc -l | tr -d ' ')" "50"
expect_eq "page 1: cases 1 to 50" "$(ids | head -n 1) $(ids | tail -n 1)" "1 50"
expect_eq "page 1: next is the last id" "$(next)" "50"
expect_eq "API page 2: 200" "$(api '/api/v1/cases?limit=50&after=50')" "200"
expect_eq "page 2: cases 51 to 100" "$(ids | wc -l | tr -d ' ') $(ids | head -n 1) $(ids | tail -n 1)" "50 51 100"
expect_eq "page 2: next" "$(next)" "100"
expect_eq "API page 3: 200" "$(api '/api/v1/cases?limit=50&after=100')" "200"
expect_eq "page 3: the last 30" "$(ids | wc -l | tr -d ' ') $(ids | head -n 1) $(ids | tail -n 1)" "30 101 130"
expect_eq "page 3: no next" "$(next)" "null"
expect_eq "a small page: 200" "$(api '/api/v1/cases?limit=7&after=10')" "200"
expect_eq "a small page: cases 11 to 17" "$(ids | tr '\n' ' ')" "11 12 13 14 15 16 17 "
expect_eq "a small page: next 17" "$(next)" "17"
expect_eq "a page that ends exactly: 200" "$(api '/api/v1/cases?limit=10&after=120')" "200"
expect_eq "it has 10 cases" "$(ids | wc -l | tr -d ' ')" "10"
expect_eq "and no next" "$(next)" "null"

# -- the pages: 50 cases a page and a link to the next
: >"$T/jar"
curl -s -o "$T/b" --max-time 20 -b "$T/jar" -c "$T/jar" "$base/app/login"
lt=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/b" | head -n 1)
curl -s -o "$T/b" --max-time 20 -b "$T/jar" -c "$T/jar" --data-urlencode "csrf=$lt" \
	--data-urlencode "user=root" --data-urlencode "password=$pw" "$base/app/login"
grep -q mr_session "$T/jar" || fail "could not sign in: $(head -c 300 "$T/b")"
# page QUERY: the page in $T/b; prints the status.
page() {
	curl -s -o "$T/b" -w '%{http_code}' --max-time 20 -b "$T/jar" "$base/app/cases$1"
}
rows() { grep -o '<a href="/app/cases/[0-9]*"' "$T/b" | sed 's/[^0-9]//g'; }
link() { sed -n 's/.*<a rel="next" href="\([^"]*\)".*/\1/p' "$T/b" | sed 's/&amp;/\&/g'; }
expect_eq "cases page 1: 200" "$(page '')" "200"
expect_eq "page 1: cases 1 to 50" "$(rows | wc -l | tr -d ' ') $(rows | head -n 1) $(rows | tail -n 1)" "50 1 50"
expect_eq "page 1 links to the next" "$(link)" "/app/cases?after=50"
expect_eq "cases page 2: 200" "$(page '?after=50')" "200"
expect_eq "page 2: cases 51 to 100" "$(rows | wc -l | tr -d ' ') $(rows | head -n 1) $(rows | tail -n 1)" "50 51 100"
expect_eq "page 3: 200" "$(page '?after=100')" "200"
expect_eq "page 3: the last 30" "$(rows | wc -l | tr -d ' ') $(rows | head -n 1) $(rows | tail -n 1)" "30 101 130"
expect_eq "page 3 has no next" "$(link)" ""
# A reason matches half the cases: still 50 a page.
expect_eq "reason page 1: 200" "$(page '?reason=other')" "200"
expect_eq "reason page 1: 50 even cases" "$(rows | wc -l | tr -d ' ') $(rows | head -n 1) $(rows | tail -n 1)" "50 2 100"
expect_eq "its next keeps the reason" "$(link)" "/app/cases?after=100&reason=other"
expect_eq "reason page 2: 200" "$(page '?after=100&reason=other')" "200"
expect_eq "reason page 2: the last 15" "$(rows | wc -l | tr -d ' ') $(rows | head -n 1) $(rows | tail -n 1)" "15 102 130"
expect_eq "and no next" "$(link)" ""

kill "$dpid"; wait "$dpid" 2>/dev/null
expect_eq "no memory error in the daemon" "$(grep -c 'ERROR: AddressSanitizer' "$T/d.log")" "0"
finish
