#!/bin/sh
# contrib/build-deb.sh: build the Debian package of this folder in a
# scratch copy (the checkout stays as it was) and print the .deb's path
# as the last line.  Needs contrib/install-deps.sh --package.  The tests
# are left to "make check" (DEB_BUILD_OPTIONS=nocheck), as CI runs them.
set -eu
cd "$(dirname "$0")/.."
src=$(pwd)
out=${DEB_OUT:-$src/debian-out}
work=$(mktemp -d "${TMPDIR:-/tmp}/mipsreview-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/mipsreview" "$out"
# Everything but build products and version-control data.
tar -C "$src" --exclude=./.git --exclude=./build --exclude=./build-ci --exclude=./debian-out \
	--exclude=./autom4te.cache -cf - . | tar -C "$work/mipsreview" -xf -
(cd "$work/mipsreview" &&
	DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -b -uc -us -Pnocheck >"$work/build.log" 2>&1) ||
	{ tail -40 "$work/build.log" >&2; echo "build-deb.sh: dpkg-buildpackage failed" >&2; exit 1; }
cp "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out"/
ls "$out"/mipsreview_*.deb | tail -1
