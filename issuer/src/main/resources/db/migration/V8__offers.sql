-- Offers and their acceptance ([OFR-1] to [OFR-3]): the terms as drafted, the signed offer once published, and each
-- licensee's signed acceptance with the agreement it made.
CREATE TABLE IF NOT EXISTS offers(id VARCHAR(128) PRIMARY KEY, state VARCHAR(16) NOT NULL, created BIGINT NOT NULL, grant_json TEXT NOT NULL,
    not_before BIGINT, not_after BIGINT NOT NULL, accept_until BIGINT, jws TEXT, published BIGINT, withdrawn BIGINT);
CREATE TABLE IF NOT EXISTS acceptances(offer VARCHAR(128) NOT NULL, licensee VARCHAR(512) NOT NULL, agreement VARCHAR(512) NOT NULL,
    at BIGINT NOT NULL, evidence TEXT NOT NULL, PRIMARY KEY(offer, licensee));
