#!/bin/sh
# make fuzz: run each harness under libFuzzer for FUZZ_SECONDS, growing a
# corpus in fuzz-corpus/NAME/ from the seeds; inputs that crash land in
# fuzz-findings/NAME/.  A build not configured with --enable-fuzzing gets
# a clang build with libFuzzer and the sanitizers in fuzz-build/.
set -eu
: "${FUZZ_SECONDS:=60}"
if [ "${MR_FUZZING:-no}" != yes ]; then
	command -v clang >/dev/null 2>&1 || {
		echo "make fuzz: clang is needed (contrib/install-deps.sh --fuzz)" >&2
		exit 1
	}
	mkdir -p fuzz-build
	cd fuzz-build
	[ -f Makefile ] || "$top_srcdir/configure" -q CC=clang \
		--enable-fuzzing --enable-sanitizers
	exec $MAKE fuzz FUZZ_SECONDS="$FUZZ_SECONDS"
fi
$MAKE "$@"
status=0
for h in "$@"; do
	name=${h##*/fuzz_}
	mkdir -p "fuzz-corpus/$name" "fuzz-findings/$name"
	log="fuzz-$name.log"
	echo "fuzz: $name for $FUZZ_SECONDS s"
	if ! "$h" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
	    -artifact_prefix="fuzz-findings/$name/" \
	    "fuzz-corpus/$name" "$top_srcdir/tests/fuzz/corpus/$name" \
	    >"$log" 2>&1; then
		echo "fuzz: $name FOUND A PROBLEM (see $PWD/$log, fuzz-findings/$name/):"
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5
		status=1
	fi
	sed -n 's/^stat::number_of_executed_units: */  execs: /p; s/^stat::peak_rss_mb: */  peak RSS MB: /p' "$log"
	echo "  corpus: $(ls "fuzz-corpus/$name" | wc -l) inputs"
done
exit $status
