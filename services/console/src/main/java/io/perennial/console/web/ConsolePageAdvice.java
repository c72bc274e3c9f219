package io.perennial.console.web;

import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * Adds the signed-in user and what they may do to every page's model, so templates show or hide buttons. Hiding is
 * convenience only: the security chain refuses the same actions on the server.
 */
@ControllerAdvice(annotations = Controller.class)
public class ConsolePageAdvice {

    private final RoleHierarchy roles;

    public ConsolePageAdvice(RoleHierarchy roles) {
        this.roles = roles;
    }

    @ModelAttribute
    void user(Model model) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        Set<String> granted = auth == null ? Set.of()
                : roles.getReachableGrantedAuthorities(auth.getAuthorities()).stream()
                        .map(GrantedAuthority::getAuthority).collect(Collectors.toSet());
        boolean admin = granted.contains("ROLE_admin");
        boolean operator = granted.contains("ROLE_operator");
        model.addAttribute("userName", auth == null || !auth.isAuthenticated() ? null : auth.getName());
        model.addAttribute("userRole", admin ? "admin" : operator ? "operator" : granted.contains("ROLE_viewer")
                ? "viewer" : "");
        model.addAttribute("canOperate", operator);
        model.addAttribute("isAdmin", admin);
    }
}
