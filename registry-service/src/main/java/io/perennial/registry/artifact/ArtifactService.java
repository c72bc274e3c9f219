package io.perennial.registry.artifact;

import io.perennial.formats.safetensors.Safetensors;
import io.perennial.formats.safetensors.SafetensorsFormatException;
import io.perennial.formats.safetensors.SafetensorsHeader;
import io.perennial.formats.spec.ModelFamilySpec;
import io.perennial.registry.model.Model;
import io.perennial.registry.model.ModelRepository;
import io.perennial.registry.version.AuditLog;
import io.perennial.registry.version.ModelFamilies;
import io.perennial.support.web.ApiException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Uploads and downloads artifacts without buffering whole files.
 *
 * <p>Upload: the body streams through a SHA-256 digest and a byte counter into the store (unless the digest is
 * already stored: deduplicated, nothing is written); safetensors kinds are parsed on the way
 * ({@code Safetensors.readHeader} then {@code validateData}) and their header is checked against the model family.
 * All of it runs in one transaction, so a digest mismatch, a truncated body or an invalid file rolls back every
 * chunk already written (a non-transactional store aborts its write: see {@link ArtifactStore}). Download: chunks
 * stream out of the artifact's own store through a digest; the last chunk is held back until the digest matches, so
 * a corrupted blob never reaches a client as a complete response.
 */
@Service
public class ArtifactService {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int BUFFER = 64 * 1024;

    private final ArtifactStores stores;
    private final ArtifactRepository artifacts;
    private final ModelRepository models;
    private final AuditLog audit;
    private final TransactionTemplate transactions;

    public ArtifactService(ArtifactStores stores, ArtifactRepository artifacts, ModelRepository models, AuditLog audit,
            TransactionTemplate transactions) {
        this.stores = stores;
        this.artifacts = artifacts;
        this.models = models;
        this.audit = audit;
        this.transactions = transactions;
    }

    /**
     * Stores an upload.
     *
     * @param expectedSha256 the digest the client computed (lower-case hex)
     * @param declaredLength the {@code Content-Length}, or -1 when chunked
     */
    public Artifact upload(String modelName, ArtifactKind kind, String expectedSha256, long declaredLength,
            InputStream body, String actor) {
        Model model = models.find(modelName).orElseThrow(() -> ApiException.notFound("no model named '" + modelName
                + "'"));
        if (expectedSha256 == null || !SHA256.matcher(expectedSha256).matches()) {
            throw ApiException.badRequest("send the SHA-256 of the body as 64 lower-case hex digits in the "
                    + "X-Content-SHA256 header (or as Content-Digest: sha-256=:<base64>:)").with("field", "sha256");
        }
        ModelFamilySpec family = ModelFamilies.parse(model.family());
        if (family == null && (kind == ArtifactKind.WEIGHTS || kind == ArtifactKind.ADAPTER)) {
            throw ApiException.badRequest("model '" + modelName + "' has no model family, so " + kind.id()
                    + " cannot be validated").with("field", "kind");
        }
        return transactions.execute(status -> {
            // touching a known artifact restarts its grace period and holds its row against a concurrent collection
            boolean known = artifacts.touch(expectedSha256);
            ArtifactStore store = stores.forUploads();
            ArtifactStore.BlobSink sink = known ? null : store.create(expectedSha256);
            try {
                DigestingInput in = new DigestingInput(body, sink);
                List<String> tensors = null;
                if (kind.safetensors()) {
                    SafetensorsHeader header = Safetensors.readHeader(in);
                    try {
                        TensorValidator.validate(header, kind, family);
                    } catch (IllegalArgumentException ex) {
                        throw ApiException.badRequest("tensors do not match model '" + modelName + "': "
                                + ex.getMessage()).with("reason", "family-mismatch");
                    }
                    Safetensors.validateData(header, in);
                    tensors = header.tensors().stream().map(t -> t.name() + " " + t.dtype() + " "
                            + Arrays.toString(t.shape())).toList();
                } else {
                    byte[] buffer = new byte[BUFFER];
                    while (in.read(buffer, 0, buffer.length) >= 0) {
                        // consumed into the digest and the sink
                    }
                }
                if (declaredLength >= 0 && in.count != declaredLength) {
                    throw ApiException.badRequest("truncated upload: received " + in.count + " of the "
                            + declaredLength + " bytes declared").with("reason", "truncated");
                }
                String actual = HexFormat.of().formatHex(in.digest.digest());
                if (!actual.equals(expectedSha256)) {
                    throw ApiException.badRequest("digest mismatch: the body's SHA-256 is " + actual + ", the client "
                            + "sent " + expectedSha256).with("reason", "digest-mismatch").with("actualSha256", actual);
                }
                boolean deduplicated = known;
                if (!known) {
                    String location = sink.finish();
                    if (!artifacts.insert(actual, in.count, store.name(), location, kind,
                            kind.safetensors() ? "safetensors" : "binary", tensors, actor)) {
                        store.delete(location);
                        deduplicated = true;
                    }
                    audit.record(modelName, null, "artifact.uploaded", actor, null, Map.of("sha256", actual,
                            "size", in.count, "kind", kind.id()));
                }
                Artifact stored = artifacts.find(actual).orElseThrow().artifact();
                return new Artifact(stored.sha256(), stored.size(), stored.kind(), stored.format(), stored.store(),
                        stored.tensors(), stored.uploadedBy(), stored.uploadedAt(), deduplicated);
            } catch (SafetensorsFormatException ex) {
                abort(sink);
                throw ApiException.badRequest("invalid safetensors file: " + ex.getMessage())
                        .with("reason", "invalid-safetensors");
            } catch (IOException ex) {
                abort(sink);
                throw ApiException.badRequest("the upload was interrupted: " + ex.getMessage())
                        .with("reason", "truncated");
            } catch (RuntimeException ex) {
                abort(sink);
                throw ex;
            }
        });
    }

