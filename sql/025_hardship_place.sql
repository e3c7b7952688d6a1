-- Version 25: where the practice of a hardship filing is.
--
-- CMS's automatic EUC policy reweights the clinicians of the counties it
-- covered in a performance year without an application; a filing records
-- the practice's county ("Kerr, TX") and ZIP code, as a case does, so
-- 'hardship show' can tell whether that policy already applied.
ALTER TABLE hardship_filing ADD COLUMN county TEXT;
ALTER TABLE hardship_filing ADD COLUMN zip TEXT CHECK (zip IS NULL OR
	zip GLOB '[0-9][0-9][0-9][0-9][0-9]');
