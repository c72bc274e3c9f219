package io.perennial.drift.monitor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.internals.AbstractPartitionAssignor;
import org.apache.kafka.common.TopicPartition;

/**
 * Assigns every partition of a topic to the same consumer, topics spread over the members by partition count. A
 * stream's monitor needs all of its samples, so several drift-service instances split the streams, never one stream.
 * Used only by the samples listener's own consumer group.
 */
public class StreamAffinityAssignor extends AbstractPartitionAssignor {

    @Override
    public String name() {
        return "perennial-stream-affinity";
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic,
            Map<String, Subscription> subscriptions) {
        Map<String, List<TopicPartition>> assignment = new HashMap<>();
        Map<String, Integer> load = new TreeMap<>();
        for (String member : subscriptions.keySet()) {
            assignment.put(member, new ArrayList<>());
            load.put(member, 0);
        }
        // largest topics first, then by name, so the result does not depend on map order
        List<String> topics = new ArrayList<>(partitionsPerTopic.keySet());
        topics.sort(Comparator.comparing((String t) -> -partitionsPerTopic.get(t)).thenComparing(t -> t));
        for (String topic : topics) {
            String chosen = null;
            for (Map.Entry<String, Subscription> e : new TreeMap<>(subscriptions).entrySet()) {
                if (!e.getValue().topics().contains(topic)) {
                    continue;
                }
                if (chosen == null || load.get(e.getKey()) < load.get(chosen)) {
                    chosen = e.getKey();
                }
            }
            if (chosen == null) {
                continue;
            }
            int n = partitionsPerTopic.get(topic);
            for (int p = 0; p < n; p++) {
                assignment.get(chosen).add(new TopicPartition(topic, p));
            }
            load.merge(chosen, n, Integer::sum);
        }
        return assignment;
    }
}
