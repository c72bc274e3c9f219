/**
 * Model families (mlp, cnn) built from a JSON spec as plain DJL arrays, with deterministic initialisation and safetensors persistence.
 */
@NullMarked
package io.perennial.learning.model;

import org.jspecify.annotations.NullMarked;
