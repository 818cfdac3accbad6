package io.strata.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtobufCompatibilityTest {

    private static final String V1 = """
            syntax = "proto3";
            package demo;
            import "google/protobuf/timestamp.proto";
            option java_package = "io.demo"; // a comment
            /* a block comment with message Fake { int32 x = 1; } inside */
            message User {
              string id = 1;
              int32 age = 2 [deprecated = true];
              repeated string tags = 3;
              Address address = 4;
              Plan plan = 5;
              map<string, int64> counters = 6;
              oneof contact { string email = 7; string phone = 8; }
              reserved 9, 10;
              message Address { string city = 1; }
              enum Plan { FREE = 0; PRO = 1; }
            }
            service Users { rpc Get (User) returns (User) { option idempotency_level = NO_SIDE_EFFECTS; } }
            """;

    private static String v1With(String from, String to) {
        assertThat(V1).contains(from);
        return V1.replace(from, to == null ? "" : to);
    }

    private static List<String> backward(String newer, String older) {
        return ProtobufCompatibility.readErrors(ProtobufCompatibility.parse(newer).orElseThrow(),
                ProtobufCompatibility.parse(older).orElseThrow());
    }

    @Test
    void parsesMessagesNestedOnesOneofsAndMaps() {
        ProtobufCompatibility.Model model = ProtobufCompatibility.parse(V1).orElseThrow();
        assertThat(model.messages()).containsOnlyKeys("User", "User.Address");
        assertThat(model.messages().get("User")).containsOnlyKeys(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(model.messages().get("User").get(6).type()).isEqualTo("map<string,int64>");
        assertThat(model.messages().get("User").get(3).label()).isEqualTo("repeated");
        assertThat(model.enums()).containsExactly("User.Plan");
        assertThat(ProtobufCompatibility.parse("message { broken")).isEmpty();
    }

    /** BACKWARD: the new schema (after the change) reads data written with V1. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            field added                        | string id = 1;     | string id = 1; string name = 11;        | true
            field removed                      | int32 age = 2 [deprecated = true]; |                        | true
            field renamed                      | string id = 1;     | string user_id = 1;                     | true
            int32 to int64                     | int32 age = 2      | int64 age = 2                           | true
            int32 to uint32                    | int32 age = 2      | uint32 age = 2                          | true
            int32 to bool                      | int32 age = 2      | bool age = 2                            | true
            string to bytes                    | string id = 1;     | bytes id = 1;                           | true
            int32 to sint32                    | int32 age = 2      | sint32 age = 2                          | false
            int32 to string                    | int32 age = 2      | string age = 2                          | false
            int32 to fixed32                   | int32 age = 2      | fixed32 age = 2                         | false
            int32 to float                     | int32 age = 2      | float age = 2                           | false
            scalar to message                  | string id = 1;     | Address id = 1;                         | false
            message to another message         | Address address = 4; | User address = 4;                     | false
            message qualified                  | Address address = 4; | User.Address address = 4;             | true
            enum to int32                      | Plan plan = 5;     | int32 plan = 5;                         | false
            singular to repeated               | string id = 1;     | repeated string id = 1;                 | false
            repeated to singular               | repeated string tags = 3; | string tags = 3;                 | false
            map to message                     | map<string, int64> counters = 6; | Address counters = 6;     | false
            nested message removed             | message Address { string city = 1; } | message Place { string city = 1; } | false
            required field added (proto2)      | string id = 1;     | string id = 1; required string org = 12; | false
            """)
    void backwardRules(String change, String from, String to, boolean compatible) {
        List<String> errors = backward(v1With(from, to), V1);
        assertThat(errors.isEmpty()).as(change + ": " + errors).isEqualTo(compatible);
    }

    @Test
    void aRequiredFieldRemovedBreaksOldReaders() {
        String proto2 = "syntax = \"proto2\"; message Order { required string id = 1; optional int32 qty = 2; }";
        String removed = "syntax = \"proto2\"; message Order { optional int32 qty = 2; }";
        assertThat(backward(removed, proto2)).singleElement().asString().startsWith("REQUIRED_FIELD_REMOVED");
        assertThat(backward(proto2, proto2)).isEmpty();
    }

    @Test
    void unfollowedTextIsStoredWithoutChecks() {
        ParsedSchema broken = ParsedSchema.parse(SchemaType.PROTOBUF, "message {", List.of(), List.of(), false);
        ParsedSchema fine = ParsedSchema.parse(SchemaType.PROTOBUF, V1, List.of(), List.of(), false);
        assertThat(broken.readErrors(fine)).isEmpty();
        assertThat(fine.readErrors(broken)).isEmpty();
        assertThat(fine.content().schema()).isEqualTo(V1.strip());
    }
}
