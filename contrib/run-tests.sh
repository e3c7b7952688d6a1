#!/bin/sh
# contrib/run-tests.sh: install what the tests need, build with
# AddressSanitizer and UndefinedBehaviorSanitizer and -Werror, run the
# whole suite (make check), check the distribution (make distcheck); then,
# as root on Debian, the installed system: build the Debian package and
# install it (contrib/quickstart.sh), lintian, the README's tour and the
# installed-system tests, purge.  Prints the tail of each failing test's
# log, then one line "N passed, N failed" counted from the .trs files
# (the installed-system steps write theirs in build-ci/installed/).
set -u
cd "$(dirname "$0")/.."
src=$(pwd)
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
dist=0
if [ "${SKIP_DISTCHECK:-0}" != 1 ]; then
	make -j"$(nproc)" distcheck >distcheck.log 2>&1 || { dist=1; tail -40 distcheck.log; echo "make distcheck failed"; }
fi

# step NAME CMD...: one installed-system step, with its .log and .trs.
mkdir -p installed
step() {
	name=$1; shift
	(cd "$src" && "$@") >"installed/$name.log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then r=PASS; else r=FAIL; echo "exit status: $rc" >>"installed/$name.log"; fi
	printf ':test-result: %s\n' "$r" >"installed/$name.trs"
	echo "$r: installed/$name"
	return "$rc"
}
stop_daemon() {
	[ -f /run/mipsreview/mipsreviewd.pid ] || return 0
	pid=$(cat /run/mipsreview/mipsreviewd.pid 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 1
	done
	rm -f /run/mipsreview/mipsreviewd.pid
}
# What a purge must leave: the data, and nothing else of the package.
purged() {
	for f in /usr/bin/mipsreview /usr/sbin/mipsreviewd /etc/mipsreview \
	    /etc/cron.d/mipsreview /lib/systemd/system/mipsreviewd.service \
	    /etc/systemd/system/multi-user.target.wants/mipsreviewd.service; do
		[ ! -e "$f" ] || { echo "left after purge: $f"; return 1; }
	done
	[ -f /var/lib/mipsreview/mipsreview.db ] || { echo "purge removed the data"; return 1; }
	echo "purged; the data is kept in /var/lib/mipsreview"
}
if [ "${SKIP_PACKAGE:-0}" = 1 ] || [ "$(id -u)" -ne 0 ] || ! command -v dpkg >/dev/null; then
	echo "installed-system tests skipped (they need root on Debian; SKIP_PACKAGE=1 skips them)"
else
	# The tour starts from the quick start's fresh database: data of an
	# earlier installation waits aside meanwhile and comes back after.
	saved=
	if [ -e /var/lib/mipsreview ]; then
		stop_daemon
		command -v systemctl >/dev/null && [ -d /run/systemd/system ] &&
			systemctl stop mipsreviewd.service
		saved=/var/lib/mipsreview.saved-by-run-tests
		mv /var/lib/mipsreview "$saved" || exit 1
		echo "run-tests.sh: /var/lib/mipsreview is moved to $saved for the installed-system tests"
	fi
	if step quickstart sh contrib/quickstart.sh; then
		step lintian sh -c 'lintian --fail-on error,warning debian-out/mipsreview_*.deb' 
		step readme-tour sh tests/installed/tour.sh README.md
		step system sh tests/installed/system.sh
	fi
	stop_daemon
	step purge sh -c 'apt-get purge -y -qq mipsreview >/dev/null' &&
		step purge-leaves-data purged
	if [ -n "$saved" ]; then
		rm -rf /var/lib/mipsreview && mv "$saved" /var/lib/mipsreview &&
			echo "run-tests.sh: /var/lib/mipsreview is back; the package is purged: contrib/quickstart.sh installs it again"
	else
		rm -rf /var/lib/mipsreview
	fi
fi

trs=$(find . -path ./mipsreview-\* -prune -o -name '*.trs' -print)
failed=$(grep -lE '^:test-result: (FAIL|ERROR|XPASS)' $trs /dev/null)
for f in $failed; do
	echo "---- ${f%.trs}.log (last lines)"; tail -40 "${f%.trs}.log"
done
p=$(cat $trs /dev/null | grep -c '^:test-result: PASS')
f=$(cat $trs /dev/null | grep -cE '^:test-result: (FAIL|ERROR|XPASS)')
[ "$dist" -eq 0 ] || f=$((f + 1))
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
