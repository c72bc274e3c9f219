package io.perennial.drift.reference;

/** A promoted version's segment cannot be the reference; {@link #reason()} is the fallback reason shown in status. */
public class ReferenceUnavailableException extends RuntimeException {

    private final String reason;

    public ReferenceUnavailableException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ReferenceUnavailableException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** {@code registry-unreachable}, {@code version-unknown}, {@code no-segment}, {@code aged-out}, ... */
    public String reason() {
        return reason;
    }
}
