#!/bin/sh
# lookup --tin and --file against the local HTTPS stand-in for CMS's QPP
# Eligibility API (tests/e2e/qpp_server.py): many records asked a few at a
# time, a 429 with Retry-After honoured, a 500 reported in the summary,
# each record kept as it arrives, fresh records not asked again, and a run
# killed with SIGKILL resumed without asking twice.
. "$top_srcdir/tests/e2e/lib.sh"
DATA="$top_srcdir/tests/data/qpp"

# A test CA, a server certificate for 127.0.0.1 signed by it, and a
# second CA that did not sign it.
mkcert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1 test CA" \
		-keyout "$T/$1.key" -out "$T/$1.pem" 2>/dev/null
}
mkcert ca && mkcert rogue || { echo "openssl failed"; exit 1; }
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
	-keyout "$T/srv.key" -out "$T/srv.csr" 2>/dev/null &&
printf 'subjectAltName=IP:127.0.0.1\n' >"$T/san.ext" &&
openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
	-CAcreateserial -days 2 -extfile "$T/san.ext" -out "$T/srv.pem" 2>/dev/null ||
	{ echo "openssl failed"; exit 1; }

/usr/bin/python3 "$top_srcdir/tests/e2e/qpp_server.py" "$T/srv.pem" "$T/srv.key" \
	"$DATA" "$T/port" "$T/requests.log" 2>"$T/server.err" &
SRV=$!
at_exit "kill $SRV 2>/dev/null"
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/port" ] || { echo "server did not start: $(cat "$T/server.err")"; exit 1; }
PORT=$(cat "$T/port")

