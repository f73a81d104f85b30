-- The console's accounts: one-time invites, passkeys, sessions and WebAuthn challenges. An account is "member:<origin>".
-- Invite tokens and session ids are kept only as their SHA-256, so a copy of the store signs no one in.
CREATE TABLE IF NOT EXISTS console_invites(token_sha256 VARCHAR(64) PRIMARY KEY, account VARCHAR(600) NOT NULL, created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL, used_at BIGINT);
CREATE TABLE IF NOT EXISTS console_passkeys(credential_id VARCHAR(700) PRIMARY KEY, account VARCHAR(600) NOT NULL, credential TEXT NOT NULL,
    sign_count BIGINT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS console_sessions(id_sha256 VARCHAR(64) PRIMARY KEY, account VARCHAR(600) NOT NULL, csrf VARCHAR(64) NOT NULL,
    created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS console_challenges(challenge VARCHAR(64) PRIMARY KEY, purpose VARCHAR(16) NOT NULL, expires_at BIGINT NOT NULL);
