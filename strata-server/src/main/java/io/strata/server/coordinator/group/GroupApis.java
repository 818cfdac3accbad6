package io.strata.server.coordinator.group;

import io.strata.server.ApiModule;
import io.strata.server.NodeServices;
import io.strata.server.api.RequestDispatcher;

/** Consumer groups: the group coordinator and its APIs, with state in {@code __consumer_offsets}. */
public final class GroupApis implements ApiModule {

    @Override
    public void register(RequestDispatcher dispatcher, NodeServices services) {
    }
}
