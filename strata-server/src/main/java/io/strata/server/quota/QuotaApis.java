package io.strata.server.quota;

import io.strata.server.ApiModule;
import io.strata.server.NodeServices;
import io.strata.server.api.RequestDispatcher;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Client quota admin APIs: DescribeClientQuotas and AlterClientQuotas, at the versions kafka-clients 4.x sends
 * (0-1). The quotas live in the metadata log; the {@link RequestThrottler} enforces them.
 */
public final class QuotaApis implements ApiModule {

    @Override
    public void register(RequestDispatcher dispatcher, NodeServices s) {
        dispatcher.register(ApiKeys.DESCRIBE_CLIENT_QUOTAS, 0, 1, new DescribeClientQuotasHandler(s.quorum()))
                .register(ApiKeys.ALTER_CLIENT_QUOTAS, 0, 1, new AlterClientQuotasHandler(s.quorum(), s.waiter()));
    }
}
