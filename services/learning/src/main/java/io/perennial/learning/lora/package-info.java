/**
 * LoRA adapters on a frozen base: rank, scaling, several per base, folding, PEFT-compatible persistence.
 */
@NullMarked
package io.perennial.learning.lora;

import org.jspecify.annotations.NullMarked;
