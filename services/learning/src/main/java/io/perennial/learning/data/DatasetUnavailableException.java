package io.perennial.learning.data;

/** Thrown when a data set's files are not installed; the message says how to install them. */
public class DatasetUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is missing and how to get it
     */
    public DatasetUnavailableException(String message) {
        super(message);
    }
}
