/** Aliases (production, previous, candidate, user-defined), promotion gates, promotion and rollback. */
package io.perennial.registry.alias;
