#!/bin/sh
# The signed one-click acknowledgement link in reminder and escalation
# mails: GET only shows a confirmation page (a mail scanner fetching it
# acknowledges nothing); its POST acknowledges through the same function
# as 'alerts ack', audited as the mail link with the recipient; a changed,
# cut, expired or stale link is refused with a page and nothing written;
# acknowledging through the link stops the escalation.  Without base_url
# the mail names the command instead.  Real SMTP and HTTP on loopback.
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/alerts_lib.sh"
command -v curl >/dev/null 2>&1 || { echo "SKIP: no curl"; exit 77; }

start_sink main || finish

# --- without base_url: no link, the command
write_config "$PORT"
add_case --name "Dr. Ada Example" --owner ada@practice.example
ok "the 14d reminder without base_url" $MR alerts send
body=$($PY "$CHECK_PY" "$T/main/mail" body case-1.1728691200.14d@)
expect_match "no base_url: the command" "$body" \
	"Acknowledge it and the reminders to the owner stop: mipsreview alerts ack 1$"
expect_eq "no base_url: no link" "$(printf '%s\n' "$body" | grep -c '/app/ack')" 0
expect_eq "no base_url: no key file made" "$(ls "$MIPSREVIEW_DB.link-key" 2>/dev/null)" ""

# --- with base_url: a link in each reminder and escalation
write_config "$PORT" "base_url = https://office.practice.example/mr/" \
	"escalate_to = boss@practice.example" "escalate_after = 2d"
add_case --name "Dr. Bo Example" --owner bo@practice.example
add_case --name "Dr. Cy Example" --owner cy@practice.example
ok "the 7d reminders" $MR alerts send --now 2024-10-05T00:00:30Z
link_of() { $PY "$CHECK_PY" "$T/main/mail" body "$1" |
	sed -n 's|^  \(https://office\.practice\.example/mr/app/ack?t=[^ ]*\)$|\1|p'; }
l1=$(link_of case-1.1728691200.7d@)
l2=$(link_of case-2.1728691200.7d@)
l3=$(link_of case-3.1728691200.7d@)
expect_match "case 1: a link on base_url" "$l1" '^https://office\.practice\.example/mr/app/ack\?t=v1\.case\.1\.1728691200\.draft\.1728691200\.[0-9a-f]+\.[0-9a-f]{64}$'
expect_match "case 2: a link of its own" "$l2" 't=v1\.case\.2\.'
expect_match "and the command beside it" \
	"$($PY "$CHECK_PY" "$T/main/mail" body case-1.1728691200.7d@)" \
	"^\(or run: mipsreview alerts ack 1\)$"
key_mode=$(stat -c %a "$MIPSREVIEW_DB.link-key")
expect_eq "the key file is private" "$key_mode" 600
expect_eq "the key is not in the database" \
	"$(sqlite3 "$MIPSREVIEW_DB" .dump | grep -c "$(sed -n 's/^key //p' "$MIPSREVIEW_DB.link-key")")" 0

# --- the office's daemon, without mail of its own
cat >"$T/d.conf" <<EOT
listen = 127.0.0.1:0
EOT
start_daemon() {
	rm -f "$T/d.log"
	MIPSREVIEW_NOW=$1 "$MRD" --config "$T/d.conf" --db "$MIPSREVIEW_DB" 2>"$T/d.log" &
	dpid=$!
	at_exit "kill $dpid 2>/dev/null"
	i=0
	until grep -q 'ready' "$T/d.log" 2>/dev/null; do
		i=$((i + 1)); [ "$i" -lt 200 ] || { fail "daemon not ready: $(cat "$T/d.log")"; finish; }
		sleep 0.05
	done
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/d.log")
	base="http://127.0.0.1:$port"
}
stop_daemon() { kill "$dpid"; wait "$dpid" 2>/dev/null; }
# get URL-FROM-THE-MAIL [curl args]: the same path and query on the daemon.
get() {
	u=$1; shift
	rm -f "$T/b"; : >"$T/b"
	curl -s -o "$T/b" -w '%{http_code}' --max-time 10 "$@" \
		"$base/app/ack?${u#*\?}"
}
tok() { printf '%s' "${1#*t=}"; }
post() {
	t=$1; shift
	rm -f "$T/b"; : >"$T/b"
	curl -s -o "$T/b" -w '%{http_code}' --max-time 10 \
		--data-urlencode "t=$t" "$@" "$base/app/ack"
}
start_daemon 2024-10-05T06:00:00Z

