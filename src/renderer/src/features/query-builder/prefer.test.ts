import { describe, expect, it } from 'vitest'
import type { KeyValue } from '@shared/http'
import { splitPreferences } from '../odata/preferHeader'
import { readPrefer, writePrefer } from './prefer'

const h = (key: string, value: string, enabled = true): KeyValue => ({ key, value, enabled })
const BASE = [h('Accept', 'application/json'), h('OData-Version', '4.0')]

describe('readPrefer', () => {
  it('reads page size and formatted values from the enabled Prefer headers only', () => {
    expect(readPrefer([...BASE, h('Prefer', 'odata.include-annotations="*"', false)])).toEqual({ maxPageSize: null, formattedValues: false })
    expect(readPrefer([...BASE, h('prefer', 'return=representation, odata.maxpagesize=25'), h('Prefer', 'odata.include-annotations="*"')])).toEqual({ maxPageSize: 25, formattedValues: true })
  })

  it('knows an annotation filter that asks for formatted values, and one that does not', () => {
    expect(readPrefer([h('Prefer', 'odata.include-annotations="OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname"')]).formattedValues).toBe(true)
    expect(readPrefer([h('Prefer', 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"')]).formattedValues).toBe(false)
  })

  it('splits on commas outside quotes', () => {
    expect(splitPreferences('a=1, odata.include-annotations="x,y" ,b')).toEqual(['a=1', 'odata.include-annotations="x,y"', 'b'])
  })
})

describe('writePrefer', () => {
  it('enables the new tab’s disabled Prefer row when it says exactly what is asked, instead of adding a second', () => {
    const headers = [...BASE, h('Prefer', 'odata.include-annotations="*"', false)]
    expect(writePrefer(headers, { maxPageSize: null, formattedValues: true })).toEqual([...BASE, h('Prefer', 'odata.include-annotations="*"')])
  })

  it('merges both settings into one header, keeping other preferences in their place', () => {
    const headers = [...BASE, h('Prefer', 'return=representation,odata.maxpagesize=10')]
    expect(writePrefer(headers, { maxPageSize: 50, formattedValues: true })).toEqual([...BASE, h('Prefer', 'return=representation,odata.maxpagesize=50,odata.include-annotations="*"')])
  })

  it('merges several enabled Prefer rows into the first and leaves disabled ones alone', () => {
    const headers = [h('Prefer', 'return=representation'), h('X', '1'), h('Prefer', 'odata.maxpagesize=5'), h('Prefer', 'odata.track-changes', false)]
    expect(writePrefer(headers, { maxPageSize: 5, formattedValues: true })).toEqual([h('Prefer', 'return=representation,odata.maxpagesize=5,odata.include-annotations="*"'), h('X', '1'), h('Prefer', 'odata.track-changes', false)])
  })

  it('keeps an annotation filter that already does what the switch says', () => {
    const filter = 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"'
    expect(writePrefer([h('Prefer', filter)], { maxPageSize: 20, formattedValues: true })).toEqual([h('Prefer', `${filter},odata.maxpagesize=20`)])
    const lookups = 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"'
    expect(writePrefer([h('Prefer', lookups)], { maxPageSize: null, formattedValues: false })).toEqual([h('Prefer', lookups)])
    expect(writePrefer([h('Prefer', lookups)], { maxPageSize: null, formattedValues: true })).toEqual([h('Prefer', 'odata.include-annotations="*"')])
  })

  it('disables the row when the last preference is switched off, and adds one when there is none', () => {
    expect(writePrefer([h('Prefer', 'odata.include-annotations="*",odata.maxpagesize=5')], { maxPageSize: null, formattedValues: false })).toEqual([h('Prefer', 'odata.include-annotations="*",odata.maxpagesize=5', false)])
    expect(writePrefer(BASE, { maxPageSize: 100, formattedValues: false })).toEqual([...BASE, h('Prefer', 'odata.maxpagesize=100')])
    expect(writePrefer(BASE, { maxPageSize: null, formattedValues: false })).toEqual(BASE)
  })

  it('reads back what it wrote, and does not change the rows it was given', () => {
    const headers = [...BASE, h('Prefer', 'return=representation')]
    const copy = structuredClone(headers)
    for (const settings of [{ maxPageSize: 7, formattedValues: true }, { maxPageSize: null, formattedValues: true }, { maxPageSize: 3, formattedValues: false }]) {
      expect(readPrefer(writePrefer(headers, settings))).toEqual(settings)
    }
    expect(headers).toEqual(copy)
  })
})
