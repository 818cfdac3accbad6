package io.strata.server.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;

/** Test help: a registry or collector rendered as Prometheus text, and one sample's value looked up in it. */
final class Scrapes {

    private Scrapes() {
    }

    static String text(PrometheusRegistry registry) {
        return PrometheusTextFormatWriter.create().toDebugString(registry.scrape());
    }

    static String text(MultiCollector collector) {
        return PrometheusTextFormatWriter.create().toDebugString(collector.collect());
    }

    /** The value of the sample written exactly as {@code series} (name and labels, in the writer's order). */
    static Optional<Double> value(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).split(" ")[0]));
    }
}
