#!/bin/sh
# What is not a regular file is refused, at once and with one line,
# everywhere mipsreview and mipsreviewd open a file a person names: a FIFO
# would block the read forever, /dev/zero would never end, a folder is a
# mistake.  Standard input is "-", where the person asked for a stream.
. "$top_srcdir/tests/e2e/lib.sh"

mkfifo "$T/fifo.csv" "$T/fifo.json" "$T/fifo.pem" "$T/fifo.conf"
mkdir "$T/folder.csv" "$T/folder.json"
ok "seed case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" \
	--name "Dr. Ada Example" --year 2023 --reason other

# at_once DESC STATUS PATTERN CMD...: refused within 10 seconds (a FIFO
# that is read instead of refused blocks until timeout kills it: 124).
at_once() { d=$1 s=$2 p=$3; shift 3; refuses "$d" "$s" "$p" timeout 10 "$@"; }

# -- import
at_once "import a FIFO" 3 "import file '.*fifo.csv' is a FIFO (named pipe): give a regular file, or - to read standard input" \
	"$MR" import "$T/fifo.csv"
at_once "import a folder" 3 "is a folder" "$MR" import "$T/folder.csv"
at_once "import /dev/zero" 3 "'/dev/zero' is a device" "$MR" import --format csv /dev/zero
printf 'tin,npi,name,year,reason\n98-7654321,%s,Dr. Pipe,2023,other\n' "$SEED_NPI" >"$T/one.csv"
ok "import - reads standard input (a pipe)" sh -c 'cat "$1" | "$2" import - --format csv' sh "$T/one.csv" "$MR"
expect_match "imported from standard input" "$(cat "$T/out")" "imported 1 case"
REFUSE_LINES=2 refuses "import - needs --format" 2 "give --format csv|jsonl" \
	sh -c '"$1" import - <"$2"' sh "$MR" "$T/one.csv"

# -- attach
at_once "attach a FIFO" 3 "FIFO (named pipe), not a regular file; nothing was attached" \
	"$MR" attach 1 "$T/fifo.csv"
at_once "attach a folder" 3 "is a folder\|a directory" "$MR" attach 1 "$T/folder.csv"
at_once "attach /dev/zero" 3 "is a device" "$MR" attach 1 /dev/zero

# -- reference packs
at_once "reference import of a FIFO" 3 "reference pack '.*' is a FIFO" \
	"$MR" reference import "$T/fifo.json"
at_once "reference import of a folder" 3 "reference pack '.*' is a folder" \
	"$MR" reference import "$T/folder.json"
at_once "reference import of /dev/zero" 3 "reference pack '/dev/zero' is a device" \
	"$MR" reference import /dev/zero

# -- the configuration, in mipsreview and mipsreviewd
at_once "--config a FIFO" 3 "configuration '.*' is a FIFO" \
	"$MR" --config "$T/fifo.conf" export ics
at_once "--config a folder" 3 "configuration '.*' is a folder" \
	"$MR" --config "$T" export ics
at_once "--config /dev/zero" 3 "configuration '/dev/zero' is a device" \
	"$MR" --config /dev/zero export ics
at_once "MIPSREVIEW_CONFIG a FIFO" 3 "configuration '.*' is a FIFO" \
	env MIPSREVIEW_CONFIG="$T/fifo.conf" "$MR" export ics
at_once "mipsreviewd --config a FIFO" 1 "configuration '.*' is a FIFO" \
	"$MRD" -n --config "$T/fifo.conf" --db "$MIPSREVIEW_DB"
at_once "mipsreviewd --config /dev/zero" 1 "configuration '/dev/zero' is a device" \
	"$MRD" -n --config /dev/zero --db "$MIPSREVIEW_DB"

# -- secret and CA files named in the configuration
mail_conf() {
	printf 'smtp_url = smtp://127.0.0.1:9\nsmtp_from = officer@practice.example\nalert_to = officer@practice.example\n%s\n' "$1" >"$T/mail.conf"
}
mail_conf "smtp_user = officer
smtp_password_file = $T/fifo.pem"
at_once "smtp_password_file a FIFO" 3 "smtp_password_file '.*': not a regular file" \
	"$MR" --config "$T/mail.conf" alerts send
mail_conf "smtp_user = officer
smtp_password_file = /dev/zero"
at_once "smtp_password_file /dev/zero" 3 "smtp_password_file '/dev/zero': not a regular file" \
	"$MR" --config "$T/mail.conf" alerts send
mail_conf "smtp_ca_file = $T/fifo.pem"
at_once "smtp_ca_file a FIFO" 3 "smtp_ca_file '.*' is a FIFO" \
	"$MR" --config "$T/mail.conf" alerts send
mail_conf "smtp_ca_file = $T/folder.csv"
at_once "smtp_ca_file a folder" 3 "smtp_ca_file '.*' is a folder" \
	"$MR" --config "$T/mail.conf" alerts send
printf 'qpp_ca_file = %s\n' "$T/fifo.pem" >"$T/qpp.conf"
at_once "qpp_ca_file a FIFO" 3 "qpp_ca_file '.*' is a FIFO" \
	"$MR" --config "$T/qpp.conf" lookup "$SEED_NPI"
printf 'qpp_ca_file = /dev/zero\n' >"$T/qpp.conf"
at_once "qpp_ca_file /dev/zero" 3 "qpp_ca_file '/dev/zero' is a device" \
	"$MR" --config "$T/qpp.conf" lookup "$SEED_NPI"

# -- the audit key beside a new database
mkdir -m 700 "$T/new"
mkfifo "$T/new/mr.db.audit-key"
run_cmd timeout 10 "$MR" --db "$T/new/mr.db" add --tin "$SEED_TIN" \
	--npi "$SEED_NPI" --name "Dr. Key" --year 2023 --reason other
expect_match "a FIFO as the audit key is refused at once" "$E2E_RC" '^[1-9]$'
expect_match "it says why" "$(cat "$T/err")" "audit key file '.*' is a FIFO"

# -- a FIFO planted as mipsreviewd's pidfile does not hang its start
printf 'listen = 127.0.0.1:0\n' >"$T/d.conf"
mkfifo "$T/d.pid"
timeout 10 "$MRD" --config "$T/d.conf" --db "$MIPSREVIEW_DB" --pidfile "$T/d.pid" 2>"$T/d.log" &
dpid=$!
at_exit "kill $dpid 2>/dev/null"
i=0
until grep -q 'ready' "$T/d.log" 2>/dev/null; do
	i=$((i + 1)); [ "$i" -lt 200 ] || break
	sleep 0.05
done
expect_match "the daemon started past the FIFO pidfile" "$(cat "$T/d.log")" 'ready'
[ -f "$T/d.pid" ] && pass || fail "the pidfile is not a regular file now"
kill $dpid 2>/dev/null; wait $dpid 2>/dev/null

finish
