-- The collective's public notices ([NTC-1]): each strike, resumption, termination and removal, signed.
CREATE TABLE IF NOT EXISTS notices(n BIGINT PRIMARY KEY, at BIGINT NOT NULL, kind VARCHAR(16) NOT NULL, jws TEXT NOT NULL);
