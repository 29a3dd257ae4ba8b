// A real Bluesky PDS (@atproto/pds) and a PLC directory (@did-plc/server, in memory) on loopback, for
// syndicate's tests; started and stopped by scripts/bluesky-pds-test-server.sh, which installs both.
// Environment: PDS_PORT, PLC_PORT, PDS_DATA (a folder), NODE_PATH (the install's node_modules).
import { createRequire } from 'node:module'
import crypto from 'node:crypto'
import path from 'node:path'

const require = createRequire(path.join(process.env.PDS_MODULES, 'x.js'))
const { PDS, envToCfg, envToSecrets, readEnv } = require('@atproto/pds')
const { PlcServer, Database } = require('@did-plc/server')

const plcPort = Number(process.env.PLC_PORT)
const pdsPort = Number(process.env.PDS_PORT)
const data = process.env.PDS_DATA
const hex = () => crypto.randomBytes(32).toString('hex')

const plc = PlcServer.create({ db: Database.mock(), port: plcPort })
await plc.start()

Object.assign(process.env, {
  PDS_HOSTNAME: 'localhost',
  PDS_PORT: String(pdsPort),
  PDS_DEV_MODE: 'true',
  PDS_DATA_DIRECTORY: data,
  PDS_BLOBSTORE_DISK_LOCATION: path.join(data, 'blobs'),
  PDS_REPO_SIGNING_KEY_K256_PRIVATE_KEY_HEX: hex(),
  PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: hex(),
  PDS_DPOP_SECRET: hex(),
  PDS_JWT_SECRET: hex(),
  PDS_ADMIN_PASSWORD: process.env.PDS_ADMIN_PASSWORD,
  PDS_DID_PLC_URL: `http://127.0.0.1:${plcPort}`,
  PDS_INVITE_REQUIRED: 'false',
  PDS_SERVICE_HANDLE_DOMAINS: '.test',
  PDS_DISABLE_SSRF_PROTECTION: 'true',
  PDS_CRAWLERS: '',
  LOG_ENABLED: 'false',
})
const env = readEnv()
const pds = await PDS.create(envToCfg(env), envToSecrets(env))
await pds.start()
console.log(`PDS on http://127.0.0.1:${pdsPort}, PLC on http://127.0.0.1:${plcPort}`)
const stop = async () => {
  await pds.destroy()
  await plc.destroy()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
