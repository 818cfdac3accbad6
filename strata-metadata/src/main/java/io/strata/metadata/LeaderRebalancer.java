package io.strata.metadata;

import io.strata.metadata.controller.Decision;
import io.strata.metadata.controller.ElectionControl;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code auto.leader.rebalance.enable}: every {@link LeaderRebalanceConfig#checkInterval()}, while this node is the
 * active controller and some broker's leader imbalance exceeds {@code leader.imbalance.per.broker.percentage}, it
 * writes the preferred-leader elections {@link ElectionControl#rebalance} decides, so a balanced cluster writes
 * nothing. One write at a time; when a write leaves elections for later (more than
 * {@link ElectionControl#MAX_ELECTIONS_PER_REBALANCE}), the next check follows at once instead of an interval later.
 *
 * <p>Thread-safety: checks run on the rebalancer's single thread; {@link #start()} and {@link #close()} may be
 * called from any thread.
 */
final class LeaderRebalancer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaderRebalancer.class);

    private final LeaderRebalanceConfig config;
    private final BooleanSupplier activeController;
    private final Supplier<MetadataImage> image;
    private final Function<Function<MetadataImage, Decision<Boolean>>, CompletableFuture<Boolean>> writer;
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("strata-rebalance").daemon().factory());
    /** The pending write; check thread only. */
    private CompletableFuture<Boolean> pendingWrite = CompletableFuture.completedFuture(false);

    LeaderRebalancer(LeaderRebalanceConfig config, BooleanSupplier activeController, Supplier<MetadataImage> image,
                     Function<Function<MetadataImage, Decision<Boolean>>, CompletableFuture<Boolean>> writer) {
        this.config = config;
        this.activeController = activeController;
        this.image = image;
        this.writer = writer;
    }

    void start() {
        long millis = config.checkInterval().toMillis();
        checks.scheduleWithFixedDelay(this::check, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            if (!pendingWrite.isDone() || !activeController.getAsBoolean()) {
                return;
            }
            int percentage = config.imbalancePerBrokerPercentage();
            Function<MetadataImage, Decision<Boolean>> decider = latest -> ElectionControl.rebalance(latest,
                    percentage, ElectionControl.MAX_ELECTIONS_PER_REBALANCE);
            int elections = decider.apply(image.get()).records().size();
            if (elections == 0) {
                return;
            }
            log.info("Leader imbalance above {} %: moving leadership of {} partition(s) back to preferred replicas",
                    percentage, elections);
            pendingWrite = writer.apply(decider);
            pendingWrite.whenComplete((more, e) -> {
                if (e != null) {
                    log.warn("Leader rebalance failed: {}", e.toString());
                } else if (more && !checks.isShutdown()) {
                    checks.execute(this::check);
                }
            });
        } catch (RuntimeException e) {
            log.warn("Leader balance check failed", e); // keep the schedule: the next check may succeed
        }
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
