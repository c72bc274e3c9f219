package io.perennial.console;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Browser pages: session login with CSRF protection. The REST API under {@code /v1} keeps the platform's stateless
 * chain (API keys, Basic).
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurityConfiguration {

    @Bean
    @Order(50)
    SecurityFilterChain consolePages(HttpSecurity http) throws Exception {
        http.securityMatcher("/", "/login", "/logout", "/ui/**", "/assets/**")
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/login", "/assets/**").permitAll()
                        .anyRequest().hasRole("viewer"))
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/", false).permitAll())
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?logout"));
        return http.build();
    }
}
