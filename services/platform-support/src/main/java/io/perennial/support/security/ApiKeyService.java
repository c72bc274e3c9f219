package io.perennial.support.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/**
 * Issues, verifies and revokes API keys. A key reads {@code pnl_<prefix>_<secret>}; only the SHA-256 of the secret
 * is stored (the secret has 160 random bits, so a slow password hash adds nothing), and verification compares in
 * constant time. Verified keys are cached briefly so the ingest hot path does not hit the database per request.
 */
public class ApiKeyService {

    private static final Pattern KEY = Pattern.compile("pnl_([a-z2-7]{10})_([a-z2-7]{32})");
    private static final Pattern SCOPE = Pattern.compile("[a-z]+(:[a-z]+)?(:[a-z0-9][a-z0-9_-]{0,99})?");
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final long cacheTtlMillis;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeyService(JdbcTemplate jdbc, Clock clock, long cacheTtlMillis) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.cacheTtlMillis = cacheTtlMillis;
    }

    /** A new key and its secret text, which is shown once and never stored. */
    public record IssuedKey(ApiKey key, String secret) {
    }

    /** Issues a key. */
    @Transactional
    public IssuedKey issue(String name, Role role, List<String> scopes, Instant expiresAt, String createdBy) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new IllegalArgumentException("an API key needs a name of 1-100 characters");
        }
        if (role == Role.SERVICE) {
            throw new IllegalArgumentException("the service role cannot be given to an API key");
        }
        for (String scope : scopes) {
            if (!SCOPE.matcher(scope).matches()) {
                throw new IllegalArgumentException("invalid scope '" + scope
                        + "': use resource:action or resource:action:stream, e.g. samples:write:my-stream");
            }
        }
        String prefix = randomBase32(10);
        String secret = randomBase32(32);
        UUID id = UUID.randomUUID();
        jdbc.update("INSERT INTO iam.api_keys (id, prefix, secret_hash, name, role, scopes, created_by, expires_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setObject(1, id);
                    ps.setString(2, prefix);
                    ps.setBytes(3, sha256(secret));
                    ps.setString(4, name);
                    ps.setString(5, role == null ? null : role.id());
                    ps.setArray(6, ps.getConnection().createArrayOf("text", scopes.toArray()));
                    ps.setString(7, createdBy);
                    ps.setTimestamp(8, expiresAt == null ? null : Timestamp.from(expiresAt));
                });
        audit(createdBy, "api-key.issue", prefix, name);
        return new IssuedKey(find(prefix).orElseThrow(), "pnl_" + prefix + "_" + secret);
    }

    /** Verifies a presented key; empty when unknown, wrong, revoked or expired. */
    public Optional<ApiKey> verify(String presented) {
        var matcher = KEY.matcher(presented == null ? "" : presented);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String prefix = matcher.group(1);
        byte[] hash = sha256(matcher.group(2));
        long now = clock.millis();
        Cached cached = cache.get(prefix);
        if (cached == null || cached.expiresAtMillis < now) {
            cached = load(prefix).map(row -> new Cached(row.key, row.secretHash, now + cacheTtlMillis))
                    .orElse(null);
            if (cached == null) {
                cache.remove(prefix);
                return Optional.empty();
            }
            cache.put(prefix, cached);
        }
        if (!MessageDigest.isEqual(cached.secretHash, hash) || !cached.key.isActive(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(cached.key);
    }

    /** Lists keys, newest first. */
    public List<ApiKey> list() {
        return jdbc.query("SELECT * FROM iam.api_keys ORDER BY created_at DESC", (rs, i) -> map(rs));
    }

    /** Revokes a key by its prefix; returns whether a key was revoked. */
    @Transactional
    public boolean revoke(String prefix, String actor) {
        int n = jdbc.update("UPDATE iam.api_keys SET revoked_at = now() WHERE prefix = ? AND revoked_at IS NULL",
                prefix);
        cache.remove(prefix);
        if (n > 0) {
            audit(actor, "api-key.revoke", prefix, null);
        }
        return n > 0;
    }

    /** A key by prefix. */
    public Optional<ApiKey> find(String prefix) {
        return load(prefix).map(r -> r.key);
    }

    private Optional<Row> load(String prefix) {
        return jdbc.query("SELECT * FROM iam.api_keys WHERE prefix = ?",
                (rs, i) -> new Row(map(rs), rs.getBytes("secret_hash")), prefix).stream().findFirst();
    }

    private void audit(String actor, String action, String target, String detail) {
        jdbc.update("INSERT INTO iam.audit_log (actor, action, target, detail) VALUES (?, ?, ?, ?)",
                actor, action, target, detail);
    }

    private static ApiKey map(ResultSet rs) throws SQLException {
        String role = rs.getString("role");
        Array scopes = rs.getArray("scopes");
        Timestamp expires = rs.getTimestamp("expires_at");
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new ApiKey(rs.getObject("id", UUID.class), rs.getString("prefix"), rs.getString("name"),
                role == null ? null : Role.parse(role), Arrays.asList((String[]) scopes.getArray()),
                rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(),
                expires == null ? null : expires.toInstant(), revoked == null ? null : revoked.toInstant());
    }

    private String randomBase32(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = BASE32[random.nextInt(32)];
        }
        return new String(out);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private record Row(ApiKey key, byte[] secretHash) {
    }

    private record Cached(ApiKey key, byte[] secretHash, long expiresAtMillis) {
    }
}
