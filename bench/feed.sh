#!/bin/sh
# bench/feed.sh [BUILDDIR]: the calendar feed under load (make bench-feed).
#  1. rendering 10,000 open deadlines (target < 200 ms): mipsreview export
#     ics end to end, and mipsreviewd's own render time;
#  2. wrk over loopback against mipsreviewd and, in the same run, nginx
#     serving the same bytes as a static file: 200 and 304 request rates
#     (targets: 304 >= nginx, 200 >= 0.9 x nginx).  The 304 is measured
#     twice: on a new connection per request, as a calendar polls (minutes
#     apart, long after any keep-alive ended), and on kept-alive
#     connections, where mipsreviewd closes after each 304 (it carries
#     no Content-Length, see http_not_modified in daemon/http.c) and
#     nginx does not;
#  3. peak RSS of mipsreviewd serving the 10,000-item feed (< 32 MB).
# Needs wrk, nginx (nginx-light), sqlite3, curl: contrib/install-deps.sh --bench.
# Not part of make check: the figures depend on the machine.
set -u
B=$(cd "${1:-${top_builddir:-.}}" && pwd)
MR="$B/cli/mipsreview"
MRD="$B/daemon/mipsreviewd"
N=${BENCH_ITEMS:-10000}
DUR=${BENCH_SECONDS:-5}
for t in wrk nginx sqlite3 curl; do
	command -v "$t" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin"
	command -v "$t" >/dev/null 2>&1 || { echo "bench: $t is missing (contrib/install-deps.sh --bench)" >&2; exit 1; }
done
[ -x "$MR" ] && [ -x "$MRD" ] || { echo "bench: build first ($B)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/mrbench.XXXXXX")
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
export MIPSREVIEW_DB="$T/b.db" MIPSREVIEW_CONFIG="$T/mr.conf"
unset MIPSREVIEW_NOW
printf 'listen = 127.0.0.1:0\nbase_url = http://127.0.0.1/\n' >"$MIPSREVIEW_CONFIG"

# -- data: N open cases over the PY2023 (Chicago) and PY2024 (New York) windows
"$MR" list >/dev/null || exit 1
sqlite3 "$MIPSREVIEW_DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1
  FROM n WHERE i < $N) INSERT INTO review_case (tin, name, performance_year, status,
  reasons, revision, created_at, updated_at) SELECT printf('%09d', 100000000 + i),
  'Dr. Bench Clinician ' || i, 2023 + i % 2, 'draft', 'other', 0,
  '2024-09-01T00:00:00Z', '2024-09-01T00:00:00Z' FROM n" || exit 1

ms() { date +%s%N; }
echo "== render $N open deadlines"
best=
for i in 1 2 3 4 5; do
	t0=$(ms)
	"$MR" export ics >"$T/cli.ics" || exit 1
	t1=$(ms)
	d=$(( (t1 - t0) / 1000000 ))
	[ -z "$best" ] || [ "$d" -lt "$best" ] && best=$d
done
echo "mipsreview export ics (whole process, best of 5): ${best} ms, $(wc -c <"$T/cli.ics") bytes"
render_cli=$best

# -- mipsreviewd
"$MR" feed add bench >"$T/url" 2>/dev/null || exit 1
token=$(sed 's|.*/calendar/||; s|\.ics$||' "$T/url")
"$MRD" --config "$MIPSREVIEW_CONFIG" --db "$MIPSREVIEW_DB" 2>"$T/d.log" &
dpid=$!
pids="$pids $dpid"
i=0
until grep -q ready "$T/d.log"; do
	i=$((i + 1)); [ "$i" -lt 600 ] || { cat "$T/d.log"; exit 1; }
	sleep 0.05
done
render_d=$(sed -n 's/.*rendered in \([0-9.]*\) ms.*/\1/p' "$T/d.log" | head -1)
echo "mipsreviewd render (in process, digest + calendar): ${render_d} ms"
dport=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/d.log")
feed="http://127.0.0.1:$dport/calendar/$token.ics"
curl -s -D "$T/dh" -o "$T/www/feed.ics" --create-dirs "$feed" || exit 1
detag=$(sed -n 's/^ETag: //Ip' "$T/dh" | tr -d '\r')
chmod 755 "$T" "$T/www"
chmod 644 "$T/www/feed.ics"

