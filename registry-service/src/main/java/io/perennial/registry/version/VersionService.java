package io.perennial.registry.version;

import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.RegistryEvents.VersionRegistered;
import io.perennial.formats.spec.AdapterConfig;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.registry.model.Model;
import io.perennial.registry.model.ModelRepository;
import io.perennial.registry.version.VersionRepository.Edge;
import io.perennial.registry.version.VersionRequest.Adapter;
import io.perennial.registry.version.VersionRequest.ArtifactRef;
import io.perennial.registry.version.VersionRequest.MergeSource;
import io.perennial.registry.version.VersionRequest.PartitionRange;
import io.perennial.support.outbox.Outbox;
import io.perennial.support.web.ApiException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Registers immutable versions: validates the request against the model family and the existing versions, takes
 * the next number under the model's row lock, and stores the version, its lineage edges, its artifact references,
 * an audit entry and the {@code version.registered} event in one transaction.
 */
@Service
public class VersionService {

    /** Merge methods the ML core implements (ids as in {@code MergeMethod.id()}). */
    static final Set<String> MERGE_METHODS = Set.of("task-arithmetic", "ties", "dare", "breadcrumbs", "magmax",
            "orthogonal-projection");

    private final VersionRepository versions;
    private final ModelRepository models;
    private final Outbox outbox;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final JdbcTemplate jdbc;

    public VersionService(VersionRepository versions, ModelRepository models, Outbox outbox, AuditLog audit,
            TransactionTemplate transactions, JdbcTemplate jdbc) {
        this.versions = versions;
        this.models = models;
        this.outbox = outbox;
        this.audit = audit;
        this.transactions = transactions;
        this.jdbc = jdbc;
    }

