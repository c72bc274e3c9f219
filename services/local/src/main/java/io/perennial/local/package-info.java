/**
 * The all-in-one stack: an embedded KRaft broker, an embedded PostgreSQL and every service in one JVM, and the
 * {@code perennial} command line.
 */
package io.perennial.local;
