-- Members as organisations ([DEC-2]): a site belongs to the organisation named when it was added (by default, itself);
-- an organisation with several sites has one vote.
ALTER TABLE members ADD COLUMN IF NOT EXISTS organisation VARCHAR(512);
