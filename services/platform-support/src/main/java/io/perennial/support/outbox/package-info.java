/** The transactional outbox and idempotent consumption. */
package io.perennial.support.outbox;
