package io.strata.server.security;

import java.net.InetAddress;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Decides whether a principal may perform an operation on a resource, as Kafka's {@code Authorizer}: either
 * {@link #ALLOW_ALL} (no {@code authorizer.class.name}, every request allowed) or the ACL-based
 * {@link AclAuthorizer}. Implementations are thread-safe and fast: they are asked on every request, per resource.
 */
public sealed interface Authorizer permits Authorizer.AllowAll, AclAuthorizer {

    /** Kafka's name of the one cluster resource. */
    String CLUSTER_NAME = "kafka-cluster";

    /** No authorizer configured: everything is allowed, as in Kafka. */
    Authorizer ALLOW_ALL = new AllowAll();

    /** Whether {@code principal}, connected from {@code host}, may perform {@code operation} on the resource. */
    boolean authorize(Principal principal, InetAddress host, AclOperation operation, ResourceType type, String name);

    /**
     * Whether {@code principal} may perform {@code operation} on at least one resource of {@code type} (Kafka's
     * {@code authorizeByResourceType}, used by KIP-679's idempotent producers: WRITE on any topic).
     */
    boolean authorizeAny(Principal principal, InetAddress host, AclOperation operation, ResourceType type);

    /** Whether ACLs are checked at all (false for {@link #ALLOW_ALL}). */
    boolean enabled();

    /** The authorizer of a node without one. */
    final class AllowAll implements Authorizer {

        private AllowAll() {
        }

        @Override
        public boolean authorize(Principal principal, InetAddress host, AclOperation operation, ResourceType type,
                                 String name) {
            return true;
        }

        @Override
        public boolean authorizeAny(Principal principal, InetAddress host, AclOperation operation,
                                    ResourceType type) {
            return true;
        }

        @Override
        public boolean enabled() {
            return false;
        }
    }
}
