/**
 * A claim value for reading: the text, cut only where a person would cut it (after / ? & = , and spaces),
 * and a time claim's date beside its number.
 */
export interface ClaimValue {
  /** Pieces of the text; a line may break between two pieces, never inside one. */
  pieces: string[]
  /** For NumericDate claims (iat, nbf, exp, auth_time…): the local date and time. */
  date: string | null
}

const TIME_CLAIMS = new Set(['iat', 'nbf', 'exp', 'auth_time', 'xms_tcdt', 'pwd_exp', 'updated_at'])

export function claimValue(claim: string, value: unknown, toDate: (seconds: number) => string = localDate): ClaimValue {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)
  const isTime = typeof value === 'number' && (TIME_CLAIMS.has(claim) || (value > 1_000_000_000 && value < 4_000_000_000))
  return { pieces: text.split(/(?<=[/?&=,;\s])(?!\/)/).filter((p) => p !== ''), date: isTime ? toDate(value) : null }
}

function localDate(seconds: number): string {
  const d = new Date(seconds * 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}
