-- Version 24: the cases list a page at a time, filtered by year or status.
--
-- The office's cases page and /api/v1/cases read the next cases by id
-- after a cursor.  An index on one column holds its entries in id order
-- within each value, so "year = ? AND id > ? ORDER BY id LIMIT n" reads
-- the n entries of the page; the (performance_year, status, deadline_at)
-- index is in deadline order and made SQLite read every case of the year
-- and sort them for each page.  Status alone had no index at all, so a
-- rare status was looked for through the whole table.
CREATE INDEX review_case_year_id ON review_case (performance_year);
CREATE INDEX review_case_status_id ON review_case (status);
