package io.strata.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every process the harness starts, so that all of them are stopped by PID when the run ends, fails or is
 * interrupted (Ctrl-C runs the JVM shutdown hook). Only processes started through {@link #start}, or started by a
 * script on the harness's behalf and handed over with {@link #adopt}, are touched.
 *
 * <p>Thread-safe.
 */
public final class ChildProcesses implements AutoCloseable {

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Process> processes = new ArrayList<>();
    private final List<ProcessHandle> adopted = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "bench-stop-children");

    public ChildProcesses() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts and registers a process. */
    public Process start(ProcessBuilder builder) throws IOException {
        lock.lock();
        try {
            Process p = builder.start();
            processes.add(p);
            return p;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Registers a process that a script started for the harness (and detached, so it is not our child), so that it is
     * stopped with the others.
     */
    public void adopt(ProcessHandle handle) {
        lock.lock();
        try {
            adopted.add(handle);
        } finally {
            lock.unlock();
        }
    }

    /** SIGKILL to one registered process, waiting until it is gone. */
    public static void kill9(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM to every live registered process, SIGKILL to those still alive after 30 s. */
    public void stopAll() {
        List<Process> live;
        List<ProcessHandle> liveAdopted;
        lock.lock();
        try {
            live = processes.stream().filter(Process::isAlive).toList();
            processes.clear();
            liveAdopted = adopted.stream().filter(ProcessHandle::isAlive).toList();
            adopted.clear();
        } finally {
            lock.unlock();
        }
        live.forEach(Process::destroy);
        liveAdopted.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : liveAdopted) {
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                System.err.println("[bench] pid " + h.pid() + " ignored SIGTERM for 30 s: SIGKILL");
                h.destroyForcibly();
            } catch (InterruptedException e) {
                h.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (Process p : live) {
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    System.err.println("[bench] pid " + p.pid() + " ignored SIGTERM for 30 s: SIGKILL");
                    kill9(p);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs (and finds nothing left to stop).
        }
    }
}
