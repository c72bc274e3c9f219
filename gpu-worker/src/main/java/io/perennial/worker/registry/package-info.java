/** The worker's side of registry-service: versions downloaded into a verified local cache, uploads, registration. */
package io.perennial.worker.registry;
