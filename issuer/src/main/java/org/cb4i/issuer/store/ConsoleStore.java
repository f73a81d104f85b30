package org.cb4i.issuer.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The console's accounts: invites that work once and expire, passkeys, sessions and WebAuthn challenges. Secrets
 * (invite tokens, session ids) are kept as their SHA-256 only.
 */
public final class ConsoleStore {
    private final Database db;

    ConsoleStore(Database db) {
        this.db = db;
    }

    /** A passkey: its credential id (base64url), the account, the stored credential (base64url of its attested data). */
    public record Passkey(String credentialId, String account, String credential, long signCount, Instant createdAt) {}

    /** A session: the account and its CSRF token. */
    public record Session(String account, String csrf, Instant expiresAt) {}

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** 32 random bytes, base64url: an invite token, a session id or a CSRF token. */
    public static String secret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The hex SHA-256 of a secret: what the store keeps of it. */
    public static String digest(String secret) {
        return org.cb4i.sdk.credential.CredentialFiles.sha256(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Makes a one-time invite for an account, valid until {@code expires}: returns the token (only its digest is kept),
     * to put after {@code /console/invite#t=}.
     */
    public String newInvite(String account, Instant now, Instant expires) {
        String token = secret();
        invite(digest(token), account, now, expires);
        return token;
    }

    void invite(String tokenSha256, String account, Instant now, Instant expires) {
        db.tx(() -> db.update("INSERT INTO console_invites(token_sha256, account, created_at, expires_at) VALUES (?, ?, ?, ?)", tokenSha256, account,
                now.getEpochSecond(), expires.getEpochSecond()));
    }

    /** The account an unused, unexpired invite is for, without using it. */
    public Optional<String> inviteAccount(String tokenSha256, Instant now) {
        return db.query("SELECT account FROM console_invites WHERE token_sha256 = ? AND used_at IS NULL AND expires_at > ?", rs -> rs.getString(1),
                tokenSha256, now.getEpochSecond()).stream().findFirst();
    }

    /**
     * Uses an invite and keeps the passkey registered with it, at once, with an audit line: an invite works once.
     *
     * @return false when the invite was used, expired or unknown (nothing is kept)
     */
    public boolean redeem(String tokenSha256, Instant now, Passkey key) {
        return db.tx(() -> {
            Optional<String> account = inviteAccount(tokenSha256, now);
            if (account.isEmpty() || !account.get().equals(key.account())) {
                return false;
            }
            if (db.update("UPDATE console_invites SET used_at = ? WHERE token_sha256 = ? AND used_at IS NULL", now.getEpochSecond(), tokenSha256) != 1) {
                return false;
            }
            db.update("INSERT INTO console_passkeys(credential_id, account, credential, sign_count, created_at) VALUES (?, ?, ?, ?, ?)",
                    key.credentialId(), key.account(), key.credential(), key.signCount(), now.getEpochSecond());
            // Adding a passkey is in the audit trail, which the operators read (cb4i issuer audit).
            db.update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", now.getEpochSecond(), "console.passkey.add",
                    key.account() + " credential " + key.credentialId());
            return true;
        });
    }

    /**
     * Uses an invite that signs in without a passkey (an operator's one-time link, {@code account} "operator"), at once:
     * returns its account, or empty when it was used, expired, unknown or is a passkey invite.
     */
    public Optional<String> useSignInLink(String tokenSha256, Instant now) {
        return db.tx(() -> {
            Optional<String> account = inviteAccount(tokenSha256, now).filter("operator"::equals);
            if (account.isEmpty() || db.update("UPDATE console_invites SET used_at = ? WHERE token_sha256 = ? AND used_at IS NULL", now.getEpochSecond(),
                    tokenSha256) != 1) {
                return Optional.<String>empty();
            }
            db.update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", now.getEpochSecond(), "console.operator.link", "a one-time sign-in link used");
            return account;
        });
    }

    public Optional<Passkey> passkey(String credentialId) {
        return db.query("SELECT credential_id, account, credential, sign_count, created_at FROM console_passkeys WHERE credential_id = ?",
                rs -> new Passkey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), Instant.ofEpochSecond(rs.getLong(5))),
                credentialId).stream().findFirst();
    }

    public List<Passkey> passkeys(String account) {
        return db.query("SELECT credential_id, account, credential, sign_count, created_at FROM console_passkeys WHERE account = ? ORDER BY created_at",
                rs -> new Passkey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), Instant.ofEpochSecond(rs.getLong(5))), account);
    }

    public void signCount(String credentialId, long count) {
        db.tx(() -> db.update("UPDATE console_passkeys SET sign_count = ? WHERE credential_id = ?", count, credentialId));
    }

    public void startSession(String idSha256, String account, String csrf, Instant now, Instant expires) {
        db.tx(() -> {
            db.update("DELETE FROM console_sessions WHERE expires_at <= ?", now.getEpochSecond()); // ended ones are kept no longer
            return db.update("INSERT INTO console_sessions(id_sha256, account, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)", idSha256,
                    account, csrf, now.getEpochSecond(), expires.getEpochSecond());
        });
    }

    public Optional<Session> session(String idSha256, Instant now) {
        return db.query("SELECT account, csrf, expires_at FROM console_sessions WHERE id_sha256 = ? AND expires_at > ?",
                rs -> new Session(rs.getString(1), rs.getString(2), Instant.ofEpochSecond(rs.getLong(3))), idSha256, now.getEpochSecond()).stream()
                .findFirst();
    }

    public void endSession(String idSha256) {
        db.tx(() -> db.update("DELETE FROM console_sessions WHERE id_sha256 = ?", idSha256));
    }

    public void challenge(String challenge, String purpose, Instant expires) {
        db.tx(() -> {
            db.update("DELETE FROM console_challenges WHERE expires_at < ?", expires.getEpochSecond() - 3600);
            return db.update("INSERT INTO console_challenges(challenge, purpose, expires_at) VALUES (?, ?, ?)", challenge, purpose,
                    expires.getEpochSecond());
        });
    }

    /** Takes a challenge issued for {@code purpose}: true once, if it has not expired. */
    public boolean takeChallenge(String challenge, String purpose, Instant now) {
        return db.tx(() -> db.update("DELETE FROM console_challenges WHERE challenge = ? AND purpose = ? AND expires_at > ?", challenge, purpose,
                now.getEpochSecond())) == 1;
    }
}
