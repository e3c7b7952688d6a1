#!/bin/sh
# bench/run.sh: mipsreview at national scale, each figure measured side by
# side with its yardstick in the same run, printed as a table and written
# to bench/RESULTS.md.  Run it through "make bench" (which builds the
# generator and the CLI first).  Never part of make check.
#
# Environment: BENCH_ROWS (541421), BENCH_RUNS (import runs, 5),
# BENCH_CMD_RUNS (runs per command, 30), BENCH_DIR (scratch folder, a
# fresh temporary one), BENCH_RESULTS (bench/RESULTS.md in the source tree).
#
# Needs hyperfine (medians) and GNU time (/usr/bin/time, peak RSS):
# contrib/install-deps.sh --bench.
set -eu
: "${top_builddir:?run through make bench}"
: "${top_srcdir:?run through make bench}"
MR="$top_builddir/cli/mipsreview"
GEN="$top_builddir/bench/mrgen"
N=${BENCH_ROWS:-541421}
RUNS=${BENCH_RUNS:-5}
CMD_RUNS=${BENCH_CMD_RUNS:-30}
RESULTS=${BENCH_RESULTS:-$top_srcdir/bench/RESULTS.md}
W=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/mrbench.XXXXXX")}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$W"' EXIT
for t in hyperfine /usr/bin/time sqlite3; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "bench: $t is missing (contrib/install-deps.sh --bench)" >&2; exit 1; }
done
DB="$W/national.db"
export MIPSREVIEW_DB="$DB" NO_COLOR=1
unset MIPSREVIEW_NOW MIPSREVIEW_CONFIG
TABLE="$W/table.md"
: >"$TABLE"

# row WHAT MEASURED BASELINE RATIO GOAL VERDICT: one line of the table.
# Hook scripts (below) call it too.
row() { printf '| %s | %s | %s | %s | %s | %s |\n' "$@" >>"$TABLE"; }

