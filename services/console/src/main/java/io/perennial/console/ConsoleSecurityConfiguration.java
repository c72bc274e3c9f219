package io.perennial.console;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Browser pages: session login with CSRF protection (Spring Security's default for this chain), roles checked per
 * URL so that a forged or hand-made request is refused by the server whatever the page showed. The REST API under
 * {@code /v1} keeps the platform's stateless chain (API keys, Basic).
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurityConfiguration {

    @Bean
    @Order(50)
    SecurityFilterChain consolePages(HttpSecurity http) throws Exception {
        http.securityMatcher("/", "/login", "/logout", "/ui/**", "/assets/**", "/favicon.ico")
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/login", "/assets/**", "/favicon.ico").permitAll()
                        .requestMatchers(HttpMethod.POST, "/ui/settings/**").hasRole("admin")
                        .requestMatchers(HttpMethod.POST, "/ui/**").hasRole("operator")
                        .anyRequest().hasRole("viewer"))
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/", false).permitAll())
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?logout"))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                + "script-src 'self'; frame-ancestors 'none'; form-action 'self'")));
        return http.build();
    }
}
