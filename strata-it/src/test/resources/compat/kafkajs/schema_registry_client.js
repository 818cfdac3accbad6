// @kafkajs/confluent-schema-registry (pinned in package-lock.json) driven by
// io.strata.it.compat.SchemaRegistryClientsIT.
//
// Usage: node schema_registry_client.js URL SUBJECT
//   registers an Avro schema under SUBJECT, encodes and decodes a record in the registry's wire format (magic byte,
//   schema id), has an incompatible evolution refused and a compatible one accepted, and decodes old and new
//   records; prints one JSON line per step. Exits non-zero on any unexpected error.
'use strict'
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry')

const [url, subject] = process.argv.slice(2)
const emit = (fields) => process.stdout.write(JSON.stringify(fields) + '\n')

const user = (fields) => JSON.stringify({ type: 'record', name: 'User', namespace: 'demo', fields })
const V1 = user([{ name: 'id', type: 'string' }])
const V2 = user([{ name: 'id', type: 'string' }, { name: 'email', type: 'string', default: '' }])
// A field without a default: new readers cannot read old data, so BACKWARD refuses it.
const REFUSED = user([{ name: 'id', type: 'string' }, { name: 'age', type: 'int' }])

async function main () {
  const registry = new SchemaRegistry({ host: url })
  const { id: id1 } = await registry.register({ type: SchemaType.AVRO, schema: V1 }, { subject })
  emit({ step: 'registered', id: id1 })

  const encoded = await registry.encode(id1, { id: 'u1' })
  emit({ step: 'encoded', magic: encoded.readUInt8(0), schemaId: encoded.readInt32BE(1), length: encoded.length })
  emit({ step: 'decoded', value: await registry.decode(encoded) })

  try {
    await registry.register({ type: SchemaType.AVRO, schema: REFUSED }, { subject })
    emit({ step: 'refused', refused: false })
  } catch (e) {
    emit({ step: 'refused', refused: true, status: e.status || null, message: e.message })
  }

  const { id: id2 } = await registry.register({ type: SchemaType.AVRO, schema: V2 }, { subject })
  const v2 = await registry.encode(id2, { id: 'u2', email: 'u2@example.com' })
  emit({ step: 'evolved', id: id2, latest: await registry.getLatestSchemaId(subject),
    byschema: await registry.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: V1 }),
    old: await registry.decode(encoded), new: await registry.decode(v2) })
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
