import { existsSync, promises as fs } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../core/store/files'
import {
  certificateNotAfter,
  certificateThumbprints,
  createCertificateAuthority,
  createSelfSignedRsa,
  importCertificateAuthority,
  issueServerCertificate
} from '../core/tls/certificates'

export interface SandboxPki {
  caCertPem: string
  caFile: string
  serverCertPem: string
  serverKeyPem: string
  /** RS256 token signing: key, certificate, and its key id (x5t, as Entra uses). */
  signingKeyPem: string
  signingCertPem: string
  signingKid: string
  /** The demo certificate app's credential. */
  clientCertPem: string
  clientKeyPem: string
  clientCertFile: string
  clientKeyFile: string
  clientThumbprint: string
  /** A certificate that expired in 2025 and its key: the auth doctor's expired-certificate case. */
  expiredCertPem: string
  expiredCertFile: string
  expiredKeyFile: string
}

const SERVER_HOSTS = ['127.0.0.1', 'localhost', '::1']
const RENEW_BEFORE_MS = 30 * 86_400_000

async function readPair(dir: string, cert: string, key: string): Promise<{ certPem: string; keyPem: string } | null> {
  if (!existsSync(join(dir, cert)) || !existsSync(join(dir, key))) return null
  return { certPem: await fs.readFile(join(dir, cert), 'utf8'), keyPem: await fs.readFile(join(dir, key), 'utf8') }
}

async function writePair(dir: string, cert: string, key: string, pair: { certPem: string; keyPem: string }): Promise<void> {
  await writeFileAtomic(join(dir, cert), pair.certPem, 0o644)
  await writeFileAtomic(join(dir, key), pair.keyPem, 0o600)
}

function fresh(pair: { certPem: string } | null): boolean {
  const notAfter = pair ? certificateNotAfter(pair.certPem) : null
  return notAfter !== null && notAfter.getTime() - Date.now() > RENEW_BEFORE_MS
}

async function rsaPair(dir: string, name: string, commonName: string): Promise<{ certPem: string; keyPem: string }> {
  const cert = `${name}.pem`
  const key = `${name}-key.pem`
  const existing = await readPair(dir, cert, key)
  if (existing && fresh(existing)) return existing
  const created = await createSelfSignedRsa(commonName)
  await writePair(dir, cert, key, created)
  return created
}

/**
 * The Sandbox's keys and certificates, generated on first run and kept in `dir`.
 * The CA is trusted only where OrgBench passes it explicitly (the Sandbox environment), never system-wide.
 */
export async function ensurePki(dir: string): Promise<SandboxPki> {
  await fs.mkdir(dir, { recursive: true })
  let ca = await readPair(dir, 'ca.pem', 'ca-key.pem')
  let caRenewed = false
  if (!fresh(ca)) {
    const created = await createCertificateAuthority('OrgBench Sandbox CA (this computer only)')
    ca = { certPem: created.certPem, keyPem: created.keyPem }
    await writePair(dir, 'ca.pem', 'ca-key.pem', ca)
    caRenewed = true
  }
  let server = await readPair(dir, 'server.pem', 'server-key.pem')
  if (caRenewed || !fresh(server)) {
    server = await issueServerCertificate(await importCertificateAuthority(ca!.certPem, ca!.keyPem), SERVER_HOSTS)
    await writePair(dir, 'server.pem', 'server-key.pem', server)
  }
  const signing = await rsaPair(dir, 'token-signing', 'OrgBench Sandbox token signing')
  const client = await rsaPair(dir, 'client', 'OrgBench Sandbox demo client')
  // Expired on purpose, so it is never renewed: made once.
  let expired = await readPair(dir, 'client-expired.pem', 'client-expired-key.pem')
  if (!expired) {
    expired = await createSelfSignedRsa('OrgBench Sandbox legacy client (expired)', 180, new Date('2025-01-01T00:00:00Z'))
    await writePair(dir, 'client-expired.pem', 'client-expired-key.pem', expired)
  }
  return {
    caCertPem: ca!.certPem,
    caFile: join(dir, 'ca.pem'),
    serverCertPem: server!.certPem,
    serverKeyPem: server!.keyPem,
    signingKeyPem: signing.keyPem,
    signingCertPem: signing.certPem,
    signingKid: certificateThumbprints(signing.certPem).x5t,
    clientCertPem: client.certPem,
    clientKeyPem: client.keyPem,
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client-key.pem'),
    clientThumbprint: certificateThumbprints(client.certPem).sha1Hex,
    expiredCertPem: expired.certPem,
    expiredCertFile: join(dir, 'client-expired.pem'),
    expiredKeyFile: join(dir, 'client-expired-key.pem')
  }
}
