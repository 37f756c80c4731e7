import forge from 'node-forge'
import { describe, expect, it } from 'vitest'
import { certificateThumbprints, createSelfSignedRsa } from './certificates'
import { pfxToPem } from './pkcs12'

async function makePfx(password: string) {
  const { certPem, keyPem } = await createSelfSignedRsa('pfx test')
  const p12 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(keyPem), [forge.pki.certificateFromPem(certPem)], password, { algorithm: '3des' })
  return { pfx: Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'), certPem }
}

describe('pfxToPem', () => {
  it('extracts the certificate and a PKCS#8 key, with the thumbprint the portal shows', async () => {
    const { pfx, certPem } = await makePfx('s3cret')
    const result = pfxToPem(pfx, 's3cret')
    expect(result.certificatePem).toContain('-----BEGIN CERTIFICATE-----')
    expect(result.privateKeyPem).toContain('-----BEGIN PRIVATE KEY-----')
    expect(result.thumbprint).toBe(certificateThumbprints(certPem).sha1Hex)
  })

  it('says when the password is wrong or the file is not a .pfx', async () => {
    const { pfx } = await makePfx('right')
    expect(() => pfxToPem(pfx, 'wrong')).toThrow('The .pfx password is not right.')
    expect(() => pfxToPem(Buffer.from('not a pfx'), '')).toThrow('not a .pfx/.p12')
  })
})
