/** Versions: immutable base, adapter and merge versions of a model, their lineage and the audit log. */
package io.perennial.registry.version;
