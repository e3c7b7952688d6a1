#!/bin/sh
# A TIN is an EIN or a Social Security number: given as "-" it is read
# from standard input, so it never appears in ps or /proc/PID/cmdline.
# Every option and field that takes a TIN accepts it.
. "$top_srcdir/tests/e2e/lib.sh"

# with_stdin FILE CMD...: run CMD with FILE as its standard input.
with_stdin() { f=$1; shift; "$@" <"$f"; }
printf '98-7654321\n' >"$T/tin"
printf '  11-1111111 \r\n' >"$T/tin2"
: >"$T/empty"

ok "add --tin -" with_stdin "$T/tin" "$MR" add --tin - --npi "$SEED_NPI" \
	--name "Dr. Stdin" --year 2023 --reason other
ok "the case holds the TIN read" "$MR" show 1 --json --reveal
expect_eq "add: TIN from standard input" "$(json_get tin <"$T/out")" 987654321
ok "a second case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--name "Dr. Argv" --year 2023 --reason other

ok "list --tin -" with_stdin "$T/tin" "$MR" list --tin - --json
expect_eq "list: only that TIN's case" "$(json_get 0.id <"$T/out")" 1
expect_eq "list: one case" "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$T/out")" 1

ok "export csv --tin -" with_stdin "$T/tin" "$MR" export csv --tin -
expect_eq "export csv: header and one case" "$(wc -l <"$T/out")" 2
ok "export ics --tin -" with_stdin "$T/tin" "$MR" export ics --tin -
expect_match "export ics: that case's event" "$(cat "$T/out")" 'Dr. Stdin'
if grep -q 'Dr. Argv' "$T/out"; then fail "export ics: another TIN's case"; else pass; fi

ok "feed add --tin -" with_stdin "$T/tin" "$MR" feed add office --tin - --year 2023
ok "feed list" "$MR" feed list --json --reveal
expect_eq "feed: TIN from standard input" "$(json_get 0.tin <"$T/out")" 987654321

ok "hardship add --tin -" with_stdin "$T/tin" "$MR" hardship add --tin - \
	--year 2024 --type euc --categories quality --event "Hurricane"
ok "hardship list --tin -" with_stdin "$T/tin" "$MR" hardship list --tin - --json --reveal
expect_eq "hardship: TIN from standard input" "$(json_get 0.tin <"$T/out")" 987654321

# FIELD=VALUE: tin=- in set and hardship set; blanks and CR around it go.
ok "set tin=-" with_stdin "$T/tin2" "$MR" set 2 tin=-
ok "show" "$MR" show 2 --json --reveal
expect_eq "set: TIN from standard input" "$(json_get tin <"$T/out")" 111111111
ok "hardship set tin=-" with_stdin "$T/tin2" "$MR" hardship set 1 tin=-
ok "hardship show" "$MR" hardship show 1 --json --reveal
expect_eq "hardship set: TIN from standard input" "$(json_get tin <"$T/out")" 111111111

# Nothing on standard input, or not a TIN: one line, nothing written.
refuses "empty standard input" 3 "standard input, which held none" \
	with_stdin "$T/empty" "$MR" add --tin - --npi "$SEED_NPI" \
	--name "Dr. None" --year 2023 --reason other
refuses "empty standard input for tin=-" 3 "tin=- reads the TIN" \
	with_stdin "$T/empty" "$MR" set 1 tin=-
printf 'not-a-tin\n' >"$T/bad"
refuses "a bad TIN from standard input is validated" 3 "TIN" \
	with_stdin "$T/bad" "$MR" add --tin - --npi "$SEED_NPI" \
	--name "Dr. Bad" --year 2023 --reason other
head -c 200 /dev/zero | tr '\0' 1 >"$T/long"
refuses "an overlong line" 3 "too long for a TIN" \
	with_stdin "$T/long" "$MR" add --tin - --npi "$SEED_NPI" \
	--name "Dr. Long" --year 2023 --reason other

# The TIN is not in the process's command line while it runs.
mkfifo "$T/fifo"
exec 3<>"$T/fifo"	# a writer first: the reader's open does not wait
"$MR" add --tin - --npi "$SEED_NPI" --name "Dr. Ps" --year 2023 \
	--reason other <"$T/fifo" >"$T/ps.out" 2>&1 &
pid=$!
cmdline= tries=0
while [ $tries -lt 100 ]; do
	cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
	case $cmdline in *mipsreview*) break ;; esac
	tries=$((tries + 1)); sleep 0.05
done
printf '22-2222222\n' >&3
exec 3>&-
wait $pid
expect_eq "the add with a piped TIN succeeded" "$?" 0
expect_match "its command line was seen" "$cmdline" 'add --tin - '
if printf '%s' "$cmdline" | grep -q 2222222; then
	fail "the TIN shows in the command line"; else pass; fi
ok "show it" "$MR" list --tin 22-2222222 --json
expect_eq "the piped TIN's case" "$(json_get 0.name <"$T/out")" "Dr. Ps"

finish
