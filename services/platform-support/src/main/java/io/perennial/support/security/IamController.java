package io.perennial.support.security;

import io.perennial.support.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The identity API: API keys and user accounts. Administrators only. */
@RestController
@RequestMapping("/v1/iam")
@Tag(name = "Identity", description = "API keys for machine clients and accounts for people")
@PreAuthorize("hasRole('admin')")
public class IamController {

    private final ApiKeyService apiKeys;
    private final UserAccounts users;

    public IamController(ApiKeyService apiKeys, UserAccounts users) {
        this.apiKeys = apiKeys;
        this.users = users;
    }

    /** Request to issue an API key. */
    public record IssueKeyRequest(@NotBlank @Size(max = 100) String name, String role, List<String> scopes,
            Instant expiresAt) {
    }

    /** A newly issued key: {@code key} is shown only in this response. */
    public record IssuedKeyResponse(String key, ApiKey details) {
    }

    @PostMapping("/api-keys")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Issue an API key", description = "The secret is returned once and stored only as a hash.")
    public IssuedKeyResponse issue(@Valid @RequestBody IssueKeyRequest request, Authentication auth) {
        ApiKeyService.IssuedKey issued = apiKeys.issue(request.name(),
                request.role() == null ? null : Role.parse(request.role()),
                request.scopes() == null ? List.of() : request.scopes(), request.expiresAt(), auth.getName());
        return new IssuedKeyResponse(issued.secret(), issued.key());
    }

    @GetMapping("/api-keys")
    @Operation(summary = "List API keys (prefixes only, never secrets)")
    public List<ApiKey> listKeys() {
        return apiKeys.list();
    }

    @DeleteMapping("/api-keys/{prefix}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Revoke an API key")
    public void revoke(@PathVariable String prefix, Authentication auth) {
        if (!apiKeys.revoke(prefix, auth.getName())) {
            throw ApiException.notFound("no active API key with prefix " + prefix);
        }
    }

    /** Request to create a user account. */
    public record CreateUserRequest(@NotBlank String username, @NotBlank String password, List<String> roles) {
    }

    @PostMapping("/users")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a user account")
    public UserAccounts.Account createUser(@Valid @RequestBody CreateUserRequest request, Authentication auth) {
        List<Role> roles = request.roles() == null ? List.of(Role.VIEWER)
                : request.roles().stream().map(Role::parse).toList();
        return users.create(request.username(), request.password(), roles, auth.getName());
    }

    @GetMapping("/users")
    @Operation(summary = "List user accounts")
    public List<UserAccounts.Account> listUsers() {
        return users.list();
    }

    @GetMapping("/whoami")
    @PreAuthorize("isAuthenticated()")
    @Operation(summary = "The caller's identity and authorities")
    public Map<String, Object> whoami(Authentication auth) {
        return Map.of("name", auth.getName(), "authorities",
                auth.getAuthorities().stream().map(Object::toString).sorted().toList());
    }
}
