package io.perennial.drift.monitor;

import io.perennial.contracts.StreamName;
import io.perennial.drift.stream.MonitoredStreamRepository;
import io.perennial.support.web.ApiException;
import java.util.List;
import org.springframework.stereotype.Service;

/** What the REST API does: configuration, status and history, over the repository and the live monitors. */
@Service
public class DriftService {

    private final DriftRepository repository;
    private final MonitoredStreamRepository catalogue;
    private final StreamMonitors monitors;

    public DriftService(DriftRepository repository, MonitoredStreamRepository catalogue, StreamMonitors monitors) {
        this.repository = repository;
        this.catalogue = catalogue;
        this.monitors = monitors;
    }

    /** Status of a stream: live figures (when monitored here) and the latest stored evaluations. */
    /**
     * Status of a stream.
     *
     * @param reference where the reference came from (live, or as last stored when another instance monitors it)
     */
    public record StreamStatus(String stream, DetectorConfig config, StreamMonitors.Status live,
            List<DriftRepository.Evaluation> latest, long alarms, ReferenceSource reference) {
    }

    public DetectorConfig config(String stream) {
        validName(stream);
        return repository.config(stream).orElse(DetectorConfig.defaults());
    }

    public DetectorConfig configure(String stream, DetectorConfig config, String actor) {
        validName(stream);
        config.validate();
        repository.saveConfig(stream, config, actor);
        monitors.reconfigure(stream, config);
        return config;
    }

    public StreamStatus status(String stream) {
        requireKnown(stream);
        StreamMonitors.Status live = monitors.status(stream).orElse(null);
        ReferenceSource reference = live != null ? live.reference()
                : repository.referenceSource(stream).orElse(null);
        return new StreamStatus(stream, config(stream), live, repository.latestEvaluations(stream),
                repository.countAlarms(stream), reference);
    }

    public List<DriftRepository.Alarm> alarms(String stream, int limit, int offset) {
        return repository.alarms(stream, limit, offset);
    }

    public long countAlarms(String stream) {
        return repository.countAlarms(stream);
    }

    public List<DriftRepository.Evaluation> evaluations(String stream, String detector, int limit, int offset) {
        return repository.evaluations(stream, detector, limit, offset);
    }

    public long countEvaluations(String stream, String detector) {
        return repository.countEvaluations(stream, detector);
    }

    public void resetReference(String stream) {
        requireKnown(stream);
        monitors.resetReference(stream);
    }

    /** 404 unless the stream is in the catalogue or monitored here. */
    public void requireKnown(String stream) {
        validName(stream);
        boolean known = monitors.status(stream).isPresent()
                || catalogue.list().stream().anyMatch(s -> s.name().equals(stream));
        if (!known) {
            throw ApiException.notFound("stream " + stream);
        }
    }

    private static void validName(String stream) {
        if (!stream.matches(StreamName.REGEX)) {
            throw ApiException.badRequest("invalid stream name");
        }
    }
}
