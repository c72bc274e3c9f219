/**
 * Pure-Java reader and writer for the safetensors tensor file format, including header-only streaming validation.
 */
@NullMarked
package io.perennial.formats.safetensors;

import org.jspecify.annotations.NullMarked;
