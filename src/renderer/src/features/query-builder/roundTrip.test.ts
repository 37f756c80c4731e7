import { describe, expect, it } from 'vitest'
import { packSchema, SchemaView, type EntityTypeIndex } from '@shared/schema'
import { parseCsdl } from '../../../../main/core/dataverse/csdl'
import { buildCsdl } from '../../../../main/sandbox/webapi/csdl'
import { buildQuery } from './buildQuery'
import { readUrl } from '../odata/urlModel'
import { emptyModel, type ExpandItem, type FilterCondition, type FilterGroup, type QueryModel } from './model'
import { operatorsFor, valueKind, type ValueKind } from './operators'
import { parseQuery } from './parseQuery'

const schema = new SchemaView(packSchema(parseCsdl(buildCsdl())))
const TABLES = ['accounts', 'contacts', 'tasks', 'systemusers']

/** A small seeded generator, so a failure names a model that can be made again. */
function rng(seed: number) {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T,>(list: readonly T[]): T => list[int(list.length)]!
  const some = <T,>(list: readonly T[], max: number): T[] => {
    const pool = [...list]
    const out: T[] = []
    for (let i = int(max + 1); i > 0 && pool.length; i--) out.push(pool.splice(int(pool.length), 1)[0]!)
    return out
  }
  return { next, int, pick, some }
}
type Rng = ReturnType<typeof rng>

const TEXTS = ['Contoso', "O'Brien", 'A & B', '#1 + 2 = 3', '50% off', 'say "hi"', 'a (b), c; d', '', '{{name}}', 'ünïcödé', "it''s", 'and or not', '\\slash']

function value(r: Rng, kind: ValueKind): string {
  switch (kind) {
    case 'text':
    case 'any':
      return r.pick(TEXTS)
    case 'number':
      return r.pick(['0', '1000000', '-3', '12.75', '{{n}}'])
    case 'boolean':
      return r.pick(['true', 'false'])
    case 'guid':
      return r.pick(['00000000-0000-0000-0000-000000000001', 'AB12CD34-0000-4000-8000-0000000000FF', '{{userId}}'])
    case 'date':
      return r.pick(['2024-02-29', '1990-01-01'])
    case 'datetime':
      return r.pick(['2024-05-01T08:30:00Z', '2024-05-01T08:30:00.123+02:00', '2024-05-01'])
  }
}

function columnOf(r: Rng, type: EntityTypeIndex): { column: string; type: string } {
  const lookups = type.navigation.filter((n) => !n.collection)
  if (lookups.length && r.next() < 0.2) {
    const nav = r.pick(lookups)
    const target = schema.entityType(nav.target)!
    const p = r.pick(target.properties)
    return { column: `${nav.name}/${p.name}`, type: p.type }
  }
  const p = r.pick(type.properties)
  return { column: p.name, type: p.type }
}

function condition(r: Rng, type: EntityTypeIndex): FilterCondition {
  const { column, type: edm } = columnOf(r, type)
  const op = r.pick(operatorsFor(edm))
  const kind = op.valueKind ?? valueKind(edm)
  const values = op.arity === 'none' ? [] : op.arity === 'one' ? [value(r, kind)] : op.arity === 'two' ? [value(r, 'number').replace(/\..*|\{\{n\}\}/, '7'), '2024'] : Array.from({ length: 1 + r.int(3) }, () => value(r, kind === 'boolean' ? 'text' : kind))
  // A query function's single value that is a whole number is written bare, and read back the same.
  return { kind: 'condition', column, type: edm, operator: op.value, values }
}

function group(r: Rng, type: EntityTypeIndex, depth: number): FilterGroup {
  const count = 1 + r.int(3)
  const children = Array.from({ length: count }, () => (depth < 2 && r.next() < 0.25 ? group(r, type, depth + 1) : condition(r, type)))
  // A group of one reads back as 'and': its logic means nothing.
  return { kind: 'group', logic: count === 1 ? 'and' : r.pick(['and', 'or'] as const), children }
}

function randomModel(seed: number): QueryModel {
  const r = rng(seed)
  const table = r.pick(TABLES)
  const type = schema.entityTypeOfSet(table)!
  const m: QueryModel = { ...emptyModel(r.pick(['{{webApiUrl}}/', 'https://contoso.crm.dynamics.com/api/data/v9.2/'])), table }
  m.columns = r.some(type.properties.map((p) => p.name), 5)
  if (r.next() < 0.8) m.filter = group(r, type, 0)
  m.expand = r.some(type.navigation, 2).map((nav): ExpandItem => {
    const target = schema.entityType(nav.target)!
    return {
      navigation: nav.name,
      columns: r.some(target.properties.map((p) => p.name), 3),
      filter: nav.collection && r.next() < 0.6 ? group(r, target, 1) : { kind: 'group', logic: 'and', children: [] },
      orderby: nav.collection ? r.some(target.properties.map((p) => p.name), 2).map((column) => ({ column, desc: r.next() < 0.5 })) : [],
      top: nav.collection && r.next() < 0.5 ? 1 + r.int(20) : null,
      raw: []
    }
  })
  m.orderby = r.some(type.properties.map((p) => p.name), 3).map((column) => ({ column, desc: r.next() < 0.5 }))
  m.top = r.next() < 0.5 ? 1 + r.int(5000) : null
  m.count = r.next() < 0.5
  return m
}

describe('round trip over generated queries', () => {
  it('reads back every one of 400 generated models exactly, with nothing unsupported, and the URL bar reads the same options', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const m = randomModel(seed)
      const url = buildQuery(m)
      const back = parseQuery(url, schema)
      expect({ seed, unsupported: back.unsupported }).toEqual({ seed, unsupported: [] })
      expect({ seed, model: back.model }).toEqual({ seed, model: m })
      // The URL bar's own reading (completion, diagnostics) splits the options where the builder wrote them.
      const options = readUrl(url).options.map((o) => o.name.text)
      expect(options).toEqual(url.includes('?') ? url.slice(url.indexOf('?') + 1).split('&').map((o) => o.slice(0, o.indexOf('='))) : [])
    }
  })
})
