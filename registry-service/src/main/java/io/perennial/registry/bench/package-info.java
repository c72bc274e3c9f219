/** The registry benchmark ({@code ./perennial bench registry}). */
package io.perennial.registry.bench;
