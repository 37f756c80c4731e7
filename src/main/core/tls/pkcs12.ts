import forge from 'node-forge'
import { AppError } from '../../../shared/errors'
import { certificateThumbprints } from './certificates'

/**
 * A .pfx / .p12 (what Windows and the Azure portal export) turned into the PEM certificate and PKCS#8 private key
 * that client credentials need. The password only unlocks the file; nothing of it is kept.
 */
export function pfxToPem(pfx: Buffer, password: string): { certificatePem: string; privateKeyPem: string; thumbprint: string } {
  let p12: forge.pkcs12.Pkcs12Pfx
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(pfx.toString('binary')))
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password)
  } catch (error) {
    const message = (error as Error).message ?? ''
    if (/password|MAC|decrypt/i.test(message)) throw new AppError('invalid_input', 'The .pfx password is not right.')
    throw new AppError('invalid_input', 'This file is not a .pfx/.p12 certificate (PKCS#12).')
  }
  const bags = (oid: string | undefined): forge.pkcs12.Bag[] => (oid ? (p12.getBags({ bagType: oid })[oid] ?? []) : [])
  const keyBags = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag), ...bags(forge.pki.oids.keyBag)]
  const certBags = bags(forge.pki.oids.certBag)
  const key = keyBags.find((b) => b.key)?.key
  if (!key) throw new AppError('invalid_input', 'The .pfx has no private key: export it again with "Yes, export the private key".')
  // The certificate whose public key matches the private key (a .pfx may carry the whole chain).
  const publicPem = forge.pki.publicKeyToPem(forge.pki.setRsaPublicKey((key as forge.pki.rsa.PrivateKey).n, (key as forge.pki.rsa.PrivateKey).e))
  const cert = certBags.map((b: forge.pkcs12.Bag) => b.cert).find((c?: forge.pki.Certificate) => c && forge.pki.publicKeyToPem(c.publicKey) === publicPem) ?? certBags[0]?.cert
  if (!cert) throw new AppError('invalid_input', 'The .pfx has no certificate.')
  const certificatePem = forge.pki.certificateToPem(cert)
  const privateKeyPem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key as forge.pki.rsa.PrivateKey)))
  return { certificatePem, privateKeyPem, thumbprint: certificateThumbprints(certificatePem).sha1Hex }
}
