package io.perennial.console.settings;

import io.perennial.console.client.ServiceClient;
import io.perennial.support.security.ApiKeyService;
import io.perennial.support.security.Role;
import io.perennial.support.security.UserAccounts;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Settings. API keys and accounts are managed through the platform's own services in this JVM (the same ones behind
 * {@code /v1/iam}), so the audit log names the signed-in admin.
 */
@Controller
public class SettingsController {

    private static final Pattern USERNAME = Pattern.compile("[a-z][a-z0-9._-]{1,62}");
    private static final Pattern SCOPE = Pattern.compile("[a-z]+(:[a-z]+)?(:[a-z0-9_*-]+)?");
    private static final List<String> ROLES = List.of("viewer", "operator", "admin");

    private final ApiKeyService apiKeys;
    private final UserAccounts users;
    private final ServiceClient services;

    public SettingsController(ApiKeyService apiKeys, UserAccounts users, ServiceClient services) {
        this.apiKeys = apiKeys;
        this.users = users;
        this.services = services;
    }

    @GetMapping("/ui/settings")
    public String settings(Model model) {
        model.addAttribute("keys", apiKeys.list());
        model.addAttribute("users", users.list());
        model.addAttribute("roles", ROLES);
        model.addAttribute("policies", services.get("trainer-service", "/v1/policies"));
        model.addAttribute("now", Instant.now());
        return "settings";
    }

    @PostMapping("/ui/settings/api-keys")
    public String issueKey(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String role,
            @RequestParam(defaultValue = "") String scopes, @RequestParam(defaultValue = "") String expires,
            Authentication auth, RedirectAttributes redirect) {
        Map<String, String> errors = new LinkedHashMap<>();
        String keyName = name.trim();
        if (keyName.isEmpty() || keyName.length() > 100) {
            errors.put("name", "a name of 1 to 100 characters is required");
        }
        Role keyRole = null;
        if (!role.isBlank()) {
            if (!ROLES.contains(role)) {
                errors.put("role", "choose viewer, operator or admin");
            } else {
                keyRole = Role.parse(role);
            }
        }
        List<String> scopeList = new ArrayList<>();
        for (String s : Arrays.stream(scopes.split("[,\\s]+")).filter(x -> !x.isBlank()).toList()) {
            if (!SCOPE.matcher(s).matches()) {
                errors.put("scopes", "'" + s + "' is not a scope (e.g. samples:write:fmnist, streams:admin)");
            }
            scopeList.add(s);
        }
        Instant expiresAt = null;
        if (!expires.isBlank()) {
            try {
                expiresAt = LocalDate.parse(expires.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
                if (!expiresAt.isAfter(Instant.now())) {
                    errors.put("expires", "must be in the future");
                }
            } catch (DateTimeParseException ex) {
                errors.put("expires", "must be a date like 2027-01-31");
            }
        }
        if (keyRole == null && scopeList.isEmpty() && !errors.containsKey("role")) {
            errors.put("role", "give the key a role or at least one scope");
        }
        if (!errors.isEmpty()) {
            redirect.addFlashAttribute("keyErrors", errors);
            redirect.addFlashAttribute("keyForm", Map.of("name", name, "role", role, "scopes", scopes,
                    "expires", expires));
            redirect.addFlashAttribute("error", "The key was not issued: fix the highlighted fields.");
            return "redirect:/ui/settings#keys";
        }
        ApiKeyService.IssuedKey issued = apiKeys.issue(keyName, keyRole, scopeList, expiresAt, auth.getName());
        redirect.addFlashAttribute("issuedKey", issued.secret());
        redirect.addFlashAttribute("issuedName", keyName);
        return "redirect:/ui/settings#keys";
    }

    @PostMapping("/ui/settings/api-keys/{prefix}/revoke")
    public String revoke(@PathVariable String prefix, Authentication auth, RedirectAttributes redirect) {
        if (apiKeys.revoke(prefix, auth.getName())) {
            redirect.addFlashAttribute("notice", "API key " + prefix + " revoked; services stop accepting it "
                    + "within the key cache's lifetime (30 s by default).");
        } else {
            redirect.addFlashAttribute("error", "No active API key with prefix " + prefix + ".");
        }
        return "redirect:/ui/settings#keys";
    }

    @PostMapping("/ui/settings/users")
    public String createUser(@RequestParam(defaultValue = "") String username,
            @RequestParam(defaultValue = "") String password, @RequestParam(defaultValue = "viewer") String role,
            Authentication auth, RedirectAttributes redirect) {
        Map<String, String> errors = new LinkedHashMap<>();
        String user = username.trim();
        if (!USERNAME.matcher(user).matches()) {
            errors.put("username", "2 to 63 characters: lower-case letters, digits, '.', '_' or '-', starting "
                    + "with a letter");
        } else if (users.exists(user)) {
            errors.put("username", "'" + user + "' already exists");
        }
        if (password.length() < 12) {
            errors.put("password", "at least 12 characters");
        }
        if (!ROLES.contains(role)) {
            errors.put("role", "choose viewer, operator or admin");
        }
        if (!errors.isEmpty()) {
            redirect.addFlashAttribute("userErrors", errors);
            redirect.addFlashAttribute("userForm", Map.of("username", username, "role", role));
            redirect.addFlashAttribute("error", "The account was not created: fix the highlighted fields.");
            return "redirect:/ui/settings#users";
        }
        users.create(user, password, List.of(Role.parse(role)), auth.getName());
        redirect.addFlashAttribute("notice", "Account '" + user + "' created with role " + role + ".");
        return "redirect:/ui/settings#users";
    }
}
