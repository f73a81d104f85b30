-- Agreements end before their term, and licensees leave ([ISS-10], [ISS-11]): when and why, kept for the history.
ALTER TABLE agreements ADD COLUMN IF NOT EXISTS terminated BIGINT;
ALTER TABLE agreements ADD COLUMN IF NOT EXISTS termination_reason TEXT;
ALTER TABLE licensees ADD COLUMN IF NOT EXISTS removed BIGINT;