    private static void abort(ArtifactStore.BlobSink sink) {
        if (sink != null) {
            sink.abort();
        }
    }

    /** An artifact's description. */
    public Artifact info(String model, String sha256) {
        return find(model, sha256).artifact();
    }

    /** Streams an artifact to {@code out}, verifying its digest; throws before the last chunk on a mismatch. */
    public void download(ArtifactRepository.Stored stored, OutputStream out) throws IOException {
        MessageDigest digest = sha256();
        byte[] pending = null;
        int pendingLength = 0;
        long total = 0;
        try (InputStream in = stores.named(stored.artifact().store()).open(stored.location())) {
            byte[] current = new byte[BUFFER];
            byte[] other = new byte[BUFFER];
            int n;
            while ((n = in.readNBytes(current, 0, current.length)) > 0) {
                digest.update(current, 0, n);
                total += n;
                if (pending != null) {
                    out.write(pending, 0, pendingLength);
                }
                pending = current;
                pendingLength = n;
                current = other;
                other = pending;
            }
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (total != stored.artifact().size() || !actual.equals(stored.artifact().sha256())) {
            throw new IOException("artifact " + stored.artifact().sha256() + " is corrupted in the "
                    + stored.artifact().store() + " store (read " + total + " bytes with SHA-256 " + actual + ")");
        }
        if (pending != null) {
            out.write(pending, 0, pendingLength);
        }
        out.flush();
    }

    /** Looks an artifact up for a model's API. */
    public ArtifactRepository.Stored find(String model, String sha256) {
        if (models.find(model).isEmpty()) {
            throw ApiException.notFound("no model named '" + model + "'");
        }
        return artifacts.find(sha256).orElseThrow(() -> ApiException.notFound("no artifact with SHA-256 " + sha256));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Reads through a digest and a counter, copying every byte into the sink (when there is one). */
    static final class DigestingInput extends FilterInputStream {
        final MessageDigest digest = sha256();
        private final OutputStream sink;
        long count;

        DigestingInput(InputStream in, OutputStream sink) {
            super(in);
            this.sink = sink;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                digest.update((byte) b);
                count++;
                if (sink != null) {
                    sink.write(b);
                }
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
                count += n;
                if (sink != null) {
                    sink.write(b, off, n);
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] scratch = new byte[(int) Math.min(BUFFER, Math.max(n, 1))];
            long skipped = 0;
            while (skipped < n) {
                int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

}
