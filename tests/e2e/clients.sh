# tests/e2e/clients.sh: real calendar clients, sourced by calendar.sh and
# feed.sh after lib.sh.  Each reads an .ics file and prints what it
# understood, one line per item.  A missing client fails the test (CI
# installs them all with contrib/install-deps.sh --test); nothing skips.

ICAL_CHECK="$top_builddir/tests/e2e/ical-check"


# libical (the C library itself, as a client would parse)
libical_items() { "$ICAL_CHECK" "$1"; }

# ical.js, the parser of Thunderbird, from the npm registry at the version
# locked in tests/e2e/icaljs/package-lock.json, installed once per test
# into its own folder.
icaljs_items() {
	if [ ! -d "$T/icaljs/node_modules/ical.js" ]; then
		need_tool node
		need_tool npm
		mkdir -p "$T/icaljs"
		cp "$top_srcdir/tests/e2e/icaljs/package.json" \
		    "$top_srcdir/tests/e2e/icaljs/package-lock.json" \
		    "$top_srcdir/tests/e2e/icaljs/check.mjs" "$T/icaljs/"
		(cd "$T/icaljs" && npm ci --no-audit --no-fund --silent \
		    >"$T/npm.log" 2>&1) || {
			fail "setting up ical.js needs the npm registry (registry.npmjs.org), and npm ci failed: $(tail -3 "$T/npm.log")"
			finish
		}
	fi
	node "$T/icaljs/check.mjs" "$1"
}

# calcurse -i: exits 1 if it skipped anything.  Prints its appointments
# ("10/11/2024 @ 19:00 -> ...") as seen from zone $2.
calcurse_apts() {
	need_tool calcurse
	d="$T/calcurse.$$"
	rm -rf "$d" && mkdir -p "$d/data" "$d/conf"
	TZ=$2 calcurse -D "$d/data" -C "$d/conf" -i "$1" </dev/null \
	    >"$d/report" 2>&1 || {
		fail "calcurse import of $1 failed: $(cat "$d/report")"
		return 1
	}
	cat "$d/data/apts"
}

# khal import into a fresh calendar whose local zone is $2 (or into the
# calendar named $3, kept between calls), then list Oct-Dec 2024 as
# "start|title".
khal_list() {
	need_tool khal
	kd="$T/khal.${3:-$$}"
	if [ ! -d "$kd" ] || [ -z "${3:-}" ]; then
		rm -rf "$kd" && mkdir -p "$kd/cal"
		cat >"$kd/khal.conf" <<KHAL
[calendars]
[[mipsreview]]
path = $kd/cal
type = calendar
[locale]
local_timezone = $2
default_timezone = $2
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
[sqlite]
path = $kd/khal.db
KHAL
	fi
	khal -c "$kd/khal.conf" import --batch "$1" >"$kd/import.log" 2>&1 || {
		fail "khal import of $1 failed: $(tail -3 "$kd/import.log")"
		return 1
	}
	khal -c "$kd/khal.conf" list --format '{start}|{title}' --day-format '' \
	    2024-10-01 90d 2>&1 | grep -v '^$'
}
