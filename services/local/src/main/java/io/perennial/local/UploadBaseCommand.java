package io.perennial.local;

import io.perennial.local.demo.PlatformApi;
import io.perennial.worker.registry.BaseUpload;
import io.perennial.worker.registry.RegistryGateway;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code perennial upload-base --stream <s> --dir <dir> [--promote] [--force-reason <why>]}: registers base weights
 * trained elsewhere (a directory written by {@code ContinualLearner.save}) as the stream's {@code base} version, so
 * trainer-service bootstraps the stream from it instead of training a base on the first window. Runs against a
 * running stack, with the operator API key in {@code PERENNIAL_API_KEY} or else the stack's service token from
 * {@code $PERENNIAL_HOME/secrets}. The registration itself is gpu-worker's ({@link BaseUpload}).
 */
final class UploadBaseCommand {

    static final String USAGE = "usage: ./perennial upload-base --stream <name> --dir <directory saved by "
            + "ContinualLearner.save> [--promote] [--force-reason <why>]";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final StackConfig config;
    private final String apiKey;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param apiKey an operator API key, or null to use the running stack's service token
     */
    UploadBaseCommand(StackConfig config, String apiKey, PrintStream out, PrintStream err) {
        this.config = config;
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
        this.out = out;
        this.err = err;
    }

    /** Options as parsed. */
    record Options(String stream, Path dir, boolean promote, String forceReason) {

        static Options parse(List<String> args) {
            String stream = null;
            Path dir = null;
            boolean promote = false;
            String force = null;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--stream" -> stream = value(args, ++i, a);
                    case "--dir" -> dir = Path.of(value(args, ++i, a));
                    case "--promote" -> promote = true;
                    case "--force-reason" -> force = value(args, ++i, a);
                    default -> throw new StackException("unknown option '" + a + "'; " + USAGE);
                }
            }
            if (stream == null || dir == null) {
                throw new StackException(USAGE);
            }
            if (force != null && !promote) {
                throw new StackException("--force-reason promotes past the gate: it needs --promote");
            }
            return new Options(stream, dir, promote, force);
        }

        private static String value(List<String> args, int i, String option) {
            if (i >= args.size() || args.get(i).startsWith("--")) {
                throw new StackException(option + " needs a value; " + USAGE);
            }
            return args.get(i);
        }
    }

    int run(List<String> args) {
        Options options = Options.parse(args);
        if (!Files.isDirectory(options.dir())) {
            throw new StackException(options.dir() + " is not a directory");
        }
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (String service : List.of("ingest-service", "registry-service")) {
            if (!Stack.isUp(probe, config.baseUrl(service))) {
                throw new StackException(service + " is not answering at " + config.baseUrl(service)
                        + "; start the stack with ./perennial up --detach (see ./perennial status)");
            }
        }
        String credential = credential();
        PlatformApi.Answer stream = new PlatformApi(config::baseUrl, credential)
                .get("ingest-service", "/v1/streams/" + options.stream());
        if (stream.status() == 404) {
            throw new StackException("no stream '" + options.stream() + "'; create it first (POST /v1/streams)");
        }
        JsonNode spec = stream.require("reading stream " + options.stream()).body().path("spec");
        BaseUpload.StreamShape shape = new BaseUpload.StreamShape(
                convert(spec.path("inputShape"), new TypeReference<>() { }),
                convert(spec.path("labels"), new TypeReference<>() { }),
                convert(spec.path("modelFamily"), new TypeReference<Map<String, Object>>() { }));
        String source = options.dir().toAbsolutePath().normalize() + " by perennial upload-base";
        BaseUpload.Result result;
        try {
            result = new BaseUpload(new RegistryGateway(registryClient(credential))).upload(options.stream(),
                    options.dir(), shape, source, options.promote(), options.forceReason());
        } catch (IllegalArgumentException ex) {
            throw new StackException("the saved model does not fit stream '" + options.stream() + "': "
                    + ex.getMessage() + "; nothing was uploaded");
        } catch (IOException ex) {
            throw new StackException("cannot read " + options.dir() + ": " + ex.getMessage(), ex);
        } catch (RestClientResponseException ex) {
            throw new StackException("registry-service refused the upload: HTTP " + ex.getStatusCode().value() + " "
                    + ex.getResponseBodyAsString());
        } catch (ResourceAccessException ex) {
            throw new StackException("registry-service is not reachable: " + ex.getMessage(), ex);
        }
        out.println("Registered version " + result.version() + " of '" + options.stream() + "' (kind base) from "
                + options.dir());
        if (!options.promote()) {
            out.println("Not promoted (add --promote); trainer-service keeps planning its own base job until a "
                    + "version is in production.");
            return 0;
        }
        if (!result.promoted()) {
            err.println("perennial: version " + result.version() + " is registered but not promoted: "
                    + result.detail() + ". An uploaded base has no evaluation on this stream: the gate refuses it "
                    + "when it sets an accuracy floor or a version has served before; promote it past the gate with "
                    + "--force-reason '<why>' (audited).");
            return 1;
        }
        out.println("Promoted: version " + result.version() + " serves '" + options.stream()
                + "'. trainer-service will not train a base for this stream; adapters grow on this version.");
        return 0;
    }

    private String credential() {
        if (apiKey != null) {
            return apiKey;
        }
        Path token = config.secretsDir().resolve("service-token");
        try {
            return Files.readString(token).trim();
        } catch (IOException ex) {
            throw new StackException("no credentials: set PERENNIAL_API_KEY to an operator API key, or run this "
                    + "with the PERENNIAL_HOME of the running stack (" + token + " is not readable)");
        }
    }

    private RestClient registryClient(String credential) {
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
        factory.setReadTimeout(Duration.ofMinutes(5));
        return RestClient.builder().baseUrl(config.baseUrl("registry-service")).requestFactory(factory)
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + credential).build();
    }

    private static <T> T convert(JsonNode node, TypeReference<T> type) {
        return JSON.convertValue(node, type);
    }
}
