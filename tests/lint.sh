#!/bin/sh
# The house rules that a compiler does not check (STYLE.md): lib/ never
# prints, exits or reads the environment; no unbounded string functions;
# every command in the table is in the manual.
set -u
: "${top_srcdir:?run under make check}"
cd "$top_srcdir" || exit 1
bad=0
hits=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|gets|atoi|atol)\s*\(' \
	lib/*.c cli/*.c daemon/*.c 2>/dev/null)
[ -z "$hits" ] || { echo "banned string functions:"; echo "$hits"; bad=1; }
hits=$(grep -nE '\b(printf|puts|exit|getenv|setenv|perror)\s*\(|(\(|,\s*)(stdout|stderr)\b' \
	lib/*.c 2>/dev/null | grep -v '^\S*:\s*/\?\*' |
	grep -v '^lib/mr_when\.c:.*setenv("TZ", .*/\* lint: mr_when owns TZ \*/$')
[ -z "$hits" ] || { echo "lib/ must not print, exit or read the environment:"; echo "$hits"; bad=1; }
for f in lib/*.c cli/*.c daemon/*.c; do
	first=$(grep -m1 '^#include' "$f")
	[ "$first" = '#include "config.h"' ] || { echo "$f: config.h must be included first"; bad=1; }
done
MR="${top_builddir:?}/cli/mipsreview"
for cmd in $("$MR" help | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
	grep -Eq "^\.(It )?Cm $cmd( |$)" man/mipsreview.1 ||
		{ echo "man/mipsreview.1 lacks command '$cmd'"; bad=1; }
done
# Code speaks of the domain, not of the work that produced it.
hits=$(grep -rnIiE '\bissues? ?#?[0-9]+' lib cli daemon sql man contrib \
	debian tests configure.ac Makefile.am README.md 2>/dev/null |
	grep -v '^tests/lint\.sh:')
[ -z "$hits" ] || { echo "work-history markers:"; echo "$hits"; bad=1; }
# What users read names public sources, never a developer document: the
# manuals, README, packaging, the program's strings, and the data a new
# database ships with (sources shown by check, show and reference list).
devdoc='domain\.md|tech-notes|STYLE\.md|shared/'
hits=$(grep -rnIE "$devdoc" man contrib debian README.md 2>/dev/null)
[ -z "$hits" ] || { echo "user-facing text cites a developer document:"; echo "$hits"; bad=1; }
hits=$(grep -nE "\"[^\"]*($devdoc)" lib/*.c cli/*.c daemon/*.c 2>/dev/null)
[ -z "$hits" ] || { echo "a string cites a developer document:"; echo "$hits"; bad=1; }
if command -v sqlite3 >/dev/null 2>&1; then
	d=$(mktemp -d "${TMPDIR:-/tmp}/mrlint.XXXXXX")
	if MIPSREVIEW_DB="$d/mr.db" "$MR" list >/dev/null 2>&1; then
		hits=$(sqlite3 "$d/mr.db" .dump | grep '^INSERT' | grep -E "$devdoc")
		[ -z "$hits" ] || { echo "shipped data cites a developer document:"; echo "$hits"; bad=1; }
	else
		echo "cannot create a scratch database"; bad=1
	fi
	rm -rf "$d"
fi
# A manual the program or the documentation points to must ship.
for ref in $(grep -rhoE 'mipsreview[a-z.-]*\([0-9]\)' lib cli daemon man \
    contrib debian README.md 2>/dev/null | sort -u); do
	page=${ref%(*}; sec=${ref#*(}; sec=${sec%)}
	[ -f "man/$page.$sec" ] || { echo "$ref is cited but man/$page.$sec does not exist"; bad=1; }
done
# The manuals format without a warning from groff, as lintian requires.
if command -v groff >/dev/null 2>&1; then
	for page in man/*.[0-9]; do
		hits=$(groff -mandoc -Tutf8 -ww -z "$page" 2>&1)
		[ -z "$hits" ] || { echo "$page:"; echo "$hits"; bad=1; }
	done
fi
[ "$bad" -eq 0 ] && echo "lint: ok"
exit "$bad"
