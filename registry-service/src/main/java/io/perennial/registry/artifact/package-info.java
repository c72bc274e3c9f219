/** Artifacts: content-addressed, streamed, verified files (weights, adapters, routers) and their stores. */
package io.perennial.registry.artifact;
