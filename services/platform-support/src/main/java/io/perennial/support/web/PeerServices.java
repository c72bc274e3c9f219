package io.perennial.support.web;

import io.perennial.support.security.PerennialSecurityProperties;
import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * HTTP clients for calling another Perennial service as the platform itself: every request carries the service
 * token, so the callee authorises it with the {@code service} role. Error answers surface as
 * {@link org.springframework.web.client.RestClientResponseException} with the callee's problem+json body.
 */
public class PeerServices {

    private final String serviceToken;
    private final HttpClient http;

    public PeerServices(PerennialSecurityProperties security) {
        this.serviceToken = security.getServiceToken();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * A client of the service at {@code baseUrl}.
     *
     * @param baseUrl for example {@code http://registry-service:8084}
     * @param readTimeout the longest wait for an answer (uploads of large artifacts need more)
     */
    public RestClient client(String baseUrl, Duration readTimeout) {
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(http);
        factory.setReadTimeout(readTimeout);
        return RestClient.builder()
                .baseUrl(baseUrl)
                .requestFactory(factory)
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + serviceToken)
                .build();
    }
}
