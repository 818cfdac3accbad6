"""confluent-kafka-python (Debian's python3-confluent-kafka) driven by io.strata.it.compat.ConfluentKafkaPythonIT.

Usage: confluent_client.py BOOTSTRAP COMMAND ARGS...
  admin-topics TOPIC PARTITIONS   create, describe, delete a topic; prints one JSON line per step
  produce TOPIC                   idempotent acks=all producer; reads KEY<TAB>VALUE lines on stdin and prints
                                  one JSON line per delivery report
  consume TOPIC PARTITIONS COUNT  assign() every partition from the beginning, print COUNT records as JSON lines
  group TOPIC GROUP COUNT         subscribe() in GROUP, print COUNT records as JSON lines, commit synchronously,
                                  then print the committed offsets as one JSON line
  transactions TOPIC TXNID COUNT  transactional producer: commits COUNT records commit-1-N, aborts COUNT records
                                  abort-2-N (delivered before the abort), commits COUNT records commit-3-N; prints
                                  one JSON line per transaction
Exits non-zero on any error, so that the test sees a failure and its reason.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient, NewTopic

DEADLINE_S = 30


def emit(**fields):
    print(json.dumps(fields), flush=True)


def admin_topics(bootstrap, topic, partitions):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for name, future in admin.create_topics([NewTopic(topic, num_partitions=partitions,
                                                      replication_factor=1)]).items():
        future.result(timeout=DEADLINE_S)
        emit(step="created", topic=name)
    described = admin.list_topics(topic=topic, timeout=DEADLINE_S).topics[topic]
    if described.error is not None:
        raise KafkaException(described.error)
    emit(step="described", topic=topic, partitions=sorted(described.partitions),
         leaders=sorted({p.leader for p in described.partitions.values()}))
    for name, future in admin.delete_topics([topic], operation_timeout=DEADLINE_S).items():
        future.result(timeout=DEADLINE_S)
        emit(step="deleted", topic=name)
    deadline = time.monotonic() + DEADLINE_S
    while topic in admin.list_topics(timeout=DEADLINE_S).topics:
        if time.monotonic() > deadline:
            raise SystemExit("topic %s still listed after deletion" % topic)
        time.sleep(0.1)
    emit(step="gone", topic=topic)


def produce(bootstrap, topic):
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all",
                         "compression.type": "lz4", "linger.ms": 10})
    errors = []

    def delivered(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            emit(partition=msg.partition(), offset=msg.offset(), key=msg.key().decode(),
                 value=msg.value().decode())

    for line in sys.stdin.read().splitlines():
        key, value = line.split("\t", 1)
        while True:
            try:
                producer.produce(topic, key=key.encode(), value=value.encode(), on_delivery=delivered)
                break
            except BufferError:
                producer.poll(0.05)
    remaining = producer.flush(DEADLINE_S)
    if errors or remaining:
        raise SystemExit("delivery failed: %s, %d undelivered" % (errors[:5], remaining))


def consume(bootstrap, topic, partitions, count):
    # This client version insists on a group.id, but assign() with explicit offsets and no commits uses no group.
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "unused-" + topic, "enable.auto.commit": False,
                         "enable.auto.offset.store": False})
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    seen = 0
    deadline = time.monotonic() + DEADLINE_S
    while seen < count and time.monotonic() < deadline:
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        if msg.error() is not None:
            raise KafkaException(msg.error())
        emit(partition=msg.partition(), offset=msg.offset(), key=msg.key().decode(), value=msg.value().decode())
        seen += 1
    consumer.close()
    if seen < count:
        raise SystemExit("read %d of %d records" % (seen, count))


def group(bootstrap, topic, group_id, count):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group_id, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.subscribe([topic])
    seen = 0
    deadline = time.monotonic() + DEADLINE_S
    while seen < count and time.monotonic() < deadline:
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        if msg.error() is not None:
            raise KafkaException(msg.error())
        emit(partition=msg.partition(), offset=msg.offset(), key=msg.key().decode(), value=msg.value().decode())
        seen += 1
    if seen < count:
        raise SystemExit("read %d of %d records" % (seen, count))
    consumer.commit(asynchronous=False)
    committed = consumer.committed(consumer.assignment(), timeout=DEADLINE_S)
    emit(committed={str(tp.partition): tp.offset for tp in committed})
    consumer.close()


def transactions(bootstrap, topic, transactional_id, count):
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": transactional_id})
    producer.init_transactions(DEADLINE_S)
    errors = []
    for n, outcome in ((1, "commit"), (2, "abort"), (3, "commit")):
        producer.begin_transaction()
        for i in range(count):
            producer.produce(topic, key=("k-%d" % i).encode(), value=("%s-%d-%d" % (outcome, n, i)).encode(),
                             on_delivery=lambda err, msg: err is not None and errors.append(str(err)))
        # Delivered first, so that an aborted transaction's records are in the log, not just dropped by the client.
        remaining = producer.flush(DEADLINE_S)
        if errors or remaining:
            raise SystemExit("delivery failed: %s, %d undelivered" % (errors[:5], remaining))
        if outcome == "commit":
            producer.commit_transaction(DEADLINE_S)
        else:
            producer.abort_transaction(DEADLINE_S)
        emit(transaction=n, outcome=outcome)


def main(argv):
    bootstrap, command, args = argv[1], argv[2], argv[3:]
    if command == "admin-topics":
        admin_topics(bootstrap, args[0], int(args[1]))
    elif command == "produce":
        produce(bootstrap, args[0])
    elif command == "consume":
        consume(bootstrap, args[0], int(args[1]), int(args[2]))
    elif command == "group":
        group(bootstrap, args[0], args[1], int(args[2]))
    elif command == "transactions":
        transactions(bootstrap, args[0], args[1], int(args[2]))
    else:
        raise SystemExit("unknown command " + command)


if __name__ == "__main__":
    main(sys.argv)