# --- GET: a confirmation page, nothing written
before=$(db_digest)
expect_eq "GET the link: 200" "$(get "$l1")" 200
expect_match "it names the deadline" "$(cat "$T/b")" "Acknowledge the deadline of case 1"
expect_match "it masks the TIN" "$(cat "$T/b")" '\*\*\*\*\*6789'
expect_match "it asks to confirm with a form" "$(cat "$T/b")" '<form method="post" action="/app/ack">'
expect_match "it offers the mail's recipients" "$(cat "$T/b")" '<option>ada@practice.example</option>'
expect_match "both of them" "$(cat "$T/b")" '<option>officer@practice.example</option>'
expect_eq "a second GET (a mail scanner) is as harmless: 200" "$(get "$l1")" 200
expect_eq "GET wrote nothing" "$(db_digest)" "$before"
expect_eq "no acknowledgement yet" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT count(*) FROM alert_ack")" 0

# --- tampered and cut links: refused, nothing written
t1=$(tok "$l1")
bad_id=$(printf '%s' "$t1" | sed 's/^v1\.case\.1\./v1.case.2./')
bad_at=$(printf '%s' "$t1" | sed 's/\.1728691200\.draft\./.1728777600.draft./')
bad_mac=$(printf '%s' "$t1" | sed 's/.$/0/;t' | sed 's/0$/1/')
[ "$bad_mac" != "$t1" ] || bad_mac=$(printf '%s' "$t1" | sed 's/.$/2/')
cut=$(printf '%s' "$t1" | cut -c1-60)
other_to=$(printf 'mallory@evil.example' | od -An -tx1 | tr -d ' \n')
bad_to=$(printf '%s' "$t1" | sed "s/\.[0-9a-f]*\.\([0-9a-f]\{64\}\)\$/.$other_to.\1/")
for t in "$bad_id" "$bad_at" "$bad_mac" "$bad_to" "$cut" "v1.case.1" "x"; do
	expect_eq "GET a tampered link: 400" "$(get "?t=$t")" 400
	expect_match "the page says it is not valid" "$(cat "$T/b")" "not valid"
	expect_eq "POST a tampered link: 400" "$(post "$t" --data-urlencode address=ada@practice.example)" 400
done
expect_eq "GET without a token: 400" "$(get "?")" 400
expect_eq "tampering wrote nothing" "$(db_digest)" "$before"

# --- a recipient the link does not name: refused
expect_eq "POST as another address: 400" \
	"$(post "$t1" --data-urlencode address=mallory@evil.example)" 400
expect_eq "POST without an address: 400" "$(post "$t1")" 400
expect_eq "nothing written" "$(db_digest)" "$before"

# --- stale: case 2 changed state after its mail
ok "case 2's request fields" $MR set 2 "legal_name=Bo Example MD" \
	requester_role=clinician "explanation=EUC not applied"
MIPSREVIEW_NOW=2024-10-05T07:00:00Z ok "case 2 moves on" $MR status 2 ready --force
before=$(db_digest)
expect_eq "GET a stale link: 409" "$(get "$l2")" 409
expect_match "the page says it is stale" "$(cat "$T/b")" "stale.*state has changed"
expect_eq "POST a stale link: 409" "$(post "$(tok "$l2")" --data-urlencode address=bo@practice.example)" 409
expect_match "the POST says it is stale" "$(cat "$T/b")" "stale"
expect_eq "a stale link wrote nothing" "$(db_digest)" "$before"

# --- POST from the page: acknowledged, audited as the mail link
# Typed back in another case: recorded as the mail was sent to it.
expect_eq "POST the confirmation: 200" \
	"$(post "$t1" --data-urlencode address=ADA@Practice.Example --data-urlencode 'note=Ada files it Thursday')" 200
expect_match "the page says it is done" "$(cat "$T/b")" "is acknowledged by ada@practice.example \(mail link\)"
expect_eq "recorded by the recipient through the link" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT acked_by || '|' || note || '|' || closes_at FROM alert_ack WHERE what = 'case' AND item_id = 1")" \
	"ada@practice.example (mail link)|Ada files it Thursday|1728691200"
audit=$(sqlite3 "$MIPSREVIEW_DB" "SELECT who || '|' || after FROM audit WHERE entity = 'case' AND entity_id = 1 AND action = 'acknowledge deadline'")
expect_match "audited with who" "$audit" '^ada@practice\.example \(mail link\)\|'
expect_match "audited as the mail link" "$audit" '"via":"mail link"'
expect_match "audited with the recipient" "$audit" '"recipient":"ada@practice\.example"'
before=$(db_digest)
expect_eq "POST again: 409" "$(post "$t1" --data-urlencode address=officer@practice.example)" 409
expect_match "it says by whom" "$(cat "$T/b")" "already acknowledged"
expect_eq "GET after: 200" "$(get "$l1")" 200
expect_match "the page shows who acknowledged" "$(cat "$T/b")" "Already acknowledged by ada@practice.example \(mail link\)"
expect_eq "nothing written twice" "$(db_digest)" "$before"
ok "audit chain verifies" $MR audit --verify
stop_daemon

