-- Collective decisions ([DEC-1] to [DEC-5]): proposals with the rules they were opened under, who may vote on each
-- (the members when it was opened), and every vote with the signed request that cast it.
CREATE TABLE IF NOT EXISTS proposals(id VARCHAR(32) PRIMARY KEY, action VARCHAR(16) NOT NULL, licensee VARCHAR(512), effective BIGINT,
    reason TEXT NOT NULL, opened BIGINT NOT NULL, deadline BIGINT NOT NULL, opened_by VARCHAR(600) NOT NULL, electorate INT NOT NULL,
    quorum INT NOT NULL, majority INT NOT NULL, state VARCHAR(16) NOT NULL, decided BIGINT, executed BIGINT, evidence TEXT);
CREATE TABLE IF NOT EXISTS electorates(proposal VARCHAR(32) NOT NULL, member VARCHAR(512) NOT NULL, PRIMARY KEY(proposal, member));
CREATE TABLE IF NOT EXISTS votes(proposal VARCHAR(32) NOT NULL, member VARCHAR(512) NOT NULL, vote VARCHAR(8) NOT NULL, at BIGINT NOT NULL,
    evidence TEXT NOT NULL, PRIMARY KEY(proposal, member));
