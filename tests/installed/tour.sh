#!/bin/sh
# tests/installed/tour.sh [README.md]: run the README's tour verbatim, block
# by block, on the installed system (after contrib/quickstart.sh), in a
# scratch folder; each command must succeed.  A failing block is reported
# with its number, the command that failed, its exit status and the tail
# of its output.  Exit 0 when every block ran through.
set -u
readme=${1:-README.md}
T=$(mktemp -d "${TMPDIR:-/tmp}/mrtour.XXXXXX")
trap 'rm -rf "$T"' EXIT
# The ```sh blocks between "## A tour" and the next section.
awk -v dir="$T" '
	/^## / { intour = ($0 == "## A tour") }
	intour && /^```sh$/ { n++; inblock = 1; next }
	inblock && /^```$/ { inblock = 0; next }
	inblock { print > (dir "/block" n ".sh") }
' "$readme"
n=$(ls "$T"/block*.sh 2>/dev/null | wc -l)
[ "$n" -gt 0 ] || { echo "FAIL: no sh blocks found in the tour of $readme"; exit 1; }
mkdir "$T/work"
fails=0
i=1
while [ "$i" -le "$n" ]; do
	b="$T/block$i.sh"
	(cd "$T/work" && sh -e -x "$b") >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "PASS: tour block $i ($(grep -c . "$b") lines)"
	else
		fails=$((fails + 1))
		echo "FAIL: tour block $i"
		echo "  command: $(grep '^+ ' "$T/err" | tail -1 | cut -c3-)"
		echo "  exit status: $rc"
		echo "  stderr (last lines):"
		grep -v '^+ ' "$T/err" | tail -n 15 | sed 's/^/    /'
		echo "  stdout (last lines):"
		tail -n 5 "$T/out" | sed 's/^/    /'
		break	# later blocks build on this one
	fi
	i=$((i + 1))
done
echo "$n blocks, $fails failed"
[ "$fails" -eq 0 ]
