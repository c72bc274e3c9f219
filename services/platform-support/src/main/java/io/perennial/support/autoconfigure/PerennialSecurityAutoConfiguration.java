package io.perennial.support.autoconfigure;

import io.perennial.support.security.AdminBootstrap;
import io.perennial.support.security.ApiKeyService;
import io.perennial.support.security.BearerTokenAuthenticationFilter;
import io.perennial.support.security.IamController;
import io.perennial.support.security.IamSchemaMigration;
import io.perennial.support.security.PerennialSecurityProperties;
import io.perennial.support.security.ProblemSecurityHandlers;
import io.perennial.support.security.Role;
import io.perennial.support.security.Scopes;
import io.perennial.support.security.UserAccounts;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * The security baseline. Every request needs credentials except health probes: an API key or the service token
 * as a bearer token, or a user account over HTTP Basic. Authorization is declared on controllers with
 * {@code @PreAuthorize}, using roles (viewer &lt; operator &lt; admin &lt; service) and {@code @scopes}.
 */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class},
        beforeName = {"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
                "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
                "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
                "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"})
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(PerennialSecurityProperties.class)
public final class PerennialSecurityAutoConfiguration {

    PerennialSecurityAutoConfiguration() {
    }

    @Bean
    IamSchemaMigration iamSchemaMigration(DataSource dataSource) {
        return new IamSchemaMigration(dataSource);
    }

    @Bean
    @ConditionalOnMissingBean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    @ConditionalOnMissingBean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.fromHierarchy(Role.hierarchy());
    }

    @Bean
    @ConditionalOnMissingBean
    ApiKeyService apiKeyService(JdbcTemplate jdbc, Clock clock, PerennialSecurityProperties properties,
            IamSchemaMigration schema) {
        return new ApiKeyService(jdbc, clock, properties.getApiKeyCacheTtl().toMillis());
    }

    @Bean
    @ConditionalOnMissingBean
    UserAccounts userAccounts(JdbcTemplate jdbc, PasswordEncoder encoder, IamSchemaMigration schema) {
        return new UserAccounts(jdbc, encoder);
    }

    @Bean
    AdminBootstrap adminBootstrap(UserAccounts users, PerennialSecurityProperties properties) {
        return new AdminBootstrap(users, properties.getBootstrapAdminPassword());
    }

    @Bean(name = "scopes")
    @ConditionalOnMissingBean(name = "scopes")
    Scopes scopes(RoleHierarchy roleHierarchy) {
        return new Scopes(roleHierarchy);
    }

    @Bean
    @ConditionalOnMissingBean
    ProblemSecurityHandlers problemSecurityHandlers() {
        return new ProblemSecurityHandlers();
    }

    @Bean
    @ConditionalOnBooleanProperty("perennial.security.iam-api-enabled")
    IamController iamController(ApiKeyService apiKeys, UserAccounts users) {
        return new IamController(apiKeys, users);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @EnableMethodSecurity
    static class WebSecurityConfiguration {

        /** The API filter chain: stateless, no cookies, so no CSRF surface. */
        @Bean
        @Order(100)
        @ConditionalOnMissingBean(name = "perennialApiSecurityFilterChain")
        SecurityFilterChain perennialApiSecurityFilterChain(HttpSecurity http, ApiKeyService apiKeys,
                PerennialSecurityProperties properties, ProblemSecurityHandlers problems) throws Exception {
            http.csrf(csrf -> csrf.disable())
                    .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                    .authorizeHttpRequests(auth -> auth
                            .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                            .requestMatchers("/error", "/actuator/health", "/actuator/health/**").permitAll()
                            .anyRequest().authenticated())
                    .httpBasic(basic -> basic.authenticationEntryPoint(problems))
                    .formLogin(form -> form.disable())
                    .logout(logout -> logout.disable())
                    .requestCache(cache -> cache.disable())
                    .exceptionHandling(ex -> ex.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                    .addFilterBefore(new BearerTokenAuthenticationFilter(apiKeys, properties.getServiceToken(),
                            problems), BasicAuthenticationFilter.class);
            return http.build();
        }
    }
}
