package io.strata.it.compat;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Files of {@code src/test/resources/compat} (scripts the clients under test run) as paths on disk. */
final class Resources {

    private Resources() {
    }

    static Path path(String name) {
        URL url = Resources.class.getResource("/compat/" + name);
        if (url == null) {
            throw new IllegalArgumentException("No test resource compat/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
