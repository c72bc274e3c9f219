package io.perennial.ingest.stream;

import io.perennial.contracts.StreamName;
import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.StreamEvents.StreamCreated;
import io.perennial.contracts.events.StreamEvents.StreamDeleted;
import io.perennial.contracts.events.StreamEvents.StreamUpdated;
import io.perennial.contracts.events.StreamSpec;
import io.perennial.formats.spec.Activation;
import io.perennial.formats.spec.CnnSpec;
import io.perennial.formats.spec.MlpSpec;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.formats.spec.SpecJson;
import io.perennial.support.kafka.PerennialKafkaProperties;
import io.perennial.support.outbox.Outbox;
import io.perennial.support.web.ApiException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Registers streams: validates the definition, creates the stream's topics, stores it and announces it. */
@Service
public class StreamService {

    static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    static final Duration MAX_RETENTION = Duration.ofDays(3650);
    static final int MAX_FEATURES = 1_000_000;

    private final StreamRepository streams;
    private final Outbox outbox;
    private final KafkaAdmin kafkaAdmin;
    private final PerennialKafkaProperties kafka;
    private final TransactionTemplate transactions;
    private final StreamCatalog catalog;

    public StreamService(StreamRepository streams, Outbox outbox, KafkaAdmin kafkaAdmin,
            PerennialKafkaProperties kafka, TransactionTemplate transactions, StreamCatalog catalog) {
        this.catalog = catalog;
        this.streams = streams;
        this.outbox = outbox;
        this.kafkaAdmin = kafkaAdmin;
        this.kafka = kafka;
        this.transactions = transactions;
    }

    /**
     * Registers a stream. Topics are created first (idempotently) so that the stream exists only once its topics do;
     * the row and the {@code stream.created} event then commit together.
     */
    public Stream create(StreamRequest request) {
        StreamSpec spec = toSpec(request);
        if (streams.find(spec.name()).isPresent()) {
            throw ApiException.conflict("stream '" + spec.name() + "' already exists");
        }
        createTopics(spec);
        Boolean created = transactions.execute(status -> {
            if (!streams.insert(spec)) {
                return false;
            }
            outbox.append(EventTypes.STREAM_CREATED, spec.name(), new StreamCreated(spec));
            return true;
        });
        if (!Boolean.TRUE.equals(created)) {
            throw ApiException.conflict("stream '" + spec.name() + "' already exists or was deleted; its name "
                    + "stays reserved");
        }
        return streams.find(spec.name()).orElseThrow();
    }

    /**
     * Changes a stream's policy and/or retention. The samples topic's {@code retention.ms} follows, which is what
     * bounds the training data.
     */
    public Stream update(String name, StreamUpdateRequest request) {
        StreamSpec current = get(name).spec();
        long retentionMs = current.retentionMs();
        if (request.retention() != null) {
            checkRetention(request.retention());
            retentionMs = request.retention().toMillis();
        }
        StreamSpec updated = new StreamSpec(current.name(), current.inputShape(), current.labels(),
                current.labelRequired(), current.partitions(), retentionMs, current.modelFamily(),
                request.policy() == null ? current.policy() : request.policy());
        if (retentionMs != current.retentionMs()) {
            kafkaAdmin.createOrModifyTopics(TopicBuilder.name(Topics.samples(name)).partitions(current.partitions())
                    .replicas(kafka.getReplicationFactor()).config("retention.ms", String.valueOf(retentionMs))
                    .build());
        }
        transactions.executeWithoutResult(status -> {
            if (!streams.update(updated)) {
                throw ApiException.notFound("no stream named '" + name + "'");
            }
            outbox.append(EventTypes.STREAM_UPDATED, name, new StreamUpdated(updated));
        });
        catalog.invalidate(name);
        return get(name);
    }

    /** Soft-deletes a stream: ingest stops at once; its topics keep their data until retention expires. */
    public void delete(String name) {
        transactions.executeWithoutResult(status -> {
            if (!streams.markDeleted(name)) {
                throw ApiException.notFound("no stream named '" + name + "'");
            }
            outbox.append(EventTypes.STREAM_DELETED, name, new StreamDeleted(name));
        });
        catalog.invalidate(name);
    }

