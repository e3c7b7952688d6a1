#!/bin/sh
# bench/attach.sh [MIPSREVIEW] [RUNS]: time "mipsreview attach" of a 1 GiB
# file against "sha256sum" of the same file, RUNS times each (default 5),
# and print the medians and their ratio.  Goal: attach <= 0.5 x sha256sum
# (attach hashes with OpenSSL in one thread while others write the copy,
# several direct writes in flight: lib/mr_blobcopy.h).  Alongside, what a
# plain durable copy costs on the same disk: dd of the same file, 4 MiB
# direct writes and a sync at the end, no hashing.
# Not part of make check.  Needs about 3 GiB free under $TMPDIR.
set -eu
MR=${1:-./cli/mipsreview}
RUNS=${2:-5}
[ -x "$MR" ] || { echo "usage: $0 path/to/mipsreview [runs]" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/mrbench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export MIPSREVIEW_DB="$dir/mr.db" NO_COLOR=1
unset MIPSREVIEW_NOW

head -c 1073741824 /dev/urandom >"$dir/big.bin"
"$MR" add --tin 123456789 --name "Bench Clinic" --year 2023 --reason other >/dev/null

# Seconds (with fractions) a command takes.
secs() {
	s=$(date +%s.%N)
	"$@" >/dev/null
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", e - s }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

cat "$dir/big.bin" >/dev/null		# both read from the page cache
: >"$dir/attach.t"
: >"$dir/sha.t"
: >"$dir/dd.t"
i=0
while [ "$i" -lt "$RUNS" ]; do
	sync				# earlier runs' writeback must not count
	secs "$MR" attach 1 "$dir/big.bin" >>"$dir/attach.t"
	# Detach so that the next run copies again (the file is removed).
	"$MR" evidence detach "$("$MR" evidence list 1 --json |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')" >/dev/null
	sync
	secs sha256sum "$dir/big.bin" >>"$dir/sha.t"
	sync
	secs dd if="$dir/big.bin" of="$dir/copy.bin" bs=4M oflag=direct \
	    conv=fsync status=none >>"$dir/dd.t"
	rm -f "$dir/copy.bin"
	i=$((i + 1))
done
a=$(median <"$dir/attach.t")
h=$(median <"$dir/sha.t")
d=$(median <"$dir/dd.t")
echo "attach 1 GiB:    $(tr '\n' ' ' <"$dir/attach.t")s  median $a s"
echo "sha256sum 1 GiB: $(tr '\n' ' ' <"$dir/sha.t")s  median $h s"
echo "dd durable copy: $(tr '\n' ' ' <"$dir/dd.t")s  median $d s"
awk -v a="$a" -v h="$h" 'BEGIN { printf "ratio attach/sha256sum: %.2f (goal <= 0.50)\n", a / h }'
awk -v a="$a" -v d="$d" 'BEGIN { printf "ratio attach/dd durable copy: %.2f\n", a / d }'
