#!/bin/sh
# lookup and grounds against a local HTTPS stand-in for CMS's QPP
# Eligibility API (tests/e2e/qpp_server.py), through libcurl's real TLS
# path with a test CA made here: the record is fetched, kept, shown
# offline with its age; every failure (no network, refused certificate,
# 404, 400, 429, 500, slow, malformed, truncated, huge) is one line, a
# distinct exit status, and nothing stored.
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
ok "a case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr Summers" \
	--year 2024 --reason qp-status --reason euc-not-applied --adjustment -4.5 \
	--quality 40 --cost 20 --pi 50 --ia 30
ok "a group case" "$MR" add --tin 98-7654321 --name "Group" --year 2024 --reason other

# --- refusals before any request
lines0=$(cat "$T/requests.log" 2>/dev/null | wc -l)
refuses "check digit" 3 "check digit" "$MR" lookup 1234567890 --year 2024
refuses "not a case nor NPI" 2 "case" "$MR" lookup 12ab
refuses "group case" 3 "group" "$MR" lookup 2
refuses "run out of range" 3 "run '5'" "$MR" lookup "$SEED_NPI" --run 5
refuses "offline, nothing kept" 4 "no eligibility record" "$MR" lookup "$SEED_NPI" --year 2024 --offline
expect_eq "no request for refused input" "$(cat "$T/requests.log" 2>/dev/null | wc -l)" "$lines0"

# --- the full record
ok "lookup CASE" "$MR" lookup 1
out=$(cat "$T/out")
expect_match "names the clinician" "$out" "NPI 1234567893  Buffy Summers  performance year 2024"
expect_match "QP status" "$out" "QP status: Q, score type MI"
expect_match "three organizations" "$(grep -c '^Organization' "$T/out")" "^3$"
expect_match "masked TIN from CMS" "$out" "TIN XXXXX6789"
expect_match "EUC categories and source" "$out" "EUC exception: yes, for quality, cost \(Natural Disaster; source auto-fema\)"
expect_match "APM entity" "$out" "APM Entity: Sunnydale Kidney Care Entity .*advanced APM yes"
expect_match "control characters from CMS flattened" "$out" "Accountable Care Organizations, MSSP ACO - Track 1 \(APM 08\)"
log=$(tail -n 1 "$T/requests.log")
expect_match "asks for year 2024" "$log" "^/api/eligibility/npis/1234567893\?year=2024 "
expect_match "user agent names the version" "$log" "UA=mipsreview/[0-9]"
expect_match "API version 6" "$log" "ACCEPT=application/vnd.qpp.cms.gov.v6\+json"

n=$(wc -l <"$T/requests.log")
ok "kept record shown without asking" "$MR" lookup "$SEED_NPI" --year 2024
expect_eq "no new request" "$(wc -l <"$T/requests.log")" "$n"
expect_match "kept says so" "$(cat "$T/out")" "kept \('--refresh' asks CMS again\)"
MIPSREVIEW_NOW=2025-09-04T12:00:00Z ok "age of the kept record" "$MR" lookup 1 --offline --json
expect_eq "age in seconds" "$(json_get age_seconds <"$T/out")" "259200"
expect_eq "source kept" "$(json_get source <"$T/out")" "kept"
expect_eq "retrieved_at" "$(json_get retrieved_at <"$T/out")" "2025-09-01T12:00:00Z"
expect_eq "JSON qp_status" "$(json_get qp_status <"$T/out")" "Q"
expect_eq "JSON EUC categories" "$(json_get organizations.0.individual.euc.categories <"$T/out")" '["quality", "cost"]'
expect_eq "JSON APM" "$(json_get organizations.1.apms.1.advanced_apm <"$T/out")" "True"
expect_eq "JSON group scenario absent" "$(json_get organizations.2.group <"$T/out")" "null"
expect_match "JSON sha256" "$(json_get sha256 <"$T/out")" "^[0-9a-f]{64}$"
kept_sha=$(json_get sha256 <"$T/out")
expect_eq "the exact bytes are kept" "$kept_sha" "$(sha256sum <"$DATA/record_full.json" | cut -d' ' -f1)"

MIPSREVIEW_NOW=2025-09-05T12:00:00Z ok "refresh" "$MR" lookup 1 --refresh --json
expect_eq "refreshed from CMS" "$(json_get source <"$T/out")" "cms"
expect_eq "unchanged" "$(json_get changed <"$T/out")" "False"
expect_eq "new retrieval time" "$(json_get retrieved_at <"$T/out")" "2025-09-05T12:00:00Z"
ok "run number asked" "$MR" lookup 1 --refresh --run 2 --json
expect_eq "run kept" "$(json_get run_number <"$T/out")" "2"
expect_match "runNum sent" "$(tail -n 1 "$T/requests.log")" "year=2024&runNum=2 "

# --- grounds
ok "grounds" "$MR" grounds 1
out=$(cat "$T/out")
expect_match "QP ground" "$out" "GROUND  qp-status \(qp-status\)"
expect_match "QP field" "$out" "field: qpStatus"
expect_match "EUC quality scored" "$out" "POSSIBLE  euc-category-scored"
expect_match "EUC field" "$out" "organizations\[0\]\.individualScenario\.extremeHardshipReasons\.quality"
expect_match "not eligible individually" "$out" "GROUND  not-eligible"
expect_match "small practice PI" "$out" "small-practice-pi"
ok "grounds --json" "$MR" grounds 1 --json
expect_eq "first ground" "$(json_get grounds.0.ground <"$T/out")" "qp-status"
expect_eq "first finding" "$(json_get grounds.0.finding <"$T/out")" "supports"
expect_eq "evidence" "$(json_get grounds.0.evidence <"$T/out")" '["participation-status", "qp-determination"]'
ok "a case CMS's record contradicts" "$MR" add --tin 11-1111111 --npi 1000000129 \
	--name "Dr Giles" --year 2024 --reason eligibility --reason qp-status --adjustment -2
