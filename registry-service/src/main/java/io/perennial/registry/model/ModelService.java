package io.perennial.registry.model;

import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.RegistryEvents.ModelCreated;
import io.perennial.registry.version.ModelFamilies;
import io.perennial.support.outbox.Outbox;
import io.perennial.support.web.ApiException;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Creates models by hand (more than one per stream is allowed) and announces them. */
@Service
public class ModelService {

    private final ModelRepository models;
    private final Outbox outbox;
    private final TransactionTemplate transactions;

    public ModelService(ModelRepository models, Outbox outbox, TransactionTemplate transactions) {
        this.models = models;
        this.outbox = outbox;
        this.transactions = transactions;
    }

    public Model create(ModelRequest request) {
        Map<String, Object> family = request.family() == null ? Map.of() : request.family();
        try {
            ModelFamilies.parse(family);
        } catch (IllegalArgumentException ex) {
            throw ApiException.badRequest(ex.getMessage()).with("field", "family");
        }
        Boolean created = transactions.execute(status -> {
            if (!models.insert(request.name(), request.stream(), family)) {
                return false;
            }
            outbox.append(EventTypes.MODEL_CREATED, request.name(),
                    new ModelCreated(request.name(), request.stream(), Instant.now()));
            return true;
        });
        if (!Boolean.TRUE.equals(created)) {
            throw ApiException.conflict("model '" + request.name() + "' already exists");
        }
        return models.find(request.name()).orElseThrow();
    }
}
