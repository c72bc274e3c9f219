/**
 * Versions: immutable base, adapter, merge, prior, restore and archive versions of a model, their lineage and the
 * audit log.
 */
package io.perennial.registry.version;
