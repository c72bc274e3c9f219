/** Sample ingest: streaming parse, per-record validation, acknowledged writes to the samples topic. */
package io.perennial.ingest.sample;
