package io.strata.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One request over a fresh socket, in the Kafka framing, for probes that must not depend on a client's retry
 * and back-off policy: "is the broker serving Metadata yet" and "which APIs does it advertise". Stateless.
 */
public final class KafkaWire {

    private static final short METADATA_VERSION = 12;

    private KafkaWire() {
    }

    /**
     * True when the broker answers a Metadata request (for no topics) without error and lists at least one
     * broker; false when it refuses the connection, closes it or answers without brokers.
     */
    public static boolean metadataServed(String host, int port) {
        try {
            MetadataRequest request = new MetadataRequest.Builder(new MetadataRequestData()
                    .setTopics(List.of()).setAllowAutoTopicCreation(false)).build(METADATA_VERSION);
            MetadataResponse response = (MetadataResponse) send(host, port, request);
            return !response.brokers().isEmpty();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The API keys the broker advertises in ApiVersions (version 3). */
    public static Set<ApiKeys> advertisedApis(String host, int port) throws IOException {
        ApiVersionsResponse response = (ApiVersionsResponse) send(host, port,
                new ApiVersionsRequest.Builder().build((short) 3));
        Set<ApiKeys> keys = EnumSet.noneOf(ApiKeys.class);
        for (ApiVersion v : response.data().apiKeys()) {
            if (ApiKeys.hasId(v.apiKey())) {
                keys.add(ApiKeys.forId(v.apiKey()));
            }
        }
        return keys;
    }

    private static AbstractResponse send(String host, int port, AbstractRequest request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            socket.setSoTimeout(5_000);
            RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "strata-bench-probe", 1);
            ByteBuffer bytes = request.serializeWithHeader(header);
            byte[] body = new byte[bytes.remaining()];
            bytes.get(body);
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(body.length).array());
            out.write(body);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] response = new byte[in.readInt()];
            in.readFully(response);
            return AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
        }
    }
}
