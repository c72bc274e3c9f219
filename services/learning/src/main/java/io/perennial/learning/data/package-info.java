/**
 * Datasets (Fashion-MNIST, UCI digits), domain-shift transforms and segmented streams with known boundaries.
 */
@NullMarked
package io.perennial.learning.data;

import org.jspecify.annotations.NullMarked;
