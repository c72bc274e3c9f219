package io.perennial.trainer.job;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Periodically re-queues jobs whose worker stopped reporting (a crashed or partitioned worker). */
@Component
public class SilentJobSweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SilentJobSweeper.class);

    private final JobService jobs;
    private final TrainerProperties properties;
    private ScheduledExecutorService scheduler;

    public SilentJobSweeper(JobService jobs, TrainerProperties properties) {
        this.jobs = jobs;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trainer-silent-job-sweeper");
            t.setDaemon(true);
            return t;
        });
        long period = properties.getSweepInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                jobs.sweepSilentJobs();
            } catch (RuntimeException ex) {
                log.warn("Sweeping silent jobs failed, will retry: {}", ex.getMessage());
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
