package io.perennial.registry.alias;

import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.RegistryEvents.AliasMoved;
import io.perennial.contracts.events.RegistryEvents.AliasRemoved;
import io.perennial.contracts.events.RegistryEvents.ProductionRolledBack;
import io.perennial.contracts.events.RegistryEvents.VersionPromoted;
import io.perennial.registry.evaluation.Evaluation;
import io.perennial.registry.evaluation.EvaluationRepository;
import io.perennial.registry.version.AuditLog;
import io.perennial.registry.version.VersionRepository;
import io.perennial.support.outbox.Outbox;
import io.perennial.support.web.ApiException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves aliases. Every move of one model runs under that model's row lock, so promotions, rollbacks and alias
 * moves of a model are serialised: of two concurrent promotions the second sees the first's result (its report is
 * then stale against the new production and the gate refuses it). Each move is audited and announced with
 * {@code alias.moved} through the outbox.
 */
@Service
public class AliasService {

    public static final String PRODUCTION = "production";
    public static final String PREVIOUS = "previous";
    public static final String CANDIDATE = "candidate";
    static final Set<String> RESERVED = Set.of(PRODUCTION, PREVIOUS);
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    private final AliasRepository aliases;
    private final VersionRepository versions;
    private final EvaluationRepository evaluations;
    private final AuditLog audit;
    private final Outbox outbox;
    private final TransactionTemplate transactions;

    public AliasService(AliasRepository aliases, VersionRepository versions, EvaluationRepository evaluations,
            AuditLog audit, Outbox outbox, TransactionTemplate transactions) {
        this.aliases = aliases;
        this.versions = versions;
        this.evaluations = evaluations;
        this.audit = audit;
        this.outbox = outbox;
        this.transactions = transactions;
    }

    /** What a promotion did. */
    public record Promotion(String model, int version, Integer previousVersion, boolean forced, String reason,
            List<GateEvaluator.Condition> conditions) {
    }

    /** A promotion request. {@code expectedProduction}: refuse unless production is this version (compare-and-set). */
    public record PromoteRequest(Boolean force, String reason, Integer expectedProduction) {
    }

    /** Evaluates the gate without promoting. */
    public GateEvaluator.Result check(String model, int version) {
        requireVersion(model, version);
        return GateEvaluator.evaluate(aliases.policy(model), evaluations.latest(model, version).orElse(null),
                aliases.target(model, PRODUCTION).orElse(null), !aliases.anyServed(model));
    }

    public Promotion promote(String model, int version, PromoteRequest request, String actor) {
        boolean force = request != null && Boolean.TRUE.equals(request.force());
        String reason = request == null ? null : blankToNull(request.reason());
        if (force && reason == null) {
            throw ApiException.badRequest("a forced promotion needs a reason").with("field", "reason");
        }
        try {
            return transactions.execute(status -> {
                lock(model);
                requireVersion(model, version);
                Integer production = aliases.target(model, PRODUCTION).orElse(null);
                if (request != null && request.expectedProduction() != null
                        && !request.expectedProduction().equals(production)) {
                    throw ApiException.conflict("production is " + (production == null ? "unset" : "version "
                            + production) + ", not the expected version " + request.expectedProduction())
                            .with("production", production);
                }
                if (production != null && production == version) {
                    throw ApiException.conflict("version " + version + " is already production");
                }
                Evaluation report = evaluations.latest(model, version).orElse(null);
                GateEvaluator.Result gate = GateEvaluator.evaluate(aliases.policy(model), report, production,
                        !aliases.anyServed(model));
                if (!gate.passed() && !force) {
                    throw ApiException.conflict("version " + version + " of '" + model + "' fails the promotion gate: "
                            + String.join("; ", gate.failed().stream().map(GateEvaluator.Condition::detail).toList()))
                            .with("failed", gate.failed()).with("conditions", gate.conditions());
                }
                String why = force && !gate.passed() ? "forced: " + reason : reason == null ? "promoted" : reason;
                if (production != null) {
                    move(model, PREVIOUS, production, actor, why);
                }
                move(model, PRODUCTION, version, actor, why);
                aliases.markServed(model, version);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("previousVersion", production);
                details.put("forced", force && !gate.passed());
                details.put("gatePassed", gate.passed());
                details.put("failed", gate.failed().stream().map(GateEvaluator.Condition::name).toList());
                audit.record(model, version, "version.promoted", actor, reason, details);
                outbox.append(EventTypes.VERSION_PROMOTED, model, new VersionPromoted(model, version, production,
                        force && !gate.passed(), actor, why, Instant.now()));
                return new Promotion(model, version, production, force && !gate.passed(), reason, gate.conditions());
            });
        } catch (ApiException ex) {
            if (ex.status().value() == 409) {
                transactions.executeWithoutResult(s -> audit.record(model, version, "promotion.refused", actor,
                        reason, Map.of("detail", String.valueOf(ex.getMessage()))));
            }
            throw ex;
        }
    }

