#!/bin/sh
# Reference facts and packs: list with sources, export, import all or
# nothing, the office's own windows kept, every bad pack refused whole.
export MIPSREVIEW_NOW=2026-11-30T15:00:00Z
. "$top_srcdir/tests/e2e/lib.sh"

# The release's facts are a reference pack, applied as an office's would be.
shipped="$top_srcdir/sql/reference.json"
ok "list" "$MR" reference list --year 2026
expect_match "the release's pack is recorded, by its SHA-256" "$(cat "$T/out")" \
	"^Pack 1: 2026-11-30, mipsreview release: .*, sha256 $(sha256sum <"$shipped" | cut -d' ' -f1), shipped with a release, .*\([0-9]+ changed, 0 conflicts\)$"
ok "list the bonuses" "$MR" reference list --kind bonus
expect_match "the complex patient bonus, sourced" "$(cat "$T/out")" \
	"^bonus +2022 complex-patient: 10 points on the final score +verified +42 CFR 414.1380 .*\(c\)\(3\)"
expect_match "the small practice bonus in quality" "$(cat "$T/out")" \
	"^bonus +2024 small-practice: 6 measure points in quality +verified +42 CFR 414.1380 .*\(b\)\(1\)\(v\)\(C\)"
ok "export of a fresh database" "$MR" reference export -o "$T/fresh.json"
expect_eq "the export is the shipped pack, fact for fact" "$(/usr/bin/python3 -c 'import json,sys
a = json.load(open(sys.argv[1]))["facts"]; b = json.load(open(sys.argv[2]))["facts"]
num = lambda v: float(v) if type(v) in (int, float) else v
key = lambda f: json.dumps({k: num(v) for k, v in f.items()}, sort_keys=True)
print(len(a), len(b), sorted(map(key, a)) == sorted(map(key, b)))' "$T/fresh.json" "$shipped")" \
	"$(grep -c '"kind":' "$shipped") $(grep -c '"kind":' "$shipped") True"
ok "the shipped pack imported" "$MR" reference import "$shipped"
expect_match "is the release's, applied before" "$(cat "$T/out")" "was applied before \(pack 1\)"
ok "list" "$MR" reference list --year 2026
expect_match "PY2026 threshold, verified, sourced" "$(cat "$T/out")" "^program-year +2026 threshold 75.* verified +patient360.com"
ok "list --json" "$MR" reference list --json --kind weights
expect_eq "only weights" "$(/usr/bin/python3 -c 'import json,sys
print(sorted(set(f["kind"] for f in json.load(sys.stdin)["facts"])))' <"$T/out")" "['weights']"
expect_eq "every fact has a source" "$(/usr/bin/python3 -c 'import json,sys
print(all(f["source"] for f in json.load(sys.stdin)["facts"]))' <"$T/out")" True
refuses "unknown --kind" 3 "kind 'penalty'" "$MR" reference list --kind penalty
ok "export" "$MR" reference export -o "$T/pack.json"
expect_eq "the export is a pack" "$(json_get format <"$T/pack.json")" mipsreview-reference

# pack NAME PYTHON: write $T/NAME.json from the export, changed by PYTHON (p is the pack).
pack() {
	/usr/bin/python3 -c 'import json,sys
p = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(p, open(sys.argv[2], "w"), indent=1)' "$T/pack.json" "$T/$1.json" "$2"
}
pack unknown 'p["facts"].append({"kind": "penalty", "year": 2026, "source": "x", "verified": True})'
refuses "unknown kind" 3 "unknown kind" "$MR" reference import "$T/unknown.json"
pack dup 'p["facts"].append(dict(p["facts"][0]))'
refuses "duplicate row" 3 "a duplicate of fact 1" "$MR" reference import "$T/dup.json"
pack early 'p["facts"][0]["year"] = 2016'
refuses "a year before 2017" 3 "fact 1 (program-year 2016): performance years run from 2017" "$MR" reference import "$T/early.json"
pack sum 'w = [f for f in p["facts"] if f["kind"] == "weights"][0]; w["quality"] -= 5'
refuses "weights not summing to 100" 3 "is 95, not 100" "$MR" reference import "$T/sum.json"
pack backwards 'w = [f for f in p["facts"] if f["kind"] == "window"][0]; w["opens_at"] = "2030-01-01T00:00:00Z"'
refuses "window closing before it opens" 3 "closes before it opens" "$MR" reference import "$T/backwards.json"
pack nosource 'p["facts"][3]["source"] = ""'
refuses "a source missing" 3 "names its public source" "$MR" reference import "$T/nosource.json"
pack blanksource 'p["facts"][3]["source"] = "  "'
refuses "a blank source" 3 "names its public source" "$MR" reference import "$T/blanksource.json"
pack noground 'p["facts"].append({"kind": "evidence-requirement", "reason": "bad-weather", "evidence_kind": "submission-receipt", "source": "x", "verified": False})'
refuses "a checklist rule for an unknown ground" 3 "reason 'bad-weather' is not known" "$MR" reference import "$T/noground.json"
pack nokind 'p["facts"].append({"kind": "evidence-requirement", "reason": "other", "evidence_kind": "selfie", "source": "x", "verified": False})'
refuses "a checklist rule for an unknown kind of evidence" 3 "kind 'selfie' is not known" "$MR" reference import "$T/nokind.json"
# A misspelt or stray key, at any level, must not drop a fact silently.
pack typo 'w = [f for f in p["facts"] if f["kind"] == "weights"][0]; w["qualty"] = w.pop("quality")'
refuses "a misspelt key in a fact" 3 "fact [0-9]* (weights): unknown key 'qualty' (a weights fact has kind, year, source, verified, reweighted, practice, quality, cost, ia, pi)" \
	"$MR" reference import "$T/typo.json"
