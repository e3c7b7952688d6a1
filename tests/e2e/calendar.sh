#!/bin/sh
# mipsreview export ics: the calendar real clients read (libical, ical.js,
# calcurse, khal), the seed deadline at 2024-10-11 19:00 America/Chicago,
# stable UIDs with a rising SEQUENCE, masked TINs, closed items kept.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/clients.sh"

ok "seed case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example, MD" \
	--year 2023 --reason scoring-error
ok "second case" "$MR" add --tin 98-7654321 --name "Lakeside Clinic" --year 2023 --reason other
ok "third case" "$MR" add --tin 11-2223334 --name "Dr. Bo Withdrawn" --year 2023 --reason other
ok "withdraw the third" "$MR" status 3 withdrawn

# -- the file
ok "export to a file" "$MR" export ics -o "$T/all.ics"
expect_eq "export reports the count" "$(cat "$T/out")" "3 deadlines written to $T/all.ics"
expect_eq "the file is private (0600)" "$(stat -c %a "$T/all.ics")" "600"
expect_eq "no temporary file is left" "$(ls "$T" | grep -c 'all.ics.')" "0"
"$MR" export ics >"$T/stdout.ics"
expect_eq "stdout gets the same bytes" "$(cmp -s "$T/all.ics" "$T/stdout.ics" && echo same)" "same"
expect_eq "lines end in CRLF" "$(head -1 "$T/all.ics" | od -c | grep -c '\\r')" "1"
expect_eq "no METHOD (a feed is no iTIP message)" "$(grep -c '^METHOD' "$T/all.ics")" "0"

# -- leaks nothing
expect_eq "the whole TIN appears nowhere" "$(grep -c '123456789' "$T/all.ics")" "0"
expect_eq "the NPI appears nowhere" "$(grep -c "$SEED_NPI" "$T/all.ics")" "0"
expect_match "summaries name the clinician and the masked TIN" \
	"$(grep '^SUMMARY' "$T/all.ics" | head -1)" \
	'^SUMMARY:Targeted review deadline: Dr. Ada Example\\, MD \(TIN \*\*\*\*\*6789\)'

# -- libical
if libical_items "$T/all.ics" >"$T/lib.txt" 2>"$T/lib.err"; then pass; else
	fail "libical rejects the export: $(cat "$T/lib.err")"; fi
seed_uid=$(awk -F'\t' '$1 == "VEVENT" { print $2; exit }' "$T/lib.txt")
expect_eq "libical: seed event at 2024-10-12T00:00Z in America/Chicago with 5 alarms" \
	"$(awk -F'\t' '$1 == "VEVENT" { print $4, $5, $6, $7; exit }' "$T/lib.txt")" \
	"2024-10-12T00:00:00Z America/Chicago CONFIRMED 5"
expect_eq "libical: three events and three tasks" \
	"$(cut -f1 "$T/lib.txt" | sort | uniq -c | awk '{ printf "%s %s ", $1, $2 }')" "3 VEVENT 3 VTODO "
expect_eq "libical: the task is related to its event" \
	"$(awk -F'\t' '$1 == "VTODO" { print $7; exit }' "$T/lib.txt")" "$seed_uid"
expect_eq "libical: the withdrawn case stays, CANCELLED, without alarms" \
	"$(grep -v "$seed_uid" "$T/lib.txt" | awk -F'\t' '$1 == "VEVENT" && $6 == "CANCELLED" { print $7 }')" "0"
expect_match "UIDs carry no identifier" "$seed_uid" '^[0-9a-f]{32}@mipsreview$'

# -- ical.js (Thunderbird's parser), also from a host far from Chicago
if icaljs_items "$T/all.ics" >"$T/js.txt" 2>"$T/js.err"; then pass; else
	fail "ical.js rejects the export: $(cat "$T/js.err")"; fi
expect_eq "ical.js: seed at 19:00 America/Chicago = 00:00Z" \
	"$(grep "^VEVENT	$seed_uid" "$T/js.txt" | cut -f4-6)" \
	"2024-10-12T00:00:00.000Z	America/Chicago	2024-10-11T19:00"
expect_eq "ical.js: same instant under TZ=Asia/Tokyo" \
	"$(TZ=Asia/Tokyo node "$T/icaljs/check.mjs" "$T/all.ics" | grep "^VEVENT	$seed_uid" | cut -f4)" \
	"2024-10-12T00:00:00.000Z"
expect_eq "ical.js: the task is due at the same instant" \
	"$(awk -F'\t' -v u="$seed_uid" '$1 == "VTODO" && $8 == u { print $4 }' "$T/js.txt")" \
	"2024-10-12T00:00:00.000Z"

# -- calcurse (reads TZID as an Olson name; skips nothing or exits 1)
apts=$(calcurse_apts "$T/all.ics" America/Chicago) && pass
expect_match "calcurse in Chicago: 10/11/2024 @ 19:00" "$apts" \
	'^10/11/2024 @ 19:00 -> 10/11/2024 @ 19:00.*Dr\. Ada Example, MD \(TIN \*\*\*\*\*6789\)'
apts=$(calcurse_apts "$T/all.ics" UTC) && pass
expect_match "calcurse in UTC: 10/12/2024 @ 00:00" "$apts" '^10/12/2024 @ 00:00 .*Dr\. Ada Example'

# -- khal (python-icalendar)
kl=$(khal_list "$T/all.ics" America/Chicago office) && pass
expect_match "khal in Chicago: 2024-10-11 19:00" "$kl" \
	'^2024-10-11 19:00\|Targeted review deadline: Dr\. Ada Example, MD \(TIN \*\*\*\*\*6789\)$'

