package io.perennial.worker.job;

import io.perennial.contracts.Topics;
import io.perennial.contracts.events.EventTypes;
import io.perennial.contracts.events.JobEvents.JobRequested;
import io.perennial.support.kafka.DeadLetters;
import io.perennial.support.kafka.KafkaEvents;
import io.perennial.support.service.ServiceProperties;
import io.perennial.worker.WorkerProperties;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Takes jobs from {@code perennial.jobs} in the consumer group {@code gpu-worker-jobs}, one at a time.
 *
 * <p>While a job runs, every assigned partition is paused and the consumer keeps polling, so the group keeps this
 * worker as long as it is alive (no {@code max.poll.interval.ms} limit on training time) and hands it no second job.
 * The job's offset is committed only after its outcome was reported — for a success, after the version was
 * registered. A worker that dies mid-job commits nothing: the group gives the partition to another worker, which
 * receives the same job again (and finds the version if the first one registered it). A job an operator cancelled
 * (trainer-service's state, asked before the job starts and with every heartbeat) stops at the next training step
 * and registers nothing; its message is committed. Messages that are not jobs go to {@code perennial.dlq}.
 */
@Component
public class JobConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobConsumer.class);

    /** The workers' consumer group. */
    public static final String GROUP = "gpu-worker-jobs";

    private final KafkaProperties kafka;
    private final KafkaEvents events;
    private final KafkaTemplate<String, byte[]> template;
    private final TrainingJobRunner runner;
    private final JobReporter reporter;
    private final TrainerGateway trainer;
    private final WorkerProperties properties;
    private final String service;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;
    private ExecutorService jobThread;
    private ScheduledExecutorService heartbeats;

    public JobConsumer(KafkaProperties kafka, KafkaEvents events, KafkaTemplate<String, byte[]> template,
            TrainingJobRunner runner, JobReporter reporter, TrainerGateway trainer, WorkerProperties properties,
            ServiceProperties service) {
        this.kafka = kafka;
        this.events = events;
        this.template = template;
        this.runner = runner;
        this.reporter = reporter;
        this.trainer = trainer;
        this.properties = properties;
        this.service = service.getName();
    }

    @Override
    public synchronized void start() {
        if (!properties.isJobsEnabled() || running.get()) {
            return;
        }
        running.set(true);
        jobThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "gpu-worker-job"));
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gpu-worker-heartbeat");
            t.setDaemon(true);
            return t;
        });
        thread = new Thread(this::loop, "gpu-worker-jobs-consumer");
        thread.start();
    }

    /**
     * Stops taking jobs. A running job is abandoned: it reports nothing more and its message is not committed, so
     * another worker of the group runs it again — exactly what happens when a worker crashes.
     */
    @Override
    public synchronized void stop() {
        if (!running.getAndSet(false)) {
            return;
        }
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(30_000);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        jobThread.shutdownNow();
        heartbeats.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    @Override
    public int getPhase() {
        // Stop before the Kafka template and the web server, start after them.
        return Integer.MAX_VALUE - 100;
    }

    private void loop() {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "gpu-worker-jobs-" + properties.getWorkerId());
        BusyAwarePauser pauser = new BusyAwarePauser();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            pauser.consumer = c;
            c.subscribe(List.of(Topics.JOBS), pauser);
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(500))) {
                    if (!running.get()) {
                        break;
                    }
                    handle(c, record, pauser);
                }
            }
        } catch (WakeupException ex) {
            if (running.get()) {
                log.error("Job consumer woken up unexpectedly", ex);
            }
        } catch (RuntimeException ex) {
            log.error("Job consumer stopped", ex);
        } finally {
            consumer = null;
        }
    }

    private void handle(KafkaConsumer<String, byte[]> c, ConsumerRecord<String, byte[]> record,
            BusyAwarePauser pauser) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        JobRequested job;
        try {
            job = events.decode(record).dataAs(EventTypes.JOB_REQUESTED);
        } catch (RuntimeException ex) {
            log.warn("Message at {}@{} is not a job; sending it to {}: {}", tp, record.offset(), Topics.DLQ,
                    ex.getMessage());
            template.send(DeadLetters.of(record, service, ex)).join();
            commit(c, tp, record.offset());
            return;
        }
        if (trainer.isCancelled(job.jobId())) {
            log.info("Job {} was cancelled before it started; skipping it", job.jobId());
            commit(c, tp, record.offset());
            return;
        }
        AtomicBoolean abandon = new AtomicBoolean();
        AtomicBoolean cancelled = new AtomicBoolean();
        pauser.busy = true;
        c.pause(c.assignment());
        ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(() -> beat(job, cancelled),
                properties.getHeartbeatInterval().toMillis(), properties.getHeartbeatInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        Future<Boolean> outcome = jobThread.submit(() -> execute(job, abandon, cancelled));
        try {
            while (!outcome.isDone()) {
                if (!running.get()) {
                    abandon.set(true);
                    return;
                }
                c.poll(Duration.ofMillis(200)); // paused: returns nothing, keeps this worker in the group
            }
            boolean reported = outcome.get();
            if (reported) {
                commit(c, tp, record.offset());
            }
        } catch (WakeupException ex) {
            abandon.set(true);
            throw ex;
        } catch (Exception ex) {
            log.error("Job {} ended unexpectedly", job.jobId(), ex);
        } finally {
            beat.cancel(false);
            pauser.busy = false;
            if (running.get()) {
                c.resume(c.assignment());
            }
        }
    }

    /** A heartbeat, and the trainer's answer to "was this job cancelled?" (a failing beat must not stop the next). */
    private void beat(JobRequested job, AtomicBoolean cancelled) {
        try {
            reporter.heartbeat(job);
            if (trainer.isCancelled(job.jobId())) {
                cancelled.set(true);
            }
        } catch (RuntimeException ex) {
            log.warn("Heartbeat of job {} failed: {}", job.jobId(), ex.getMessage());
        }
    }

    /**
     * Runs the job and reports its outcome. True when the job is over for this worker (reported, or cancelled by an
     * operator); false when it was abandoned because the worker stops (nothing reported, nothing committed).
     */
    private boolean execute(JobRequested job, AtomicBoolean abandon, AtomicBoolean cancelled) {
        try {
            log.info("Job {} attempt {}: {} of stream {} on offsets {}..{}", job.jobId(), job.attempt(), job.kind(),
                    job.stream(), job.fromOffsets(), job.toOffsets());
            JobOutcome outcome = runner.run(job,
                    () -> abandon.get() || cancelled.get() || Thread.currentThread().isInterrupted());
            if (abandon.get()) {
                return false;
            }
            reporter.succeeded(job, outcome);
            return true;
        } catch (JobCancelledException ex) {
            if (cancelled.get() && !abandon.get()) {
                // The trainer already has it CANCELLED: nothing to report, and no other worker should run it.
                log.info("Job {} stopped: cancelled by an operator ({})", job.jobId(), ex.getMessage());
                return true;
            }
            log.info("Job {} abandoned: {}", job.jobId(), ex.getMessage());
            return false;
        } catch (JobFailedException ex) {
            log.warn("Job {} failed ({}): {}", job.jobId(), ex.retryable() ? "retryable" : "final", ex.getMessage());
            reporter.failed(job, ex.getMessage(), ex.retryable());
            return true;
        } catch (RuntimeException ex) {
            log.error("Job {} failed", job.jobId(), ex);
            reporter.failed(job, ex.getClass().getSimpleName() + ": " + ex.getMessage(), true);
            return true;
        }
    }

    private static void commit(KafkaConsumer<String, byte[]> c, TopicPartition tp, long offset) {
        if (!c.assignment().contains(tp)) {
            log.info("Partition {} moved to another worker during the job; it will see the job again and find "
                    + "its result", tp);
            return;
        }
        c.commitSync(Map.of(tp, new OffsetAndMetadata(offset + 1)));
    }

    /** Keeps partitions assigned during a job paused, so a rebalance cannot hand this worker a second job. */
    private static final class BusyAwarePauser implements ConsumerRebalanceListener {
        volatile boolean busy;
        KafkaConsumer<String, byte[]> consumer;

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (busy) {
                consumer.pause(partitions);
            }
        }
    }
}
