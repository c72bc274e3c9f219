/**
 * {@code ./perennial demo}: a drifting Fashion-MNIST stream replayed through the REST ingest, with the loop's
 * reactions (alarms, jobs, promotions) shown live and a report at the end. Also the driver of the end-to-end test.
 */
package io.perennial.local.demo;
