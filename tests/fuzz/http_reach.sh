#!/bin/sh
# The seeds of fuzz_http that carry a signed-in session reach the pages'
# handlers, and those of the API's list pages theirs: each input, alone
# against a fresh database, is answered by the page, the form or the
# refusal it names (fuzz_http.c's database: an
# admin and an officer of TIN 123456789, whose other-TIN records answer
# as absent), never with "sign in" (401), a refused CSRF token or a
# missing database.  A seed that stopped reaching its handler would leave
# the fuzzer knocking at the door.
set -u
: "${top_builddir:?run under make check}"
: "${top_srcdir:?run under make check}"
h="$top_builddir/tests/fuzz/fuzz_http"
corpus="$top_srcdir/tests/fuzz/corpus/http"
T=$(mktemp -d "${TMPDIR:-/tmp}/http_reach.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fails=0 checks=0
while read -r seed want; do
	case $seed in ''|'#'*) continue ;; esac
	: >"$T/trace"
	FUZZ_HTTP_TRACE="$T/trace" "$h" "$corpus/$seed" >"$T/log" 2>&1 ||
		{ echo "FAIL: fuzz_http $seed: $(tail -5 "$T/log")"; fails=$((fails + 1)); continue; }
	got=$(cut -f2 "$T/trace" | cut -d' ' -f2)
	checks=$((checks + 1))
	if [ "$got" != "$want" ]; then
		echo "FAIL: $seed ($(cut -f1 "$T/trace")): answered '$(cut -f2 "$T/trace")', want $want"
		fails=$((fails + 1))
	fi
done <<'SEEDS'
# signed in as the admin: pages with query strings
app-s-due 200
app-s-cases 200
app-s-case 200
app-s-whatif 200
app-s-packet 200
app-s-hardship 200
app-s-windows 200
app-s-feeds 200
app-s-root 303
# the admin's forms, past the CSRF check, done
app-s-status 303
app-s-note 303
app-s-deadline 303
app-s-case-ack 303
app-s-filing-status 303
app-s-filing-ack 303
app-s-extend 303
app-s-upload 303
app-s-logout 303
# the officer of one TIN: the other TIN's records are absent
app-o-cases-other-tin 200
app-o-case-other 404
app-o-hardship 200
app-o-status-other 404
app-o-filing-other 404
app-o-extend 403
app-o-feed-add 200
app-o-feed-revoke 303
# the API's pages, with their cursors
api-due-page 200
api-due-page-undated 200
api-hardship-page 200
api-windows-page 200
SEEDS
echo "$checks seeds checked, $fails failed"
[ "$fails" -eq 0 ] && [ "$checks" -gt 0 ]
