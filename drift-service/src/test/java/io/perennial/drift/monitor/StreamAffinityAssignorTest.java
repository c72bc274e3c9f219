package io.perennial.drift.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StreamAffinityAssignorTest {

    @Test
    void everyPartitionOfAStreamGoesToOneMemberAndStreamsAreSpread() {
        List<String> topics = List.of("perennial.samples.a", "perennial.samples.b", "perennial.samples.c",
                "perennial.samples.d");
        Map<String, Integer> partitions = Map.of(topics.get(0), 3, topics.get(1), 3, topics.get(2), 1,
                topics.get(3), 2);
        Map<String, Subscription> members = Map.of("m1", new Subscription(topics), "m2", new Subscription(topics));
        Map<String, List<TopicPartition>> assignment = new StreamAffinityAssignor().assign(partitions, members);

        for (String topic : topics) {
            List<String> owners = assignment.entrySet().stream()
                    .filter(e -> e.getValue().stream().anyMatch(tp -> tp.topic().equals(topic)))
                    .map(Map.Entry::getKey).toList();
            assertThat(owners).as(topic).hasSize(1);
            assertThat(assignment.get(owners.get(0)).stream().filter(tp -> tp.topic().equals(topic)).count())
                    .isEqualTo((long) partitions.get(topic));
        }
        Map<String, Integer> load = assignment.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size()));
        assertThat(load.values()).containsExactlyInAnyOrder(5, 4);
    }

    @Test
    void aTopicOnlyOneMemberSubscribesToGoesToThatMember() {
        Map<String, List<TopicPartition>> assignment = new StreamAffinityAssignor().assign(
                Map.of("perennial.samples.x", 2),
                Map.of("m1", new Subscription(List.of()), "m2", new Subscription(List.of("perennial.samples.x"))));
        assertThat(assignment.get("m1")).isEmpty();
        assertThat(assignment.get("m2")).hasSize(2);
    }
}