    /** Moves production back to previous in one step; previous is then cleared (a second rollback needs one). */
    public Promotion rollback(String model, String reason, String actor) {
        return transactions.execute(status -> {
            lock(model);
            Integer production = aliases.target(model, PRODUCTION).orElseThrow(() -> ApiException.conflict(
                    "model '" + model + "' has no production version to roll back"));
            Integer previous = aliases.target(model, PREVIOUS).orElseThrow(() -> ApiException.conflict(
                    "model '" + model + "' has no previous version to roll back to"));
            String why = reason == null || reason.isBlank() ? "rollback" : "rollback: " + reason;
            move(model, PRODUCTION, previous, actor, why);
            aliases.delete(model, PREVIOUS);
            outbox.append(EventTypes.ALIAS_REMOVED, model, new AliasRemoved(model, PREVIOUS, previous, actor, why,
                    Instant.now()));
            audit.record(model, previous, "production.rolled-back", actor, blankToNull(reason),
                    Map.of("from", production, "to", previous));
            outbox.append(EventTypes.PRODUCTION_ROLLED_BACK, model, new ProductionRolledBack(model, production,
                    previous, actor, blankToNull(reason), Instant.now()));
            return new Promotion(model, previous, production, false, blankToNull(reason), List.of());
        });
    }

    /**
     * Points a user alias (or {@code candidate}) at a version.
     *
     * @param createOnly refuse with 409 when the alias exists (an alias collision)
     */
    public AliasRepository.Alias setAlias(String model, String alias, int version, String reason, boolean createOnly,
            String actor) {
        checkName(alias);
        return transactions.execute(status -> {
            lock(model);
            requireVersion(model, version);
            Integer current = aliases.target(model, alias).orElse(null);
            if (createOnly && current != null) {
                throw ApiException.conflict("alias '" + alias + "' of '" + model + "' already points at version "
                        + current).with("field", "alias").with("version", current);
            }
            if (current == null || current != version) {
                move(model, alias, version, actor, blankToNull(reason));
            }
            return aliases.list(model).stream().filter(a -> a.alias().equals(alias)).findFirst().orElseThrow();
        });
    }

    public void deleteAlias(String model, String alias, String reason, String actor) {
        checkName(alias);
        transactions.executeWithoutResult(status -> {
            lock(model);
            Integer current = aliases.target(model, alias).orElseThrow(() -> ApiException.notFound("model '" + model
                    + "' has no alias '" + alias + "'"));
            aliases.delete(model, alias);
            audit.record(model, current, "alias.deleted", actor, blankToNull(reason), Map.of("alias", alias));
            outbox.append(EventTypes.ALIAS_REMOVED, model, new AliasRemoved(model, alias, current, actor,
                    blankToNull(reason), Instant.now()));
        });
    }

    public List<AliasRepository.Alias> list(String model) {
        requireModel(model);
        return aliases.list(model);
    }

    public AliasRepository.Alias get(String model, String alias) {
        requireModel(model);
        return aliases.list(model).stream().filter(a -> a.alias().equals(alias)).findFirst()
                .orElseThrow(() -> ApiException.notFound("model '" + model + "' has no alias '" + alias + "'"));
    }

    public GatePolicy policy(String model) {
        requireModel(model);
        return aliases.policy(model);
    }

    public GatePolicy savePolicy(String model, GatePolicy policy, String actor) {
        transactions.executeWithoutResult(status -> {
            lock(model);
            aliases.savePolicy(model, policy, actor);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("maxNegativeFlipRate", policy.maxNegativeFlipRate());
            details.put("maxForgetting", policy.maxForgetting());
            details.put("minNewestAccuracy", policy.minNewestAccuracy());
            details.put("minImprovement", policy.minImprovement());
            audit.record(model, null, "gate.updated", actor, null, details);
        });
        return aliases.policy(model);
    }

    private void move(String model, String alias, int version, String actor, String reason) {
        Integer before = aliases.target(model, alias).orElse(null);
        aliases.set(model, alias, version, actor);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("alias", alias);
        details.put("from", before);
        details.put("to", version);
        audit.record(model, version, "alias.moved", actor, reason, details);
        outbox.append(EventTypes.ALIAS_MOVED, model, new AliasMoved(model, alias, version, before, actor, reason,
                Instant.now()));
    }

    private void checkName(String alias) {
        if (RESERVED.contains(alias)) {
            throw ApiException.badRequest("'" + alias + "' moves only through promote and rollback")
                    .with("field", "alias");
        }
        if (!NAME.matcher(alias).matches()) {
            throw ApiException.badRequest("alias names are lower-case letters, digits, '-' and '_', starting with a "
                    + "letter (at most 63)").with("field", "alias");
        }
    }

    private void lock(String model) {
        if (!versions.lockModel(model)) {
            throw ApiException.notFound("no model named '" + model + "'");
        }
    }

    private void requireModel(String model) {
        if (!versions.modelExists(model)) {
            throw ApiException.notFound("no model named '" + model + "'");
        }
    }

    private void requireVersion(String model, int version) {
        if (!versions.exists(model, version)) {
            throw ApiException.notFound("model '" + model + "' has no version " + version);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
