#!/bin/sh
# End to end: a calendar written again takes each zone's VTIMEZONE from the
# database instead of loading libical (and ICU); another zone file, a
# damaged row or a database that cannot be written cost libical's load
# again, never a different calendar.  The dynamic loader's trace
# (LD_DEBUG=files) names every object a process opens.
. "$top_srcdir/tests/e2e/lib.sh"

ZONEFILE=/usr/share/zoneinfo/America/Chicago

# loads DESC yes|no CMD...: whether CMD opened libical; its output in $T/out.
loads() {
	desc=$1 want=$2; shift 2
	LD_DEBUG=files "$@" >"$T/out" 2>"$T/ld" || {
		fail "$desc: exit $? ($(grep -v '^ *[0-9]*:' "$T/ld" | head -c 300))"; return; }
	if grep -q 'file=libical' "$T/ld"; then got=yes; else got=no; fi
	expect_eq "$desc" "$got" "$want"
}
# same DESC FILE: $T/out has the bytes of FILE.
same() { expect_eq "$1" "$(cmp -s "$T/out" "$2" && echo same)" same; }
kept() { sqlite3 "$MIPSREVIEW_DB" "SELECT zone || ' ' || first_year || ' ' ||
	lower(hex(tzif_sha256)) FROM zone_vtimezone ORDER BY zone"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

ok "seed case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2023 --reason scoring-error
ok "a case with its own deadline in London" "$MR" add --tin 98-7654321 \
	--name "Lakeside Clinic" --year 2023 --reason other
ok "its deadline" "$MR" set 2 "deadline=2025-01-15 17:00 Europe/London"

loads "the first calendar has libical make the zones" yes "$MR" export ics
cp "$T/out" "$T/first.ics"
expect_eq "two zones" "$(grep -c '^BEGIN:VTIMEZONE' "$T/first.ics")" 2
# The rules from the year of the earliest reminder (30 days before by default).
expect_eq "both are kept, with the year and the zone file's SHA-256" "$(kept)" \
	"America/Chicago 2024 $(sha "$ZONEFILE")
Europe/London 2024 $(sha /usr/share/zoneinfo/Europe/London)"
loads "the next calendar takes them from the database" no "$MR" export ics
same "the same calendar, byte for byte" "$T/first.ics"
# export ics starts OpenSSL without its legacy name tables: the UIDs are
# still HMAC-SHA-256 of "case:ID:event" under the database's key.
expect_eq "the first UID is the HMAC under the calendar key" \
	"$(tr -d '\r' <"$T/out" | sed -n 's/^UID://p' | head -1)" \
	"$(/usr/bin/python3 -c 'import hmac, hashlib, sqlite3, sys
k = sqlite3.connect(sys.argv[1]).execute("SELECT secret FROM calendar_key").fetchone()[0]
print(hmac.new(k, b"case:1:event", hashlib.sha256).hexdigest()[:32] + "@mipsreview")' "$MIPSREVIEW_DB")"
loads "one TIN's calendar needs no libical either" no "$MR" export ics --tin "$SEED_TIN"
expect_match "its zone is there" "$(cat "$T/out")" "TZID:America/Chicago"
loads "nor a calendar written to a file" no "$MR" export ics -o "$T/again.ics"
expect_eq "the file has the same bytes" "$(cmp -s "$T/again.ics" "$T/first.ics" && echo same)" same

# -- another zone file: a tzdata update changes the file's SHA-256
sqlite3 "$MIPSREVIEW_DB" "UPDATE zone_vtimezone SET tzif_sha256 = zeroblob(32)
	WHERE zone = 'America/Chicago'"
loads "a text kept for another zone file is not used" yes "$MR" export ics
same "the calendar is the same" "$T/first.ics"
expect_eq "the text made now is kept under the file's SHA-256" \
	"$(kept | head -1)" "America/Chicago 2024 $(sha "$ZONEFILE")"
if unshare -m true 2>/dev/null; then
	# The zone's file really changes: America/Denver's rules under its name.
	unshare -m sh -c 'mount --bind "$1" "$2" && LD_DEBUG=files "$3" export ics' \
		sh /usr/share/zoneinfo/America/Denver "$ZONEFILE" "$MR" >"$T/out" 2>"$T/ld"
	expect_eq "a new zone file: libical makes the zone again" \
		"$(grep -q 'file=libical' "$T/ld" && echo yes)" yes
	expect_match "from the new file's rules (-06:00 in summer)" \
		"$(tr -d '\r' <"$T/out" | sed -n '/^TZID:America\/Chicago/,/^END:VTIMEZONE/p')" \
		"TZOFFSETTO:-0600"
	expect_eq "kept under the new file's SHA-256" "$(kept | head -1)" \
		"America/Chicago 2024 $(sha /usr/share/zoneinfo/America/Denver)"
	loads "back on the old file, that text is not used" yes "$MR" export ics
	same "the calendar is the old one again" "$T/first.ics"
else
	echo "no mount namespace here: the changed-file case is covered by the key's hash above"
fi
loads "kept again" no "$MR" export ics

# -- damaged rows are ignored, and made again
sqlite3 "$MIPSREVIEW_DB" "UPDATE zone_vtimezone SET vtimezone =
	replace(vtimezone, 'CDT', 'XDT') WHERE zone = 'America/Chicago'"
loads "a damaged text is not used" yes "$MR" export ics
same "the calendar is the same" "$T/first.ics"
loads "it was made again and kept" no "$MR" export ics
sqlite3 "$MIPSREVIEW_DB" "UPDATE zone_vtimezone SET vtimezone = 'BEGIN:VCALENDAR' ||
	char(13, 10) || 'END:VCALENDAR' || char(13, 10), check_sha256 = randomblob(32)"
loads "nor a text that is no VTIMEZONE" yes "$MR" export ics
same "the calendar is the same" "$T/first.ics"
sqlite3 "$MIPSREVIEW_DB" "DELETE FROM zone_vtimezone"
loads "rows deleted: made again" yes "$MR" export ics
same "the calendar is the same" "$T/first.ics"
expect_eq "and kept" "$(kept | wc -l)" 2

# -- a database this user cannot write: exported all the same, nothing kept
sqlite3 "$MIPSREVIEW_DB" "DELETE FROM zone_vtimezone"
mkdir -m 700 "$T/ro"
cp "$MIPSREVIEW_DB" "$T/ro/mr.db"
chmod 400 "$T/ro/mr.db"
if [ "$(id -u)" -eq 0 ]; then
	# root writes any file: a throwaway user owns the read-only copy.
	U=mrz$$
	useradd -M -s /bin/sh "$U" || { fail "cannot create a throwaway user"; finish; }
	at_exit "userdel $U"
	chmod 711 "$T"
	install -m 755 "$MR" "$T/mipsreview"
	chown -R "$U" "$T/ro"
	RUN="runuser -u $U -- env MIPSREVIEW_DB=$T/ro/mr.db $T/mipsreview"
else
	RUN="env MIPSREVIEW_DB=$T/ro/mr.db $MR"
fi
before=$(sha256sum <"$T/ro/mr.db")
loads "a read-only database: libical makes the zones" yes $RUN export ics
same "the calendar is the same" "$T/first.ics"
loads "every time" yes $RUN export ics
same "still the same" "$T/first.ics"
expect_eq "the file is untouched" "$(sha256sum <"$T/ro/mr.db")" "$before"
finish
