import { describe, expect, it } from 'vitest'
import type { KeyValue } from '@shared/http'
import { DEFAULT_HEADERS } from '../../stores/requests'
import { splitPreferences } from '../odata/preferHeader'
import { applySwitch, readSwitch, readSwitches } from './headerState'
import { checkSwitchValue, HEADER_SWITCHES, headerSwitch, usersUrl } from './switches'

const row = (key: string, value: string, enabled = true): KeyValue => ({ key, value, enabled })
const on = (headers: KeyValue[]) => Object.entries(readSwitches(headers)).filter(([, s]) => s.on).map(([id]) => id)
const sent = (headers: KeyValue[]) => headers.filter((h) => h.enabled).map((h) => `${h.key}: ${h.value}`)

describe('the switches as Microsoft documents the headers', () => {
  it('write the names and values of the articles', () => {
    const written = HEADER_SWITCHES.map((def) => {
      const value = def.input.kind === 'user' ? '00000000-0000-0000-0000-000000000001' : def.input.kind === 'text' ? 'MySolution' : def.value
      return sent(applySwitch([], def, true, value))[0]
    })
    expect(written).toEqual([
      'CallerObjectId: 00000000-0000-0000-0000-000000000001', // impersonate-another-user-web-api.md
      'MSCRMCallerID: 00000000-0000-0000-0000-000000000001',
      'MSCRM.BypassBusinessLogicExecution: CustomSync,CustomAsync', // bypass-custom-business-logic.md
      'MSCRM.BypassCustomPluginExecution: true',
      'MSCRM.SuppressCallbackRegistrationExpanderJob: true', // bypass-power-automate-flows.md
      'MSCRM.SuppressDuplicateDetection: false', // compose-http-requests-handle-errors.md, Other headers
      'MSCRM.SolutionUniqueName: MySolution',
      'Prefer: return=representation', // compose-http-requests-handle-errors.md, Prefer headers
      'Prefer: odata.include-annotations="*"',
      'Prefer: odata.maxpagesize=50',
      'If-Match: *', // perform-conditional-operations-using-web-api.md, Prevent create in upsert
      'If-None-Match: *', // … Prevent update in upsert
      'Consistency: Strong'
    ])
  })

  it('read nothing on from a new tab (its Prefer row is unticked)', () => {
    expect(on(DEFAULT_HEADERS.map((h) => ({ ...h })))).toEqual([])
  })
})

