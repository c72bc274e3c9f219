package io.perennial.support.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Security settings. Secrets come from the environment; there are no defaults for them. */
@ConfigurationProperties("perennial.security")
public class PerennialSecurityProperties {

    /**
     * Shared secret other Perennial services present as {@code Authorization: Bearer <token>}
     * (env {@code PERENNIAL_SERVICE_TOKEN}). Unset means no service-to-service access.
     */
    private String serviceToken;

    /**
     * Password of the first {@code admin} account, created only when no admin exists yet
     * (env {@code PERENNIAL_ADMIN_PASSWORD}). The all-in-one launcher generates one and prints it once.
     */
    private String bootstrapAdminPassword;

    /** How long a verified API key is trusted before it is looked up again (bounds revocation delay). */
    private Duration apiKeyCacheTtl = Duration.ofSeconds(30);

    /** Whether this service exposes the identity API ({@code /v1/iam/**}: API keys and users). */
    private boolean iamApiEnabled;

    public String getServiceToken() {
        return serviceToken;
    }

    public void setServiceToken(String serviceToken) {
        this.serviceToken = serviceToken;
    }

    public String getBootstrapAdminPassword() {
        return bootstrapAdminPassword;
    }

    public void setBootstrapAdminPassword(String bootstrapAdminPassword) {
        this.bootstrapAdminPassword = bootstrapAdminPassword;
    }

    public Duration getApiKeyCacheTtl() {
        return apiKeyCacheTtl;
    }

    public void setApiKeyCacheTtl(Duration apiKeyCacheTtl) {
        this.apiKeyCacheTtl = apiKeyCacheTtl;
    }

    public boolean isIamApiEnabled() {
        return iamApiEnabled;
    }

    public void setIamApiEnabled(boolean iamApiEnabled) {
        this.iamApiEnabled = iamApiEnabled;
    }
}
