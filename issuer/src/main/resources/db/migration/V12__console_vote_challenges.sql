-- A challenge for a vote in the console names what it confirms: "vote:" and the SHA-256 of the proposal, the choice and
-- the account, so that the passkey's signature over it is the member's signature of that one vote.
ALTER TABLE console_challenges ALTER COLUMN purpose SET DATA TYPE VARCHAR(100);
