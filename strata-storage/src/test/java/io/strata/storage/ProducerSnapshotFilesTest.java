package io.strata.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerSnapshotFilesTest {

    @TempDir
    Path dir;

    @Test
    void snapshotsAreNamedByTheirOffsetAndListedInOrder() throws Exception {
        ProducerSnapshotFiles files = new ProducerSnapshotFiles(dir);
        assertThat(files.file(42)).isEqualTo(dir.resolve("00000000000000000042.snapshot"));
        assertThat(files.offsets()).isEmpty();
        files.write(300, new byte[] {3});
        files.write(7, new byte[] {1});
        files.writeUnsynced(42, new byte[] {2});
        // Segment files, a temporary file and a name too short to be ours are not snapshots.
        Files.createFile(dir.resolve("00000000000000000000.log"));
        Files.createFile(dir.resolve("00000000000000000099.snapshot.tmp"));
        Files.createFile(dir.resolve("99.snapshot"));
        assertThat(files.offsets()).containsExactly(7L, 42L, 300L);
        assertThat(files.read(42)).containsExactly(2);
    }

    @Test
    void unsyncedSnapshotsAreHandedOutOnceUpToTheFlushedOffset() throws Exception {
        ProducerSnapshotFiles files = new ProducerSnapshotFiles(dir);
        files.writeUnsynced(10, new byte[] {1});
        files.writeUnsynced(20, new byte[] {2});
        files.writeUnsynced(30, new byte[] {3});
        files.write(30, new byte[] {4}); // durable now: nothing left to sync
        assertThat(files.takeUnsyncedUpTo(19)).containsExactly(files.file(10));
        assertThat(files.takeUnsyncedUpTo(19)).isEmpty();
        assertThat(files.takeUnsyncedUpTo(1_000)).containsExactly(files.file(20));
        files.writeUnsynced(40, new byte[] {5});
        assertThat(files.takeUnsyncedUpTo(Long.MAX_VALUE)).containsExactly(files.file(40));
    }

    @Test
    void truncationDeletesTheSnapshotsAboveItsOffset() throws Exception {
        ProducerSnapshotFiles files = new ProducerSnapshotFiles(dir);
        for (long offset : new long[] {0, 10, 20, 30}) {
            files.write(offset, new byte[0]);
        }
        files.deleteAbove(10);
        assertThat(files.offsets()).containsExactly(0L, 10L);
        files.deleteAbove(-1);
        assertThat(files.offsets()).isEmpty();
    }

    @Test
    void retentionKeepsTheNewestAndThoseItMayNotDelete() throws Exception {
        ProducerSnapshotFiles files = new ProducerSnapshotFiles(dir);
        for (long offset : new long[] {0, 10, 20, 30, 40}) {
            files.write(offset, new byte[0]);
        }
        files.retain(2, 15); // only below 15 may go, and never the newest two
        assertThat(files.offsets()).containsExactly(20L, 30L, 40L);
        files.retain(2, Long.MAX_VALUE);
        assertThat(files.offsets()).containsExactly(30L, 40L);
        files.delete(30);
        files.delete(30); // already gone: nothing to do
        assertThat(files.offsets()).containsExactly(40L);
    }
}