# -- a moved deadline updates in place
ok "export again" "$MR" export ics -o "$T/again.ics"
expect_eq "unchanged data, identical file" "$(cmp -s "$T/all.ics" "$T/again.ics" && echo same)" "same"
"$MR" window list --year 2023 --kind targeted-review --json >"$T/w.json"
wid=$(json_get 0.id <"$T/w.json")
ok "extend the PY2023 window" "$MR" window extend "$wid" --closes "2024-10-18 19:00 America/Chicago"
ok "export after the change" "$MR" export ics -o "$T/moved.ics"
libical_items "$T/moved.ics" >"$T/lib2.txt" 2>&1 || fail "libical rejects the changed export"
seq1=$(awk -F'\t' -v u="$seed_uid" '$2 == u { print $3 }' "$T/lib.txt")
seq2=$(awk -F'\t' -v u="$seed_uid" '$2 == u { print $3 }' "$T/lib2.txt")
expect_eq "same UID, moved to Oct 18" \
	"$(awk -F'\t' -v u="$seed_uid" '$2 == u { print $4 }' "$T/lib2.txt")" "2024-10-19T00:00:00Z"
if [ "${seq2:-0}" -gt "${seq1:-0}" ]; then pass; else fail "SEQUENCE did not rise: $seq1 -> $seq2"; fi
expect_eq "still one event per item" "$(grep -c '^BEGIN:VEVENT' "$T/moved.ics")" "3"
expect_eq "LAST-MODIFIED moved" \
	"$(cmp -s "$T/all.ics" "$T/moved.ics" || echo changed)" "changed"
kl=$(khal_list "$T/moved.ics" America/Chicago office) && pass
expect_eq "khal: the event moved, no duplicate" \
	"$(printf '%s\n' "$kl" | grep -c 'Dr\. Ada Example')" "1"
expect_match "khal: now at 2024-10-18 19:00" "$kl" '^2024-10-18 19:00\|.*Dr\. Ada Example'
icaljs_items "$T/moved.ics" >"$T/js2.txt" 2>&1 || fail "ical.js rejects the changed export"
expect_eq "ical.js: same UID at the new time" \
	"$(grep "^VEVENT	$seed_uid" "$T/js2.txt" | cut -f6)" "2024-10-18T19:00"

# -- filters
"$MR" export ics --case 1 >"$T/one.ics"
expect_eq "--case 1: one event" "$(grep -c '^BEGIN:VEVENT' "$T/one.ics")" "1"
"$MR" export ics --tin 987654321 >"$T/tin.ics"
expect_eq "--tin: one event" "$(grep -c '^BEGIN:VEVENT' "$T/tin.ics")" "1"
expect_eq "--tin: that TIN's event" "$(grep -c '^SUMMARY:.*Lakeside' "$T/tin.ics")" "2"
"$MR" export ics --year 2022 >"$T/none.ics"
expect_eq "--year 2022: an empty but valid calendar" \
	"$("$ICAL_CHECK" "$T/none.ics" | wc -l)" "0"

# -- hardship filings take their window's deadline, in its own zone
ok "a hardship filing" "$MR" hardship add --tin "$SEED_TIN" --year 2024 --type euc \
	--categories quality,cost --event "Hurricane" --name "Dr. Ada Example, MD"
ok "export with the filing" "$MR" export ics -o "$T/hs.ics"
expect_eq "a second VTIMEZONE, for New York" \
	"$(grep '^TZID:' "$T/hs.ics" | tr -d '\r' | sort | tr '\n' ' ')" \
	"TZID:America/Chicago TZID:America/New_York "
libical_items "$T/hs.ics" >/dev/null 2>"$T/lib.err" && pass || \
	fail "libical rejects the export with a filing: $(cat "$T/lib.err")"
icaljs_items "$T/hs.ics" >"$T/js3.txt" 2>&1 || fail "ical.js rejects the export with a filing"
expect_eq "ical.js: the EUC deadline, Apr 14 2025 20:00 New York" \
	"$(grep 'EUC hardship application deadline' "$T/js3.txt" | awk -F'\t' '$1 == "VEVENT" { print $4, $5, $6 }')" \
	"2025-04-15T00:00:00.000Z America/New_York 2025-04-14T20:00"
apts=$(calcurse_apts "$T/hs.ics" America/New_York) && pass
expect_match "calcurse: 04/14/2025 @ 20:00 in New York" "$apts" '04/14/2025 @ 20:00 .*EUC hardship'

# -- refusals leave the database as it was
refuses "bad TIN" 3 "tin" "$MR" export ics --tin 12345
# usage errors: exit 2, the reason first, then the usage line
usage_error() {
	desc=$1 pat=$2; shift 2
	before=$(db_digest)
	"$@" >"$T/out" 2>"$T/err"; got=$?
	expect_eq "$desc: exit 2" "$got" "2"
	expect_match "$desc: says why" "$(head -1 "$T/err")" "$pat"
	expect_eq "$desc: database unchanged" "$(db_digest)" "$before"
}
usage_error "--case with --year" "does not mix" "$MR" export ics --case 1 --year 2023
usage_error "unknown format" "unknown subcommand 'pdf'; use ics, csv or jsonl" "$MR" export pdf
usage_error "bad case number" "case 'x'" "$MR" export ics --case x
"$MR" export ics -o "$T/no/such/dir/x.ics" >"$T/out" 2>"$T/err"
expect_eq "unwritable path: exit 1" "$?" "1"
expect_eq "unwritable path: nothing written" "$(ls "$T/no" 2>/dev/null | wc -l)" "0"

finish