# -- nginx on the same bytes
nport=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/nginx"
cat >"$T/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	client_body_temp_path $T/nginx/body;
	proxy_temp_path $T/nginx/proxy;
	fastcgi_temp_path $T/nginx/fcgi;
	uwsgi_temp_path $T/nginx/uwsgi;
	scgi_temp_path $T/nginx/scgi;
	types { text/calendar ics; }
	server {
		listen 127.0.0.1:$nport;
		root $T/www;
	}
}
EOF
nginx -c "$T/nginx/nginx.conf" -p "$T/nginx" 2>"$T/nginx/start.log" &
npid=$!
pids="$pids $npid"
nurl="http://127.0.0.1:$nport/feed.ics"
i=0
until curl -s -o /dev/null "$nurl"; do
	i=$((i + 1)); [ "$i" -lt 100 ] || { cat "$T/nginx/start.log" "$T/nginx/error.log"; exit 1; }
	sleep 0.05
done
netag=$(curl -s -D - -o /dev/null "$nurl" | sed -n 's/^ETag: //Ip' | tr -d '\r')
grep -v -e '^REFRESH-INTERVAL' -e '^X-PUBLISHED-TTL' "$T/www/feed.ics" >"$T/cmp.ics"
cmp -s "$T/cmp.ics" "$T/cli.ics" && same="identical to" || same="differs from"
echo "served feed: $(wc -c <"$T/www/feed.ics") bytes ($same the CLI export but for the refresh lines)"

rate() {	# rate URL [header...]: requests/s reported by wrk
	u=$1
	shift
	for h in "$@"; do
		set -- "$@" -H "$h"
		shift
	done
	wrk -t1 -c16 -d"${DUR}s" "$@" "$u" >"$T/wrk" 2>&1
	if grep -q 'Non-2xx or 3xx' "$T/wrk"; then echo "bench: non-2xx answers from $u" >&2; fi
	sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$T/wrk"
}
# Interleaved rounds, best of each: the two servers share the machine's
# cores with wrk, and whatever else runs shifts single figures by 20 %+.
ROUNDS=${BENCH_ROUNDS:-3}
echo "== wrk -t1 -c16 -d${DUR}s over loopback, best of $ROUNDS interleaved rounds"
max() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { print (a > b ? a : b) }'; }
n200=0 d200=0 n304=0 d304=0 n304k=0 d304k=0
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	r=$((r + 1))
	n200=$(max "$n200" "$(rate "$nurl")")
	d200=$(max "$d200" "$(rate "$feed")")
	n304=$(max "$n304" "$(rate "$nurl" "If-None-Match: $netag" "Connection: close")")
	d304=$(max "$d304" "$(rate "$feed" "If-None-Match: $detag" "Connection: close")")
	n304k=$(max "$n304k" "$(rate "$nurl" "If-None-Match: $netag")")
	d304k=$(max "$d304k" "$(rate "$feed" "If-None-Match: $detag")")
done
printf '%-12s %14s %14s %22s\n' "" "200 (req/s)" "304 (req/s)" "304 kept alive (req/s)"
printf '%-12s %14s %14s %22s\n' nginx "$n200" "$n304" "$n304k"
printf '%-12s %14s %14s %22s\n' mipsreviewd "$d200" "$d304" "$d304k"
hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$dpid/status")
echo "== mipsreviewd peak RSS (VmHWM) after the runs: $((hwm / 1024)) MB ($hwm kB)"

verdict() { if [ "$1" = 1 ]; then echo "ok  "; else echo "MISS"; fi; }
echo "== targets"
echo "$(verdict "$(awk -v a="$render_cli" 'BEGIN { print (a < 200) }')") render $N deadlines < 200 ms (CLI ${render_cli} ms, daemon ${render_d} ms)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
echo "$(verdict "$(awk -v a="$d304" -v b="$n304" 'BEGIN { print (a >= b) }')") 304 rate, a new connection per poll, >= nginx ($(ratio "$d304" "$n304"): $d304 vs $n304)"
echo "$(verdict "$(awk -v a="$d304k" -v b="$n304k" 'BEGIN { print (a >= b) }')") 304 rate on kept-alive connections >= nginx ($(ratio "$d304k" "$n304k"): $d304k vs $n304k; mipsreviewd closes after a 304)"
echo "$(verdict "$(awk -v a="$d200" -v b="$n200" 'BEGIN { print (a >= 0.9 * b) }')") 200 rate >= 0.9 x nginx ($d200 vs $n200)"
echo "$(verdict "$(awk -v a="$hwm" 'BEGIN { print (a < 32768) }')") peak RSS < 32 MB ($((hwm / 1024)) MB)"
kill -TERM "$dpid"
wait "$dpid" 2>/dev/null
