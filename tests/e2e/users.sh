#!/bin/sh
# mipsreview user: accounts, roles and TIN scope, passwords never in
# clear (not on the command line, in the database or the audit trail),
# API tokens shown once and kept hashed, refusals that change nothing.
. "$top_srcdir/tests/e2e/lib.sh"

pw='correct horse battery'
printf '%s\n' "$pw" >"$T/pw"
ok "add an admin" sh -c '"$1" user add alice --role admin --password-stdin <"$2"' \
	sh "$MR" "$T/pw"
expect_eq "add prints the id" "$(cat "$T/out")" "1"
ok "add a limited officer" sh -c '"$1" user add bob --role officer --tin 12-3456789 \
	--tin 987654321 --tin 123456789 --password-stdin --json <"$2"' sh "$MR" "$T/pw"
expect_eq "its TINs, masked, once each" \
	"$(json_get tins <"$T/out")" '["*****6789", "*****4321"]'
expect_eq "its role" "$(json_get role <"$T/out")" "officer"

REFUSE_LINES=2 refuses "no role" 2 "--role viewer|officer|admin is expected" \
	sh -c '"$1" user add carol --password-stdin <"$2"' sh "$MR" "$T/pw"
refuses "bad role" 3 "role 'boss': viewer, officer or admin" \
	sh -c '"$1" user add carol --role boss --password-stdin <"$2"' sh "$MR" "$T/pw"
refuses "an admin takes no TINs" 3 "an admin sees every TIN" \
	sh -c '"$1" user add carol --role admin --tin 123456789 --password-stdin <"$2"' \
	sh "$MR" "$T/pw"
refuses "bad TIN" 3 "TIN" \
	sh -c '"$1" user add carol --role viewer --tin 12345 --password-stdin <"$2"' \
	sh "$MR" "$T/pw"
refuses "short password" 3 "at least 8 characters" \
	sh -c 'echo short | "$1" user add carol --role viewer --password-stdin' sh "$MR"
refuses "no password on stdin" 3 "no password on standard input" \
	sh -c '"$1" user add carol --role viewer --password-stdin </dev/null' sh "$MR"
refuses "no terminal and no --password-stdin" 2 "no terminal to read the password" \
	setsid "$MR" user add carol --role viewer
refuses "duplicate name" 5 "exists already" \
	sh -c '"$1" user add bob --role viewer --password-stdin <"$2"' sh "$MR" "$T/pw"
refuses "bad name" 3 "account name 'b ob'" \
	sh -c '"$1" user add "b ob" --role viewer --password-stdin <"$2"' sh "$MR" "$T/pw"

expect_eq "the password is not in the database" \
	"$(cat "$MIPSREVIEW_DB" "$MIPSREVIEW_DB-wal" 2>/dev/null | grep -c -a -- "$pw")" "0"
expect_eq "it is kept as argon2id" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM account WHERE password_hash LIKE '\$argon2id\$v=19\$m=65536,t=3,p=1\$%'")" "2"

ok "token add" "$MR" user token add bob
token=$(cat "$T/out")
expect_match "the token's form" "$token" '^mrt_[A-Za-z0-9_-]{43}$'
expect_eq "the token is not in the database" \
	"$(cat "$MIPSREVIEW_DB" "$MIPSREVIEW_DB-wal" 2>/dev/null | grep -c -a -- "${token#mrt_}")" "0"
ok "user list" "$MR" user list
expect_eq "list never shows the token" "$(grep -c -- "$token" "$T/out")" "0"
expect_match "list shows bob's token count and masked TINs" "$(grep bob "$T/out")" \
	'officer +active +1 +\*\*\*\*\*6789,\*\*\*\*\*4321'
ok "user list --json --reveal" "$MR" user list --json --reveal
expect_eq "whole TINs when revealed" "$(json_get 1.tins <"$T/out")" '["123456789", "987654321"]'
expect_eq "token ids in the JSON" "$(json_get 1.tokens.0.id <"$T/out")" "1"

ok "audit" "$MR" audit --json
expect_eq "the audit trail never holds a secret or its hash" \
	"$(grep -c -e "$pw" -e argon2 -e "${token#mrt_}" "$T/out")" "0"
expect_match "the audit has the account" "$(cat "$T/out")" '"entity": "account"'
ok "audit verify" "$MR" audit --verify

printf 'a new password\n' >"$T/pw2"
ok "passwd" sh -c '"$1" user passwd bob --password-stdin <"$2"' sh "$MR" "$T/pw2"
refuses "passwd of nobody" 4 "no account 'nobody'" \
	sh -c '"$1" user passwd nobody --password-stdin <"$2"' sh "$MR" "$T/pw2"
refuses "revoke unknown token" 4 "no API token 99" "$MR" user token revoke 99
refuses "revoke a bad id" 2 "token" "$MR" user token revoke x
REFUSE_LINES=2 refuses "token what" 2 "add NAME or revoke ID" "$MR" user token list bob
ok "revoke" "$MR" user token revoke 1
refuses "revoke twice" 5 "revoked already" "$MR" user token revoke 1
refuses "the last admin stays" 5 "last active admin" "$MR" user disable alice
ok "disable bob" "$MR" user disable bob
refuses "disable twice" 5 "disabled already" "$MR" user disable bob
refuses "no token for a disabled account" 5 "is disabled" "$MR" user token add bob

# -- enable, and role and TIN changes, audited
ok "enable bob" "$MR" user enable bob
expect_match "it says what works again" "$(cat "$T/out")" "account 'bob' enabled"
refuses "enable an active account" 5 "is not disabled" "$MR" user enable bob
refuses "enable nobody" 4 "no account 'nobody'" "$MR" user enable nobody
ok "bob logs in again" "$MR" user token add bob
REFUSE_LINES=2 refuses "set nothing" 2 "nothing to set" "$MR" user set bob
REFUSE_LINES=2 refuses "--tin with --no-tin" 2 "exclude each other" "$MR" user set bob --tin 123456789 --no-tin
refuses "set a bad role" 3 "role 'boss'" "$MR" user set bob --role boss
refuses "an admin limited to TINs" 3 "an admin sees every TIN" "$MR" user set bob --role admin
refuses "a bad TIN" 3 "tin '" "$MR" user set bob --tin 12345
refuses "the last admin keeps the role" 5 "last active admin" "$MR" user set alice --role officer
ok "bob's TINs replaced" "$MR" user set bob --tin 11-1111111 --json
expect_eq "one TIN, masked" "$(json_get tins <"$T/out")" '["*****1111"]'
ok "bob becomes a viewer of every TIN" "$MR" user set bob --role viewer --no-tin
expect_eq "it says what it is now" "$(cat "$T/out")" "account 'bob' changed: viewer, every TIN"
ok "the same again" "$MR" user set bob --role viewer
expect_match "nothing changed" "$(cat "$T/out")" "unchanged"
ok "bob becomes an admin" "$MR" user set bob --role admin
ok "so alice may step down" "$MR" user set alice --role officer --tin 123456789
ok "audit" "$MR" audit --json
expect_eq "each change is audited, before and after" "$(/usr/bin/python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["entity"] == "account"]
print(" ".join(r["action"] for r in rows if r["action"] in ("enable", "set")))
s = [r for r in rows if r["action"] == "set"][0]
print(s["before"]["tins"], s["after"]["tins"])' <"$T/out")" "enable set set set set
['*****6789', '*****4321'] ['*****1111']"
ok "audit verify after all" "$MR" audit --verify

finish
