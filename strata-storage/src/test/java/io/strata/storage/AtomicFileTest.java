package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReplacesTheWholeContentLeavingNoTemporaryFile() throws IOException {
        Path target = dir.resolve("checkpoint");
        AtomicFile.write(target, "first\n".getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(target, out -> out.write("second, longer\n".getBytes(StandardCharsets.UTF_8)));

        assertThat(Files.readString(target)).isEqualTo("second, longer\n");
        assertThat(names()).containsExactly("checkpoint");
    }

    @Test
    void aFailedWriteLeavesTheOldContentAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("checkpoint");
        AtomicFile.write(target, "old".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> AtomicFile.write(target, out -> {
            out.write("half of the new con".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        })).hasMessage("disk full");

        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(names()).containsExactly("checkpoint");
    }

    @Test
    void aStaleTemporaryFileFromACrashIsOverwritten() throws IOException {
        Path target = dir.resolve("snapshot");
        Files.writeString(AtomicFile.tmpFile(target), "garbage left by a crash that is longer than the content");
        AtomicFile.write(target, "new".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(target)).isEqualTo("new");
        assertThat(names()).containsExactly("snapshot");
    }

    @Test
    void anUnsyncedWriteIsAtomicAndCanBeSyncedLater() throws IOException {
        Path target = dir.resolve("leader-epoch-checkpoint");
        AtomicFile.writeUnsynced(target, "0\n1\n3 100\n".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(target)).isEqualTo("0\n1\n3 100\n");
        assertThat(names()).containsExactly("leader-epoch-checkpoint");
        AtomicFile.sync(target);
        assertThatThrownBy(() -> AtomicFile.sync(dir.resolve("missing"))).isInstanceOf(IOException.class);
    }

    private java.util.List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
