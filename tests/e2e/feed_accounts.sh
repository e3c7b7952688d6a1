#!/bin/sh
# Calendar feeds made on the office's pages stop with their account: once
# the account is disabled its feeds answer 404 like a revoked feed, while
# other accounts' feeds and the CLI's go on being served.
. "$top_srcdir/tests/e2e/lib.sh"
command -v curl >/dev/null 2>&1 || { echo "SKIP: no curl"; exit 77; }

cat >"$T/mr.conf" <<EOT
listen = 127.0.0.1:0
base_url = https://cal.example.org
EOT
export MIPSREVIEW_CONFIG="$T/mr.conf"
ok "a case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--name "Dr. Ada Example" --year 2023 --reason scoring-error
pw="correct horse battery staple"
echo "$pw" >"$T/pw"
ok "admin" "$MR" user add root --role admin --password-stdin <"$T/pw"
ok "officer one" "$MR" user add ofa --role officer --tin "$SEED_TIN" --password-stdin <"$T/pw"
ok "officer two" "$MR" user add ofc --role officer --tin "$SEED_TIN" --password-stdin <"$T/pw"
ok "a feed of the CLI" "$MR" feed add office
cli=$(cat "$T/out"); cli=${cli##*/calendar/}; cli=${cli%.ics}

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

# get PATH [curl args]: the body in $T/b; prints the status.
get() {
	p=$1; shift
	rm -f "$T/b"; : >"$T/b"
	curl -s -o "$T/b" -w '%{http_code}' --max-time 20 "$@" "$base$p"
}
# feed WHO NAME: signs WHO in, adds the feed NAME on /app/feeds, prints
# its token.
feed() {
	: >"$T/jar.$1"
	get /app/login -b "$T/jar.$1" -c "$T/jar.$1" >/dev/null
	lt=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/b" | head -n 1)
	get /app/login -b "$T/jar.$1" -c "$T/jar.$1" --data-urlencode "csrf=$lt" --data-urlencode "user=$1" \
		--data-urlencode "password=$pw" >/dev/null
	get /app/feeds -b "$T/jar.$1" >/dev/null
	c=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/b" | head -n 1)
	get /app/feeds -b "$T/jar.$1" --data "name=$2&csrf=$c" >/dev/null
	sed -n 's|.*value="https://cal\.example\.org/calendar/\([A-Za-z0-9_-]*\)\.ics".*|\1|p' "$T/b" | head -n 1
}
# until_status TOKEN STATUS: waits for the daemon to notice the change.
until_status() {
	i=0
	while [ "$(get "/calendar/$1.ics")" != "$2" ]; do
		i=$((i + 1)); [ "$i" -lt 200 ] || return 1
		sleep 0.05
	done
}
mine=$(feed ofa ofa-cal)
theirs=$(feed ofc ofc-cal)
expect_match "ofa's feed has a token" "$mine" '^[A-Za-z0-9_-]{32}$'
expect_match "ofc's feed has a token" "$theirs" '^[A-Za-z0-9_-]{32}$'
until_status "$mine" 200 || fail "ofa's feed never served"
expect_eq "ofa's feed: 200" "$(get "/calendar/$mine.ics")" "200"
expect_match "it is the calendar" "$(cat "$T/b")" "BEGIN:VCALENDAR"
until_status "$theirs" 200 || fail "ofc's feed never served"

# -- a revoked feed's answer, to compare with
ok "a spare feed" "$MR" feed add spare
spare=$(cat "$T/out"); spare=${spare##*/calendar/}; spare=${spare%.ics}
until_status "$spare" 200 || fail "the spare feed never served"
ok "revoke it" "$MR" feed revoke spare
until_status "$spare" 404 || fail "the revoked feed still served"
cp "$T/b" "$T/revoked"

# -- disabling the account ends its feeds, and only its
ok "disable ofa" "$MR" user disable ofa
until_status "$mine" 404 || fail "a disabled account's feed still served"
expect_eq "the disabled account's feed: 404" "$(get "/calendar/$mine.ics")" "404"
expect_eq "the same answer as a revoked feed" \
	"$(cmp -s "$T/b" "$T/revoked" && echo same)" "same"
expect_eq "another account's feed: 200" "$(get "/calendar/$theirs.ics")" "200"
expect_eq "the CLI's feed: 200" "$(get "/calendar/$cli.ics")" "200"
ok "the feed is still listed" "$MR" feed list
expect_match "as made by its account" "$(cat "$T/out")" "ofa-cal"

# -- a restart does not bring it back
kill "$dpid"; wait "$dpid" 2>/dev/null
TMPDIR="$T/tmp" "$MRD" --config "$T/mr.conf" --db "$MIPSREVIEW_DB" 2>"$T/d2.log" &
dpid=$!
at_exit "kill $dpid 2>/dev/null"
i=0
until grep -q 'ready' "$T/d2.log" 2>/dev/null; do
	i=$((i + 1)); [ "$i" -lt 200 ] || { fail "daemon not ready: $(cat "$T/d2.log")"; finish; }
	sleep 0.05
done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/d2.log")
base="http://127.0.0.1:$port"
expect_eq "after a restart, still 404" "$(get "/calendar/$mine.ics")" "404"
expect_eq "and the other one 200" "$(get "/calendar/$theirs.ics")" "200"

kill "$dpid"; wait "$dpid" 2>/dev/null
expect_eq "no memory error in the daemon" \
	"$(cat "$T/d.log" "$T/d2.log" | grep -c 'ERROR: AddressSanitizer')" "0"
finish
