#!/bin/sh
# tests/installed/system.sh: the installed Debian package, after
# contrib/quickstart.sh: files and modes, one database for the CLI and the
# daemon without any option, officers in the group and a user outside
# it, the quiet cron entry, the manual.  Creates throwaway users and
# removes them.  Exit 0 when every check passed.
set -u
checks=0 fails=0
T=$(mktemp -d "${TMPDIR:-/tmp}/mrsys.XXXXXX")
chmod 711 "$T"
G=mrs$$
trap 'userdel "${G}a" 2>/dev/null; userdel "${G}x" 2>/dev/null; rm -rf "$T"' EXIT
pass() { checks=$((checks + 1)); }
fail() { fails=$((fails + 1)); echo "FAIL: $*"; }
# ok NAME CMD...: CMD exits 0; on failure the command, status and stderr.
ok() {
	name=$1; shift
	if "$@" >"$T/out" 2>"$T/err"; then pass; else
		rc=$?
		fail "$name"
		echo "  command: $*"; echo "  exit status: $rc"
		echo "  stderr (last lines):"; tail -n 15 "$T/err" | sed 's/^/    /'
	fi
}
eq() { if [ "$2" = "$3" ]; then pass; else fail "$1: got '$2', want '$3'"; fi; }
has() { if printf '%s\n' "$2" | grep -Eq -- "$3"; then pass; else fail "$1: '$(printf '%s' "$2" | head -c 300)' lacks '$3'"; fi; }

# --- what the package installed ---
for f in /usr/bin/mipsreview /usr/sbin/mipsreviewd /etc/mipsreview/mipsreviewd.conf \
    /etc/cron.d/mipsreview /lib/systemd/system/mipsreviewd.service \
    /usr/share/bash-completion/completions/mipsreview; do
	[ -e "$f" ] && pass || fail "installed: $f"
done
has "the configuration is a conffile" "$(dpkg-query -W -f='${Conffiles}' mipsreview)" "/etc/mipsreview/mipsreviewd.conf"
eq "the data folder: setgid, group-private, owned by mipsreview" \
	"$(stat -c '%a %U %G' /var/lib/mipsreview)" "2770 mipsreview mipsreview"
eq "the database is group-private" "$(stat -c '%a %G' /var/lib/mipsreview/mipsreview.db)" "660 mipsreview"
has "the unit is Type=notify" "$(cat /lib/systemd/system/mipsreviewd.service)" "^Type=notify"
has "the unit is hardened" "$(cat /lib/systemd/system/mipsreviewd.service)" "^ProtectSystem=strict"
[ -L /etc/systemd/system/multi-user.target.wants/mipsreviewd.service ] && pass || fail "the unit is enabled"
ok "man mipsreview" man -w mipsreview
ok "man mipsreviewd.conf" man -w mipsreviewd.conf
has "the cron entry runs every 15 minutes as mipsreview" "$(grep -v '^#' /etc/cron.d/mipsreview)" '^\*/15 \* \* \* \*[[:space:]]+mipsreview[[:space:]]'

# --- one database: the CLI and the daemon, without any option ---
ok "mipsreview --where --json" mipsreview --where --json
has "the system configuration" "$(cat "$T/out")" '"source": "system"'
has "the office database" "$(cat "$T/out")" '"path": "/var/lib/mipsreview/mipsreview.db"'
has "shared by group mipsreview" "$(cat "$T/out")" '"group": "mipsreview"'
ok "the daemon answers" curl -fsS http://127.0.0.1:8750/healthz
ok "a feed added by the CLI" sh -c 'mipsreview feed add "system test" | grep -o "http[^ ]*\.ics" >'"$T/url"
code=
for i in 1 2 3 4 5 6 7 8 9 10; do
	code=$(curl -s -o /dev/null -w '%{http_code}' "$(cat "$T/url")")
	[ "$code" = 200 ] && break
	sleep 1
done
eq "is served by the daemon" "$code" 200
ok "revoke it" mipsreview feed revoke "system test"

# --- quiet when unconfigured: the cron job as cron runs it ---
job=$(grep -v '^#' /etc/cron.d/mipsreview | grep mipsreview | sed 's/^\([^[:space:]]*[[:space:]]*\)\{6\}//')
runuser -u mipsreview -- sh -c "$job" >"$T/out" 2>&1
eq "the cron job succeeds while alerts are off" "$?" 0
eq "and prints nothing (cron would mail it)" "$(cat "$T/out")" ""
ok "alerts send by hand" mipsreview alerts send
has "says alerts are not configured and how" "$(cat "$T/out")" "not configured.*smtp_url and smtp_from in /etc/mipsreview/mipsreviewd.conf"

# --- officers: a member of the group, and a user outside it ---
useradd -M -s /bin/sh -G mipsreview "${G}a" && useradd -M -s /bin/sh "${G}x" ||
	fail "cannot create throwaway users"
before=$(cat /var/lib/mipsreview/mipsreview.db /var/lib/mipsreview/mipsreview.db-wal 2>/dev/null | sha256sum)
runuser -u "${G}x" -- mipsreview list >"$T/out" 2>"$T/err"
eq "a user outside the group is refused (exit 6)" "$?" 6
eq "in one line" "$(wc -l <"$T/err")" 1
has "naming the fix" "$(cat "$T/err")" "not in group mipsreview.*adduser ${G}x mipsreview"
eq "and nothing is written" "$(cat /var/lib/mipsreview/mipsreview.db /var/lib/mipsreview/mipsreview.db-wal 2>/dev/null | sha256sum)" "$before"
ok "a member writes without any option" runuser -u "${G}a" -- mipsreview note 1 "checked by a second officer"
ok "the audit trail" mipsreview audit 1 --json
has "records the officer's login name" "$(cat "$T/out")" "\"${G}a\""
eq "the database stays group-private" "$(stat -c '%a %G' /var/lib/mipsreview/mipsreview.db)" "660 mipsreview"

echo "$checks checks passed, $fails failed"
[ "$fails" -eq 0 ]
