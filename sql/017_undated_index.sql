-- Version 17: the cases without a deadline, counted and listed from indexes.
--
-- due, the health check and the alert mails report the open cases of a
-- year that has no targeted-review window as one group with their count.
-- With deadline_at in the index that count reads index entries only, and
-- the cases joined to a window are told dated from undated without
-- visiting the table.  The old index is a prefix of this one.
CREATE INDEX review_case_year_status_deadline
	ON review_case (performance_year, status, deadline_at);
DROP INDEX review_case_year_status;
-- due --undated lists them by year, then id, as it reads them: this index
-- holds them in that order, so nothing is sorted in memory.
CREATE INDEX review_case_undated ON review_case (performance_year)
	WHERE deadline_at IS NULL;
