-- Work only one instance of the issuer may do at a time (the collector's rounds): who holds it, and until when.
CREATE TABLE IF NOT EXISTS leases(name VARCHAR(64) PRIMARY KEY, holder VARCHAR(128) NOT NULL, until_at BIGINT NOT NULL);
