package io.perennial.support.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>}: the service token (another Perennial service) or an API key.
 * A bearer token that matches neither is answered with 401 at once rather than falling through as anonymous.
 */
public class BearerTokenAuthenticationFilter extends OncePerRequestFilter {

    /** Principal name of a request made by another Perennial service. */
    public static final String SERVICE_PRINCIPAL = "perennial-service";

    private final ApiKeyService apiKeys;
    private final byte[] serviceTokenHash;
    private final AuthenticationEntryPoint entryPoint;

    public BearerTokenAuthenticationFilter(ApiKeyService apiKeys, String serviceToken,
            AuthenticationEntryPoint entryPoint) {
        this.apiKeys = apiKeys;
        this.serviceTokenHash = serviceToken == null || serviceToken.isBlank() ? null
                : ApiKeyService.sha256(serviceToken);
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            chain.doFilter(request, response);
            return;
        }
        String token = header.substring(7).trim();
        Optional<UsernamePasswordAuthenticationToken> authentication = authenticate(token);
        if (authentication.isEmpty()) {
            SecurityContextHolder.clearContext();
            entryPoint.commence(request, response, new BadCredentialsException("invalid bearer token"));
            return;
        }
        SecurityContextHolder.setContext(new SecurityContextImpl(authentication.get()));
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private Optional<UsernamePasswordAuthenticationToken> authenticate(String token) {
        if (serviceTokenHash != null
                && MessageDigest.isEqual(serviceTokenHash, ApiKeyService.sha256(token))) {
            return Optional.of(UsernamePasswordAuthenticationToken.authenticated(SERVICE_PRINCIPAL, null,
                    List.of(new SimpleGrantedAuthority(Role.SERVICE.authority()))));
        }
        return apiKeys.verify(token).map(key -> {
            List<GrantedAuthority> authorities = new ArrayList<>();
            if (key.role() != null) {
                authorities.add(new SimpleGrantedAuthority(key.role().authority()));
            }
            key.scopes().forEach(s -> authorities.add(new SimpleGrantedAuthority(Scopes.AUTHORITY_PREFIX + s)));
            return UsernamePasswordAuthenticationToken.authenticated("key:" + key.prefix(), null, authorities);
        });
    }

}
