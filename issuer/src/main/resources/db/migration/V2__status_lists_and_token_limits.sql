-- Several status lists per issuer ([ISS-9]): a snapshot is of one list (list_no, from 1); licenses.idx is the license's
-- position across every list (list_no = idx / capacity + 1, its index in that list = idx % capacity).
ALTER TABLE status_history ADD COLUMN IF NOT EXISTS list_no INT DEFAULT 1 NOT NULL;
CREATE INDEX IF NOT EXISTS status_by_list ON status_history(list_no, seq);
-- Token requests answered per licensee per hour: the /token rate limit every instance of the issuer shares.
CREATE TABLE IF NOT EXISTS token_requests(licensee VARCHAR(512) NOT NULL, window_start BIGINT NOT NULL, n INT NOT NULL,
    PRIMARY KEY(licensee, window_start));
-- A licensee's live licenses under an agreement, found without reading every license.
CREATE INDEX IF NOT EXISTS live_licenses ON licenses(licensee, agreement, exp);
-- cb4i before several status lists refuses a store at this version instead of reading one list of many.
MERGE INTO meta t USING (SELECT 'schema' AS k, '3' AS v) s ON t.k = s.k WHEN MATCHED THEN UPDATE SET v = s.v
    WHEN NOT MATCHED THEN INSERT (k, v) VALUES (s.k, s.v);
