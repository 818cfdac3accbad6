package io.strata.server.api.admin;

import io.strata.server.ApiModule;
import io.strata.server.NodeServices;
import io.strata.server.api.RequestDispatcher;

/** The Admin API beyond topic creation and deletion: configs, partitions, records, log dirs, producers. */
public final class AdminApis implements ApiModule {

    @Override
    public void register(RequestDispatcher dispatcher, NodeServices services) {
    }
}
