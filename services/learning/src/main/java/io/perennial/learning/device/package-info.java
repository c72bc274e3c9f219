/**
 * Device selection (GPU when DJL finds one, else CPU) and thread settings for shared machines.
 */
@NullMarked
package io.perennial.learning.device;

import org.jspecify.annotations.NullMarked;
