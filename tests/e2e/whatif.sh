#!/bin/sh
# The score what-if: known examples from the sources, edge cases, the
# explanation, dollars, and refusals (whatif only reads: nothing written).
. "$top_srcdir/tests/e2e/lib.sh"

wi() { "$MR" whatif "$@" --json >"$T/out" 2>"$T/err" || fail "whatif $*: exit $? ($(cat "$T/err"))"; }
get() { json_get "$1" <"$T/out"; }

# Case 1: PY2024, every category 90, nothing reported -> computed 90.
ok "add PY2024 case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2024 --reason euc-not-applied --quality 90 --cost 90 --ia 90 --pi 90

# Source: blog.healthmonix.com PY2024 positive side: 100 -> +1.05 %, 90 -> +0.63 %, 80 -> +0.21 %.
wi 1
expect_eq "Healthmonix PY2024: 90 -> +0.63 %" "$(get whatif.payment_adjustment)" 0.63
expect_eq "current computed from the case's scores" "$(get current.final_score_from)" computed
wi 1 --score quality=100 --score cost=100,ia=100 --score pi=100
expect_eq "Healthmonix PY2024: 100 -> +1.05 %" "$(get whatif.payment_adjustment)" 1.05
wi 1 --score quality=80,cost=80,ia=80,pi=80
expect_eq "Healthmonix PY2024: 80 -> +0.21 %" "$(get whatif.payment_adjustment)" 0.21
expect_eq "difference in points" "$(get difference.final_score)" -10.0

# Source: mdinteractive.com 2024 rule: 75.00 -> 0 %, 0.0-18.75 -> -9 %.
wi 1 --score quality=75,cost=75,ia=75,pi=75
expect_eq "exactly at the threshold: 0 %" "$(get whatif.payment_adjustment)" 0.0
wi 1 --score quality=18.75,cost=18.75,ia=18.75,pi=18.75
expect_eq "a quarter of the threshold: the full -9 %" "$(get whatif.payment_adjustment)" -9.0

# Source: ASCO; aafp.org: fewer than two scorable categories -> the threshold.
wi 1 --reweight quality,cost,ia,pi
expect_eq "every category reweighted: final = threshold" "$(get whatif.final_score)" 75.0
expect_eq "neutral" "$(get whatif.neutral)" True
expect_eq "neutral adjustment" "$(get whatif.payment_adjustment)" 0.0

# Case 2: PY2023 with CMS's reported figures and no cost score.
ok "add PY2023 case" "$MR" add --tin "$SEED_TIN" --name "Group" --year 2023 --reason euc-not-applied \
	--quality 80 --ia 100 --pi 50 --score 62.5 --adjustment -1.2 --practice small
# Reweighting the category that has no score needs no score for it.
# Source: aao.org MIPS 2022 small-practices article: no cost -> 55/0/15/30 (verified).
wi 2 --reweight cost --allowed-charges 120000
expect_eq "no cost: quality 55 %" "$(get whatif.weights.quality)" 55.0
expect_eq "final = 80x55% + 100x15% + 50x30%" "$(get whatif.final_score)" 74.0
expect_eq "current as reported" "$(get current.final_score_from)" reported
expect_eq "current dollars" "$(get current.dollars)" -1440.0
expect_eq "dollars are an estimate" "$(get estimate)" True
expect_match "dollar rule says paid amount" "$(get rules)" "paid amount, not the allowed amount"
# Source: mdinteractive.com (2023 QPP rule summaries): small practice, no cost and no PI -> 50/50.
wi 2 --reweight cost,pi
expect_eq "small practice, no cost/PI: quality 50 %" "$(get whatif.weights.quality)" 50.0
expect_eq "final = 80x50% + 100x50%" "$(get whatif.final_score)" 90.0
expect_eq "verified row" "$(get whatif.unverified)" False
# Source: sirweb.org (CMS At-a-Glance): PY2023 maximum +2.15 % at 100.
expect_eq "PY2023: 90 -> +2.15 x 15/25" "$(get whatif.payment_adjustment)" 1.29
# Source: 42 CFR 414.1380(c)(2)(ii)(G): a small practice without PI weighs 40/30/30/0.
wi 2 --reweight pi --score cost=60
expect_eq "small no-PI row: quality 40 %" "$(get whatif.weights.quality)" 40.0
expect_eq "small no-PI row: ia 30 %" "$(get whatif.weights.ia)" 30.0
expect_eq "small no-PI row is verified" "$(get whatif.unverified)" False
expect_match "the rule cites the regulation" "$(/usr/bin/python3 -c 'import json,sys
print([r["source"] for r in json.load(sys.stdin)["rules"] if r["rule"]=="redistribution" and r["verified"]])' <"$T/out")" "414.1380\(c\)\(2\)\(ii\)\(G\)"
# Source: 42 CFR 414.1380(c)(2)(ii)(F): no quality and no IA -> cost 30, PI 70.
wi 1 --reweight quality,ia
expect_eq "no quality, no IA: cost 30 %" "$(get whatif.weights.cost)" 30.0
expect_eq "no quality, no IA: pi 70 %" "$(get whatif.weights.pi)" 70.0
expect_eq "final = 90x30% + 90x70%" "$(get whatif.final_score)" 90.0
expect_eq "verified against the regulation" "$(get whatif.unverified)" False

