package io.perennial.support.web;

import java.net.URI;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds problem objects with Perennial's type URIs. */
public final class Problems {

    /** Base of the {@code type} member: {@code https://perennial.io/problems/<slug>}. */
    public static final String TYPE_BASE = "https://perennial.io/problems/";

    private Problems() {
    }

    /** A problem with a type derived from its title, e.g. "Payload too large" → {@code …/payload-too-large}. */
    public static ProblemDetail of(HttpStatusCode status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create(TYPE_BASE + title.toLowerCase().replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", "")));
        return problem;
    }
}
