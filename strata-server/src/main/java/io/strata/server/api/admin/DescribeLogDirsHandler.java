package io.strata.server.api.admin;

import io.strata.server.api.ApiHandler;
import io.strata.server.api.RequestContext;
import io.strata.storage.Log;
import io.strata.storage.LogManager;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;

/**
 * DescribeLogDirs: per configured log directory, the partitions it holds (all, or those asked for) with their
 * size; v4+ adds the directory's total and usable bytes. A directory whose file store cannot be read reports
 * KAFKA_STORAGE_ERROR.
 */
final class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequest> {

    private final List<Path> logDirs;
    private final LogManager logs;

    DescribeLogDirsHandler(List<Path> logDirs, LogManager logs) {
        this.logDirs = logDirs.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.logs = logs;
    }

    @Override
    public ApiMessage handle(RequestContext context, DescribeLogDirsRequest request) {
        DescribeLogDirsRequestData data = request.data();
        Set<TopicPartition> wanted = data.topics() == null ? null : data.topics().stream()
                .flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.topic(), p)))
                .collect(Collectors.toSet());
        short version = context.apiVersion();
        List<DescribeLogDirsResponseData.DescribeLogDirsResult> results = new ArrayList<>();
        for (Path dir : logDirs) {
            DescribeLogDirsResponseData.DescribeLogDirsResult result = new DescribeLogDirsResponseData
                    .DescribeLogDirsResult().setLogDir(dir.toString());
            Map<String, List<DescribeLogDirsResponseData.DescribeLogDirsPartition>> byTopic = new TreeMap<>();
            for (Log log : logs.all()) {
                TopicPartition tp = log.topicPartition();
                if (!log.dir().toAbsolutePath().normalize().getParent().equals(dir)
                        || (wanted != null && !wanted.contains(tp))) {
                    continue;
                }
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(new DescribeLogDirsResponseData
                        .DescribeLogDirsPartition().setPartitionIndex(tp.partition())
                        .setPartitionSize(log.sizeInBytes())
                        .setOffsetLag(Math.max(log.highWatermark() - log.logEndOffset(), 0))
                        .setIsFutureKey(false));
            }
            List<DescribeLogDirsResponseData.DescribeLogDirsTopic> topics = new ArrayList<>();
            byTopic.forEach((name, partitions) -> topics.add(new DescribeLogDirsResponseData.DescribeLogDirsTopic()
                    .setName(name).setPartitions(partitions)));
            result.setTopics(topics).setErrorCode(Errors.NONE.code());
            if (version >= 4) {
                try {
                    FileStore store = Files.getFileStore(dir);
                    result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
                } catch (IOException e) {
                    result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()).setTopics(List.of());
                }
            }
            results.add(result);
        }
        DescribeLogDirsResponseData response = new DescribeLogDirsResponseData().setResults(results);
        if (version >= 3) {
            response.setErrorCode(Errors.NONE.code());
        }
        return response;
    }
}
