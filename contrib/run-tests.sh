#!/bin/sh
# contrib/run-tests.sh: install what the tests need, build with
# AddressSanitizer and UndefinedBehaviorSanitizer and -Werror, run the
# whole suite (make check), check the distribution (make distcheck), and
# print one line "N passed, N failed" counted from the tests' .trs files.
set -u
cd "$(dirname "$0")/.."
sh contrib/install-deps.sh --test || exit 1
./autogen.sh >/dev/null 2>&1 || { echo "autogen failed"; exit 1; }
rm -rf build-ci && mkdir build-ci && cd build-ci || exit 1
../configure -q --enable-sanitizers --enable-werror || exit 1
make -j"$(nproc)" >make.log 2>&1 || { cat make.log; exit 1; }
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
make -j"$(nproc)" check >check.log 2>&1
check=$?
grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' check.log
if [ "$check" -ne 0 ]; then
	for f in $(grep -lE '^:test-result: (FAIL|ERROR)' $(find . -name '*.trs')); do
		echo "---- ${f%.trs}.log"; tail -40 "${f%.trs}.log"; done
fi
dist=0
if [ "${SKIP_DISTCHECK:-0}" != 1 ]; then
	make -j"$(nproc)" distcheck >distcheck.log 2>&1 || { dist=1; tail -40 distcheck.log; echo "make distcheck failed"; }
fi
trs=$(find . -path ./mipsreview-\* -prune -o -name '*.trs' -print)
p=$(cat $trs /dev/null | grep -c '^:test-result: PASS')
f=$(cat $trs /dev/null | grep -cE '^:test-result: (FAIL|ERROR|XPASS)')
[ "$dist" -eq 0 ] || f=$((f + 1))
echo "$p passed, $f failed"
[ "$check" -eq 0 ] && [ "$dist" -eq 0 ]
