package io.perennial.support.security;

import java.util.Collection;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;

/**
 * Authorization checks used in {@code @PreAuthorize} expressions as {@code @scopes}. A request may do an action on
 * a stream when its role is high enough, or when its API key carries the action's scope for all streams
 * ({@code samples:write}) or for that stream ({@code samples:write:fmnist}).
 */
public class Scopes {

    /** Authority prefix of API-key scopes. */
    public static final String AUTHORITY_PREFIX = "SCOPE_";

    private final RoleHierarchy roles;

    public Scopes(RoleHierarchy roles) {
        this.roles = roles;
    }

    /**
     * @param action e.g. {@code samples:write}
     * @param stream the stream acted on, or {@code null} for actions not tied to one
     * @param sufficientRole a role that may do the action anyway
     */
    public boolean allows(Authentication authentication, String action, String stream, String sufficientRole) {
        if (authentication == null || !authentication.isAuthenticated()) {
            return false;
        }
        Collection<? extends GrantedAuthority> reachable =
                roles.getReachableGrantedAuthorities(authentication.getAuthorities());
        var names = AuthorityUtils.authorityListToSet(reachable);
        if (sufficientRole != null && names.contains(Role.parse(sufficientRole).authority())) {
            return true;
        }
        return names.contains(AUTHORITY_PREFIX + action)
                || (stream != null && names.contains(AUTHORITY_PREFIX + action + ":" + stream));
    }
}
