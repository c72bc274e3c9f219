package io.perennial.support.security;

import java.sql.Array;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.annotation.Transactional;

/** Human accounts in the shared {@code iam} schema, with bcrypt-hashed passwords. */
public class UserAccounts implements UserDetailsService {

    /** Name of the first administrator account. */
    public static final String ADMIN = "admin";

    private final JdbcTemplate jdbc;
    private final PasswordEncoder encoder;

    public UserAccounts(JdbcTemplate jdbc, PasswordEncoder encoder) {
        this.jdbc = jdbc;
        this.encoder = encoder;
    }

    /** An account as listed. */
    public record Account(String username, List<Role> roles, boolean enabled) {
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        return jdbc.query("SELECT username, password_hash, roles, enabled FROM iam.users WHERE username = ?",
                (rs, i) -> {
                    Array roles = rs.getArray("roles");
                    return User.withUsername(rs.getString("username")).password(rs.getString("password_hash"))
                            .disabled(!rs.getBoolean("enabled"))
                            .authorities(Arrays.stream((String[]) roles.getArray())
                                    .map(r -> new SimpleGrantedAuthority(Role.parse(r).authority())).toList())
                            .build();
                }, username).stream().findFirst()
                .orElseThrow(() -> new UsernameNotFoundException("no such user"));
    }

    /**
     * Creates an account.
     *
     * @throws IllegalArgumentException for a weak password or a taken name
     */
    @Transactional
    public Account create(String username, String rawPassword, List<Role> roles, String actor) {
        if (username == null || !username.matches("[a-zA-Z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("a username has 1-64 characters of letters, digits, '.', '_', '-'");
        }
        requireStrong(rawPassword);
        if (roles.isEmpty() || roles.contains(Role.SERVICE)) {
            throw new IllegalArgumentException("give a user at least one of viewer, operator, admin");
        }
        try {
            jdbc.update("INSERT INTO iam.users (username, password_hash, roles) VALUES (?, ?, ?)", ps -> {
                ps.setString(1, username);
                ps.setString(2, encoder.encode(rawPassword));
                ps.setArray(3, ps.getConnection().createArrayOf("text", roles.stream().map(Role::id).toArray()));
            });
        } catch (DuplicateKeyException ex) {
            throw new IllegalArgumentException("user '" + username + "' already exists");
        }
        jdbc.update("INSERT INTO iam.audit_log (actor, action, target) VALUES (?, 'user.create', ?)", actor, username);
        return new Account(username, List.copyOf(roles), true);
    }

    /**
     * Creates the {@code admin} account with this password unless an account of that name exists.
     *
     * @return whether the account was created now
     */
    @Transactional
    public boolean bootstrapAdmin(String rawPassword) {
        requireStrong(rawPassword);
        int n = jdbc.update("INSERT INTO iam.users (username, password_hash, roles) VALUES (?, ?, ARRAY['admin']) "
                + "ON CONFLICT (username) DO NOTHING", ADMIN, encoder.encode(rawPassword));
        if (n > 0) {
            jdbc.update("INSERT INTO iam.audit_log (actor, action, target) VALUES ('bootstrap', 'user.create', ?)",
                    ADMIN);
        }
        return n > 0;
    }

    /** Sets a new password; returns whether the account exists. */
    @Transactional
    public boolean changePassword(String username, String rawPassword, String actor) {
        requireStrong(rawPassword);
        int n = jdbc.update("UPDATE iam.users SET password_hash = ?, updated_at = now() WHERE username = ?",
                encoder.encode(rawPassword), username);
        if (n > 0) {
            jdbc.update("INSERT INTO iam.audit_log (actor, action, target) VALUES (?, 'user.password', ?)", actor,
                    username);
        }
        return n > 0;
    }

    /** Whether the account exists. */
    public boolean exists(String username) {
        return Optional.ofNullable(jdbc.queryForObject("SELECT count(*) FROM iam.users WHERE username = ?",
                Integer.class, username)).orElse(0) > 0;
    }

    /** All accounts. */
    public List<Account> list() {
        return jdbc.query("SELECT username, roles, enabled FROM iam.users ORDER BY username",
                (rs, i) -> new Account(rs.getString(1), Arrays.stream((String[]) rs.getArray(2).getArray())
                        .map(Role::parse).toList(), rs.getBoolean(3)));
    }

    private static void requireStrong(String password) {
        if (password == null || password.length() < 12) {
            throw new IllegalArgumentException("a password needs at least 12 characters");
        }
    }
}
