import { dv } from '../errors'
import { parseLiteral } from './filterLexer'
import { splitTopLevel } from './text'
import type { Table } from './schema'

/** A record key from the URL: the primary key (`accounts(<guid>)`, `accounts(accountid=<guid>)`) or an alternate key (`accounts(accountnumber='AC-10000')`). */
export type RecordKey = { id: string } | { alternate: Record<string, unknown> }

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i

export function parseKey(keyText: string, table: Table, alias: (name: string) => string | null = () => null): RecordKey {
  const text = keyText.trim()
  const plain = GUID.exec(text)
  if (plain) return { id: plain[1]!.toLowerCase() }
  const values: Record<string, unknown> = {}
  for (const part of splitTopLevel(text, ',')) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw dv.invalidKey(table.logicalName)
    const name = part.slice(0, eq).trim()
    let raw = part.slice(eq + 1).trim()
    if (/^@\w+$/.test(raw)) raw = alias(raw) ?? 'null'
    let value: unknown
    try {
      value = parseLiteral(raw).value
    } catch {
      throw dv.invalidKey(table.logicalName)
    }
    values[name] = value
  }
  const names = Object.keys(values)
  if (names.length === 1 && names[0] === table.primaryId && typeof values[table.primaryId] === 'string' && GUID.test(values[table.primaryId] as string)) {
    return { id: GUID.exec(values[table.primaryId] as string)![1]!.toLowerCase() }
  }
  const key = table.alternateKeys.find((k) => k.columns.length === names.length && k.columns.every((c) => names.includes(c)))
  if (!key) throw dv.invalidKey(table.logicalName)
  return { alternate: values }
}
