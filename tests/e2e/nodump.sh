#!/bin/sh
# No core file can spill a TIN, a document or a password: mipsreview and
# mipsreviewd turn core dumps off (RLIMIT_CORE 0, not dumpable) first
# thing.  Proved on running processes: their limits, their /proc owner,
# and SIGABRT (whose default action dumps core) leaving no core behind,
# next to a control process that does leave one.
. "$top_srcdir/tests/e2e/lib.sh"

# As root, run the CLI as nobody: a process that is not dumpable has its
# /proc/PID files owned by root, which only shows for another user.
as=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
    setpriv --reuid=65534 --regid=65534 --clear-groups "$MR" --version \
    >/dev/null 2>&1; then
	as="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
mkdir "$T/cores" "$T/control"
chmod 777 "$T/cores" "$T/control"

# wait_exec PID: until PID runs mipsreview (not the shell that forked it)
# and has reached its read of the TIN from standard input, which comes
# after the start-up that turns dumps off: a loaded machine can take a
# while between exec and main.
wait_exec() {
	n=0
	while [ $n -lt 400 ]; do
		case $(tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | head -n 1) in
		*/mipsreview)
			case $(cat "/proc/$1/wchan" 2>/dev/null) in
			*pipe_read*) return 0 ;; esac ;;
		esac
		n=$((n + 1)); sleep 0.05
	done
	return 1
}
core_limit() { sed -n 's/^Max core file size *\([^ ]*\) *\([^ ]*\).*/\1 \2/p' "/proc/$1/limits"; }

# The control: the same shell, limit and folder give a core to a plain process.
(cd "$T/control" && ulimit -c unlimited && exec $as sleep 30) &
cpid=$!
sleep 0.3
kill -ABRT $cpid
wait $cpid
control_dumped=0
ls "$T/control" | grep -q '^core' && control_dumped=1

# The CLI, waiting for a TIN on standard input.
mkfifo "$T/fifo"
exec 3<>"$T/fifo"
(cd "$T/cores" && ulimit -c unlimited && exec $as "$MR" add --tin - \
	--npi "$SEED_NPI" --name "Dr. Core" --year 2023 --reason other \
	<"$T/fifo" >/dev/null 2>&1) &
pid=$!
if wait_exec $pid; then pass; else fail "mipsreview did not start"; fi
expect_eq "mipsreview: core file size limit 0 (soft and hard)" "$(core_limit $pid)" "0 0"
if [ -n "$as" ]; then
	expect_eq "mipsreview is not dumpable: its /proc files belong to root" \
	    "$(stat -c %u "/proc/$pid/status")" 0
	cowner=$(stat -c %u "$T/control/"core* 2>/dev/null | head -n 1)
	[ "$control_dumped" = 0 ] || expect_eq "the control ran as nobody" "$cowner" 65534
elif [ "$(id -u)" != 0 ]; then
	expect_eq "mipsreview is not dumpable: its /proc files belong to root" \
	    "$(stat -c %u "/proc/$pid/status")" 0
fi
kill -ABRT $pid
wait $pid
expect_eq "SIGABRT ended mipsreview" "$?" 134
exec 3>&-
if [ "$control_dumped" = 1 ]; then
	expect_eq "no core file from mipsreview" "$(ls "$T/cores")" ""
else
	echo "note: this system writes no core file into the working folder" \
	    "($(cat /proc/sys/kernel/core_pattern)); checked the limits only"
fi

# The daemon.
printf 'listen = 127.0.0.1:0\n' >"$T/mr.conf"
ok "a database for the daemon" "$MR" list
(cd "$T/cores" && ulimit -c unlimited && exec "$MRD" --config "$T/mr.conf" \
	--db "$MIPSREVIEW_DB" 2>"$T/d.log") &
dpid=$!
at_exit "kill $dpid 2>/dev/null"
i=0
until grep -q 'ready' "$T/d.log" 2>/dev/null; do
	i=$((i + 1)); [ "$i" -lt 200 ] || { fail "daemon not ready: $(cat "$T/d.log")"; finish; }
	sleep 0.05
done
expect_eq "mipsreviewd: core file size limit 0 (soft and hard)" "$(core_limit $dpid)" "0 0"
kill -ABRT $dpid
wait $dpid
expect_eq "SIGABRT ended mipsreviewd" "$?" 134
if [ "$control_dumped" = 1 ]; then
	expect_eq "no core file from mipsreviewd" "$(ls "$T/cores")" ""
fi

finish