# median SECONDS of a hyperfine JSON export, in milliseconds.
median_ms() { /usr/bin/python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["results"][0]
print("%.2f" % (r["median"]*1000))' "$1"; }
ratio() { /usr/bin/python3 -c 'import sys; print("%.2f" % (float(sys.argv[1])/float(sys.argv[2])))' "$1" "$2"; }
le() { /usr/bin/python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)' "$1" "$2"; }
verdict() { if le "$1" "$2"; then echo "met"; else echo "**missed**"; fi; }
# peak_mb CMD...: the peak resident set of CMD, in MB.
peak_mb() {
	/usr/bin/time -f %M -o "$W/rss" "$@" >/dev/null 2>"$W/rss.err" || true
	awk '{ printf "%.1f", $1 / 1024 }' "$W/rss"
}

echo "bench: generating $N clinicians" >&2
"$GEN" "$N" >"$W/population.csv"
csv_mb=$(du -m "$W/population.csv" | cut -f1)

# --- import vs the sqlite3 shell's .import ------------------------------
# The yardstick: a bare table of the CSV's columns with indexes like
# review_case's, same journal mode and durability; once with the indexes
# built after the load (the strictest) and once with them in place.
cat >"$W/shell-after.sql" <<EOF
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE clinician (tin TEXT, npi TEXT, name TEXT, year INTEGER,
  reason TEXT, score REAL, adjustment REAL, practice TEXT,
  participation TEXT, owner TEXT, note TEXT, quality REAL, cost REAL,
  ia REAL, pi REAL);
.import --csv --skip 1 $W/population.csv clinician
CREATE INDEX clinician_tin ON clinician (tin, year);
CREATE INDEX clinician_npi ON clinician (npi);
CREATE INDEX clinician_year ON clinician (year);
EOF
sed -e '/^\.import/d' "$W/shell-after.sql" >"$W/shell-before.sql"
echo ".import --csv --skip 1 $W/population.csv clinician" >>"$W/shell-before.sql"
echo "bench: import, $RUNS runs each, interleaved" >&2
# Interleaved, so a busy neighbour on the machine slows both sides alike.
# clock_ms NAME CMD...: append CMD's wall and CPU (user + system) time in
# milliseconds to $W/t-NAME and $W/c-NAME.
clock_ms() {
	name=$1; shift
	/usr/bin/time -f "%e %U %S" -o "$W/clock" "$@" >/dev/null 2>"$W/clock.err" ||
		{ cat "$W/clock.err" >&2; exit 1; }
	awk '{ printf "%d\n", $1 * 1000 }' "$W/clock" >>"$W/t-$name"
	awk '{ printf "%d\n", ($2 + $3) * 1000 }' "$W/clock" >>"$W/c-$name"
}
: >"$W/t-import"; : >"$W/t-after"; : >"$W/t-before"
: >"$W/c-import"; : >"$W/c-after"; : >"$W/c-before"
i=0
while [ "$i" -lt "$RUNS" ]; do
	rm -f "$W"/shell.db*
	clock_ms after sh -c "sqlite3 $W/shell.db <$W/shell-after.sql"
	rm -f "$W"/shell.db*
	clock_ms before sh -c "sqlite3 $W/shell.db <$W/shell-before.sql"
	rm -f "$W"/shell.db* "$DB" "$DB-wal" "$DB-shm"
	clock_ms import "$MR" import "$W/population.csv"
	i=$((i + 1))
done
rm -f "$W"/shell.db*
median_file() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
imp=$(median_file "$W/t-import")
after=$(median_file "$W/t-after")
before=$(median_file "$W/t-before")
r=$(ratio "$imp" "$after")
row "import $N-row CSV ($csv_mb MB) vs sqlite3 .import, indexes built after" \
	"$imp ms" "$after ms" "${r}x" "<= 1.2x" "$(verdict "$r" 1.2)"
r=$(ratio "$imp" "$before")
row "import $N-row CSV vs sqlite3 .import into an indexed table" \
	"$imp ms" "$before ms" "${r}x" "<= 1.2x" "$(verdict "$r" 1.2)"
cimp=$(median_file "$W/c-import")
cafter=$(median_file "$W/c-after")
r=$(ratio "$cimp" "$cafter")
row "import CPU time (user + system) vs sqlite3 .import, indexes after" \
	"$cimp ms" "$cafter ms" "${r}x" "(none set)" \
	"import validates every row as add does and hashes the file; it runs on two threads, so its wall-time ratio nears this one when another process holds a core"
cases=$(sqlite3 "$DB" "SELECT count(*) FROM review_case")
[ "$cases" = "$N" ] || { echo "bench: import left $cases cases, not $N" >&2; exit 1; }

# --- whole commands on the national database ----------------------------
# A case in the middle; its TIN's practice for list --tin.
mid=$((N / 2))
tin=$(sqlite3 "$DB" "SELECT tin FROM review_case WHERE id = $mid")
ntin=$(sqlite3 "$DB" "SELECT count(*) FROM review_case WHERE tin = '$tin'")
# add opens a case no row has, then the prepare step removes it again so
# every run does the same work (duplicate check, insert, audit, commit).
add_cmd="$MR add --tin 999999999 --npi 1234567893 --name Bench --year 2023 --reason other"
reset_add="sqlite3 $DB \"DELETE FROM review_case WHERE tin = '999999999'\""
cmd_row() {	# cmd_row LABEL PREPARE CMD...
	label=$1 prep=$2; shift 2
	if [ -n "$prep" ]; then
		hyperfine -N --runs "$CMD_RUNS" --warmup 3 --style none \
			--prepare "$prep" --export-json "$W/cmd.json" "$*" >/dev/null
	else
		hyperfine -N --runs "$CMD_RUNS" --warmup 3 --style none \
			--export-json "$W/cmd.json" "$*" >/dev/null
	fi
	ms=$(median_ms "$W/cmd.json")
	[ -z "$prep" ] || sh -c "$prep"
	mb=$(peak_mb "$@")
	[ -z "$prep" ] || sh -c "$prep"
	row "\`$label\` with $N cases (median of $CMD_RUNS)" "$ms ms" "-" "-" \
		"< 10 ms" "$(verdict "$ms" 9.999)"
	row "\`$label\` peak RSS" "$mb MB" "-" "-" "< 32 MB" "$(verdict "$mb" 31.999)"
}
echo "bench: commands, $CMD_RUNS runs each" >&2
cmd_row "add" "$reset_add" $add_cmd
cmd_row "show $mid" "" "$MR" show "$mid"
cmd_row "list --tin ($ntin cases)" "" "$MR" list --tin "$tin"
if "$MR" help due >/dev/null 2>&1; then
	cmd_row "due --within 30d" "" "$MR" due --within 30d
else
	row "\`due --within 30d\`" "not measured" "-" "-" "< 10 ms" \
		"skipped: due is not on this branch yet"
fi
rm -f "$W/rss.db"*
mb=$(peak_mb env MIPSREVIEW_DB="$W/rss.db" "$MR" import "$W/population.csv")
rm -f "$W/rss.db"*
row "\`import\` of $N rows, peak RSS" "$mb MB" "-" "-" "(none set)" "-"

# --- the attach and feed benchmarks ---------------------------------------
# bench/attach.sh (issue 6) and bench/feed.sh (issue 4) run as their own
# processes (also as make bench-attach / bench-feed); their output goes
# below the table and their verdicts into it.
EXTRA="$W/extra.md"
: >"$EXTRA"
if sh "$top_srcdir/bench/attach.sh" "$MR" >"$W/attach.out" 2>&1; then
	a=$(sed -n 's/^attach 1 GiB:.*median \([0-9.]*\) s$/\1/p' "$W/attach.out")
	h=$(sed -n 's/^sha256sum 1 GiB:.*median \([0-9.]*\) s$/\1/p' "$W/attach.out")
	r=$(sed -n 's/^ratio attach\/sha256sum: \([0-9.]*\).*/\1/p' "$W/attach.out")
	row "\`attach\` of a 1 GiB file" "$a s" "sha256sum $h s" "${r}x" "<= 0.5x" \
		"$(awk -v r="$r" 'BEGIN { print (r <= 0.5) ? "ok" : "MISS" }')"
else
	row "\`attach\` of a 1 GiB file" "failed" "-" "-" "<= 0.5x" "see below"
fi
{ echo "## attach (bench/attach.sh)"; echo; echo '```'; cat "$W/attach.out"; echo '```'; echo; } >>"$EXTRA"
if sh "$top_srcdir/bench/feed.sh" "$top_builddir" >"$W/feed.out" 2>&1; then
	sed -n 's/^\(ok  \|MISS\) \(.*\)$/\1|\2/p' "$W/feed.out" |
	while IFS='|' read -r v what; do
		row "feed: $what" "-" "-" "-" "-" "$(echo "$v" | tr -d ' ')"
	done
else
	row "feed rendering and serving" "failed" "-" "-" "-" "see below"
fi
{ echo "## feed (bench/feed.sh)"; echo; echo '```'; cat "$W/feed.out"; echo '```'; echo; } >>"$EXTRA"

# --- the table ----------------------------------------------------------------
{
	echo "# Benchmark results"
	echo
	echo "Measured by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d):"
	echo "$(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1),"
	echo "SQLite $(sqlite3 --version | cut -d' ' -f1), $("$MR" version)."
	echo "Each ratio's two sides ran in the same run (the imports interleaved,"
	echo "median of $RUNS); command times are hyperfine medians of whole processes,"
	echo "memory is GNU time's peak RSS.  Load average when the run ended:"
	echo "$(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared; figures move with it)."
	echo
	echo "| what | measured | yardstick | ratio | goal | verdict |"
	echo "| --- | --- | --- | --- | --- | --- |"
	cat "$TABLE"
	echo
	echo "Reproduce: \`./configure && make bench\` (BENCH_ROWS, BENCH_RUNS and"
	echo "BENCH_CMD_RUNS change the size and the number of runs)."
	echo
	cat "$EXTRA"
} >"$W/RESULTS.md"
cat "$W/RESULTS.md"
cp "$W/RESULTS.md" "$RESULTS"
echo "bench: wrote $RESULTS" >&2
