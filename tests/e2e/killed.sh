#!/bin/sh
# A packet or an attach killed half-way (kill -9) leaves hidden copies of
# the evidence behind; the next packet to the same path, or the next
# attach, removes them.  A copy still being made is never taken.
. "$top_srcdir/tests/e2e/lib.sh"

STORE="$T/evidence"
ok "a case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2023 --reason scoring-error
# Random bytes do not compress: gzip takes its time over them.
head -c 48000000 /dev/urandom >"$T/big.pdf"
printf 'receipt\n' >"$T/receipt.pdf"
ok "attach a large document" "$MR" attach 1 "$T/big.pdf" --kind feedback-report

mkdir "$T/pk"
for name in p.tar.gz p.zip pfolder; do
	if kill9_when "$T/pk/.$name.tmp-*" "$MR" packet 1 -o "$T/pk/$name"; then
		pass
		left=$(ls -A "$T/pk" | grep -c "^\.$name\.tmp-")
		expect_eq "$name: kill -9 left its temporary behind" "$left" 1
		ok "$name: the next packet" "$MR" packet 1 -o "$T/pk/$name"
		expect_eq "$name: its leftover is gone" \
		    "$(ls -A "$T/pk" | grep -c "^\.$name\.tmp-")" 0
		[ -e "$T/pk/$name" ] && pass || fail "$name: no packet written"
	else
		fail "$name: the packet finished before it could be killed"
	fi
done

# Another user's packet in the making is left alone: a temporary locked
# by a live writer.
mkdir "$T/pk/.q.zip.tmp-abcdef" 2>/dev/null
exec 4<"$T/pk/.q.zip.tmp-abcdef"
flock -x 4
ok "a packet beside a temporary being built" "$MR" packet 1 -o "$T/pk/q.zip"
[ -d "$T/pk/.q.zip.tmp-abcdef" ] && pass || fail "a locked temporary was removed"
exec 4<&-

# The evidence store: an attach killed while staging its copy.
if kill9_when "$STORE/.tmp-*" "$MR" attach 1 "$T/big.pdf" --kind other \
    --name big-again.pdf; then
	pass
	expect_eq "attach: kill -9 left a staging copy" \
	    "$(ls -A "$STORE" | grep -c '^\.tmp-')" 1
	ok "the next attach" "$MR" attach 1 "$T/receipt.pdf" --kind submission-receipt
	expect_eq "attach: the staging copy is gone" \
	    "$(ls -A "$STORE" | grep -c '^\.tmp-')" 0
	ok "the store verifies" "$MR" evidence verify
else
	fail "the attach finished before it could be killed"
fi

finish
