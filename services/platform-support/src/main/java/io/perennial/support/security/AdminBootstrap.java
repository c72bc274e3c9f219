package io.perennial.support.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/** Creates the first administrator from {@code perennial.security.bootstrap-admin-password} when none exists. */
public class AdminBootstrap implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final UserAccounts users;
    private final String password;

    public AdminBootstrap(UserAccounts users, String password) {
        this.users = users;
        this.password = password;
    }

    @Override
    public void afterPropertiesSet() {
        if (password == null || password.isBlank()) {
            return;
        }
        if (users.bootstrapAdmin(password)) {
            log.info("Created the '{}' account from the bootstrap password", UserAccounts.ADMIN);
        }
    }
}
