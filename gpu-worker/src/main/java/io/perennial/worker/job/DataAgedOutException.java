package io.perennial.worker.job;

/**
 * Part of a job's window is no longer in Kafka: retention deleted it. The job cannot run as specified; it fails
 * with this reason instead of training on a different window.
 */
public class DataAgedOutException extends RuntimeException {

    public DataAgedOutException(String message) {
        super(message);
    }
}
