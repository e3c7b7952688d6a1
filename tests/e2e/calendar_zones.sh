#!/bin/sh
# Calendars and time zones: a deadline in the repeated hour of a fall-back
# night reaches every client as the one true instant; zones outside the US
# are labelled with their own abbreviation (GMT/BST, not "UTC");
# calendar_name is escaped as iCalendar TEXT.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/clients.sh"

printf 'calendar_name = Office, North; East \\ Wing\n' >"$T/mr.conf"
export MIPSREVIEW_CONFIG="$T/mr.conf"
ok "seed case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2023 --reason scoring-error
"$MR" window list --year 2023 --kind targeted-review --json >"$T/w.json"
wid=$(json_get 0.id <"$T/w.json")

# unfold FILE: the content lines joined again (RFC 5545 3.1).
unfold() { tr -d '\r' <"$1" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n //g'; }

# -- 2024-11-03 01:30 PDT = 08:30Z; 01:30 PST, an hour later, is 09:30Z.
ok "a deadline in the repeated hour" "$MR" window set "$wid" \
	--closes "2024-11-03 01:30 PDT" --zone America/Los_Angeles
ok "export" "$MR" export ics -o "$T/fb.ics"
expect_eq "written in UTC, not as an ambiguous local time" \
	"$(grep -E '^(DTSTART|DUE)' "$T/fb.ics" | tr -d '\r' | tr '\n' ' ')" \
	"DTSTART:20241103T083000Z DUE:20241103T083000Z "
expect_match "the description keeps the zone and its abbreviation" \
	"$(unfold "$T/fb.ics" | grep '^DESCRIPTION')" 'Closes Nov 3 2024 1:30 AM PDT \(America/Los_Angeles\)'
libical_items "$T/fb.ics" >"$T/lib.txt" 2>"$T/lib.err" && pass || \
	fail "libical rejects the export: $(cat "$T/lib.err")"
expect_eq "libical: 08:30Z" \
	"$(awk -F'\t' '$1 == "VEVENT" { print $4 }' "$T/lib.txt")" "2024-11-03T08:30:00Z"
icaljs_items "$T/fb.ics" >"$T/js.txt" 2>"$T/js.err" && pass || \
	fail "ical.js rejects the export: $(cat "$T/js.err")"
expect_eq "ical.js: 08:30Z for the event and the task" \
	"$(cut -f1,4 "$T/js.txt" | sort | tr '\t\n' '  ')" \
	"VEVENT 2024-11-03T08:30:00.000Z VTODO 2024-11-03T08:30:00.000Z "
kl=$(khal_list "$T/fb.ics" UTC) && pass
expect_match "khal (python-icalendar) in UTC: 08:30" "$kl" '^2024-11-03 08:30\|.*Dr\. Ada Example'
kl=$(khal_list "$T/fb.ics" America/Denver) && pass
expect_match "khal in Denver: 01:30 MST (its own clocks went back at 08:00Z)" "$kl" \
	'^2024-11-03 01:30\|.*Dr\. Ada Example'
apts=$(calcurse_apts "$T/fb.ics" UTC) && pass
expect_match "calcurse in UTC: 11/03/2024 @ 08:30" "$apts" '^11/03/2024 @ 08:30 '

ok "the second 01:30 (PST)" "$MR" window set "$wid" --closes "2024-11-03 01:30 PST"
ok "export" "$MR" export ics -o "$T/fb2.ics"
expect_eq "09:30Z, in UTC too" \
	"$(grep '^DTSTART:2024' "$T/fb2.ics" | tr -d '\r')" "DTSTART:20241103T093000Z"
icaljs_items "$T/fb2.ics" >"$T/js2.txt" 2>&1 && pass
expect_eq "ical.js: 09:30Z" "$(awk -F'\t' '$1 == "VEVENT" { print $4 }' "$T/js2.txt")" \
	"2024-11-03T09:30:00.000Z"

ok "an hour earlier is not ambiguous" "$MR" window set "$wid" --closes "2024-11-03 00:30 PDT"
ok "export" "$MR" export ics -o "$T/fb3.ics"
expect_eq "written in the zone as before" \
	"$(grep -E '^DTSTART[;:].*2024' "$T/fb3.ics" | tr -d '\r')" \
	"DTSTART;TZID=America/Los_Angeles:20241103T003000"

# -- Europe/London: GMT in winter, BST in summer
ok "London, winter" "$MR" window set "$wid" --closes "2025-01-15 17:00" --zone Europe/London
ok "window list" "$MR" window list --year 2023 --kind targeted-review
expect_match "winter: GMT" "$(cat "$T/out")" '2025-01-15 17:00 GMT +Europe/London'
ok "export" "$MR" export ics -o "$T/gmt.ics"
expect_match "the calendar says GMT" "$(unfold "$T/gmt.ics" | grep '^DESCRIPTION')" \
	'Closes Jan 15 2025 5:00 PM GMT \(Europe/London\)'
expect_eq "never UTC for London" "$(unfold "$T/gmt.ics" | grep -c 'PM UTC')" "0"
ok "London, summer" "$MR" window set "$wid" --closes "2025-07-15 17:00" --zone Europe/London
ok "window list" "$MR" window list --year 2023 --kind targeted-review
expect_match "summer: BST" "$(cat "$T/out")" '2025-07-15 17:00 BST +Europe/London'
ok "Tokyo" "$MR" window set "$wid" --closes "2025-07-15 17:00" --zone Asia/Tokyo
ok "window list" "$MR" window list --year 2023 --kind targeted-review
expect_match "Tokyo: JST" "$(cat "$T/out")" '2025-07-15 17:00 JST +Asia/Tokyo'

# -- calendar_name: backslash, comma and semicolon escaped (RFC 5545 3.3.11)
expect_eq "X-WR-CALNAME escaped" "$(grep '^X-WR-CALNAME' "$T/gmt.ics" | tr -d '\r')" \
	'X-WR-CALNAME:Office\, North\; East \\ Wing'
expect_eq "python-icalendar reads the name back" "$(/usr/bin/python3 -c '
import icalendar, sys
print(icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())["X-WR-CALNAME"])' "$T/gmt.ics" 2>&1)" \
	'Office, North; East \ Wing'
finish
