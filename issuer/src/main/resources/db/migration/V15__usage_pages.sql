-- Usage as pages ([SET-9]): what the collector read from a member log is kept one collector page at a time, the page's
-- entries in a compact binary form (org.cb4i.issuer.store.UsagePage), with their totals by UTC day beside them, instead
-- of one row for each entry: writing a row for each of a month's millions of entries was most of what collecting cost.
-- A page lies wholly below or wholly beyond its log's verified size (pages are the collector's, and a checkpoint is
-- verified at the end of one), so "first_idx < size" says whether it counts. V16 moves usage_entries into pages.
CREATE TABLE IF NOT EXISTS usage_pages(log_id VARCHAR(64) NOT NULL, first_idx BIGINT NOT NULL, last_idx BIGINT NOT NULL,
    entries INT NOT NULL, billable INT NOT NULL, min_at BIGINT NOT NULL, max_at BIGINT NOT NULL, PRIMARY KEY(log_id, first_idx));
-- The pages' bytes, apart, so that choosing pages reads none of them.
CREATE TABLE IF NOT EXISTS usage_page_data(log_id VARCHAR(64) NOT NULL, first_idx BIGINT NOT NULL, page BYTEA NOT NULL,
    PRIMARY KEY(log_id, first_idx));
-- A page's entries by UTC day (days since the epoch), licensee ('' when the entry names none), member and usage.
CREATE TABLE IF NOT EXISTS usage_days(log_id VARCHAR(64) NOT NULL, first_idx BIGINT NOT NULL, utc_day BIGINT NOT NULL,
    licensee VARCHAR(512) NOT NULL, member VARCHAR(512) NOT NULL, usage VARCHAR(16) NOT NULL, requests BIGINT NOT NULL,
    bytes BIGINT NOT NULL, attested BIGINT NOT NULL, billable BIGINT NOT NULL, PRIMARY KEY(log_id, first_idx, utc_day, licensee, member, usage));
CREATE INDEX IF NOT EXISTS usage_days_by_day ON usage_days(utc_day);
