#!/bin/sh
# Every option that takes a date or a time says "not a date" for a day the
# calendar lacks, naming the option and a form it accepts, in one line,
# and writes nothing.
. "$top_srcdir/tests/e2e/lib.sh"

ok "a case" "$MR" add --tin "$SEED_TIN" --npi "$SEED_NPI" --name "Dr. Ada Example" \
	--year 2023 --reason scoring-error
ok "a filing" "$MR" hardship add --tin "$SEED_TIN" --year 2024 --type euc \
	--categories quality,cost --event "Hurricane"
ok "a window" "$MR" window add --kind other --year 2024 --closes "2025-01-10 20:00 ET"

refuses "window add --closes Oct 32" 3 \
	"closes 'Oct 32 2024': not a date: October 2024 has 31 days; write e.g. '2024-10-11 20:00 ET'" \
	"$MR" window add --kind other --year 2024 --closes "Oct 32 2024"
refuses "window add --closes month 13" 3 "closes '2024-13-01 20:00 ET': not a date: there is no month 13" \
	"$MR" window add --kind other --year 2024 --closes "2024-13-01 20:00 ET"
refuses "window add --opens Feb 30" 3 "opens 'Feb 30 2025 9am ET': not a date: February 2025 has 28 days" \
	"$MR" window add --kind other --year 2024 --opens "Feb 30 2025 9am ET" \
	--closes "2025-03-10 20:00 ET"
refuses "window set --closes" 3 "closes 'Sep 31 2025 20:00 ET': not a date: September 2025 has 30 days" \
	"$MR" window set 1 --closes "Sep 31 2025 20:00 ET"
refuses "window extend --closes" 3 "closes 'Nov 31 2025': not a date" \
	"$MR" window extend 1 --closes "Nov 31 2025"
refuses "set deadline=" 3 "deadline 'Oct 32 2024 20:00 ET': not a date" \
	"$MR" set 1 "deadline=Oct 32 2024 20:00 ET"
ok "case ready" "$MR" set 1 legal_name="Example Clinic LLC" requester_role=clinician \
	explanation="Scored as not submitted."
ok "ready" "$MR" status 1 ready --force
ok "submitted" "$MR" status 1 submitted
refuses "status --requested-on" 3 "requested-on '2024-09-31': not a date; write .*YYYY-MM-DD, e.g. 2024-10-05" \
	"$MR" status 1 documents-requested --requested-on 2024-09-31
refuses "hardship add --filed" 3 "filed '2024-02-30': not a date in the calendar; write YYYY-MM-DD" \
	"$MR" hardship add --tin "$SEED_TIN" --npi "$SEED_NPI" --year 2024 --type pi \
	--categories pi --event "EHR down" --filed 2024-02-30
refuses "hardship add --filed, not a date at all" 3 "filed 'Oct 2 2024': not a date; write YYYY-MM-DD" \
	"$MR" hardship add --tin "$SEED_TIN" --npi "$SEED_NPI" --year 2024 --type pi \
	--categories pi --event "EHR down" --filed "Oct 2 2024"
refuses "hardship set filed=" 3 "filed '2023-02-29': not a date in the calendar" \
	"$MR" hardship set 1 filed=2023-02-29
refuses "alerts send --now" 3 "\-\-now 'Oct 32 2024 12:00 UTC': not a date: October 2024 has 31 days" \
	"$MR" alerts send --dry-run --now "Oct 32 2024 12:00 UTC"

finish