pack stray 'p["facts"][0]["note"] = "x"'
refuses "a stray key in a fact" 3 "fact 1 (program-year): unknown key 'note'" "$MR" reference import "$T/stray.json"
pack toplevel 'p["fact"] = []'
refuses "an unknown key at the top level" 3 "pack: unknown key 'fact' at the top level" "$MR" reference import "$T/toplevel.json"
pack ruleyear 'r = [f for f in p["facts"] if f["kind"] == "evidence-requirement"][0]; r["year"] = 2026'
refuses "a year on a checklist rule" 3 "unknown key 'year' (a checklist rule holds for every year)" "$MR" reference import "$T/ruleyear.json"
pack advice 'r = [f for f in p["facts"] if f["kind"] == "evidence-requirement"][0]; r["advice"] = "yes"'
refuses "advice not a boolean" 3 "'advice' must be true" "$MR" reference import "$T/advice.json"
pack oneof 'r = [f for f in p["facts"] if f["kind"] == "evidence-requirement"][0]; r["one_of"] = "Either One"'
refuses "a bad one_of name" 3 "'one_of' must be null or a name" "$MR" reference import "$T/oneof.json"
# The checklist's advice and alternatives travel in packs.
expect_eq "export: advice and one_of of the EUC proofs" "$(/usr/bin/python3 -c 'import json,sys
print(sorted((f["evidence_kind"], f["advice"], f["one_of"]) for f in json.load(sys.stdin)["facts"] if f.get("reason") == "euc-not-applied"))' <"$T/pack.json")" \
	"[('feedback-report', True, None), ('fema-county', True, 'euc-proof'), ('hardship-approval', True, 'euc-proof')]"
expect_eq "export: the explanation is CMS's form, not advice" "$(/usr/bin/python3 -c 'import json,sys
print([f["advice"] for f in json.load(sys.stdin)["facts"] if f.get("reason") == "other" and f["evidence_kind"] == "explanation"])' <"$T/pack.json")" "[False]"
pack nopoints 'b = [f for f in p["facts"] if f["kind"] == "bonus"][0]; b["points"] = 0'
refuses "a bonus of no points" 3 "'points' (above 0, at most 100)" "$MR" reference import "$T/nopoints.json"
pack badbonus 'b = [f for f in p["facts"] if f["kind"] == "bonus"][0]; b["bonus"] = "loyalty"'
refuses "an unknown bonus" 3 "'bonus' must be complex-patient or small-practice" "$MR" reference import "$T/badbonus.json"
printf '{"format": "mipsreview-reference", "version": 1,' >"$T/broken.json"
refuses "not JSON" 3 "not valid JSON" "$MR" reference import "$T/broken.json"
refuses "no such file" 4 "No such file" "$MR" reference import "$T/nosuch.json"

