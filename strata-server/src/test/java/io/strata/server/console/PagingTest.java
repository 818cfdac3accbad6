package io.strata.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PagingTest {

    @Test
    void slicesOnePageAndNothingPastTheEnd() {
        List<Integer> all = IntStream.range(0, 10_000).boxed().toList();
        assertThat(new Paging(0, 50).slice(all)).hasSize(50).startsWith(0);
        assertThat(new Paging(199, 50).slice(all)).hasSize(50).endsWith(9_999);
        assertThat(new Paging(200, 50).slice(all)).isEmpty();
        assertThat(new Paging(3, 3).slice(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))).containsExactly(10);
        assertThat(new Paging(Integer.MAX_VALUE, 500).slice(all)).isEmpty();
        assertThat(new Paging(2, 50).header(10_000)).containsEntry("total", 10_000).containsEntry("page", 2)
                .containsEntry("size", 50);
    }
}
