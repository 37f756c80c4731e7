/** https anywhere (the identity provider and its federation partners); http only on loopback (the Sandbox's pages). */
export function allowedInSignInWindow(url: string): boolean {
  try {
    const u = new URL(url)
    return u.protocol === 'https:' || (u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost'))
  } catch {
    return false
  }
}