    public Stream get(String name) {
        return streams.find(name).orElseThrow(() -> ApiException.notFound("no stream named '" + name + "'"));
    }

    public List<Stream> list(int limit, int offset) {
        return streams.list(limit, offset);
    }

    public long count() {
        return streams.count();
    }

    private void createTopics(StreamSpec spec) {
        short replication = kafka.getReplicationFactor();
        NewTopic samples = TopicBuilder.name(Topics.samples(spec.name())).partitions(spec.partitions())
                .replicas(replication).config("retention.ms", String.valueOf(spec.retentionMs()))
                .config("cleanup.policy", "delete").build();
        NewTopic ingest = TopicBuilder.name(Topics.ingest(spec.name())).partitions(spec.partitions())
                .replicas(replication).config("retention.ms", String.valueOf(DEFAULT_RETENTION.toMillis())).build();
        kafkaAdmin.createOrModifyTopics(samples, ingest);
    }

    static StreamSpec toSpec(StreamRequest request) {
        if (!StreamName.isValid(request.name())) {
            throw ApiException.badRequest("invalid stream name: use 1-100 characters of a-z, 0-9, '-' and '_', "
                    + "starting with a letter or digit").with("field", "name");
        }
        long features = 1;
        for (int d : request.inputShape()) {
            features *= d;
        }
        if (features > MAX_FEATURES) {
            throw ApiException.badRequest("inputShape has " + features + " features; at most " + MAX_FEATURES)
                    .with("field", "inputShape");
        }
        if (new HashSet<>(request.labels()).size() != request.labels().size()) {
            throw ApiException.badRequest("labels must be unique").with("field", "labels");
        }
        Duration retention = request.retention() == null ? DEFAULT_RETENTION : request.retention();
        checkRetention(retention);
        Map<String, Object> family = modelFamily(request.modelFamily(), request.inputShape(), request.labels().size());
        return new StreamSpec(request.name(), request.inputShape(), request.labels(),
                Boolean.TRUE.equals(request.labelRequired()), request.partitions() == null ? 3 : request.partitions(),
                retention.toMillis(), family, request.policy());
    }

    private static void checkRetention(Duration retention) {
        if (retention.compareTo(Duration.ofMinutes(1)) < 0 || retention.compareTo(MAX_RETENTION) > 0) {
            throw ApiException.badRequest("retention must be between PT1M and P3650D").with("field", "retention");
        }
    }

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
            .build();

    /**
     * The stream's model family in the shared canonical form of {@code perennial-formats}: the given one, validated
     * against the input shape and the labels, or by default an MLP for flat inputs and a small CNN for
     * {@code [c, h, w]} images of at least 8 × 8.
     */
    static Map<String, Object> modelFamily(Map<String, Object> given, List<Integer> shape, int classes) {
        int features = shape.stream().reduce(1, Math::multiplyExact);
        ModelFamilySpec spec;
        if (given == null || given.isEmpty()) {
            // Convolutions only for real images; tiny grids get an MLP over their flattened values.
            spec = shape.size() == 3 && shape.get(1) >= 8 && shape.get(2) >= 8
                    ? new CnnSpec(shape.get(0), shape.get(1), shape.get(2), List.of(16, 32), 3, 128, classes,
                            Activation.RELU)
                    : new MlpSpec(features, List.of(256), classes, Activation.RELU);
        } else {
            try {
                spec = SpecJson.modelSpecFromJson(JSON.writeValueAsString(given));
            } catch (IllegalArgumentException ex) {
                throw ApiException.badRequest(ex.getMessage()).with("field", "modelFamily");
            }
            if (spec.classes() != classes) {
                throw ApiException.badRequest("modelFamily has " + spec.classes() + " classes but the stream has "
                        + classes + " labels").with("field", "modelFamily");
            }
            int inputs = spec.inputShape().stream().reduce(1, Math::multiplyExact);
            if (inputs != features) {
                throw ApiException.badRequest("modelFamily takes " + inputs + " inputs but a sample has " + features
                        + " features").with("field", "modelFamily");
            }
        }
        return JSON.readValue(SpecJson.toJson(spec), new tools.jackson.core.type.TypeReference<Map<String, Object>>() { });
    }
}
