/**
 * Shared test infrastructure: each integration test class gets a real KRaft broker of its own and a fresh database
 * on a real PostgreSQL server (embedded, or external when {@code PERENNIAL_TEST_DB_URL} is set).
 */
package io.perennial.testing;
