#!/bin/sh
# Replay every fuzz harness over its seed corpus (tests/fuzz/corpus/NAME/
# for tests/fuzz/fuzz_NAME): in a sanitizer build this is the short
# ASan/UBSan run CI makes of each parser of outside input.
set -u
: "${top_builddir:?run under make check}"
: "${top_srcdir:?run under make check}"
fails=0 runs=0
for dir in "$top_srcdir"/tests/fuzz/corpus/*/; do
	name=$(basename "$dir")
	h="$top_builddir/tests/fuzz/fuzz_$name"
	if [ ! -x "$h" ]; then
		echo "FAIL: corpus $name has no harness $h"
		fails=$((fails + 1))
		continue
	fi
	if "$h" "$dir"* >"$top_builddir/tests/fuzz/smoke-$name.log" 2>&1; then
		runs=$((runs + 1))
	else
		echo "FAIL: fuzz_$name on its seed corpus:"
		tail -30 "$top_builddir/tests/fuzz/smoke-$name.log"
		fails=$((fails + 1))
	fi
done
for h in "$top_builddir"/tests/fuzz/fuzz_*; do
	case $h in *.o|*.log) continue ;; esac
	[ -x "$h" ] || continue
	name=${h##*/fuzz_}
	[ -d "$top_srcdir/tests/fuzz/corpus/$name" ] || {
		echo "FAIL: harness fuzz_$name has no seed corpus tests/fuzz/corpus/$name/"
		fails=$((fails + 1))
	}
done
echo "$runs harnesses replayed their corpus, $fails failed"
[ "$fails" -eq 0 ] && [ "$runs" -gt 0 ]
