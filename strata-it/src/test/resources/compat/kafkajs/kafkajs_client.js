// KafkaJS (pinned in package-lock.json) driven by io.strata.it.compat.KafkaJsIT.
//
// Usage: node kafkajs_client.js BOOTSTRAP COMMAND ARGS...
//   admin-topics TOPIC PARTITIONS  create, describe (metadata and offsets), delete a topic; one JSON line per step
//   produce TOPIC                  idempotent producer (acks=all); KEY<TAB>VALUE lines on stdin, sent in batches of
//                                  100; prints one JSON line per batch with each partition's base offset
//   group TOPIC GROUP COUNT        consumer in GROUP from the beginning; prints COUNT records as JSON lines, then
//                                  disconnects, which commits what it consumed
//   transactions TOPIC TXNID COUNT transactional producer: commits COUNT records commit-1-N, aborts COUNT records
//                                  abort-2-N (acknowledged before the abort), commits COUNT records commit-3-N;
//                                  one JSON line per transaction
// Exits non-zero on any error, so that the test sees a failure and its reason.
'use strict'
const { Kafka, logLevel } = require('kafkajs')

const [bootstrap, command, ...args] = process.argv.slice(2)
const kafka = new Kafka({
  clientId: 'strata-compat',
  brokers: [bootstrap],
  logLevel: logLevel.WARN,
  // Logs to stderr: stdout carries only this script's JSON lines.
  logCreator: () => ({ namespace, label, log }) => console.error(label, namespace, JSON.stringify(log)),
  retry: { retries: 5 }
})
const emit = (fields) => process.stdout.write(JSON.stringify(fields) + '\n')

async function readStdin () {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8').split('\n').filter((l) => l.length > 0)
}

async function adminTopics (topic, partitions) {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const created = await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true })
    emit({ step: 'created', topic, created })
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] })
    const described = metadata.topics[0]
    emit({ step: 'described', topic: described.name,
      partitions: described.partitions.map((p) => p.partitionId).sort(),
      leaders: [...new Set(described.partitions.map((p) => p.leader))] })
    const offsets = await admin.fetchTopicOffsets(topic)
    emit({ step: 'offsets', topic, offsets: offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high }))
      .sort((a, b) => a.partition - b.partition) })
    await admin.deleteTopics({ topics: [topic], timeout: 30000 })
    emit({ step: 'deleted', topic })
    emit({ step: 'listed', topics: (await admin.listTopics()).sort() })
  } finally {
    await admin.disconnect()
  }
}

async function produce (topic) {
  const lines = await readStdin()
  // idempotent requires acks=-1 and at most one in-flight request per broker in KafkaJS.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  try {
    const batchSize = 100
    for (let i = 0; i < lines.length; i += batchSize) {
      const messages = lines.slice(i, i + batchSize).map((line) => {
        const tab = line.indexOf('\t')
        return { key: line.slice(0, tab), value: line.slice(tab + 1) }
      })
      // KafkaJS's default partitioner is Java's (murmur2 of the key); one result per partition with the offset
      // of the first of this batch's records there.
      const results = await producer.send({ topic, acks: -1, messages })
      emit({ batch: i / batchSize, results: results.map((r) => ({ partition: r.partition,
        baseOffset: Number(r.baseOffset), errorCode: r.errorCode })) })
    }
  } finally {
    await producer.disconnect()
  }
}

async function group (topic, groupId, count) {
  const consumer = kafka.consumer({ groupId })
  await consumer.connect()
  let seen = 0
  let done
  const finished = new Promise((resolve) => { done = resolve })
  const timer = setTimeout(() => done(new Error(`read ${seen} of ${count} records`)), 30000)
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        emit({ partition, offset: Number(message.offset), key: message.key.toString(),
          value: message.value.toString() })
        if (++seen === count) done()
      }
    })
    const error = await finished
    if (error) throw error
  } finally {
    clearTimeout(timer)
    await consumer.disconnect()
  }
}

async function transactions (topic, transactionalId, count) {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  try {
    for (const [n, outcome] of [[1, 'commit'], [2, 'abort'], [3, 'commit']]) {
      const transaction = await producer.transaction()
      const messages = [...Array(count).keys()].map((i) => ({ key: `k-${i}`, value: `${outcome}-${n}-${i}` }))
      // send() resolves once the records are written to the partition, so an aborted transaction's records are
      // in the log (and must be skipped by read_committed consumers), not just dropped by the client.
      const results = await transaction.send({ topic, acks: -1, messages })
      if (outcome === 'commit') await transaction.commit()
      else await transaction.abort()
      emit({ transaction: n, outcome, baseOffset: Number(results[0].baseOffset) })
    }
  } finally {
    await producer.disconnect()
  }
}

const commands = {
  'admin-topics': () => adminTopics(args[0], Number(args[1])),
  produce: () => produce(args[0]),
  group: () => group(args[0], args[1], Number(args[2])),
  transactions: () => transactions(args[0], args[1], Number(args[2]))
}
if (!commands[command]) {
  console.error('unknown command ' + command)
  process.exit(2)
}
commands[command]().then(() => process.exit(0), (e) => {
  console.error(e && e.stack ? e.stack : e)
  process.exit(1)
})
