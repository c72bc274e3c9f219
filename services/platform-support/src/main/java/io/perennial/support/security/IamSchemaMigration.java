package io.perennial.support.security;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.InitializingBean;

/**
 * Migrates the shared {@code iam} schema. Every service runs it at startup; Flyway's lock makes concurrent runs
 * safe, and whichever service starts first does the work.
 */
public class IamSchemaMigration implements InitializingBean {

    /** The schema holding users, API keys and the security audit log. */
    public static final String SCHEMA = "iam";

    private final DataSource dataSource;

    public IamSchemaMigration(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void afterPropertiesSet() {
        Flyway.configure().dataSource(dataSource).schemas(SCHEMA).defaultSchema(SCHEMA).createSchemas(true)
                .locations("classpath:db/iam").table("flyway_schema_history").load().migrate();
    }
}
