/**
 * Lifelong adaptation support: the evidence a window gives against every known regime ({@link
 * io.perennial.learning.adaptation.WindowAssessor}), class-prior estimation and correction, adapter similarity and the
 * archive state of regimes.
 */
@NullMarked
package io.perennial.learning.adaptation;

import org.jspecify.annotations.NullMarked;
