// The email service: the consumer group `email`, in JavaScript, reading user-events with KafkaJS and decoding the
// Avro payloads with @kafkajs/confluent-schema-registry (the schema comes from the registry by the id in each
// payload). It is its own group, so it sees every event, independently of billing.
//
// Usage: node email-service.js BOOTSTRAP REGISTRY_URL
'use strict'
const { Kafka, logLevel } = require('kafkajs')
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry')

const [bootstrap, registryUrl] = process.argv.slice(2)
const say = (line) => process.stdout.write(`[email] ${line}\n`)

const kafka = new Kafka({ clientId: 'email', brokers: bootstrap.split(','), logLevel: logLevel.ERROR })
const registry = new SchemaRegistry({ host: registryUrl })
const consumer = kafka.consumer({ groupId: 'email' })

async function main () {
  await consumer.connect()
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const partitions = Object.values(e.payload.memberAssignment).flat().sort()
    say(`assigned partitions [${partitions.join(', ')}]`)
  })
  await consumer.subscribe({ topics: ['user-events'], fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const schemaId = message.value.readInt32BE(1)
      const event = await registry.decode(message.value)
      const mail = event.type === 'SIGNED_UP' ? 'welcome mail' : `plan change mail (${event.plan})`
      say(`user=${message.key.toString()} event=${event.type} schema-id=${schemaId} ` +
        `partition=${partition} offset=${message.offset} -> ${mail} to ${event.email}`)
    }
  })
}

async function stop () {
  say('stopping')
  await consumer.disconnect()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
main().catch((e) => {
  process.stderr.write(`[email] failed: ${e.stack || e}\n`)
  process.exit(1)
})
