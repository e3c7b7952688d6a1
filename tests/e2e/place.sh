#!/bin/sh
# End to end: which database and configuration are used (--where), a
# database shared by a group (an office), and places refused as ssh's
# StrictModes refuses them, each with the fix and nothing written.
. "$top_srcdir/tests/e2e/lib.sh"

add() { "$@" add --tin 123456789 --name "Dr. Place" --year 2023 --reason other; }

# --- --where: the choice and its reason ---
ok "--where with \$MIPSREVIEW_DB" "$MR" --where
expect_match "names the database" "$(cat "$T/out")" "^database: +$T/mr.db$"
expect_match "and why" "$(cat "$T/out")" "chosen by: +\\\$MIPSREVIEW_DB"
expect_match "private" "$(cat "$T/out")" "shared with: nobody"
ok "--where --json" "$MR" --where --json
expect_eq "source" "$(json_get database.source <"$T/out")" MIPSREVIEW_DB
expect_eq "sharing" "$(json_get database.sharing <"$T/out")" private
expect_eq "no configuration" "$(json_get configuration.source <"$T/out")" none
expect_eq "audited as the OS user" "$(json_get audited_as <"$T/out")" "$(id -un)"
ok "--where with --db" "$MR" --db "$T/flag.db" --where --json
expect_eq "--db wins" "$(json_get database.source <"$T/out")" "--db"
[ ! -e "$T/flag.db" ] && pass || fail "--where created the database"

# A configuration's database is used without any option; unset there, its
# default (the daemon's) is.
mkdir -m 700 "$T/conf"
printf 'database = %s\n' "$T/conf/office.db" >"$T/mr.conf"
(unset MIPSREVIEW_DB; MIPSREVIEW_CONFIG="$T/mr.conf" "$MR" --where --json) >"$T/out"
expect_eq "the configuration's database" "$(json_get database.path <"$T/out")" "$T/conf/office.db"
expect_eq "chosen by the configuration" "$(json_get database.source <"$T/out")" config
expect_eq "from \$MIPSREVIEW_CONFIG" "$(json_get configuration.source <"$T/out")" MIPSREVIEW_CONFIG
: >"$T/empty.conf"
(unset MIPSREVIEW_DB; "$MR" --config "$T/empty.conf" --where --json) >"$T/out"
expect_eq "unset there: the daemon's default" "$(json_get database.source <"$T/out")" config-default
expect_match "under the state folder" "$(json_get database.path <"$T/out")" "/lib/mipsreview/mipsreview.db$"

# --- refused places: one line with the fix, nothing written ---
gone() { [ ! -e "$1" ] && pass || fail "$2: $1 was created"; }
mkdir -m 1777 "$T/pub"
refuses "a database in a world-writable folder" 6 "every user may write in it.*mkdir -m 700" \
	add "$MR" --db "$T/pub/x.db"
gone "$T/pub/x.db" "world-writable folder"
mkdir -m 770 "$T/grpw"
refuses "a private database in a group-writable folder" 6 "chmod g-w" \
	add "$MR" --db "$T/grpw/x.db"
gone "$T/grpw/x.db" "group-writable folder"
refuses "a missing folder" 6 "folder does not exist; create it ('mkdir -m 700" \
	add "$MR" --db "$T/missing/x.db"

ok "a private database" add "$MR"
expect_eq "is 0600" "$(stat -c %a "$MIPSREVIEW_DB")" 600
chmod 644 "$MIPSREVIEW_DB"
refuses "an existing 0644 database" 6 "other users may read it (mode 0644); fix it with 'chmod 600 $MIPSREVIEW_DB'" \
	"$MR" list
chmod 600 "$MIPSREVIEW_DB"
# Another user planting a -wal others can write: its content would be read back.
sqlite3 "$MIPSREVIEW_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
rm -f "$MIPSREVIEW_DB-wal"
install -m 666 /dev/null "$MIPSREVIEW_DB-wal"
refuses "a planted -wal others may write" 6 "other users may write it.*chmod 600" \
	add "$MR"
rm -f "$MIPSREVIEW_DB-wal"
mkdir -m 700 "$T/evidence"
chown nobody "$T/evidence"
refuses "an evidence folder owned by another user" 6 "evidence folder '$T/evidence': it belongs to user nobody" \
	add "$MR"
