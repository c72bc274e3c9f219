package io.perennial.drift.stream;

import io.perennial.contracts.events.StreamSpec;
import java.time.Instant;

/** A stream under drift monitoring. */
public record MonitoredStream(String name, StreamSpec spec, Instant since) {
}