refuses "grounds before lookup" 4 "lookup 3" "$MR" grounds 3
ok "lookup case 3" "$MR" lookup 3
ok "grounds case 3" "$MR" grounds 3 --json
expect_match "eligible: not supported" "$(cat "$T/out")" '"finding": "does-not-support"'

# --- what-if with the reweighting CMS's record implies
ok "whatif --from-lookup" "$MR" whatif 1 --from-lookup
expect_match "rule names the record" "$(cat "$T/out")" "CMS's eligibility record reweights quality,cost,pi"
ok "whatif --from-lookup --json" "$MR" whatif 1 --from-lookup --json
expect_match "reweighted in JSON" "$(cat "$T/out")" '"from-lookup"'
refuses "whatif --from-lookup of a group case" 3 "about a group" "$MR" whatif 2 --from-lookup

# --- the answer as evidence
REFUSE_LINES=2 refuses "attach needs a case" 2 "needs a CASE" "$MR" lookup "$SEED_NPI" --year 2024 --attach
ok "check before" "$MR" check 1 --json
expect_match "checklist asks for the lookup" "$(cat "$T/out")" '"participation-status"'
ok "attach the kept answer" "$MR" lookup 1 --attach --json
eid=$(json_get evidence_id <"$T/out")
kept_sha=$(json_get sha256 <"$T/out")
ok "evidence show" "$MR" evidence show "$eid" --json
expect_eq "kind" "$(json_get kind <"$T/out")" "participation-status"
expect_eq "same bytes" "$(json_get sha256 <"$T/out")" "$kept_sha"
expect_match "note names URL, time, Date, hash" "$(json_get note <"$T/out")" \
	"v6 answer: https://127.0.0.1:$PORT/api/eligibility/npis/1234567893\?year=2024&runNum=2; retrieved 2025-09-01T12:00:00Z; server Date: [A-Z][a-z]{2}, .* GMT; SHA-256 $kept_sha"
ok "check after" "$MR" check 1 --json
expect_eq "participation status present" "$(/usr/bin/python3 -c 'import json,sys
print([c["present"] for c in json.load(sys.stdin)["checklist"] if c["kind"]=="participation-status"][0])' <"$T/out")" "1"
ok "evidence verify" "$MR" evidence verify 1

# --- failures: one line, a distinct status, nothing stored
refuses "404" 4 "no eligibility record for NPI 1000000012" "$MR" lookup 1000000012 --year 2024
refuses "400" 11 "HTTP 400 (Please supply a valid NPI)" "$MR" lookup 1000000020 --year 2024
refuses "429 always" 9 "too many requests (HTTP 429) after 2 attempts" "$MR" lookup 1000000046 --year 2024
refuses "500" 9 "the server failed (HTTP 500) after 2 attempts" "$MR" lookup 1000000053 --year 2024
refuses "slow" 9 "no answer within 2 s" "$MR" lookup 1000000061 --year 2024
refuses "malformed" 11 "not JSON" "$MR" lookup 1000000079 --year 2024
refuses "truncated" 11 "not JSON" "$MR" lookup 1000000087 --year 2024
refuses "huge" 11 "larger than 4 MiB" "$MR" lookup 1000000095 --year 2024
refuses "another NPI's record" 11 "about NPI '1234567893'" "$MR" lookup 1000000103 --year 2023
conf
ok "429 then 200 honours Retry-After" "$MR" lookup 1000000038 --year 2024
expect_eq "two requests for it" "$(grep -c '^/api/eligibility/npis/1000000038?year=2024' "$T/requests.log")" "2"
ok "503 then 200 with back-off" "$MR" lookup 1000000111 --year 2024
conf "qpp_max_wait = 0"
refuses "bad setting" 3 "qpp_max_wait" "$MR" lookup 1000000038 --year 2022
conf "qpp_ca_file = $T/rogue.pem"
refuses "certificate refused" 10 "certificate was refused" "$MR" lookup 1000000129 --year 2022
conf "qpp_api_url = http://127.0.0.1:$PORT"
refuses "plain http refused" 3 "https:// is expected" "$MR" lookup 1000000129 --year 2022
# A port nothing listens on: take a free one from the system and close it.
dead=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
conf "qpp_api_url = https://127.0.0.1:$dead"
refuses "no network" 9 "cannot be reached" "$MR" lookup 1000000129 --year 2022
before=$(db_digest)
"$MR" lookup 1 --refresh >"$T/out" 2>"$T/err"; st=$?
expect_eq "refresh without network: status" "$st" "9"
expect_match "kept record still shown" "$(cat "$T/out")" "NPI 1234567893"
expect_match "with the reason" "$(cat "$T/err")" "cannot be reached.*shown: the record kept from 2025-09-01T12:00:00Z"
expect_eq "nothing stored" "$(db_digest)" "$before"
finish
