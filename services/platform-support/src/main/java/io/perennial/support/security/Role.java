package io.perennial.support.security;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Roles, each including the ones below it: {@code service > admin > operator > viewer}.
 */
public enum Role {
    /** Reads everything. */
    VIEWER,
    /** Also promotes, rolls back, retrains, merges and writes data. */
    OPERATOR,
    /** Also manages users, API keys and policies. */
    ADMIN,
    /** Another Perennial service. */
    SERVICE;

    /** The Spring Security authority, e.g. {@code ROLE_operator}. */
    public String authority() {
        return "ROLE_" + id();
    }

    /** The lower-case name used in APIs and the database. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a role name, case-insensitively. */
    @JsonCreator
    public static Role parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException ex) {
            throw new IllegalArgumentException("unknown role '" + name + "': use viewer, operator or admin");
        }
    }

    /** The hierarchy in Spring Security's notation. */
    public static String hierarchy() {
        return "ROLE_service > ROLE_admin\nROLE_admin > ROLE_operator\nROLE_operator > ROLE_viewer";
    }
}