    /** Registers a version; the whole registration commits or nothing does. */
    public Version register(String modelName, VersionRequest request, String actor) {
        Model model = models.find(modelName).orElseThrow(() -> ApiException.notFound("no model named '"
                + modelName + "'"));
        validateShape(request, ModelFamilies.parse(model.family()));
        Integer number = transactions.execute(status -> {
            int version = versions.nextNumber(modelName).orElseThrow(() -> ApiException.notFound(
                    "no model named '" + modelName + "'"));
            checkReferences(modelName, version, request);
            versions.insert(modelName, version, request, actor);
            if (request.parentVersion() != null) {
                versions.insertEdge(modelName, version, request.parentVersion(), "parent", null);
            }
            if (request.merge() != null) {
                for (MergeSource s : request.merge().sources()) {
                    versions.insertEdge(modelName, version, s.version(), "merged-from", s.adapter());
                }
            }
            for (ArtifactRef ref : request.artifacts() == null ? List.<ArtifactRef>of() : request.artifacts()) {
                versions.insertArtifactRef(modelName, version, ref);
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("kind", request.kind());
            details.put("parentVersion", request.parentVersion());
            details.put("jobId", request.jobId());
            audit.record(modelName, version, "version.registered", actor, null, details);
            outbox.append(EventTypes.VERSION_REGISTERED, modelName, new VersionRegistered(modelName, version,
                    request.kind(), request.parentVersion(), request.jobId(), Instant.now()));
            return version;
        });
        return get(modelName, number);
    }

    public Version get(String model, int version) {
        return versions.find(model, version).orElseThrow(() -> missingVersion(model, version));
    }

    /** A page of versions with the total that matches the filter. */
    public record Page(List<Version> items, long total, int limit, int offset) {
    }

    public Page list(String model, VersionRepository.Filter filter, boolean ascending, int limit, int offset) {
        requireModel(model);
        return new Page(versions.list(model, filter, ascending, limit, offset), versions.count(model, filter), limit,
                offset);
    }

    /** The lineage graph of a version: every ancestor (parents, merge sources) and the edges between them. */
    public Lineage lineage(String model, int version) {
        requireModel(model);
        if (!versions.exists(model, version)) {
            throw missingVersion(model, version);
        }
        List<Edge> edges = versions.ancestry(model, version);
        Set<Integer> ids = new LinkedHashSet<>();
        ids.add(version);
        edges.forEach(e -> {
            ids.add(e.version());
            ids.add(e.ancestor());
        });
        List<Lineage.Node> nodes = versions.findAll(model, new ArrayList<>(ids)).stream()
                .map(v -> new Lineage.Node(v.version(), v.kind(), v.parentVersion(),
                        v.adapters().stream().map(Adapter::name).toList(), v.aliases(), v.createdAt()))
                .toList();
        Integer base = nodes.stream().filter(n -> n.kind().equals("base")).map(Lineage.Node::version)
                .min(Integer::compare).orElse(null);
        return new Lineage(model, version, base, nodes, edges.stream()
                .map(e -> new Lineage.Link(e.ancestor(), e.version(), e.relation(),
                        e.adapter().isEmpty() ? null : e.adapter())).toList());
    }

    /**
     * Deletes a version that was never served, has no alias and no descendants (admin only).
     */
    public void delete(String model, int version, String actor) {
        transactions.executeWithoutResult(status -> {
            if (!versions.lockModel(model)) {
                throw ApiException.notFound("no model named '" + model + "'");
            }
            Version v = get(model, version);
            if (v.servedAt() != null) {
                throw ApiException.conflict("version " + version + " of '" + model + "' was served in production "
                        + "at " + v.servedAt() + "; served versions are kept for audit and rollback")
                        .with("reason", "served");
            }
            if (!v.aliases().isEmpty()) {
                throw ApiException.conflict("version " + version + " of '" + model + "' is the target of aliases "
                        + v.aliases() + "; move them first").with("reason", "aliased").with("aliases", v.aliases());
            }
            List<Integer> children = versions.children(model, version);
            if (!children.isEmpty()) {
                throw ApiException.conflict("version " + version + " of '" + model + "' is an ancestor of versions "
                        + children + "; delete them first").with("reason", "has-descendants")
                        .with("descendants", children);
            }
            versions.delete(model, version);
            audit.record(model, version, "version.deleted", actor, null, Map.of("kind", v.kind()));
        });
    }

    void requireModel(String model) {
        if (models.find(model).isEmpty()) {
            throw ApiException.notFound("no model named '" + model + "'");
        }
    }

    static ApiException missingVersion(String model, int version) {
        return ApiException.notFound("model '" + model + "' has no version " + version);
    }

    /**
     * Checks what needs no database: kind rules ({@link VersionKinds}), adapter specs against the family, segments,
     * merge recipe.
     */
    static void validateShape(VersionRequest r, ModelFamilySpec family) {
        List<Adapter> adapters = r.adapters() == null ? List.of() : r.adapters();
        VersionKinds.checkShape(r);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < adapters.size(); i++) {
            Adapter a = adapters.get(i);
            String f = "adapters[" + i + "]";
            if (!names.add(a.name())) {
                throw field("adapter name '" + a.name() + "' appears twice", f + ".name");
            }
            if (family != null) {
                try {
                    AdapterConfig.of(a.rank(), a.alpha(), a.targetModules(), "").validateAgainst(family);
                } catch (IllegalArgumentException ex) {
                    throw field("adapter '" + a.name() + "': " + ex.getMessage(), f);
                }
            }
            Set<Integer> partitions = new HashSet<>();
            for (PartitionRange p : a.segment().partitions()) {
                if (p.toOffset() < p.fromOffset()) {
                    throw field("adapter '" + a.name() + "': partition " + p.partition() + " ends (offset "
                            + p.toOffset() + ") before it starts (" + p.fromOffset() + ")", f + ".segment");
                }
                if (!partitions.add(p.partition())) {
                    throw field("adapter '" + a.name() + "': partition " + p.partition() + " listed twice",
                            f + ".segment");
                }
            }
            if (a.segment().from() != null && a.segment().to() != null && a.segment().to().isBefore(a.segment().from())) {
                throw field("adapter '" + a.name() + "': segment ends before it starts", f + ".segment");
            }
        }
        if (r.merge() != null) {
            if (!MERGE_METHODS.contains(r.merge().method())) {
                throw field("unknown merge method '" + r.merge().method() + "' (one of " + MERGE_METHODS.stream()
                        .sorted().toList() + ")", "merge.method");
            }
            if (r.merge().weights() != null && r.merge().weights().size() != r.merge().sources().size()) {
                throw field("merge weights (" + r.merge().weights().size() + ") and sources ("
                        + r.merge().sources().size() + ") differ in number", "merge.weights");
            }
            if (r.merge().density() != null && !(r.merge().density() > 0 && r.merge().density() <= 1)) {
                throw field("merge density must be in (0, 1]", "merge.density");
            }
        }
        Set<String> files = new HashSet<>();
        for (ArtifactRef ref : r.artifacts() == null ? List.<ArtifactRef>of() : r.artifacts()) {
            if (!files.add(ref.name())) {
                throw field("artifact name '" + ref.name() + "' appears twice", "artifacts");
            }
        }
    }

