#!/bin/sh
# End to end: where the database lives, its permissions, and databases
# that cannot be used.
. "$top_srcdir/tests/e2e/lib.sh"

# The embedded default: $XDG_DATA_HOME/mipsreview/mipsreview.db, private.
unset MIPSREVIEW_DB
export XDG_DATA_HOME="$T/xdg"
ok "default database" "$MR" add --tin 123456789 --name X --year 2023 --reason other
[ -f "$T/xdg/mipsreview/mipsreview.db" ] && pass || fail "default db not created"
expect_eq "db mode 0600" "$(stat -c %a "$T/xdg/mipsreview/mipsreview.db")" 600
expect_eq "folder mode 0700" "$(stat -c %a "$T/xdg/mipsreview")" 700
unset XDG_DATA_HOME
export HOME="$T/home"
mkdir -p "$HOME"
ok "~/.local/share when XDG_DATA_HOME is unset" "$MR" list
[ -f "$HOME/.local/share/mipsreview/mipsreview.db" ] && pass || fail "home default not created"

# --db beats $MIPSREVIEW_DB.
export MIPSREVIEW_DB="$T/env.db"
ok "--db" "$MR" --db "$T/flag.db" list
[ -f "$T/flag.db" ] && [ ! -f "$T/env.db" ] && pass || fail "--db not preferred"
expect_eq "wal mode" "$(sqlite3 "$T/flag.db" 'PRAGMA journal_mode')" wal
expect_eq "schema version" "$(sqlite3 "$T/flag.db" 'PRAGMA user_version')" \
	"$(sqlite3 "$T/flag.db" 'SELECT max(1, (SELECT count(*) FROM sqlite_schema WHERE 0))' >/dev/null; "$MR" --version | sed 's/.*schema \([0-9]*\).*/\1/')"

# Without --db or $MIPSREVIEW_DB, a configuration file's database is used
# (the one mipsreviewd serves).
printf 'database = %s\n' "$T/conf.db" >"$T/mr.conf"
(unset MIPSREVIEW_DB; "$MR" --config "$T/mr.conf" list >/dev/null 2>"$T/err") ||
	fail "config database: $(cat "$T/err")"
[ -f "$T/conf.db" ] && pass || fail "config database not used"
(unset MIPSREVIEW_DB; MIPSREVIEW_CONFIG="$T/mr.conf" "$MR" --db "$T/flag2.db" list >/dev/null)
[ -f "$T/flag2.db" ] && pass || fail "--db must beat the config file"
printf 'database = relative.db\n' >"$T/bad.conf"
(unset MIPSREVIEW_DB; "$MR" --config "$T/bad.conf" list >/dev/null 2>"$T/err")
expect_eq "bad config exits 3" "$?" 3
expect_match "bad config names the line" "$(cat "$T/err")" "bad.conf:1: database"

# Several processes creating and migrating one new database at once.
for i in 1 2 3 4 5 6; do
	"$MR" --db "$T/race.db" add --tin 123456789 --name "R$i" --year 2023 \
		--reason other --force >"$T/race.$i" 2>&1 &
done
wait
n=0
for i in 1 2 3 4 5 6; do grep -Eq '^[0-9]+$' "$T/race.$i" && n=$((n + 1)); done
expect_eq "six concurrent first uses all succeed" "$n" 6
expect_eq "six cases" "$(sqlite3 "$T/race.db" 'SELECT count(*) FROM review_case')" 6
ok "audit chain after the race" "$MR" --db "$T/race.db" audit --verify

# A missing folder, a read-only folder, a corrupt file, a newer schema.
"$MR" --db "$T/missing/x.db" list >"$T/out" 2>"$T/err"
expect_eq "missing folder exits 6" "$?" 6
expect_match "missing folder says so" "$(cat "$T/err")" "folder does not exist"
mkdir "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" -eq 0 ]; then
	# root ignores folder modes; a read-only bind is not available, so use
	# a path below a regular file, which no one can create.
	: >"$T/file"
	"$MR" --db "$T/file/x.db" list >"$T/out" 2>"$T/err"
else
	"$MR" --db "$T/ro/x.db" list >"$T/out" 2>"$T/err"
fi
expect_eq "unwritable folder exits 6" "$?" 6
expect_eq "one line" "$(wc -l <"$T/err")" 1
head -c 20000 /dev/urandom >"$T/corrupt.db"
chmod 600 "$T/corrupt.db"
sum=$(sha256sum <"$T/corrupt.db")
"$MR" --db "$T/corrupt.db" list >"$T/out" 2>"$T/err"
expect_eq "corrupt file exits 6" "$?" 6
expect_match "corrupt named" "$(cat "$T/err")" "damaged or not a database|not a mipsreview database"
expect_eq "corrupt file untouched" "$(sha256sum <"$T/corrupt.db")" "$sum"
cp "$T/flag.db" "$T/newer.db"
sqlite3 "$T/newer.db" "PRAGMA user_version = 999"
"$MR" --db "$T/newer.db" list >"$T/out" 2>"$T/err"
expect_eq "newer schema exits 6" "$?" 6
expect_match "newer schema says upgrade" "$(cat "$T/err")" "upgrade mipsreview"
sqlite3 "$T/other.db" "CREATE TABLE t(x)"
"$MR" --db "$T/other.db" list >"$T/out" 2>"$T/err"
expect_eq "foreign database exits 6" "$?" 6

finish
