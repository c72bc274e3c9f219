package io.perennial.console.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** Formatting for templates ({@code ${@fmt.pct(x)}}): every method accepts a missing or null value and shows "—". */
@Component("fmt")
public class Format {

    /** What a page shows where a value is missing. */
    public static final String NONE = "—";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private static boolean absent(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull();
    }

    /** A fraction as a percentage with one decimal. */
    public String pct(JsonNode n) {
        return absent(n) || !n.isNumber() ? NONE : pct(n.asDouble());
    }

    public String pct(Double v) {
        return v == null ? NONE : String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    /** A signed fraction in percentage points (backward transfer, improvement). */
    public String pp(JsonNode n) {
        return absent(n) || !n.isNumber() ? NONE : String.format(Locale.ROOT, "%+.1f pp", n.asDouble() * 100);
    }

    /** A number, compact. */
    public String num(JsonNode n) {
        return absent(n) || !n.isNumber() ? NONE : num(n.asDouble());
    }

    public String num(Double v) {
        if (v == null) {
            return NONE;
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", v.longValue());
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e6)) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return String.format(Locale.ROOT, a < 1 ? "%.4f" : "%,.2f", v);
    }

    /** Text or "—". */
    public String text(JsonNode n) {
        return absent(n) ? NONE : n.isValueNode() ? n.asString() : n.toString();
    }

    /** An ISO-8601 instant as a UTC timestamp. */
    public String time(JsonNode n) {
        return absent(n) ? NONE : time(parse(n.asString()));
    }

    public String time(Instant t) {
        return t == null ? NONE : TIME.format(t);
    }

    /** How long ago, e.g. "3 min ago". */
    public String ago(JsonNode n) {
        return absent(n) ? NONE : ago(parse(n.asString()));
    }

    public String ago(Instant t) {
        if (t == null) {
            return NONE;
        }
        long s = Math.max(0, Duration.between(t, Instant.now()).getSeconds());
        if (s < 60) {
            return s + " s ago";
        }
        if (s < 3600) {
            return s / 60 + " min ago";
        }
        if (s < 86_400) {
            return s / 3600 + " h ago";
        }
        return s / 86_400 + " d ago";
    }

    /** A duration in milliseconds as days/hours, e.g. a retention. */
    public String duration(JsonNode ms) {
        if (absent(ms) || !ms.isNumber()) {
            return NONE;
        }
        Duration d = Duration.ofMillis(ms.asLong());
        if (d.toDays() >= 1 && d.toHours() % 24 == 0) {
            return d.toDays() + " d";
        }
        return d.toHours() >= 1 ? d.toHours() + " h" : d.toMinutes() + " min";
    }

    /** A progress fraction in [0, 1] from step and total, {@code -1} when unknown. */
    public double progress(JsonNode job) {
        JsonNode step = job.path("step");
        JsonNode total = job.path("totalSteps");
        String state = job.path("state").asString("");
        if (state.equals("SUCCEEDED")) {
            return 1;
        }
        if (absent(step) || absent(total) || total.asDouble() <= 0) {
            return -1;
        }
        return Math.max(0, Math.min(1, step.asDouble() / total.asDouble()));
    }

    /** The progress in whole percent for {@code aria-valuenow} (0 when unknown). */
    public String percent(JsonNode job) {
        return String.valueOf(Math.round(Math.max(0, progress(job)) * 100));
    }

    /** The progress as a CSS width. */
    public String width(double fraction) {
        return String.format(Locale.ROOT, "width:%.1f%%", Math.max(0, fraction) * 100);
    }

    /** A version kind's label, e.g. "prior correction" for {@code prior}; an unknown kind as it is. */
    public String kind(JsonNode kind) {
        String k = absent(kind) ? "" : kind.asString();
        return switch (k) {
            case "prior" -> "prior correction";
            case "refine" -> "refinement";
            case "" -> NONE;
            default -> k;
        };
    }

    /** What a version of that kind is, for a tooltip. */
    public String kindHint(JsonNode kind) {
        return switch (absent(kind) ? "" : kind.asString()) {
            case "base" -> "base weights";
            case "adapter" -> "a new regime's adapter trained on its window";
            case "merge" -> "adapters merged into one";
            case "prior" -> "a regime's class priors re-estimated (a logit bias), no training";
            case "restore" -> "a known regime served by its adapter again (a recurrence), no training";
            case "archive" -> "regimes taken out of routing to bound the active set, adapters kept";
            case "refine" -> "a regime's adapter trained further on its grown window";
            default -> "";
        };
    }

    static Instant parse(String iso) {
        try {
            return Instant.parse(iso);
        } catch (RuntimeException ex) {
            return null;
        }
    }
}
