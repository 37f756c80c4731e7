import { odataJson } from '../http'
import { privilegesOf } from '../privileges'
import { BUSINESS_UNIT_ID } from '../seedData'
import { API_VERSION, tableByName } from '../schema'
import { failure } from '../failures'
import type { Operation } from './types'

const context = (base: string, type: string) => `${base}/$metadata#Microsoft.Dynamics.CRM.${type}`

/** WhoAmI answers the user the request runs as: the impersonated user when the caller impersonates. */
export const whoAmI: Operation = {
  name: 'WhoAmI',
  kind: 'Function',
  parameters: [],
  returns: { type: 'mscrm.WhoAmIResponse', nullable: false },
  complexTypes: [{ name: 'WhoAmIResponse', properties: [{ name: 'BusinessUnitId', type: 'Edm.Guid', nullable: false }, { name: 'UserId', type: 'Edm.Guid', nullable: false }, { name: 'OrganizationId', type: 'Edm.Guid', nullable: false }] }],
  run: ({ call }) =>
    odataJson(200, { '@odata.context': context(call.base, 'WhoAmIResponse'), BusinessUnitId: call.caller.user._businessunitid_value ?? BUSINESS_UNIT_ID, UserId: call.caller.user.systemuserid, OrganizationId: call.ctx.seed.organizationId })
}

export const retrieveVersion: Operation = {
  name: 'RetrieveVersion',
  kind: 'Function',
  parameters: [],
  returns: { type: 'mscrm.RetrieveVersionResponse', nullable: false },
  complexTypes: [{ name: 'RetrieveVersionResponse', properties: [{ name: 'Version', type: 'Edm.String' }] }],
  run: ({ call }) => odataJson(200, { '@odata.context': context(call.base, 'RetrieveVersionResponse'), Version: API_VERSION })
}

export const retrieveTotalRecordCount: Operation = {
  name: 'RetrieveTotalRecordCount',
  kind: 'Function',
  parameters: [{ name: 'EntityNames', type: 'Collection(Edm.String)', required: true }],
  returns: { type: 'mscrm.RetrieveTotalRecordCountResponse', nullable: false },
  complexTypes: [
    { name: 'EntityRecordCountCollection', properties: [{ name: 'Count', type: 'Edm.Int32', nullable: false }, { name: 'IsReadOnly', type: 'Edm.Boolean', nullable: false }, { name: 'Keys', type: 'Collection(Edm.String)' }, { name: 'Values', type: 'Collection(Edm.Int64)' }] },
    { name: 'RetrieveTotalRecordCountResponse', properties: [{ name: 'EntityRecordCountCollection', type: 'mscrm.EntityRecordCountCollection' }] }
  ],
  run: ({ call, args }) => {
    const names = args.get('EntityNames') as string[]
    const values = names.map((name) => {
      const table = tableByName.get(name)
      if (!table) throw failure.fetchNoEntity(name)
      return call.ctx.org.rows(table).length
    })
    return odataJson(200, { '@odata.context': context(call.base, 'RetrieveTotalRecordCountResponse'), EntityRecordCountCollection: { Count: names.length, IsReadOnly: false, Keys: names, Values: values } })
  }
}

/** A user's privileges, from the security roles assigned to them (bound to systemuser). */
export const retrieveUserPrivileges: Operation = {
  name: 'RetrieveUserPrivileges',
  kind: 'Function',
  boundTo: 'systemuser',
  parameters: [],
  returns: { type: 'mscrm.RetrieveUserPrivilegesResponse', nullable: false },
  enumTypes: [{ name: 'PrivilegeDepth', members: [['Basic', 0], ['Local', 1], ['Deep', 2], ['Global', 3], ['RecordFilter', 4]] }],
  complexTypes: [
    { name: 'RolePrivilege', properties: [{ name: 'Depth', type: 'mscrm.PrivilegeDepth', nullable: false }, { name: 'PrivilegeId', type: 'Edm.Guid', nullable: false }, { name: 'BusinessUnitId', type: 'Edm.Guid', nullable: false }, { name: 'PrivilegeName', type: 'Edm.String' }] },
    { name: 'RetrieveUserPrivilegesResponse', properties: [{ name: 'RolePrivileges', type: 'Collection(mscrm.RolePrivilege)' }] }
  ],
  run: ({ call, target }) => {
    const user = target!.row
    const privileges = privilegesOf(call.ctx.org.roleIdsOf(String(user.systemuserid)))
    const businessUnitId = String(user._businessunitid_value ?? BUSINESS_UNIT_ID)
    return odataJson(200, {
      '@odata.context': context(call.base, 'RetrieveUserPrivilegesResponse'),
      RolePrivileges: privileges.map((p) => ({ Depth: p.depth, PrivilegeId: p.id, BusinessUnitId: businessUnitId, PrivilegeName: p.name }))
    })
  }
}
