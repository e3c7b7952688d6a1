#!/bin/sh
# End to end: a command loads only the libraries it uses.  libical,
# libcrypto and libmagic are opened on first use (lib/mr_dl_lazy.h); the dynamic
# loader's trace (LD_DEBUG=files) names every object a process opens.
. "$top_srcdir/tests/e2e/lib.sh"

# loads DESC LIBRARY yes|no CMD...: whether CMD opened LIBRARY.
loads() {
	desc=$1 lib=$2 want=$3; shift 3
	LD_DEBUG=files "$@" >"$T/out" 2>"$T/ld" || {
		fail "$desc: exit $? ($(grep -v '^ *[0-9]*:' "$T/ld" | head -c 300))"; return; }
	if grep -q "file=$lib" "$T/ld"; then got=yes; else got=no; fi
	expect_eq "$desc" "$got" "$want"
}

loads "--version does not load libcrypto" libcrypto no "$MR" --version
loads "--version does not load libmagic" libmagic no "$MR" --version
loads "--version does not load libical (nor ICU)" libical no "$MR" --version
# Short messages (the audit chain, calendar UIDs) are hashed by nettle,
# linked in; libcrypto only for files.
loads "add seals its audit row without libcrypto" libcrypto no \
	"$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Lazy" --year 2023 --reason other
loads "list does not load libcrypto" libcrypto no "$MR" list
loads "show does not load libmagic" libmagic no "$MR" show 1
loads "check needs no time zone" libical no "$MR" check 1
# Zones come from tzdata through the C library: libical and ICU only for
# the calendar.
loads "show gives the deadline in its zone without libical" libical no "$MR" show 1
expect_match "in the announced zone" "$(cat "$T/out")" "CDT"
loads "list gives deadlines without libical" libical no "$MR" list --tin "$SEED_TIN"
loads "due in another zone without libical" libical no "$MR" due --zone Asia/Tokyo
expect_match "the viewer's zone" "$(cat "$T/out")" "JST"
loads "export ics writes the calendar with libical" libical yes "$MR" export ics
expect_match "the calendar names the announced zone" "$(cat "$T/out")" "TZID:America/Chicago"
loads "export ics makes its UIDs without libcrypto" libcrypto no "$MR" export ics
expect_match "with UIDs" "$(cat "$T/out")" "^UID:[0-9a-f]{32}@mipsreview"
printf '%%PDF-1.4\n%%EOF\n' >"$T/a.pdf"
loads "attach asks libmagic for the file's type" libmagic yes \
	"$MR" attach 1 "$T/a.pdf" --kind other
printf '%%PDF-1.4\n%% another\n%%EOF\n' >"$T/b.pdf"
loads "attach hashes the file with libcrypto" libcrypto yes \
	"$MR" attach 1 "$T/b.pdf" --kind other
expect_match "the type libmagic found is kept" "$("$MR" evidence list 1)" "application/pdf"
finish
