package io.perennial.support.security;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An API key as listed (never with its secret).
 *
 * @param prefix the public part of the key, shown in listings so users can tell keys apart
 * @param role optional role granted to the key
 * @param scopes fine-grained permissions, e.g. {@code samples:write:fmnist} or {@code streams:admin}
 */
public record ApiKey(UUID id, String prefix, String name, Role role, List<String> scopes, String createdBy,
        Instant createdAt, Instant expiresAt, Instant revokedAt) {

    /** Whether the key may be used now. */
    public boolean isActive(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
}
