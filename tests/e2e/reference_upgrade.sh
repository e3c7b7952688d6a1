#!/bin/sh
# A database made by every earlier schema, with a case, a note and (once
# windows have an origin) a deadline the office moved itself, opens and
# upgrades in place: nothing lost, the release's reference pack applied
# and recorded, the office's deadline kept as a conflict.
. "$top_srcdir/tests/e2e/lib.sh"

shipped="$top_srcdir/sql/reference.json"
files=$(sed -n 's|^SQL_FILES +\?= ||p' "$top_srcdir/sql/local.mk")
version() {
	case ${1##*/} in
	schema.sql) echo 1 ;;
	*) echo "${1##*/}" | sed 's/^0*\([0-9][0-9]*\)_.*/\1/' ;;
	esac
}
latest=0
for f in $files; do v=$(version "$f"); [ "$v" -gt "$latest" ] && latest=$v; done

n=0
for f in $files; do
	n=$((n + 1))
	v=$(version "$f")
	[ "$v" -lt "$latest" ] || break
	# A database of version v holds every file up to the last of that version.
	next=$(echo "$files" | tr ' ' '\n' | sed -n "$((n + 1))p")
	[ -n "$next" ] && [ "$(version "$next")" -eq "$v" ] && continue
	old="$T/v$v.db"
	echo "$files" | tr ' ' '\n' | head -n "$n" | while read -r g; do
		cat "$top_srcdir/$g"
	done | sqlite3 "$old" || { fail "building a version $v database"; continue; }
	chmod 600 "$old"
	sqlite3 "$old" "PRAGMA user_version = $v; PRAGMA application_id = 1296650323;
INSERT INTO review_case (tin, npi, name, performance_year, reasons, created_at,
 updated_at) VALUES ('123456789', '1234567893', 'Dr. Ada Example', 2023,
 'euc-not-applied', '2024-09-01T00:00:00Z', '2024-09-01T00:00:00Z');
INSERT INTO case_note (case_id, at, who, body) VALUES (1,
 '2024-09-01T00:00:00Z', 'ada', 'kept across upgrades')" ||
		{ fail "seeding the version $v database"; continue; }
	moved=
	if sqlite3 "$old" "SELECT origin FROM review_window LIMIT 1" >/dev/null 2>&1 &&
	    [ "$(sqlite3 "$old" "SELECT count(*) FROM review_window WHERE name = 'PY2026 EUC application'")" = 1 ]; then
		sqlite3 "$old" "UPDATE review_window SET closes_at = closes_at + 86400,
 origin = 'office', revision = revision + 1 WHERE name = 'PY2026 EUC application'"
		moved=$(sqlite3 "$old" "SELECT closes_at FROM review_window WHERE name = 'PY2026 EUC application'")
	fi
	MIPSREVIEW_DB="$old" "$MR" list --json >"$T/out" 2>"$T/err" ||
		{ fail "version $v: upgrade: $(cat "$T/err")"; continue; }
	expect_eq "version $v: the case is kept" "$(json_get 0.name <"$T/out")" "Dr. Ada Example"
	expect_eq "version $v: its note is kept" \
		"$(sqlite3 "$old" "SELECT body FROM case_note")" "kept across upgrades"
	expect_eq "version $v: upgraded to the latest schema" \
		"$(sqlite3 "$old" "PRAGMA user_version")" "$latest"
	expect_eq "version $v: the release's pack recorded once" \
		"$(sqlite3 "$old" "SELECT origin || ' ' || digest FROM reference_pack")" \
		"release $(sha256sum <"$shipped" | cut -d' ' -f1)"
	MIPSREVIEW_DB="$old" "$MR" reference export -o "$T/v$v.json" 2>"$T/err" ||
		fail "version $v: export: $(cat "$T/err")"
	if [ -n "$moved" ]; then
		expect_eq "version $v: the office's deadline stands" \
			"$(sqlite3 "$old" "SELECT closes_at || ' ' || origin FROM review_window WHERE name = 'PY2026 EUC application'")" \
			"$moved office"
		expect_eq "version $v: the conflict is recorded with the pack" \
			"$(sqlite3 "$old" "SELECT conflicts || ': ' || conflict_names FROM reference_pack")" \
			"1: PY2026 euc-hardship 'PY2026 EUC application' (window $(sqlite3 "$old" "SELECT id FROM review_window WHERE name = 'PY2026 EUC application'"))"
		skip="PY2026 EUC application"
	else
		skip=
	fi
	expect_eq "version $v: the reference facts are the shipped ones" "$(/usr/bin/python3 -c 'import json,sys
num = lambda v: float(v) if type(v) in (int, float) else v
key = lambda f: json.dumps({k: num(v) for k, v in f.items()}, sort_keys=True)
a = json.load(open(sys.argv[1]))["facts"]
b = [f for f in json.load(open(sys.argv[2]))["facts"] if f.get("name") != sys.argv[3]]
print(sorted(map(key, a)) == sorted(map(key, b)))' "$T/v$v.json" "$shipped" "$skip")" True
	expect_eq "version $v: integrity" \
		"$(sqlite3 "$old" "PRAGMA foreign_key_check; PRAGMA integrity_check")" "ok"
done
[ "$checks" -gt 50 ] || fail "too few earlier schemas were tried ($checks checks)"
finish
