/**
 * Whether the authority a request names (its Host header, or an absolute-form target's authority) is this loopback
 * listener: `127.0.0.1:<port>` or `localhost:<port>`. Anything else is a page on another name reaching us through
 * DNS rebinding, or a request meant for someone else. `[::1]` is not accepted: the listener is bound to 127.0.0.1 only.
 */
export function isLoopbackAuthority(authority: string | null | undefined, port: number): boolean {
  if (typeof authority !== 'string') return false
  const name = authority.toLowerCase()
  return name === `127.0.0.1:${port}` || name === `localhost:${port}`
}
