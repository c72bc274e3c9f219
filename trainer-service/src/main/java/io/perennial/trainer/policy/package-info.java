/** Adaptation policies: when to grow an adapter, when to merge, whether to promote automatically. */
package io.perennial.trainer.policy;