    /**
     * Checks the references (parent, merge sources, artifacts) inside the registration transaction, that a kind
     * without training adds no adapter to its parent's, and that a refine version touches exactly one.
     */
    private void checkReferences(String model, int version, VersionRequest r) {
        if (r.parentVersion() != null) {
            checkReference(model, version, r.parentVersion(), "parentVersion", "parent");
            if (VersionKinds.WITHOUT_TRAINING.contains(r.kind()) || "refine".equals(r.kind())) {
                List<Adapter> parentAdapters = versions.find(model, r.parentVersion()).orElseThrow().adapters();
                VersionKinds.checkNoNewAdapter(r.kind(), r.parentVersion(), parentAdapters, r.adapters());
                VersionKinds.checkOneRefinedAdapter(r.kind(), r.parentVersion(), parentAdapters, r.adapters());
            }
        }
        if (r.merge() != null) {
            for (int i = 0; i < r.merge().sources().size(); i++) {
                MergeSource s = r.merge().sources().get(i);
                String f = "merge.sources[" + i + "]";
                checkReference(model, version, s.version(), f, "merge source");
                if (!versions.adapterNames(model, s.version()).orElseThrow().contains(s.adapter())) {
                    throw field("merge source: version " + s.version() + " of '" + model + "' has no adapter '"
                            + s.adapter() + "'", f);
                }
            }
        }
        for (ArtifactRef ref : r.artifacts() == null ? List.<ArtifactRef>of() : r.artifacts()) {
            // FOR KEY SHARE: a garbage collection deciding about this artifact is waited for, and blocked until
            // the registration commits (the reference is then visible to it)
            Integer known = jdbc.queryForObject("SELECT count(*) FROM (SELECT 1 FROM artifacts WHERE sha256 = ? "
                    + "FOR KEY SHARE) a", Integer.class, ref.sha256());
            if (known == 0) {
                throw field("artifact '" + ref.name() + "': no artifact with SHA-256 " + ref.sha256()
                        + " was uploaded", "artifacts");
            }
        }
    }

    private void checkReference(String model, int version, int referenced, String field, String what) {
        if (referenced == version) {
            throw field(what + " " + referenced + " is the new version itself: the lineage would form a cycle",
                    field).with("reason", "cycle");
        }
        if (!versions.exists(model, referenced)) {
            throw field("unknown " + what + ": model '" + model + "' has no version " + referenced, field)
                    .with("reason", "unknown-version");
        }
        if (referenced > version) {
            throw field(what + " " + referenced + " is newer than the new version " + version
                    + ": the lineage would form a cycle", field).with("reason", "cycle");
        }
    }

    static ApiException field(String detail, String field) {
        return VersionKinds.field(detail, field);
    }
}