# An office update: PY2027's threshold published, the PY2025 targeted-review
# window announced; the office had moved the PY2026 EUC deadline itself.
ok "the office edits a shipped window" "$MR" window set "$(/usr/bin/python3 -c 'import json,sys
print([w["id"] for w in json.load(sys.stdin) if w["name"] == "PY2026 EUC application"][0])' <<EOF2
$("$MR" window list --json --year 2026)
EOF2
)" --closes "2027-01-15 20:00 America/New_York" --source "QPP listserv, office copy"
pack update 'p["date"] = "2026-12-01"; p["publisher"] = "Example Practice compliance"
p["facts"].append({"kind": "program-year", "year": 2027, "payment_year": 2029, "performance_threshold": 75, "exceptional_threshold": None, "max_adjustment_pct": 9, "source": "CY 2027 PFS final rule (example)", "verified": True})
p["facts"].append({"kind": "window", "year": 2025, "window_kind": "targeted-review", "name": "PY2025 targeted review", "opens_at": None, "closes_at": "2027-01-15T01:00:00Z", "zone": "America/New_York", "source": "CMS listserv (example)", "verified": True})
w = [f for f in p["facts"] if f.get("name") == "PY2026 EUC application"][0]; w["closes_at"] = "2027-01-02T01:00:00Z"
r = [f for f in p["facts"] if f.get("reason") == "other" and f["evidence_kind"] == "feedback-report"][0]; r["advice"] = False; r["one_of"] = "report"'
ok "import" "$MR" reference import "$T/update.json"
expect_match "counts" "$(cat "$T/out")" "pack of 2026-12-01 \(sha256 [0-9a-f]{12}\): [0-9]+ facts, 3 added or changed, 1 conflicts"
expect_eq "advice and one_of imported" "$(sqlite3 "$MIPSREVIEW_DB" "SELECT advice || ' ' || one_of FROM evidence_requirement WHERE reason = 'other' AND kind = 'feedback-report'")" "0 report"
expect_match "the conflict is reported" "$(cat "$T/err")" "kept the office's own windows.*PY2026 euc-hardship 'PY2026 EUC application'"
ok "window list" "$MR" window list --json --year 2026
expect_eq "the office's deadline stands" "$(/usr/bin/python3 -c 'import json,sys
print([w["deadline"]["closes_at"] for w in json.load(sys.stdin) if w["name"] == "PY2026 EUC application"][0])' <"$T/out")" 2027-01-16T01:00:00Z
ok "list shows the pack" "$MR" reference list --year 2027
expect_match "pack recorded" "$(cat "$T/out")" "^Pack 2: 2026-12-01, Example Practice compliance, sha256 [0-9a-f]{64}, imported by the office"
expect_match "PY2027 threshold" "$(cat "$T/out")" "^program-year +2027 threshold 75"
ok "again" "$MR" reference import "$T/update.json"
expect_match "applied before" "$(cat "$T/out")" "applied before"
ok "audit" "$MR" audit --json
expect_eq "the import is audited once" "$(/usr/bin/python3 -c 'import json,sys
print(sum(1 for r in json.load(sys.stdin) if r["entity"] == "reference"))' <"$T/out")" 1
ok "audit chain verifies" "$MR" audit --verify
# PY2027 is now its own year: nothing assumed for its threshold.
ok "a PY2027 case" "$MR" add --tin "$SEED_TIN" --name X --year 2027 --reason other --quality 50 --cost 50 --ia 50 --pi 50
ok "whatif" "$MR" whatif 1 --json
expect_eq "threshold not assumed" "$(/usr/bin/python3 -c 'import json,sys
print([r["assumed_from"] for r in json.load(sys.stdin)["rules"] if r["rule"]=="threshold"][0])' <"$T/out")" None
# The PY2025 targeted-review window now dates PY2025 cases.
ok "a PY2025 case" "$MR" add --tin "$SEED_TIN" --name Y --year 2025 --reason other
ok "due" "$MR" due
expect_match "PY2025 case dated" "$(cat "$T/out")" "^case +2 +Y .*targeted-review +2027-01-14 20:00 EST"
# What-if takes its bonuses from the reference data: a pack that raises a
# year's complex patient bonus lets what-if ask for more.
ok "a PY2026 case" "$MR" add --tin "$SEED_TIN" --name Z --year 2026 --reason other --quality 50 --cost 50 --ia 50 --pi 50
zid=$(cat "$T/out")
refuses "PY2026: at most 10 complex patient points" 3 "in PY2026 it runs from 0 to 10 points" \
	"$MR" whatif "$zid" --complex-patient-bonus 12
pack bonus12 'p["date"] = "2026-12-02"; p["facts"] = [f for f in p["facts"] if f["kind"] == "bonus" and f["year"] == 2026 and f["bonus"] == "complex-patient"]
p["facts"][0]["points"] = 12; p["facts"][0]["source"] = "an example rule"; p["facts"][0]["verified"] = False'
ok "import the raised bonus" "$MR" reference import "$T/bonus12.json"
ok "what-if with 12 points" "$MR" whatif "$zid" --complex-patient-bonus 12 --json
expect_eq "the bonus note names the pack's source" "$(/usr/bin/python3 -c 'import json,sys
r = [r for r in json.load(sys.stdin)["rules"] if r["rule"] == "complex-patient-bonus"][0]
print(r["source"], r["verified"])' <"$T/out")" "an example rule False"
finish
