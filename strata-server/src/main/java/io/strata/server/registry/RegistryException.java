package io.strata.server.registry;

/**
 * A refused schema registry request, with Confluent Schema Registry's error code (40401 subject not found, 409
 * incompatible, 42201 invalid schema...) and message. The HTTP status is the code's first three digits, as
 * Confluent's. Immutable.
 */
public final class RegistryException extends RuntimeException {

    private final int errorCode;

    RegistryException(int errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
    }

    /** Confluent's error code, e.g. 40401. */
    public int errorCode() {
        return errorCode;
    }

    /** The HTTP status: 40401 is 404, 409 is 409. */
    public int httpStatus() {
        int status = errorCode;
        while (status >= 1000) {
            status /= 10;
        }
        return status;
    }

    static RegistryException subjectNotFound(String subject) {
        return new RegistryException(40401, "Subject '" + subject + "' not found.");
    }

    static RegistryException versionNotFound(int version) {
        return new RegistryException(40402, "Version " + version + " not found.");
    }

    static RegistryException schemaNotFound(String detail) {
        return new RegistryException(40403, "Schema " + detail + " not found.");
    }

    static RegistryException subjectSoftDeleted(String subject) {
        return new RegistryException(40404, "Subject '" + subject
                + "' was soft deleted.Set permanent=true to delete permanently");
    }

    static RegistryException subjectNotSoftDeleted(String subject) {
        return new RegistryException(40405, "Subject '" + subject
                + "' was not deleted first before being permanently deleted");
    }

    static RegistryException versionSoftDeleted(String subject, int version) {
        return new RegistryException(40406, "Subject '" + subject + "' Version " + version
                + " was soft deleted.Set permanent=true to delete permanently");
    }

    static RegistryException versionNotSoftDeleted(String subject, int version) {
        return new RegistryException(40407, "Subject '" + subject + "' Version " + version
                + " was not deleted first before being permanently deleted");
    }

    static RegistryException subjectConfigNotFound(String subject) {
        return new RegistryException(40408, "Subject '" + subject
                + "' does not have subject-level compatibility configured");
    }

    static RegistryException subjectModeNotFound(String subject) {
        return new RegistryException(40409, "Subject '" + subject + "' does not have subject-level mode configured");
    }

    static RegistryException incompatible(String message) {
        return new RegistryException(409, message);
    }

    static RegistryException invalidSchema(String message) {
        return new RegistryException(42201, "Invalid schema " + message);
    }

    static RegistryException invalidVersion(String version) {
        return new RegistryException(42202, "The specified version '" + version + "' is not a valid version id. "
                + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static RegistryException invalidCompatibilityLevel(String level) {
        return new RegistryException(42203, "Invalid compatibility level " + level + ". Valid values are none, "
                + "backward, forward, full, backward_transitive, forward_transitive, and full_transitive");
    }

    static RegistryException invalidMode(String mode) {
        return new RegistryException(42204, "Invalid mode " + mode + ". Valid values are READWRITE, READONLY and "
                + "IMPORT");
    }

    static RegistryException notPermitted(String message) {
        return new RegistryException(42205, message);
    }

    static RegistryException referenceExists(String message) {
        return new RegistryException(42206, "One or more references exist to the schema " + message);
    }

    static RegistryException unprocessable(String message) {
        return new RegistryException(422, message);
    }

    static RegistryException storeError(String message) {
        return new RegistryException(50001, "Error in the backend data store - " + message);
    }

    static RegistryException timeout(String message) {
        return new RegistryException(50002, "Operation timed out - " + message);
    }

    static RegistryException forwardingError(String message) {
        return new RegistryException(50003, "Error while forwarding the request to the leader - " + message);
    }
}
