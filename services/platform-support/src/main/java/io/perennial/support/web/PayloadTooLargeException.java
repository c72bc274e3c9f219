package io.perennial.support.web;

import org.springframework.util.unit.DataSize;

/** The request body is larger than the configured limit. */
public class PayloadTooLargeException extends RuntimeException {

    public PayloadTooLargeException(DataSize limit) {
        super("request body exceeds the limit of " + limit.toBytes() + " bytes");
    }
}
