package io.perennial.trainer.adaptation;

import io.perennial.trainer.job.TrainerProperties;
import io.perennial.trainer.policy.PolicyRepository;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Runs the planner over every stream and then the promotions, every {@code perennial.trainer.plan-interval}. */
@Component
public class AdaptationLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AdaptationLoop.class);

    private final PolicyRepository policies;
    private final AdaptationPlanner planner;
    private final PromotionService promotions;
    private final TrainerProperties properties;
    private ScheduledExecutorService scheduler;

    public AdaptationLoop(PolicyRepository policies, AdaptationPlanner planner, PromotionService promotions,
            TrainerProperties properties) {
        this.policies = policies;
        this.planner = planner;
        this.promotions = promotions;
        this.properties = properties;
    }

    /** One round: plan every stream, then decide on registered versions. */
    public void round() {
        for (PolicyRepository.StreamPolicy p : policies.list()) {
            try {
                planner.plan(p.stream());
            } catch (RuntimeException ex) {
                log.warn("Planning stream {} failed, will retry: {}", p.stream(), ex.getMessage());
            }
        }
        try {
            promotions.promoteRegistered();
        } catch (RuntimeException ex) {
            log.warn("Promotion round failed, will retry: {}", ex.getMessage());
        }
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trainer-adaptation-loop");
            t.setDaemon(true);
            return t;
        });
        long period = properties.getPlanInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::round, period, period, TimeUnit.MILLISECONDS);
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
