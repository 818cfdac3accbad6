package io.strata.server.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A page of a list: the console never sends (or computes per-item data for) more than one page, so that a page
 * costs the same with 10 partitions or 10,000.
 *
 * @param page 0-based page number
 * @param size items per page, 1 to {@value #MAX_SIZE}
 */
record Paging(int page, int size) {

    static final int MAX_SIZE = 500;
    static final int DEFAULT_SIZE = 50;

    static Paging of(ConsoleExchange ex) {
        return new Paging(ex.intParam("page", 0, Integer.MAX_VALUE, 0),
                ex.intParam("size", 1, MAX_SIZE, DEFAULT_SIZE));
    }

    /** This page of {@code all}; empty past the end. */
    <T> List<T> slice(List<T> all) {
        long from = (long) page * size;
        if (from >= all.size()) {
            return List.of();
        }
        return all.subList((int) from, (int) Math.min(all.size(), from + size));
    }

    /** {@code total}, {@code page} and {@code size}, to which the caller adds the page's items. */
    Map<String, Object> header(int total) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", total);
        m.put("page", page);
        m.put("size", size);
        return m;
    }
}
