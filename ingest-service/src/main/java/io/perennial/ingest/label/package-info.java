/** Late labels: labels that arrive after their samples, published to perennial.labels. */
package io.perennial.ingest.label;
