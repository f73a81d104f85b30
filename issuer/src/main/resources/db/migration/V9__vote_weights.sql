-- Weighted votes ([DEC-2]): each member of a proposal's electorate with the weight it had when the proposal opened.
ALTER TABLE electorates ADD COLUMN IF NOT EXISTS weight INT DEFAULT 1 NOT NULL;
