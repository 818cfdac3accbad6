package io.strata.cli.client;

/** A command that talks to a cluster; error messages name the servers it tried. */
public interface UsesCluster {

    ClientOptions clientOptions();
}
