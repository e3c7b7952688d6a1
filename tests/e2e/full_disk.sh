#!/bin/sh
# A full disk: reads still work, a write says the disk is full with the
# fix, and the store stays as the last commit left it.  Needs a small
# file system of its own: a tmpfs mounted here (root), else skipped.
. "$top_srcdir/tests/e2e/lib.sh"

mkdir "$T/mnt"
if ! mount -t tmpfs -o size=8m,mode=700 tmpfs "$T/mnt" 2>/dev/null; then
	echo "SKIP: cannot mount a tmpfs here (needs root)"
	exit 77
fi
at_exit "umount '$T/mnt' 2>/dev/null"
mkdir -m 700 "$T/mnt/d"
export MIPSREVIEW_DB="$T/mnt/d/mr.db"

ok "a case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2023 --reason scoring-error
# Fill the file system to the last block.
dd if=/dev/zero of="$T/mnt/filler" bs=64k 2>/dev/null
expect_eq "the disk is full" "$(df -P "$T/mnt" | awk 'NR==2 {print $4}')" 0

ok "list on a full disk" "$MR" list
expect_match "list shows the case" "$(cat "$T/out")" "Dr. Ada Example"
ok "show on a full disk" "$MR" show 1 --json
expect_eq "show reads the case" "$(json_get name <"$T/out")" "Dr. Ada Example"
ok "due on a full disk" "$MR" due
ok "export ics on a full disk" "$MR" export ics
expect_match "the calendar is whole" "$(cat "$T/out")" "END:VCALENDAR"
ok "audit --verify on a full disk" "$MR" audit --verify

refuses "add on a full disk" 6 "the disk is full (no space left in '.*'); free some space there" \
	"$MR" add --tin 98-7654321 --npi "$SEED_NPI" --name "Dr. Full" --year 2023 \
	--reason other
refuses "note on a full disk" 6 "the disk is full" "$MR" note 1 "a note"
refuses "set on a full disk" 6 "the disk is full" "$MR" set 1 score=70

# Space again: the store is as it was and takes writes.
rm -f "$T/mnt/filler"
ok "add once there is space" "$MR" add --tin 98-7654321 --npi "$SEED_NPI" \
	--name "Dr. Space" --year 2023 --reason other
expect_eq "the new case is case 2" "$(cat "$T/out")" 2
ok "the audit trail is whole" "$MR" audit --verify

# A write that runs out of space half-way rolls back whole.
head -c 1500000 /dev/urandom | base64 -w 76 >"$T/notes.txt"
{
	echo "tin,npi,name,year,reason,note"
	i=0
	while [ $i -lt 400 ]; do
		printf '11-%07d,%s,Dr. Bulk %d,2023,other,"%s"\n' $i "$SEED_NPI" $i \
		    "$(sed -n "$((i * 40 + 1)),$((i * 40 + 40))p" "$T/notes.txt" | tr -d '\n')"
		i=$((i + 1))
	done
} >"$T/bulk.csv"
avail=$(df -P -k "$T/mnt" | awk 'NR==2 {print $4}')
dd if=/dev/zero of="$T/mnt/filler" bs=1k count=$((avail - 300)) 2>/dev/null
run_cmd "$MR" import "$T/bulk.csv"
expect_eq "an import larger than the space left fails" "$E2E_RC" 6
expect_match "it says the disk is full" "$(cat "$T/err")" "the disk is full"
rm -f "$T/mnt/filler"
ok "list after the failed import" "$MR" list --json
expect_eq "no case of the import was kept" \
	"$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$T/out")" 2
ok "the audit trail is whole after it" "$MR" audit --verify

finish
