# tests/e2e/evidence.sh: attach, checklist and ready gate, verify, detach,
# packets, and every kind of bad input leaving store and database unchanged.
. "$top_srcdir/tests/e2e/lib.sh"

STORE="$T/evidence"
IN="$T/in"
mkdir -p "$IN"

# The store's listing and content, hashed.
store_digest() { { ls -lA --time-style=+%s "$STORE" 2>/dev/null; cat "$STORE"/* "$STORE"/.??* 2>/dev/null; } | sha256sum | cut -d' ' -f1; }

# bad DESC STATUS PATTERN CMD...: refused (one line, DB unchanged) and the store unchanged too.
bad() {
	sbefore=$(store_digest)
	refuses "$@"
	expect_eq "$1: evidence store unchanged" "$(store_digest)" "$sbefore"
}

ok "add a case needing a submission receipt and a TIN/NPI record" \
	"$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2023 --reason wrong-tin-npi --score 61.5 --adjustment -1.2 \
	--legal-name "Ada Example MD PC" --requester-role clinician --explanation "Filed under the wrong TIN."
ok "add a second case" "$MR" add --tin 987654321 --name "Grace Group" \
	--year 2023 --reason qp-status --force \
	--legal-name "Grace Group LLC" --requester-role designated-support-staff --explanation "QP status."

# --- checklist and the ready gate ---
"$MR" check 1 >"$T/check.txt"
expect_match "check lists the missing kinds" "$(cat "$T/check.txt")" "MISSING +TIN/NPI record"
expect_match "check says the checklist is unverified" "$(cat "$T/check.txt")" "unverified"
refuses "ready refused while evidence is missing" 5 \
	"cannot become ready: required evidence is missing: feedback-report, submission-receipt, tin-npi-record" \
	"$MR" status 1 ready
"$MR" show 1 --json >"$T/show.json"
expect_eq "show --json: checklist incomplete" \
	"$(json_get evidence.complete <"$T/show.json")" "False"
expect_eq "show --json: first missing kind" \
	"$(json_get evidence.missing.0 <"$T/show.json")" "feedback-report"
expect_match "show text has the checklist" "$("$MR" show 1)" "MISSING +submission receipt"

bad "a missing file on the first attach creates no store" 4 "no such file" \
	"$MR" attach 1 "$IN/nothing-yet.pdf"
expect_eq "no evidence folder yet" "$(ls -d "$STORE" 2>/dev/null)" ""

# --- attach ---
printf '%%PDF-1.4\n%% QPP submission receipt\n' >"$IN/receipt.pdf"
printf 'PECOS reassignment record\n' >"$IN/pecos.txt"
mkdir -p "$IN/sub"
ok "attach a receipt through a path with ../ (the name recorded is the file's)" \
	"$MR" attach 1 "$IN/sub/../receipt.pdf" --kind submission-receipt --note "from QPP"
expect_match "attach says what it stored" "$(cat "$T/out")" "evidence 1: receipt.pdf attached to case 1 as submission receipt"
sha=$(sha256sum "$IN/receipt.pdf" | cut -d' ' -f1)
expect_eq "stored under its SHA-256" "$(ls "$STORE")" "$sha"
expect_eq "stored file is 0600" "$(stat -c %a "$STORE/$sha")" "600"
expect_eq "store folder is 0700" "$(stat -c %a "$STORE")" "700"
expect_eq "stored content equals the original" "$(sha256sum <"$STORE/$sha" | cut -d' ' -f1)" "$sha"
"$MR" evidence show 1 --json >"$T/ev1.json"
expect_eq "media type from libmagic" "$(json_get media_type <"$T/ev1.json")" "application/pdf"
expect_eq "size recorded" "$(json_get size <"$T/ev1.json")" "$(wc -c <"$IN/receipt.pdf" | tr -d ' ')"
expect_eq "note recorded" "$(json_get note <"$T/ev1.json")" "from QPP"
expect_eq "name recorded" "$(json_get name <"$T/ev1.json")" "receipt.pdf"
refuses "the same content twice on one case" 5 "already attached to case 1" \
	"$MR" attach 1 "$IN/receipt.pdf"
ok "the same content on another case" "$MR" attach 2 "$IN/receipt.pdf" --json
expect_eq "second attach reports deduplication" "$(json_get 0.deduplicated <"$T/out")" "True"
expect_eq "same content stored once" "$(ls "$STORE" | wc -l)" "1"
ok "attach the PECOS record" "$MR" attach 1 "$IN/pecos.txt" --kind tin-npi-record
printf 'MIPS final score report PY2023\n' >"$IN/feedback.txt"
ok "attach the disputed feedback report" "$MR" attach 1 "$IN/feedback.txt" --kind feedback-report
ok "ready once the evidence is there" "$MR" status 1 ready
expect_eq "case is ready" "$("$MR" show 1 --json | json_get status)" "ready"
expect_eq "check --json: complete" "$("$MR" check 1 --json | json_get complete)" "True"
ok "ready --force despite missing evidence" "$MR" status 2 ready --force
expect_match "the override is in the audit trail" "$("$MR" audit 2)" "ready --force despite missing evidence"

# --- bad input: one line, non-zero exit, nothing changes ---
bad "missing file" 4 "no such file" "$MR" attach 1 "$IN/nope.pdf"
bad "a folder" 3 "is a folder" "$MR" attach 1 "$IN/sub"
mkfifo "$IN/fifo"
bad "a FIFO" 3 "FIFO" "$MR" attach 1 "$IN/fifo"
bad "a device" 3 "is a device" "$MR" attach 1 /dev/null
# Root reads everything on disk; /proc/self/mem opens but fails to read.
bad "an unreadable file" 1 "reading '/proc/self/mem'" "$MR" attach 1 /proc/self/mem
# A file that yields other bytes than its size says (a /proc file does,
# deterministically); the unit test changes a file mid-copy.
bad "a file that changes while copied" 5 "changed while it was being copied" \
	"$MR" attach 1 /proc/self/stat
bad "a name with ../" 3 "must not contain '/'" \
	"$MR" attach 1 "$IN/pecos.txt" --name ../../etc/passwd
nl_name="$IN/$(printf 'two\nlines.pdf')"
cp "$IN/receipt.pdf" "$nl_name"
bad "a name with a newline" 3 'two\\x0alines.pdf' "$MR" attach 1 "$nl_name"
raw_name="$IN/$(printf 'caf\351.pdf')"
printf 'latin-1 name\n' >"$raw_name"
bad "a name that is not UTF-8" 3 "not valid UTF-8" "$MR" attach 1 "$raw_name"
printf 'a new letter\n' >"$IN/letter.txt"
bad "a good file with a bad one: none attached" 4 "no such file" \
	"$MR" attach 1 "$IN/letter.txt" "$IN/nope.pdf"
bad "an unknown kind" 3 "kind 'receipt' is not known" \
	"$MR" attach 1 "$IN/pecos.txt" --kind receipt
bad "an unknown case" 4 "case 99 does not exist" "$MR" attach 99 "$IN/pecos.txt"
bad "an unknown hardship filing" 4 "hardship filing 1 does not exist" \
	"$MR" attach --hardship 1 "$IN/pecos.txt"
head -c 4194304 /dev/urandom >"$IN/big.bin"
# A file-size limit makes the copy fail with EFBIG ("full disk"): the
# temporary file must go and nothing be recorded.
bad "a write error (file size limit)" 1 "File too large" \
	sh -c 'ulimit -f 1024; exec "$0" attach 1 "$1"' "$MR" "$IN/big.bin"
expect_eq "no temporary file left behind" "$(ls -A "$STORE" | grep -c '^\.tmp-')" "0"

# --- verify ---
ok "verify: all intact" "$MR" evidence verify
expect_match "verify counts the files" "$(cat "$T/out")" "evidence intact: 3 files verified"
chmod 600 "$STORE/$sha"
cp "$STORE/$sha" "$T/saved"
printf 'tampered' >>"$STORE/$sha"
pecos_sha=$(sha256sum "$IN/pecos.txt" | cut -d' ' -f1)
mv "$STORE/$pecos_sha" "$T/saved-pecos"
printf 'stray' >"$STORE/stray.bin"
"$MR" evidence verify >"$T/verify.txt" 2>"$T/verify.err"
expect_eq "verify exits 7 when not intact" "$?" "7"
expect_match "verify names the altered file" "$(cat "$T/verify.txt")" "^altered .*receipt.pdf"
expect_match "verify names the missing file" "$(cat "$T/verify.txt")" "^missing .*pecos.txt"
expect_match "verify names the unreferenced file" "$(cat "$T/verify.txt")" "^unreferenced .*stray.bin"
expect_eq "verify --json counts problems" "$("$MR" evidence verify --json | json_get problem_count)" "4"
refuses "packet refused while a stored file is altered" 7 "was altered" \
	"$MR" packet 1 -o "$T/bad-packet"
expect_eq "no packet left behind" "$(ls -d "$T"/bad-packet* "$T"/.bad-packet* 2>/dev/null | wc -l)" "0"
# The altered copy grew: an archive entry of the recorded size cannot take it.
refuses "tar.gz packet refused while a stored file is altered" 7 "was altered" \
	"$MR" packet 1 -o "$T/bad-packet.tar.gz"
refuses "zip packet refused while a stored file is altered" 7 "was altered" \
	"$MR" packet 1 -o "$T/bad-packet.zip"
expect_eq "no archive left behind" "$(ls -d "$T"/bad-packet* "$T"/.bad-packet* 2>/dev/null | wc -l)" "0"
# A stray name with a terminal escape, a line break and a byte that is
# not UTF-8: reported escaped on one line, and in valid JSON.
printf 'x' >"$STORE/$(printf 'odd\033[31m\nname\351')"
"$MR" evidence verify >"$T/verify.txt" 2>/dev/null
expect_match "verify escapes a stray name" "$(cat "$T/verify.txt")" '^unreferenced .*/odd\\x1b\[31m\\x0aname\\xe9: '
expect_eq "verify prints no raw escape" "$(tr -d '\n' <"$T/verify.txt" | grep -c "$(printf '\033')")" "0"
"$MR" evidence verify --json >"$T/verify.json"
expect_eq "verify --json lists every problem it counts" \
	"$(/usr/bin/python3 -c 'import json,sys; v=json.load(sys.stdin); print(v["problem_count"] - len(v["problems"]))' <"$T/verify.json")" "0"
rm -f "$STORE"/odd*
cp "$T/saved" "$STORE/$sha"
mv "$T/saved-pecos" "$STORE/$pecos_sha"
ok "verify --sweep removes the unreferenced file" "$MR" evidence verify --sweep
expect_eq "stray file gone" "$(ls "$STORE" | grep -c stray)" "0"
ok "verify of one case" "$MR" evidence verify 1

# --- packets ---
ok "packet as a folder" "$MR" packet 1 -o "$T/pk"
expect_eq "folder packet checks with sha256sum -c" \
	"$(cd "$T/pk" && sha256sum -c --quiet SHA256SUMS && echo good)" "good"
expect_eq "evidence under readable unique names" "$(cd "$T/pk/evidence" && ls | tr '\n' ' ')" \
	"01-submission-receipt-receipt.pdf 02-tin-npi-record-pecos.txt 03-feedback-report-feedback.txt "
expect_eq "summary.json: clinician" "$(json_get case.name <"$T/pk/summary.json")" "Dr. Ada Example"
expect_eq "summary.json: TIN masked" "$(json_get case.tin <"$T/pk/summary.json")" "*****6789"
expect_eq "summary.json: deadline (PY2023 window)" \
	"$(json_get deadline.closes_at <"$T/pk/summary.json")" "2024-10-12T00:00:00Z"
expect_eq "summary.json: score" "$(json_get case.final_score <"$T/pk/summary.json")" "61.5"
expect_eq "summary.json: timeline starts with add" "$(json_get timeline.0.action <"$T/pk/summary.json")" "add"
expect_match "summary.txt: timeline has the attach" "$(cat "$T/pk/summary.txt")" "attach evidence: evidence 1: receipt.pdf"
expect_match "summary.txt: reasons" "$(cat "$T/pk/summary.txt")" "Reasons +wrong-tin-npi"
anchor=$(json_get audit_anchor <"$T/pk/summary.json")
expect_match "summary.json: the audit trail's head" "$anchor" "^[0-9]+:[0-9a-f]{64}$"
expect_match "summary.txt: the audit trail's head" "$(cat "$T/pk/summary.txt")" "head $anchor when"
ok "the packet's head is an anchor the trail extends" "$MR" audit --verify --anchor "$anchor"
expect_match "summary.txt: where sha256sum -c runs" "$(cat "$T/pk/summary.txt")" "unpack an archive first"
expect_eq "summary.json: no hardship filing linked" "$(json_get hardship_filing <"$T/pk/summary.json")" "null"
ok "a hardship filing" "$MR" hardship add --tin "$SEED_TIN" --year 2023 --type euc \
	--categories quality,ia --event "Hurricane Helene" --filed 2024-03-01
ok "linked to the case" "$MR" set 1 filing=1
ok "packet with the filing" "$MR" packet 1 -o "$T/pkh"
expect_eq "summary.json: the linked filing" "$(json_get hardship_filing.event <"$T/pkh/summary.json")" "Hurricane Helene"
expect_match "summary.txt: the linked filing" "$(cat "$T/pkh/summary.txt")" \
	"Hardship filing  1: euc, draft \(performance 2023\), filed 2024-03-01"
rm -rf "$T/pkh"
ok "packet as .tar.gz" "$MR" packet 1 -o "$T/pk.tar.gz"
mkdir "$T/x" && tar -C "$T/x" -xzf "$T/pk.tar.gz"
expect_eq "tar.gz packet checks with sha256sum -c" \
	"$(cd "$T/x/pk" && sha256sum -c --quiet SHA256SUMS && echo good)" "good"
ok "packet as .zip" "$MR" packet 1 -o "$T/pk.zip" --reveal
/usr/bin/python3 -m zipfile -e "$T/pk.zip" "$T/z"
expect_eq "zip packet checks with sha256sum -c" \
	"$(cd "$T/z/pk" && sha256sum -c --quiet SHA256SUMS && echo good)" "good"
expect_eq "--reveal shows the whole TIN" "$(json_get case.tin <"$T/z/pk/summary.json")" "123456789"
expect_eq "zip entries: all under pk/, no empty path component" \
	"$(/usr/bin/python3 -c 'import sys, zipfile; print(sum(not n.startswith("pk/") or "//" in n for n in zipfile.ZipFile(sys.argv[1]).namelist()))' "$T/pk.zip")" "0"
expect_eq "tar.gz entries: all under pk/, no empty path component" \
	"$(/usr/bin/python3 -c 'import sys, tarfile; print(sum(not n.startswith("pk/") or "//" in n for n in (m.name for m in tarfile.open(sys.argv[1])) if n != "pk"))' "$T/pk.tar.gz")" "0"
expect_eq "tar.gz top folder entry is pk/" "$(tar -tzf "$T/pk.tar.gz" | head -n 1)" "pk/"
mkdir "$T/nameless"
bad "an archive named only by its suffix (no top folder)" 3 "needs a name before its suffix" \
	"$MR" packet 1 -o "$T/nameless/.zip"
bad "a .tgz named only by its suffix" 3 "needs a name before its suffix" \
	"$MR" packet 1 -o "$T/nameless/.tgz"
expect_eq "no nameless archive left behind" "$(ls -A "$T/nameless")" ""
ok "a 4 MiB file on case 2" "$MR" attach 2 "$IN/big.bin"
bad "a packet write error (file size limit)" 1 "writing the packet: .*File too large" \
	sh -c 'ulimit -f 1024; exec "$0" packet 2 -o "$1"' "$MR" "$T/limited.tar.gz"
bad "a folder packet write error" 1 "File too large" \
	sh -c 'ulimit -f 1024; exec "$0" packet 2 -o "$1"' "$MR" "$T/limited"
expect_eq "no partial packet left behind" "$(ls -A "$T" | grep -c limited)" "0"
# A record that cannot be described (here: a media type that is not
# UTF-8, as a hand-edited database may hold) fails the packet: it must
# never leave evidence out and claim success.
sqlite3 "$MIPSREVIEW_DB" "UPDATE evidence SET media_type = CAST(X'6170706cff' AS TEXT) WHERE id = 1"
bad "a packet with a record it cannot describe" 1 "evidence 1: its record cannot be written as JSON" \
	"$MR" packet 1 -o "$T/undescribed"
expect_eq "no packet without that record" "$(ls -A "$T" | grep -c undescribed)" "0"
bad "a JSON list with a record it cannot describe" 1 "evidence 1: its record cannot be written as JSON" \
	"$MR" evidence list --json
sqlite3 "$MIPSREVIEW_DB" "UPDATE evidence SET media_type = 'application/pdf' WHERE id = 1"
bad "a packet path that exists" 5 "already exists" "$MR" packet 1 -o "$T/pk.zip"
bad "a packet folder that exists" 5 "already exists" "$MR" packet 1 -o "$T/pk"

# --- killed half-way: never a record without its file ---
head -c 268435456 /dev/zero >"$IN/large.bin"
"$MR" attach 1 "$IN/large.bin" >/dev/null 2>&1 &
pid=$!
i=0
while [ "$i" -lt 1000 ] && ! ls -A "$STORE" | grep -q '^\.tmp-'; do
	sleep 0.01; i=$((i + 1)); done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
# Wherever the kill landed, nothing may be missing or altered; at worst
# the temporary copy is left unreferenced, and --sweep removes it.
"$MR" evidence verify --json >"$T/kill.json"
expect_eq "after a kill: no record lacks its file" \
	"$(/usr/bin/python3 -c 'import json,sys; print(sum(p["problem"] != "unreferenced" for p in json.load(sys.stdin)["problems"]))' <"$T/kill.json")" "0"
ok "after a kill: sweep" "$MR" evidence verify --sweep
ok "after a kill: intact" "$MR" evidence verify
expect_eq "no temporary file left after the sweep" "$(ls -A "$STORE" | grep -c '^\.tmp-')" "0"

# --- hardship filings take evidence too ---
ok "add a hardship filing" "$MR" hardship add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--year 2023 --type euc --categories quality,ia,pi \
	--event "Change Healthcare cyberattack" --name "Dr. Ada Example"
printf 'EUC application accepted\n' >"$IN/euc-accepted.txt"
ok "attach to the filing" "$MR" attach --hardship 1 "$IN/euc-accepted.txt" --kind hardship-approval
expect_eq "the filing lists its evidence" \
	"$("$MR" evidence list --hardship 1 --json | json_get 0.subject)" "hardship"
expect_match "the filing's audit trail has the attach" "$("$MR" audit)" "hardship +1 +attach evidence"

# --- detach ---
ok "detach the receipt" "$MR" evidence detach 1 --note "wrong file"
expect_eq "detached evidence leaves the list" "$("$MR" evidence list 1 --json | json_get 0.name)" "pecos.txt"
expect_match "list --all still shows it" "$("$MR" evidence list --all)" "receipt.pdf \(detached\)"
expect_match "the audit trail keeps the detach" "$("$MR" audit 1)" "detach evidence"
expect_eq "content still stored: case 2 needs it" "$(ls "$STORE" | grep -c "$sha")" "1"
refuses "detach twice" 5 "already detached" "$MR" evidence detach 1
expect_match "checklist missing again after detach" "$("$MR" check 1)" "MISSING +submission receipt"
refuses "evidence show of an unknown id" 4 "evidence 42 does not exist" "$MR" evidence show 42

finish