conf() {
	cat >"$T/mr.conf" <<EOC
qpp_api_url = https://127.0.0.1:$PORT
qpp_ca_file = $T/ca.pem
qpp_timeout = 2
qpp_retries = 1
qpp_rate_limit = 0
$*
EOC
}
conf
export MIPSREVIEW_CONFIG="$T/mr.conf"
MIPSREVIEW_NOW=2025-09-01T12:00:00Z; export MIPSREVIEW_NOW
asked() { grep -c "^/api/eligibility/npis/$1?" "$T/requests.log"; }
kept() { /usr/bin/python3 -c 'import sqlite3,sys
print(sqlite3.connect(sys.argv[1]).execute("select count(*) from eligibility_record").fetchone()[0])' "$MIPSREVIEW_DB"; }

ok "case: full record" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr Summers" \
	--year 2024 --reason qp-status --adjustment -4.5 --quality 40 --cost 20 --pi 50 --ia 30
ok "case: 429 once" "$MR" add --tin "$SEED_TIN" --npi 1000000038 --name "Dr Rosenberg" \
	--year 2024 --reason other
ok "case: 500" "$MR" add --tin "$SEED_TIN" --npi 1000000053 --name "Dr Harris" \
	--year 2024 --reason other
ok "a group case (no NPI)" "$MR" add --tin "$SEED_TIN" --name "Group" --year 2024 --reason other
ok "another TIN's case" "$MR" add --tin 98-7654321 --npi 1000000202 --name "Dr Other" \
	--year 2024 --reason other

# --- refusals before any request
refuses "no open case under the TIN" 4 "no open case under this TIN" \
	"$MR" lookup --tin 11-1111111
REFUSE_LINES=2 refuses "--tin with an NPI" 2 "take no NPI or CASE" \
	"$MR" lookup "$SEED_NPI" --tin "$SEED_TIN"
printf '1234567893\n1000000039\n' >"$T/bad.txt"
refuses "a bad check digit in the file" 3 "bad.txt:2: npi '1000000039': check digit" \
	"$MR" lookup --file "$T/bad.txt"
printf 'name,fax\nA,1\n' >"$T/nonpi.csv"
refuses "CSV without an npi column" 3 "names no 'npi' column" "$MR" lookup --file "$T/nonpi.csv"
expect_eq "nothing was asked" "$(cat "$T/requests.log" 2>/dev/null | wc -l)" "0"

# --- every NPI of the TIN's open cases
"$MR" lookup --tin "$SEED_TIN" >"$T/out" 2>"$T/err"; st=$?
expect_eq "a failed record decides the status" "$st" "9"
out=$(cat "$T/out")
expect_match "summary" "$out" "^3 records: 2 fetched from CMS \(2 changed\), 0 kept \(fresh, not asked again\), 1 failed"
expect_match "the failure named" "$out" "failed: NPI 1000000053, 2024: .*HTTP 500"
expect_match "grounds found" "$out" "Grounds found: [1-9][0-9]* in 1 open case"
expect_eq "one line on stderr, no progress line off a terminal" "$(wc -l <"$T/err")" "1"
expect_match "the line" "$(cat "$T/err")" \
	"^mipsreview: 1 of 3 records failed \(NPI 1000000053: .*the server failed \(HTTP 500\) after 2 attempts"
expect_eq "429 then 200: asked twice" "$(asked 1000000038)" "2"
expect_eq "another TIN's case not asked" "$(asked 1000000202)" "0"
expect_eq "two records kept" "$(kept)" "2"

# --- a re-run asks only for what is not fresh
"$MR" lookup --tin "$SEED_TIN" --json >"$T/out" 2>"$T/err"
expect_eq "JSON: kept" "$(json_get kept <"$T/out")" "2"
expect_eq "JSON: fetched" "$(json_get fetched <"$T/out")" "0"
expect_eq "JSON: failed" "$(json_get failed <"$T/out")" "1"
expect_match "JSON: grounds" "$(json_get grounds_found <"$T/out")" "^[1-9]"
expect_eq "JSON: the item's state" "$(json_get items.0.state <"$T/out")" "kept"
expect_match "JSON: the item's error" "$(json_get items.2.error <"$T/out")" "HTTP 500"
expect_eq "fresh not asked again" "$(asked 1000000038)" "2"
expect_eq "full record asked once" "$(asked 1234567893)" "1"
MIPSREVIEW_NOW=2025-09-03T12:00:00Z "$MR" lookup --tin "$SEED_TIN" --json >"$T/out" 2>/dev/null
expect_eq "a day later they are asked again" "$(json_get fetched <"$T/out")" "2"
expect_eq "unchanged" "$(json_get changed <"$T/out")" "0"

# --- a file: CSV with an npi column, or one NPI a line
printf 'name,npi\n"Dr, Other",1000000202\nDr Dup,1000000202\nDr Three,1000000301\n' >"$T/npis.csv"
ok "--file CSV" "$MR" lookup --file "$T/npis.csv" --year 2024
expect_match "two distinct NPIs" "$(cat "$T/out")" "^2 records: 2 fetched"
printf '# office list\n1000000400\n\n1000000509\n' >"$T/npis.txt"
ok "--file lines" "$MR" lookup --file "$T/npis.txt" --year 2024 --json
expect_eq "fetched" "$(json_get fetched <"$T/out")" "2"
expect_eq "year" "$(json_get items.0.performance_year <"$T/out")" "2024"

# --- a progress line on a terminal only (util-linux script gives one)
if command -v script >/dev/null 2>&1; then
	script -qec "'$MR' lookup --file '$T/npis.txt' --year 2024 --refresh" /dev/null \
		>"$T/tty.out" 2>&1
	expect_match "progress on a terminal" "$(cat "$T/tty.out")" "lookup: 2 of 2 records settled"
fi

# --- killed mid-run, resumed: nothing asked twice
conf "qpp_rate_limit = 120"
printf '%s\n' 1000000608 1000000707 1000000806 1000000905 1000000012 1234567893 >"$T/slow.txt"
"$MR" lookup --file "$T/slow.txt" --year 2023 >/dev/null 2>&1 &
pid=$!
i=0
while [ "$(kept)" -lt 9 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
got=$(kept)
/usr/bin/python3 -c 'import sqlite3,sys
for (n,) in sqlite3.connect(sys.argv[1]).execute("select npi from eligibility_record where performance_year = 2023"): print(n)' \
	"$MIPSREVIEW_DB" >"$T/kept_at_kill"
[ "$got" -ge 9 ] && [ "$got" -lt 11 ] && pass || fail "killed mid-run: $got records kept"
"$MR" lookup --file "$T/slow.txt" --year 2023 --json >"$T/out" 2>/dev/null
expect_eq "resumed: the 404 fails" "$(json_get failed <"$T/out")" "1"
expect_eq "resumed: kept and fetched add up" \
	"$(( $(json_get kept <"$T/out") + $(json_get fetched <"$T/out") ))" "5"
expect_eq "kept before the kill" "$(json_get kept <"$T/out")" "$((got - 6))"
# A record kept before the kill is not asked again; one answered but not
# yet kept when the kill landed is asked once more, no more.
for n in 1000000608 1000000707 1000000806 1000000905; do
	c=$(grep -c "^/api/eligibility/npis/$n?year=2023" "$T/requests.log")
	if grep -qx "$n" "$T/kept_at_kill"; then
		expect_eq "NPI $n, kept before the kill, asked once" "$c" "1"
	else
		expect_match "NPI $n asked at most twice" "$c" '^[12]$'
	fi
done
finish
