"""confluent-kafka-python's SchemaRegistryClient (Debian's python3-confluent-kafka) driven by
io.strata.it.compat.SchemaRegistryClientsIT.

Usage: schema_registry_client.py URL SUBJECT
  registers, looks up, evolves (refused, then accepted), configures and deletes schemas under SUBJECT; prints one
  JSON line per step. Exits non-zero on any unexpected error, so that the test sees a failure and its reason.
"""
import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

V1 = json.dumps({"type": "record", "name": "User", "namespace": "demo",
                 "fields": [{"name": "id", "type": "string"}]})
V2 = json.dumps({"type": "record", "name": "User", "namespace": "demo",
                 "fields": [{"name": "id", "type": "string"},
                            {"name": "email", "type": "string", "default": ""}]})
# A field without a default: new readers cannot read old data, so BACKWARD refuses it.
REFUSED = json.dumps({"type": "record", "name": "User", "namespace": "demo",
                      "fields": [{"name": "id", "type": "string"}, {"name": "age", "type": "int"}]})


def emit(**fields):
    print(json.dumps(fields), flush=True)


def error(call):
    try:
        call()
    except SchemaRegistryError as e:
        return {"http_status": e.http_status_code, "error_code": e.error_code}
    raise AssertionError("expected a SchemaRegistryError")


def main(url, subject):
    client = SchemaRegistryClient({"url": url})
    id1 = client.register_schema(subject, Schema(V1, "AVRO"))
    emit(step="registered", id=id1)
    found = client.lookup_schema(subject, Schema(V1, "AVRO"))
    emit(step="lookup", id=found.schema_id, version=found.version)
    emit(step="by-id", schema=json.loads(client.get_schema(id1).schema_str))
    emit(step="compatible", refused=client.test_compatibility(subject, Schema(REFUSED, "AVRO")),
         accepted=client.test_compatibility(subject, Schema(V2, "AVRO")))
    emit(step="refused", **error(lambda: client.register_schema(subject, Schema(REFUSED, "AVRO"))))
    id2 = client.register_schema(subject, Schema(V2, "AVRO"))
    latest = client.get_latest_version(subject)
    emit(step="evolved", id=id2, latest_id=latest.schema_id, latest_version=latest.version,
         versions=client.get_versions(subject), subjects=client.get_subjects())
    client.set_compatibility(subject_name=subject, level="full")
    emit(step="config", level=client.get_compatibility(subject), global_level=client.get_compatibility())
    json_id = client.register_schema(subject + "-json", Schema('{"type": "object"}', "JSON"))
    emit(step="json", id=json_id, type=client.get_schema(json_id).schema_type)
    emit(step="deleted-version", version=client.delete_version(subject, 2), versions=client.get_versions(subject))
    emit(step="deleted-subject", versions=client.delete_subject(subject, permanent=True),
         subjects=client.get_subjects())
    emit(step="gone", **error(lambda: client.get_version(subject, 1)))


if __name__ == "__main__":
    main(*sys.argv[1:])