# Text: side by side, then the rules with sources.
ok "whatif text" "$MR" whatif 2 --reweight cost,pi --allowed-charges 120000
expect_match "side by side" "$(cat "$T/out")" "final score +62.50 \(reported\) +90.00"
expect_match "dollar row" "$(cat "$T/out")" "120,000.00 +-\\\$1,440.00 +\+\\\$1,548.00 \(estimate\)"
expect_match "rules with sources" "$(cat "$T/out")" "source: 42 CFR 414.1380\(c\)\(2\)\(ii\)\(G\) \(small practices"
expect_match "reweighted categories shown" "$(cat "$T/out")" "cost +- +- \(reweighted\)"

# PY2025 has no published maximum: the positive side is an estimate.
MIPSREVIEW_NOW=2026-03-01T00:00:00Z ok "add PY2025 case" "$MR" add --tin "$SEED_TIN" --name "Late" \
	--year 2025 --reason other --quality 100 --cost 100 --ia 100 --pi 100
MIPSREVIEW_NOW=2026-03-01T00:00:00Z wi 3
expect_eq "PY2025 positive side is an estimate" "$(get whatif.estimate)" True

# Refusals: one clear line, nothing written.
refuses "negative dollars" 3 "cannot be negative" "$MR" whatif 1 --allowed-charges -5
refuses "absurd dollars" 3 "more than all of Medicare Part B" "$MR" whatif 1 --allowed-charges 1e300
refuses "unknown category" 3 "category 'aci' is not known" "$MR" whatif 1 --reweight aci
refuses "five categories" 3 "5 categories given" "$MR" whatif 1 --reweight quality,cost,ia,pi,ia
refuses "a category twice" 3 "cost is listed twice" "$MR" whatif 1 --reweight cost,cost
refuses "a score twice" 3 "given twice" "$MR" whatif 1 --score ia=1 --score ia=2
refuses "score out of range" 3 "from 0 to 100" "$MR" whatif 1 --score pi=101
refuses "missing score named" 3 "cost has no score" "$MR" whatif 2 --reweight ia
refuses "no such case" 4 "case 9 does not exist" "$MR" whatif 9
# Source: 42 CFR 414.1380(c)(2)(ii)(B) (2020 payment year = PY2018): no IA -> 65/10/0/25.
ok "add PY2018 case" "$MR" add --tin "$SEED_TIN" --name "Old" --year 2018 --reason other \
	--quality 50 --cost 50 --ia 50 --pi 50
wi 4 --reweight ia
expect_eq "PY2018 no IA: quality 65 %" "$(get whatif.weights.quality)" 65.0

# Case 5: a small practice (special status) that sent no PI data, PY2024.
# Source: 42 CFR 414.1380(c)(2)(i)(C)(9) (PI reweighted without asking from
# PY2022) and (c)(2)(ii)(G): small practice, no PI -> 40/30/30/0.
ok "add small practice case" "$MR" add --tin "$SEED_TIN" --name "Small" --year 2024 --reason scoring-error \
	--special-status small-practice --quality 80 --cost 50 --ia 100
wi 5
expect_eq "PI reweighted without asking" "$(get whatif.reweighted)" '["pi"]'
expect_eq "small practice weights: quality 40 %" "$(get whatif.weights.quality)" 40.0
expect_eq "small practice weights: ia 30 %" "$(get whatif.weights.ia)" 30.0
expect_eq "final = 80x40% + 50x30% + 100x30%" "$(get whatif.final_score)" 77.0
expect_eq "current side too" "$(get current.final_score)" 77.0
expect_match "the rule is named" "$(get rules)" "without an application"
# Source: 42 CFR 414.1380(c)(3)(viii): complex patient bonus up to 10; final capped at 100.
wi 5 --complex-patient-bonus 4.5
expect_eq "complex patient bonus added" "$(get whatif.final_score)" 81.5
wi 5 --complex-patient-bonus 10 --score quality=100,cost=100
expect_eq "the final score is capped at 100" "$(get whatif.final_score)" 100.0
refuses "complex patient bonus above 10" 3 "in PY2024 it runs from 0 to 10 points" \
	"$MR" whatif 5 --complex-patient-bonus 11
refuses "complex patient bonus not a number" 3 "complex-patient-bonus 'lots'" \
	"$MR" whatif 5 --complex-patient-bonus lots
# Source: 42 CFR 414.1380(b)(1)(v)(C): 6 quality measure bonus points (of 60: +10 quality).
wi 5 --small-practice-bonus
expect_eq "quality with the small practice bonus" "$(get whatif.category_scores.quality)" 90.0
expect_eq "final = 90x40% + 50x30% + 100x30%" "$(get whatif.final_score)" 81.0
expect_eq "the bonus is an estimate" "$(get whatif.estimate)" True
refuses "small practice bonus for a large practice" 3 "only a practice of 15 or fewer clinicians" \
	"$MR" whatif 1 --small-practice-bonus
# Source: 42 CFR 414.1405(b) against Healthmonix PY2024 (60 -> -1.73 %): the line gives -1.80 %.
wi 1 --score quality=60,cost=60,ia=60,pi=60
expect_eq "60 -> -1.80 % by the rule" "$(get whatif.payment_adjustment)" -1.8
expect_eq "the negative side is an estimate" "$(get whatif.estimate)" True
expect_match "the distance to Healthmonix is named" "$(get rules)" "60 -> -1.73 % where the rule gives -1.80 %"

finish
