/**
 * The reference window after a promotion: the promoted version's training segment, found in the registry and read
 * back from the stream's samples topic, with the fallbacks when it cannot be.
 */
package io.perennial.drift.reference;