chown "$(id -u)" "$T/evidence"
chmod 755 "$T/evidence"
refuses "an evidence folder others may read" 6 "chmod 700 $T/evidence" "$MR" list
chmod 700 "$T/evidence"
ok "a repaired place works again" "$MR" list

# A configuration whose database folder is missing or writable by others.
# (MIPSREVIEW_DB names the file refuses watches; env -u hides it.)
keep=$MIPSREVIEW_DB
printf 'database = %s\n' "$T/nowhere/office.db" >"$T/bad.conf"
MIPSREVIEW_DB="$T/nowhere/office.db"
refuses "a configured database whose folder is missing" 6 "'$T/nowhere/office.db': its folder does not exist" \
	env -u MIPSREVIEW_DB "$MR" --config "$T/bad.conf" list
gone "$T/nowhere" "missing configured folder"
printf 'database = %s\n' "$T/pub/office.db" >"$T/bad.conf"
MIPSREVIEW_DB="$T/pub/office.db"
refuses "a configured database in a world-writable folder" 6 "every user may write in it" \
	env -u MIPSREVIEW_DB "$MR" --config "$T/bad.conf" list
gone "$T/pub/office.db" "world-writable configured folder"
MIPSREVIEW_DB=$keep

# --- an office: a setgid folder its group shares ---
if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null 2>&1; then
	echo "not root: the shared-folder checks need throwaway users"
	finish
fi
G=mrt$$
groupadd "$G" && useradd -M -N -g "$G" -s /bin/sh "${G}a" && useradd -M -N -g "$G" -s /bin/sh "${G}b" &&
	useradd -M -s /bin/sh "${G}x" || { fail "cannot create throwaway users"; finish; }
at_exit "userdel ${G}a; userdel ${G}b; userdel ${G}x; groupdel $G 2>/dev/null"
# The binary where the throwaway users can run it.
chmod 711 "$T"
install -m 755 "$MR" "$T/mipsreview"
O="$T/office"
install -d -g "$G" -m 2770 "$O"
as() { u=$1; shift; runuser -u "$u" -- env MIPSREVIEW_NOW="$MIPSREVIEW_NOW" NO_COLOR=1 "$@"; }
ok "a member opens the office database" as "${G}a" "$T/mipsreview" --db "$O/mr.db" add \
	--tin 123456789 --name "Dr. Office" --year 2023 --reason other
expect_eq "the database is group-private (0660, group $G)" "$(stat -c '%a %G' "$O/mr.db")" "660 $G"
printf '%%PDF-1.4\n%%EOF\n' >"$T/letter.pdf"
chmod 644 "$T/letter.pdf"
ok "another member attaches evidence" as "${G}b" "$T/mipsreview" --db "$O/mr.db" attach 1 "$T/letter.pdf"
expect_eq "the evidence folder is setgid 2770" "$(stat -c '%a %G' "$O/evidence")" "2770 $G"
expect_eq "evidence files are 0640" "$(stat -c %a "$O"/evidence/* | sort -u)" 640
ok "--where says the group shares it" as "${G}b" "$T/mipsreview" --db "$O/mr.db" --where --json
expect_eq "sharing group" "$(json_get database.sharing <"$T/out")" group
expect_eq "which group" "$(json_get database.group <"$T/out")" "$G"
ok "each change is audited under the OS user who made it" as "${G}a" "$T/mipsreview" --db "$O/mr.db" audit --json
expect_match "the first member added" "$(cat "$T/out")" "\"${G}a\""
expect_match "the second attached" "$(cat "$T/out")" "\"${G}b\""
MIPSREVIEW_DB="$O/mr.db"
refuses "a user outside the group" 6 "you (${G}x) are not in group $G.*adduser ${G}x $G" \
	as "${G}x" "$T/mipsreview" --db "$O/mr.db" list
chmod 664 "$O/mr.db"
refuses "a shared database others may read" 6 "users outside group $G may read it.*chmod o-rwx" \
	as "${G}a" "$T/mipsreview" --db "$O/mr.db" list
chmod 660 "$O/mr.db"
finish
