-- Version 10: clinicians' eligibility records from CMS's QPP Eligibility API.
--
-- One row per NPI and performance year: the exact bytes of the last 200
-- answer (body), their SHA-256, where they came from (url, API version,
-- the data load asked for: run_number NULL means CMS's latest) and when
-- (retrieved_at, and the server's Date header).  A refresh replaces the
-- row; evidence attached from it keeps its own copy.
CREATE TABLE eligibility_record (
	npi			TEXT NOT NULL CHECK (length(npi) = 10 AND npi NOT GLOB '*[^0-9]*'),
	performance_year	INTEGER NOT NULL CHECK (performance_year >= 2017),
	run_number		INTEGER CHECK (run_number IS NULL OR run_number BETWEEN 1 AND 4),
	api_version		INTEGER NOT NULL,
	url			TEXT NOT NULL,
	retrieved_at		TEXT NOT NULL,
	server_date		TEXT,
	sha256			TEXT NOT NULL CHECK (length(sha256) = 64),
	body			BLOB NOT NULL,
	PRIMARY KEY (npi, performance_year)
);
