-- Members' consent ([CNS-6]): every version a member or an operator set, kept; the highest version is in force.
CREATE TABLE IF NOT EXISTS consent(member VARCHAR(512) NOT NULL, version BIGINT NOT NULL, at BIGINT NOT NULL, opt_out TEXT NOT NULL,
    set_by VARCHAR(128) NOT NULL, evidence TEXT, PRIMARY KEY(member, version));