describe('Prefer: one header, several preferences', () => {
  it('splits on commas outside quotes', () => {
    expect(splitPreferences('return=representation, odata.include-annotations="a,b" ,odata.maxpagesize=10')).toEqual(['return=representation', 'odata.include-annotations="a,b"', 'odata.maxpagesize=10'])
  })

  it('merges switched preferences into one header, in the order switched', () => {
    let headers = DEFAULT_HEADERS.map((h) => ({ ...h }))
    headers = applySwitch(headers, headerSwitch('return-representation'), true)
    headers = applySwitch(headers, headerSwitch('annotations'), true)
    headers = applySwitch(headers, headerSwitch('max-page-size'), true, '25')
    expect(headers.filter((h) => h.key === 'Prefer' && h.enabled)).toEqual([row('Prefer', 'return=representation,odata.include-annotations="*",odata.maxpagesize=25')])
    expect(on(headers)).toEqual(['return-representation', 'annotations', 'max-page-size'])
    expect(readSwitch(headers, headerSwitch('max-page-size')).value).toBe('25')
  })

  it("re-ticks a new tab's unticked Prefer row instead of adding another", () => {
    const headers = applySwitch(DEFAULT_HEADERS.map((h) => ({ ...h })), headerSwitch('annotations'), true)
    expect(headers.filter((h) => h.key === 'Prefer')).toEqual([row('Prefer', 'odata.include-annotations="*"')])
  })

  it('takes one preference out and leaves the others; the last one out unticks the row', () => {
    let headers = [row('Accept', 'application/json'), row('Prefer', 'return=representation,odata.maxpagesize=10')]
    headers = applySwitch(headers, headerSwitch('return-representation'), false)
    expect(headers).toEqual([row('Accept', 'application/json'), row('Prefer', 'odata.maxpagesize=10')])
    headers = applySwitch(headers, headerSwitch('max-page-size'), false)
    expect(headers).toEqual([row('Accept', 'application/json'), row('Prefer', 'odata.maxpagesize=10', false)])
    expect(on(headers)).toEqual([])
  })

  it('reads hand-written preferences in any case and several Prefer rows, and merges those rows when one is switched', () => {
    const headers = [row('prefer', 'Return=Representation'), row('PREFER', 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"'), row('Prefer', 'odata.maxpagesize=5', false)]
    expect(on(headers)).toEqual(['return-representation', 'annotations'])
    const next = applySwitch(headers, headerSwitch('max-page-size'), true, '100')
    // The annotation filter typed by hand is kept as it was: it already is what the switch means.
    expect(next).toEqual([row('prefer', 'Return=Representation,odata.include-annotations="OData.Community.Display.V1.FormattedValue",odata.maxpagesize=100'), row('Prefer', 'odata.maxpagesize=5', false)])
  })

  it('says when Prefer holds another value of the same preference', () => {
    expect(readSwitch([row('Prefer', 'return=minimal')], headerSwitch('return-representation'))).toEqual({ on: false, value: null, other: 'return=minimal' })
    const next = applySwitch([row('Prefer', 'return=minimal,odata.maxpagesize=3')], headerSwitch('return-representation'), true)
    expect(next).toEqual([row('Prefer', 'return=representation,odata.maxpagesize=3')])
  })
})

describe('other headers', () => {
  it('read a header typed by hand as on, whatever its case', () => {
    expect(on([row('mscrm.bypasscustompluginexecution', 'True'), row('consistency', 'strong'), row('if-match', '"*"')])).toEqual(['bypass-plugins', 'if-match', 'consistency'])
    expect(on([row('MSCRM.BypassCustomPluginExecution', 'true', false)])).toEqual([])
  })

  it('set the value of a row that is there instead of adding one, and drop enabled duplicates', () => {
    const headers = [row('CallerObjectId', 'aaaaaaaa-0000-0000-0000-000000000001'), row('X', '1'), row('callerobjectid', 'bbbbbbbb-0000-0000-0000-000000000002')]
    expect(applySwitch(headers, headerSwitch('caller-object-id'), true, 'cccccccc-0000-0000-0000-000000000003')).toEqual([row('CallerObjectId', 'cccccccc-0000-0000-0000-000000000003'), row('X', '1')])
  })

  it('turn off only what they mean: If-None-Match: null stays, an ETag in If-Match is shown and kept', () => {
    const headers = [row('If-None-Match', 'null'), row('If-Match', 'W/"123"')]
    expect(readSwitch(headers, headerSwitch('if-match'))).toEqual({ on: false, value: null, other: 'W/"123"' })
    expect(applySwitch(headers, headerSwitch('if-none-match'), false)).toEqual(headers)
    expect(applySwitch([...headers, row('If-None-Match', '*')], headerSwitch('if-none-match'), false)).toEqual(headers)
  })

  it('turn off what they exclude: update-only and create-only, the two ways to impersonate', () => {
    const update = applySwitch([row('If-None-Match', '*')], headerSwitch('if-match'), true)
    expect(update).toEqual([row('If-Match', '*')])
    const legacy = applySwitch([row('CallerObjectId', 'aaaaaaaa-0000-0000-0000-000000000001')], headerSwitch('mscrm-caller-id'), true, 'bbbbbbbb-0000-0000-0000-000000000002')
    expect(legacy).toEqual([row('MSCRMCallerID', 'bbbbbbbb-0000-0000-0000-000000000002')])
  })

  it('check the values typed for editable switches', () => {
    expect(checkSwitchValue(headerSwitch('caller-object-id'), 'bob')).toBe("CallerObjectId takes a GUID (the user's azureactivedirectoryobjectid).")
    expect(checkSwitchValue(headerSwitch('caller-object-id'), '{{userOid}}')).toBeNull()
    expect(checkSwitchValue(headerSwitch('max-page-size'), '0')).toBe('Page size: a whole number from 1 to 5,000.')
    expect(checkSwitchValue(headerSwitch('max-page-size'), '5000')).toBeNull()
    expect(checkSwitchValue(headerSwitch('solution'), ' ')).toBe('Add to a solution: give a value.')
  })
})

describe('the user picker', () => {
  it('lists 50 users with the columns both impersonation headers take, by name when searched', () => {
    expect(usersUrl('')).toBe('{{webApiUrl}}/systemusers?$select=fullname,azureactivedirectoryobjectid,internalemailaddress,systemuserid&$orderby=fullname&$top=50')
    expect(usersUrl(" Ann O'Neil & co ")).toBe("{{webApiUrl}}/systemusers?$select=fullname,azureactivedirectoryobjectid,internalemailaddress,systemuserid&$orderby=fullname&$top=50&$filter=contains(fullname,'Ann O''Neil %26 co')")
  })
})
