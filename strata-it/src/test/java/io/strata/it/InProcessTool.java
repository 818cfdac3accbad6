package io.strata.it;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Exit;

/**
 * Runs one of Apache Kafka's command-line tools from its main class in this JVM, as {@code KafkaToolsIT} does:
 * {@link Exit} is redirected so that the tool's exit ends the call instead of the JVM, and System.out and System.err
 * are captured while it runs (so tools must not run concurrently). Not thread-safe.
 *
 * @param status the first exit status the tool asked for, 0 if it returned without calling {@link Exit}
 * @param out    what it printed to standard output
 * @param err    what it printed to standard error
 */
record InProcessTool(int status, String out, String err) {

    /** A tool's main method. */
    @FunctionalInterface
    interface Main {
        void run() throws Exception;
    }

    /** Thrown by the redirected exit procedure to unwind the tool. */
    private static final class ExitCalled extends RuntimeException {
        ExitCalled(int status) {
            super("exit " + status, null, false, false);
        }
    }

    static InProcessTool run(Main main) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        PrintStream original = System.out;
        PrintStream originalErr = System.err;
        // The first exit counts: some tools exit from inside a try block whose catch then exits again with 1.
        AtomicInteger firstExit = new AtomicInteger(-1);
        Exit.setExitProcedure((status, message) -> {
            firstExit.compareAndSet(-1, status);
            throw new ExitCalled(status);
        });
        int status = 0;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            main.run();
        } catch (ExitCalled e) {
            status = firstExit.get();
        } finally {
            System.out.flush();
            System.setOut(original);
            System.setErr(originalErr);
            Exit.resetExitProcedure();
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        String err = capturedErr.toString(StandardCharsets.UTF_8);
        original.print(out);
        originalErr.print(err);
        return new InProcessTool(status, out, err);
    }
}
