/**
 * Model-family specs and PEFT-style adapter configuration, with JSON round-trip.
 */
@NullMarked
package io.perennial.formats.spec;

import org.jspecify.annotations.NullMarked;
