#!/bin/sh
# contrib/quickstart.sh: build the Debian package of this folder, install
# it, and show the installed system at work: mipsreviewd serving the
# office's database (/var/lib/mipsreview/mipsreview.db, the default of
# 'database' in /etc/mipsreview/mipsreviewd.conf), the Oct 11 2024 example
# case in it, and that case's calendar subscription answering over HTTP.
# Run as root on Debian 12; running it again reuses the case.
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "quickstart.sh: run as root (it installs packages)" >&2; exit 1; }
sh contrib/install-deps.sh --package
echo "== building the Debian package"
deb=$(sh contrib/build-deb.sh | tail -1)
echo "== installing $deb"
apt-get install -y -qq "$deb" >/dev/null

# The service: systemd starts it where systemd runs the machine; elsewhere
# (a container) it is started here, as its own user, as the unit would.
if [ -d /run/systemd/system ]; then
	systemctl enable --now mipsreviewd.service
elif ! curl -fsS -o /dev/null http://127.0.0.1:8750/healthz 2>/dev/null; then
	install -d -o mipsreview -g mipsreview -m 0750 /run/mipsreview
	runuser -u mipsreview -- sh -c 'umask 007; exec /usr/sbin/mipsreviewd \
		--daemon --pidfile /run/mipsreview/mipsreviewd.pid \
		2>>/run/mipsreview/mipsreviewd.log'
	echo "mipsreviewd started (no systemd here): pid $(cat /run/mipsreview/mipsreviewd.pid), log /run/mipsreview/mipsreviewd.log"
fi
echo "== $(mipsreview --version)"
mipsreview --where

echo "== a solo clinician whose EUC reweighting was not applied for PY2023:"
id=$(mipsreview list --tin 12-3456789 --year 2023 --json | /usr/bin/python3 -c \
	'import json,sys; c=json.load(sys.stdin); print(c[0]["id"] if c else "")')
[ -n "$id" ] || id=$(mipsreview add --tin 12-3456789 --npi 1234567893 \
	--name "Dr. Ada Example" --year 2023 --reason euc-not-applied \
	--score 62.5 --adjustment -1.2 --quality 55 --cost 60 --ia 40 --pi 80 \
	--practice solo --participation individual --owner officer@practice.example \
	--note "Change Healthcare cyberattack; EUC application approved")
mipsreview show "$id"
echo "== what was due on Oct 1 2024, inside the PY2023 window (MIPSREVIEW_NOW rehearses a date):"
MIPSREVIEW_NOW=2024-10-01T12:00:00Z mipsreview due

# A feed's URL is shown once (the database keeps only a hash of its
# token), so a second run replaces the example's feed.
echo "== the case's calendar subscription, served by mipsreviewd:"
mipsreview feed revoke "Dr. Ada Example" >/dev/null 2>&1 || :
url=$(mipsreview feed add "Dr. Ada Example" --tin 12-3456789 2>/dev/null | grep -o 'https\{0,1\}://[^ ]*\.ics' | head -1)
# mipsreviewd notices the new feed within a second or two.
for i in 1 2 3 4 5 6 7 8 9 10; do
	code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || :)
	[ "$code" = 200 ] && break
	sleep 1
done
echo "GET $url -> $code"
[ "$code" = 200 ] || { echo "quickstart.sh: the feed did not answer 200" >&2; exit 1; }
echo "== done: 'man mipsreview' is the reference; README.md has the tour"
