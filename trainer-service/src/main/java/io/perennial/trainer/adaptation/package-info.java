/**
 * Turns stream state into work: a filled first window becomes a base-training job, a drift alarm followed by enough
 * new samples becomes an adapter job on exactly those offsets, and a registered version becomes a promotion request
 * (or a candidate for an operator). Everything is driven from the {@code trainer} schema so a restarted trainer
 * carries on where it stopped.
 */
package io.perennial.trainer.adaptation;
