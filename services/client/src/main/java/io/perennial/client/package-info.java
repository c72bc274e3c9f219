/**
 * A small Java client for Perennial's REST APIs: register streams and send samples in batches, retrying
 * idempotently when the platform asks to slow down or a broker is briefly unavailable.
 */
package io.perennial.client;
