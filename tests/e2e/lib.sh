# tests/e2e/lib.sh: sourced by every end-to-end test.
# Runs the built binaries against a scratch database in a private folder.
set -u
: "${top_builddir:?run under make check}"
: "${top_srcdir:?run under make check}"
MR="$top_builddir/cli/mipsreview"
MRD="$top_builddir/daemon/mipsreviewd"
T=$(mktemp -d "${TMPDIR:-/tmp}/mre2e.XXXXXX")
export MIPSREVIEW_DB="$T/mr.db"
export NO_COLOR=1
unset MIPSREVIEW_CONFIG
# A fixed clock inside the PY2023 review window, so deadlines are stable.
export MIPSREVIEW_NOW="${MIPSREVIEW_NOW:-2024-10-01T12:00:00Z}"
fails=0
checks=0
E2E_CLEANUP=
trap 'eval "$E2E_CLEANUP"; rm -rf "$T"' EXIT

# need_tool NAME: a tool the test drives; missing, the test fails (the
# project's scripts install every one: contrib/install-deps.sh --test).
need_tool() {
	command -v "$1" >/dev/null 2>&1 || {
		fail "$1 is not installed: run contrib/install-deps.sh --test"
		finish
	}
}

# Register a shell command to run when the test exits (servers, ...).
at_exit() { E2E_CLEANUP="$1; $E2E_CLEANUP"; }

# fail WHY: count a failed check and say why in the test's .log (make
# check keeps it; the scratch folder is gone by then).  After a command
# run by ok or refuses, the log also gets that command, its exit status
# and the tail of its standard error.
fail() {
	fails=$((fails + 1))
	{
		echo "FAIL: $*"
		if [ -n "${E2E_CMD:-}" ]; then
			echo "  command: $E2E_CMD"
			echo "  exit status: $E2E_RC"
			echo "  stderr (last lines):"
			tail -n 20 "$T/err" 2>/dev/null | sed 's/^/    /'
		fi
	} >&2
}
pass() { checks=$((checks + 1)); }

# run_cmd CMD...: run CMD with its output in $T/out and $T/err, remembering
# the command and its status for fail.
run_cmd() {
	E2E_CMD=$(printf '%s ' "$@")
	"$@" >"$T/out" 2>"$T/err"
	E2E_RC=$?
	return "$E2E_RC"
}

# ok DESC CMD...: CMD must exit 0.
ok() {
	desc=$1; shift
	if run_cmd "$@"; then pass; else
		fail "$desc: exit $E2E_RC"; fi
	E2E_CMD=
}

# refuses DESC STATUS PATTERN CMD...: CMD must exit STATUS, print one
# stderr line matching PATTERN, and leave the database byte-for-byte as it was.
# Usage errors add the usage line: set REFUSE_LINES=2 for those.
refuses() {
	desc=$1 want=$2 pat=$3; shift 3
	before=$(db_digest)
	run_cmd "$@"; got=$E2E_RC
	after=$(db_digest)
	if [ "$got" != "$want" ]; then fail "$desc: exit $got, want $want"
	elif [ "$(wc -l <"$T/err")" -gt "${REFUSE_LINES:-1}" ]; then
		fail "$desc: want one line on stderr"
	elif ! grep -q -- "$pat" "$T/err"; then fail "$desc: stderr lacks '$pat'"
	elif [ "$before" != "$after" ]; then fail "$desc: database changed"
	else pass; fi
	E2E_CMD=
}

# The database file and its WAL, hashed (no process holds it open between commands).
db_digest() { cat "$MIPSREVIEW_DB" "$MIPSREVIEW_DB-wal" 2>/dev/null | sha256sum | cut -d' ' -f1; }

# expect_eq DESC GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then pass; else fail "$1: got '$2', want '$3'"; fi
}

# expect_match DESC TEXT PATTERN (grep -E)
expect_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then pass; else
		fail "$1: '$(printf '%s' "$2" | head -c 300)' does not match '$3'"; fi
}

# jq-free JSON field access through python's json module.
json_get() { /usr/bin/python3 -c 'import json,sys
v=json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if isinstance(v,(dict,list)) else ("null" if v is None else v))' "$1"; }

# The Oct 11 scenario's clinician (CMS spec NPI example).
SEED_TIN=12-3456789
SEED_NPI=1234567893

# kill9_when GLOB CMD...: start CMD, kill -9 it once GLOB names a file;
# 0 if it was killed that way, 1 if it finished first.
kill9_when() {
	glob=$1; shift
	"$@" >/dev/null 2>&1 &
	kpid=$!
	while kill -0 $kpid 2>/dev/null; do
		# shellcheck disable=SC2086
		for f in $glob; do
			if [ -e "$f" ]; then
				kill -9 $kpid
				wait $kpid
				[ $? = 137 ]
				return
			fi
		done
	done
	wait $kpid
	return 1
}

finish() {
	echo "$checks checks passed, $fails failed"
	[ "$fails" -eq 0 ]
	exit $?
}
