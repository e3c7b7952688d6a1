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
	lib/*.c 2>/dev/null | grep -v '^\S*:\s*/\?\*')
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
[ "$bad" -eq 0 ] && echo "lint: ok"
exit "$bad"
