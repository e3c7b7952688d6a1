#!/bin/sh
# The office's pages in a real browser: Debian's chromium and
# chromium-driver, driven by python3-selenium (tests/browser/app.py), all
# on 127.0.0.1.  Screenshots land in tests/browser/artefacts/ of the
# build tree.  Skipped (77) only when the browser is not installed.
. "$top_srcdir/tests/e2e/lib.sh"
for p in /usr/bin/chromium /usr/bin/chromedriver; do
	[ -x "$p" ] || { echo "SKIP: $p is not installed (apt-get install chromium chromium-driver)"; exit 77; }
done
/usr/bin/python3 -c 'import selenium' 2>/dev/null ||
	{ echo "SKIP: python3-selenium is not installed"; exit 77; }

art="$top_builddir/tests/browser/artefacts"
rm -rf "$art"; mkdir -p "$art"

cat >"$T/mr.conf" <<EOT
listen = 127.0.0.1:0
EOT
export MIPSREVIEW_CONFIG="$T/mr.conf"
# Real time, not the fixed test clock: the browser's session runs on it.
unset MIPSREVIEW_NOW
year=$(($(date -u +%Y) - 1))
ok "the year's review window, announced in Chicago" "$MR" window add \
	--kind targeted-review --year "$year" --closes "$(($(date -u +%Y) + 1))-01-15 19:00" \
	--zone America/Chicago --name "PY$year targeted review" --source "CMS notice (test)"
ok "a case whose name is a script" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--name "Dr. <script>alert('name')</script>" --year "$year" --reason scoring-error \
	--legal-name "Example MD PC" --requester-role clinician \
	--explanation "Quality data filed under the wrong TIN."
ok "a case of this year, whose window is not known yet" "$MR" add --tin "$SEED_TIN" \
	--name "Dr. Next Year" --year "$(date -u +%Y)" --reason other
ok "a note that is markup" "$MR" note 1 "<img src=x onerror=alert('note')>"
ok "ready for the browser to submit" "$MR" status 1 ready --force
ok "another practice's case" "$MR" add --tin 98-7654321 --name "Other Practice" \
	--year "$year" --reason other
pw="correct horse battery staple"
echo "$pw" >"$T/pw"
ok "a hardship filing of the first practice" "$MR" hardship add --tin "$SEED_TIN" \
	--year "$year" --type euc --categories quality --event "a storm closed the office"
ok "an officer of the first practice" "$MR" user add ofc --role officer \
	--tin "$SEED_TIN" --password-stdin <"$T/pw"
printf 'receipt from the QPP portal\n' >"$T/receipt.txt"

"$MRD" --config "$T/mr.conf" --db "$MIPSREVIEW_DB" 2>"$T/d.log" &
dpid=$!
at_exit "kill $dpid 2>/dev/null"
i=0
until grep -q 'ready' "$T/d.log" 2>/dev/null; do
	i=$((i + 1)); [ "$i" -lt 200 ] || { fail "daemon not ready: $(cat "$T/d.log")"; finish; }
	sleep 0.05
done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/d.log")

if /usr/bin/python3 "$top_srcdir/tests/browser/app.py" "http://127.0.0.1:$port" \
    "$art" ofc "$pw" 1 "$T/receipt.txt" >"$T/browser.log" 2>&1; then
	pass
else
	fail "the browser's walk: $(grep -v '^ok' "$T/browser.log" | tail -20)"
fi
cat "$T/browser.log"
ok "the move is in the audit trail under the account" "$MR" audit 1
expect_match "audited as ofc" "$(cat "$T/out")" "ofc"
ok "the filing's move" "$MR" hardship show 1 --json
expect_match "is the browser's" "$(cat "$T/out")" '"status": "submitted"'
ok "the upload is evidence of the case" "$MR" evidence list 1
expect_match "receipt attached" "$(cat "$T/out")" "receipt.txt"
for s in login due cases case case-uploaded case-submitted hardship-moved \
    due-375px cases-375px case-375px whatif-375px hardship-375px windows-375px feeds-375px; do
	expect_eq "screenshot $s" "$(test -s "$art/$s.png" && echo yes)" "yes"
done
expect_eq "the other practice never showed" "$(grep -c 'Other Practice' "$T/browser.log")" "0"
kill "$dpid"; wait "$dpid" 2>/dev/null
expect_eq "no memory error in the daemon" "$(grep -c 'ERROR: AddressSanitizer' "$T/d.log")" "0"
finish
