-- One usage of a license suspended alone ([STS-9]): each license's own status index for each of the narrowest usages
-- its grant covers ("ai-train:12 search:13", in the same list as its idx), the usages struck (for one licensee, or for
-- every licensee as '*'), and the usage a proposal concerns.
ALTER TABLE licenses ADD COLUMN usage_idx VARCHAR(200);
CREATE TABLE IF NOT EXISTS usage_strikes(licensee VARCHAR(512) NOT NULL, usage VARCHAR(32) NOT NULL, since BIGINT NOT NULL,
    PRIMARY KEY(licensee, usage));
ALTER TABLE proposals ADD COLUMN usage VARCHAR(32);
-- An agreement amended in force ([ISS-12]): each amendment with the grant before and after it, when and why.
CREATE TABLE IF NOT EXISTS agreement_amendments(agreement VARCHAR(512) NOT NULL, n INT NOT NULL, at BIGINT NOT NULL, grant_before TEXT NOT NULL,
    grant_after TEXT NOT NULL, not_after_before BIGINT NOT NULL, not_after_after BIGINT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY(agreement, n));
-- The path and query of each collected entry, so that a statement can say which entries were served after the member
-- had opted them out by path ([CNS-8]); empty for entries collected before it was kept.
ALTER TABLE usage_entries ADD COLUMN path VARCHAR(2048);
