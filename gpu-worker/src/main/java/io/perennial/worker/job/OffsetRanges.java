package io.perennial.worker.job;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** Reads each assigned partition over an offset range {@code [start, end)}, and nothing past its end. */
final class OffsetRanges {

    private OffsetRanges() {
    }

    /**
     * @param consumer assigned the partitions to read; those without a non-empty range are paused
     * @param ranges per partition, {@code {start, end}}
     * @param what what is read, for the timeout's message
     * @param each called for every record inside its partition's range, in offset order per partition
     * @throws IllegalStateException when the ranges are not read within {@code timeout}
     */
    static void read(Consumer<String, byte[]> consumer, Map<TopicPartition, long[]> ranges, Duration timeout,
            String what, java.util.function.Consumer<ConsumerRecord<String, byte[]>> each) {
        Map<TopicPartition, Long> remaining = new TreeMap<>((a, b) -> a.topic().equals(b.topic())
                ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
        for (TopicPartition tp : consumer.assignment()) {
            long[] range = ranges.get(tp);
            if (range != null && range[1] > range[0]) {
                consumer.seek(tp, range[0]);
                remaining.put(tp, range[1]);
            } else {
                consumer.pause(List.of(tp));
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!remaining.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out reading " + what + "; still missing " + remaining);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                Long end = remaining.get(tp);
                if (end == null || record.offset() >= end) {
                    continue;
                }
                each.accept(record);
                if (record.offset() + 1 >= end) {
                    remaining.remove(tp);
                    consumer.pause(List.of(tp));
                }
            }
            // Transaction markers occupy offsets too: a partition whose position passed the end is done.
            for (TopicPartition tp : List.copyOf(remaining.keySet())) {
                if (consumer.position(tp) >= remaining.get(tp)) {
                    remaining.remove(tp);
                    consumer.pause(List.of(tp));
                }
            }
        }
    }
}
