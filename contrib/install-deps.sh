#!/bin/sh
# contrib/install-deps.sh [--package] [--test] [--bench] [--fuzz]: install
# the Debian 12 packages mipsreview needs to build (and, with --package, to
# build, check and install its Debian package and follow the README:
# man-db for the manual, curl for the calendar feed; with --test, to run
# its test suite, which includes the package; with --bench, its
# benchmarks; with --fuzz, make fuzz: clang and its libFuzzer runtime).
# Run as root.
set -eu
build="build-essential autoconf automake pkg-config tzdata
 libsqlite3-dev sqlite3 libcurl4-openssl-dev libical-dev libmicrohttpd-dev
 libssl-dev libjansson-dev libmagic-dev libarchive-dev libcmocka-dev"
# import and export
build="$build libcsv-dev"
# staff accounts: argon2id password hashes
build="$build libargon2-dev"
# SHA-256 and HMAC of short messages (audit chain, calendar UIDs, tokens)
build="$build nettle-dev"
test="python3 python3-aiosmtpd calcurse khal curl openssl file libarchive-tools"
# the office's pages in a real browser (tests/browser)
test="$test chromium chromium-driver python3-selenium"
package="debhelper dpkg-dev fakeroot lintian adduser man-db curl"
bench="wrk nginx-light hyperfine time"
fuzz="clang libclang-rt-14-dev"
pkgs=$build
for a in "$@"; do
	case $a in
	--package) pkgs="$pkgs $package" ;;
	--test) pkgs="$pkgs $test $package" ;;
	--bench) pkgs="$pkgs $test $bench" ;;
	--fuzz) pkgs="$pkgs $fuzz" ;;
	*) echo "usage: $0 [--package] [--test] [--bench] [--fuzz]" >&2; exit 2 ;;
	esac
done
# Node.js for the ical.js test: Debian's nodejs and npm, unless a Node.js
# with its own npm is installed already (it conflicts with Debian's npm).
case " $pkgs " in
*" calcurse "*)
	command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
	command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm" ;;
esac
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "install-deps.sh: run as root to install:$missing" >&2; exit 1; }
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
echo "install-deps.sh: all packages present"
