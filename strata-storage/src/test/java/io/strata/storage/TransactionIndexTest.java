package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionIndexTest {
    @TempDir
    Path dir;

    @Test
    void entriesAreStoredInKafkasLayoutAndReadBack() throws Exception {
        File file = dir.resolve("00000000000000000000.txnindex").toFile();
        TransactionIndex index = new TransactionIndex(file);
        assertThat(file).doesNotExist(); // created with the first entry
        index.append(new AbortedTxn(7, 0, 4, 5));
        index.append(new AbortedTxn(8, 2, 9, 10));
        index.flush();
        assertThat(Files.size(file.toPath())).isEqualTo(2 * TransactionIndex.ENTRY_SIZE);
        TransactionIndex reopened = new TransactionIndex(file);
        assertThat(reopened.isSane()).isTrue();
        assertThat(reopened.entries()).containsExactly(new AbortedTxn(7, 0, 4, 5), new AbortedTxn(8, 2, 9, 10));
        assertThat(reopened.collect(5, 100)).containsExactly(new AbortedTxn(8, 2, 9, 10));
        assertThat(reopened.collect(0, 1)).containsExactly(new AbortedTxn(7, 0, 4, 5));
        assertThat(reopened.collect(10, 100)).isEmpty();
        assertThatThrownBy(() -> reopened.append(new AbortedTxn(9, 3, 9, 10)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noDescriptorStaysOpenAfterAWrite() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")));
        File file = dir.resolve("00000000000000000000.txnindex").toFile();
        TransactionIndex index = new TransactionIndex(file);
        index.append(new AbortedTxn(7, 0, 4, 5));
        index.append(new AbortedTxn(8, 2, 9, 10));
        index.truncateTo(9);
        index.flush();
        Path real = file.toPath().toRealPath();
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            assertThat(fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (java.io.IOException e) {
                    return false;
                }
            }).count()).isZero();
        }
        assertThat(new TransactionIndex(file).entries()).containsExactly(new AbortedTxn(7, 0, 4, 5));
    }

    @Test
    void truncationDropsTheAbortsAtOrAboveTheOffset() throws Exception {
        File file = dir.resolve("00000000000000000000.txnindex").toFile();
        TransactionIndex index = new TransactionIndex(file);
        index.append(new AbortedTxn(7, 0, 4, 5));
        index.append(new AbortedTxn(8, 2, 9, 10));
        index.truncateTo(9);
        assertThat(index.entries()).containsExactly(new AbortedTxn(7, 0, 4, 5));
        assertThat(Files.size(file.toPath())).isEqualTo(TransactionIndex.ENTRY_SIZE);
        index.truncateTo(0);
        assertThat(index.entries()).isEmpty();
        assertThat(file).doesNotExist();
    }

    @Test
    void aTornFileIsReportedForRecovery() throws Exception {
        Path file = dir.resolve("00000000000000000000.txnindex");
        Files.write(file, new byte[TransactionIndex.ENTRY_SIZE + 3]);
        TransactionIndex index = new TransactionIndex(file.toFile());
        assertThat(index.isSane()).isFalse();
        assertThat(index.entries()).isEmpty();
        index.reset();
        assertThat(file).doesNotExist();
    }
}
