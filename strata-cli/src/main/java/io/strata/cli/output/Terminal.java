package io.strata.cli.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the terminal the command runs in. Stateless and thread-safe. */
public final class Terminal {

    private Terminal() {
    }

    /**
     * Whether stderr is a terminal. Java 21 cannot ask this directly ({@code System.console()} looks at stdin and
     * stdout), so on Linux the file behind descriptor 2 is checked; elsewhere the console is the best guess.
     */
    public static boolean stderrIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.exists(Path.of("/proc/self/fd"))) {
            try {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null;
    }

    /** The terminal width from {@code COLUMNS}, else 80. */
    public static int width() {
        try {
            int columns = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80").trim());
            return columns >= 40 ? columns : 80;
        } catch (NumberFormatException e) {
            return 80;
        }
    }
}
