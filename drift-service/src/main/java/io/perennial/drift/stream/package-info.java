/** The catalogue of streams drift-service monitors, kept in step with perennial.streams. */
package io.perennial.drift.stream;
