package io.strata.server.api;

import io.strata.metadata.BrokerRegistration;
import io.strata.metadata.MetadataImage;
import io.strata.metadata.MetadataQuorum;
import io.strata.server.security.Authorizer;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.resource.ResourceType;

/** DescribeCluster: the cluster id, the controller and the brokers on the request's listener. */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequest> {

    /** Endpoint types of DescribeCluster v1+. */
    private static final byte BROKERS = 1;

    private final int nodeId;
    private final MetadataQuorum quorum;

    public DescribeClusterHandler(int nodeId, MetadataQuorum quorum) {
        this.nodeId = nodeId;
        this.quorum = quorum;
    }

    @Override
    public ApiMessage handle(RequestContext context, DescribeClusterRequest request) {
        DescribeClusterRequestData data = request.data();
        DescribeClusterResponseData response = new DescribeClusterResponseData();
        if (context.apiVersion() >= 1) {
            response.setEndpointType(data.endpointType());
            if (data.endpointType() != BROKERS) {
                return response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                        .setErrorMessage("This node only answers for broker endpoints");
            }
        }
        MetadataImage image = quorum.image();
        DescribeClusterResponseData.DescribeClusterBrokerCollection brokers =
                new DescribeClusterResponseData.DescribeClusterBrokerCollection();
        for (BrokerRegistration broker : image.brokers().values()) {
            if (broker.fenced() && !(context.apiVersion() >= 2 && data.includeFencedBrokers())) {
                continue;
            }
            ClusterView.endpoint(broker, context.listenerName()).ifPresent(e -> {
                DescribeClusterResponseData.DescribeClusterBroker b = new DescribeClusterResponseData
                        .DescribeClusterBroker().setBrokerId(broker.brokerId()).setHost(e.host()).setPort(e.port())
                        .setRack(broker.rack().orElse(null));
                if (context.apiVersion() >= 2) {
                    b.setIsFenced(broker.fenced());
                }
                brokers.add(b);
            });
        }
        if (data.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(context.authorizedCluster(AclOperation.DESCRIBE)
                    ? context.authorizedOperations(RequestContext.CLUSTER_OPERATIONS, ResourceType.CLUSTER,
                    Authorizer.CLUSTER_NAME) : 0);
        }
        return response.setErrorCode(Errors.NONE.code()).setClusterId(image.clusterId())
                .setControllerId(ClusterView.controllerId(image, nodeId)).setBrokers(brokers);
    }
}