# --- acknowledging through the link stops the escalation
ok "two days on" $MR alerts send --now 2024-10-07T00:00:31Z
esc=$(mails main | grep -- '-escalation@' | cut -d'|' -f1 | tr '\n' ' ')
expect_eq "escalations: cases 2 and 3, not the acknowledged case 1" "$esc" \
	"<mipsreview.case-2.1728691200.7d-escalation@practice.example> <mipsreview.case-3.1728691200.7d-escalation@practice.example> "
l3e=$(link_of case-3.1728691200.7d-escalation@)
expect_match "the escalation carries a link for escalate_to" "$l3e" 't=v1\.case\.3\.'
body=$($PY "$CHECK_PY" "$T/main/mail" body case-3.1728691200.7d-escalation@)
expect_match "the escalation says what acknowledging does" "$body" "nobody else is told"

# --- stale: the deadline moved after the mail
ok "extend the window" $MR window extend 7 --closes "Oct 25 2024 7:00 p.m. CDT"
start_daemon 2024-10-08T00:00:00Z
before=$(db_digest)
expect_eq "GET a link to a moved deadline: 409" "$(get "$l3e")" 409
expect_match "the page says the deadline moved" "$(cat "$T/b")" "stale.*deadline has moved"
expect_eq "POST it: 409" "$(post "$(tok "$l3e")" --data-urlencode address=boss@practice.example)" 409
expect_eq "a moved deadline's link wrote nothing" "$(db_digest)" "$before"
stop_daemon

# --- expired: the deadline has passed
start_daemon 2024-10-12T00:00:00Z
before=$(db_digest)
expect_eq "GET an expired link: 410" "$(get "$l3")" 410
expect_match "the page says it expired" "$(cat "$T/b")" "expired"
expect_eq "POST an expired link: 410" "$(post "$(tok "$l3")" --data-urlencode address=cy@practice.example)" 410
expect_eq "an expired link wrote nothing" "$(db_digest)" "$before"
stop_daemon

# --- a hardship filing's link
ok "file a hardship exception" $MR hardship add --tin "$SEED_TIN" --year 2024 \
	--type euc --categories quality --event "IV fluid shortage" \
	--name "Dr. Hardy" --owner hardy@practice.example
ok "the filing's 3d reminder" $MR alerts send --now 2025-04-12T00:00:30Z
lh=$(link_of hardship-1.)
expect_match "the filing's link" "$lh" 't=v1\.hardship\.1\.1744675200\.'
start_daemon 2025-04-12T01:00:00Z
expect_eq "GET the filing's link: 200" "$(get "$lh")" 200
expect_match "it names the filing" "$(cat "$T/b")" "Acknowledge the deadline of hardship filing 1"
expect_eq "POST it: 200" "$(post "$(tok "$lh")" --data-urlencode address=hardy@practice.example)" 200
expect_eq "the filing is acknowledged through the link" \
	"$(sqlite3 "$MIPSREVIEW_DB" "SELECT acked_by FROM alert_ack WHERE what = 'hardship' AND item_id = 1")" \
	"hardy@practice.example (mail link)"
stop_daemon

# --- no key (not sent yet, or removed): no link is valid, and checking
# one makes no key, which only a sender does
mv "$MIPSREVIEW_DB.link-key" "$T/old-key"
start_daemon 2024-10-05T06:00:00Z
before=$(db_digest)
expect_eq "GET a link without a key: 400" "$(get "$l3")" 400
expect_match "the page says it is not valid" "$(cat "$T/b")" "not valid"
expect_eq "GET made no key" "$(ls "$MIPSREVIEW_DB.link-key" 2>/dev/null)" ""
expect_eq "POST a link without a key: 400" \
	"$(post "$(tok "$l3")" --data-urlencode address=cy@practice.example)" 400
expect_eq "POST made no key" "$(ls "$MIPSREVIEW_DB.link-key" 2>/dev/null)" ""
expect_eq "nothing written" "$(db_digest)" "$before"
stop_daemon

# --- another database's key does not sign for this one
ok "a sender makes a new key" $MR alerts send --now 2025-04-14T00:00:30Z
expect_eq "the sender made it" "$(stat -c %a "$MIPSREVIEW_DB.link-key")" 600
start_daemon 2024-10-05T06:00:00Z
expect_eq "a link signed under another key: 400" "$(get "$l3")" 400
stop_daemon
alerts_finish
