-- What a quality result's number means when the number alone cannot say it: "no history yet" (stored
-- as observed 0 until now, with the explanation only in the report), "12 of 480 rows", the trailing
-- band compared with. Written by the check code, never from row values (they may be personal data).
ALTER TABLE dq_results ADD COLUMN IF NOT EXISTS note String DEFAULT '' AFTER outcome;
