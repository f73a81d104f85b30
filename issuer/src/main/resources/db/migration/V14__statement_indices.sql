-- A party's statements (the console's member and licensee pages) and the newest ones (the operators' page) are read
-- without scanning a month's statements, which are gigabytes at scale.
CREATE INDEX IF NOT EXISTS statements_by_party ON statements(party, created);
CREATE INDEX IF NOT EXISTS statements_by_created ON statements(created, number);
