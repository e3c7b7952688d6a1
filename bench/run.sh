#!/bin/sh
# bench/run.sh: mipsreview measured against yardsticks run side by side in
# the same run, printed as a table of ratios and written to
# bench/RESULTS.md.  Run it through "make bench" (which builds the
# generator and the binaries first).  Never part of make check.
#
# Absolute times differ 3-5x between machines of the same kind, so every
# figure is a ratio to a yardstick measured in the same run:
#  - bench/ratios.py: import and every everyday command against the
#    sqlite3 shell doing the same work, at each size of BENCH_SIZES
#    (default 10,000, 100,000, 541,421 and 5,414,210 cases), with the
#    growth from each size to the next;
#  - bench/web.py: the due page and an API page served by mipsreviewd at
#    541,421 cases, against the feed's 304 and the CLI's --json;
#  - bench/attach.sh: attach of 1 GiB against sha256sum;
#  - bench/feed.sh: the feed served by mipsreviewd against nginx.
#
# Environment: BENCH_SIZES, BENCH_QUICK_RUNS (import runs up to 100,000
# cases, 9), BENCH_RUNS (up to a million, 5), BENCH_CMD_RUNS
# (runs per command, 21), BENCH_WEB_CASES (541421), BENCH_WEB_RUNS (21),
# BENCH_DIR (scratch folder), BENCH_RESULTS
# (bench/RESULTS.md in the source tree).  Needs sqlite3, wrk, nginx:
# contrib/install-deps.sh --bench.  The whole run takes about 15 minutes
# on two cores.
set -eu
: "${top_builddir:?run through make bench}"
: "${top_srcdir:?run through make bench}"
MR="$top_builddir/cli/mipsreview"
GEN="$top_builddir/bench/mrgen"
RESULTS=${BENCH_RESULTS:-$top_srcdir/bench/RESULTS.md}
W=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/mrbench.XXXXXX")}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$W"' EXIT
for t in /usr/bin/python3 sqlite3; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "bench: $t is missing (contrib/install-deps.sh --bench)" >&2; exit 1; }
done
started=$(date +%s)

/usr/bin/python3 "$top_srcdir/bench/ratios.py" "$MR" "$GEN" "$W/ratios.md" >&2
/usr/bin/python3 "$top_srcdir/bench/web.py" "$MR" "$top_builddir/daemon/mipsreviewd" \
	"$GEN" "$W/web.md" >&2

EXTRA="$W/extra.md"
: >"$EXTRA"
if sh "$top_srcdir/bench/attach.sh" "$MR" >"$W/attach.out" 2>&1; then
	a=$(sed -n 's/^attach 1 GiB:.*median \([0-9.]*\) s$/\1/p' "$W/attach.out")
	h=$(sed -n 's/^sha256sum 1 GiB:.*median \([0-9.]*\) s$/\1/p' "$W/attach.out")
	r=$(sed -n 's/^ratio attach\/sha256sum: \([0-9.]*\).*/\1/p' "$W/attach.out")
	v=$(awk -v r="$r" 'BEGIN { print (r <= 0.5) ? "met" : "**missed**" }')
	echo "| \`attach\` of a 1 GiB file | $a s | sha256sum $h s | ${r}x | <= 0.5x | $v |" >>"$W/other.md"
	d=$(sed -n 's/^dd durable copy:.*median \([0-9.]*\) s$/\1/p' "$W/attach.out")
	r=$(sed -n 's/^ratio attach\/dd durable copy: \([0-9.]*\)$/\1/p' "$W/attach.out")
	echo "| \`attach\` against a plain durable copy (no goal) | $a s | dd oflag=direct conv=fsync $d s | ${r}x | - | reported |" >>"$W/other.md"
else
	echo "| \`attach\` of a 1 GiB file | failed | - | - | <= 0.5x | see below |" >>"$W/other.md"
fi
{ echo "## attach (bench/attach.sh)"; echo; echo '```'; cat "$W/attach.out"; echo '```'; echo; } >>"$EXTRA"
if sh "$top_srcdir/bench/feed.sh" "$top_builddir" >"$W/feed.out" 2>&1; then
	sed -n 's/^\(ok  \|MISS\) \(.*\)$/\1|\2/p' "$W/feed.out" |
	while IFS='|' read -r v what; do
		case $v in ok*) v=met ;; *) v="**missed**" ;; esac
		echo "| feed: $what | - | - | - | - | $v |"
	done >>"$W/other.md"
else
	echo "| feed rendering and serving | failed | - | - | - | see below |" >>"$W/other.md"
fi
{ echo "## feed (bench/feed.sh)"; echo; echo '```'; cat "$W/feed.out"; echo '```'; echo; } >>"$EXTRA"

{
	echo "# Benchmark results"
	echo
	echo "Measured by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d) in"
	echo "$(( $(date +%s) - started )) s. Absolute times vary 3-5x between machines of"
	echo "the same kind; each ratio's two sides ran in the same run, so the"
	echo "ratios are what carries from one machine to another. A goal that is"
	echo "not reached is marked **missed**."
	echo
	cat "$W/ratios.md"
	echo
	cat "$W/web.md"
	echo
	echo "## Attach and feed against their yardsticks"
	echo
	echo "| what | measured | yardstick | ratio | goal | verdict |"
	echo "| --- | --- | --- | --- | --- | --- |"
	cat "$W/other.md"
	echo
	echo "Reproduce: \`./configure && make bench\` (BENCH_SIZES, BENCH_QUICK_RUNS,"
	echo "BENCH_RUNS and BENCH_CMD_RUNS change the sizes and the number of runs)."
	echo
	cat "$EXTRA"
} >"$W/RESULTS.md"
cat "$W/RESULTS.md"
cp "$W/RESULTS.md" "$RESULTS"
echo "bench: wrote $RESULTS" >&2
