import { dv } from '../../errors'
import { empty, ODATA_VERSION } from '../http'
import { recordOf } from './params'
import type { EntityArgument, Operation } from './types'

/** The Merge action: the subordinate's children move to the target, the subordinate is deactivated. */
export const merge: Operation = {
  name: 'Merge',
  kind: 'Action',
  parameters: [
    { name: 'Target', type: 'mscrm.crmbaseentity', required: true },
    { name: 'Subordinate', type: 'mscrm.crmbaseentity', required: true },
    { name: 'UpdateContent', type: 'mscrm.crmbaseentity', required: false },
    { name: 'PerformParentingChecks', type: 'Edm.Boolean', required: true }
  ],
  run: ({ call, args }) => {
    const org = call.ctx.org
    const allowed = ['account', 'contact', 'lead', 'incident']
    const target = recordOf(call, args.get('Target') as EntityArgument, 'Target', allowed)
    const subordinate = recordOf(call, args.get('Subordinate') as EntityArgument, 'Subordinate', allowed)
    if (target.table !== subordinate.table) throw dv.badRequest('Target and Subordinate must be records of the same table.')
    if (target.row === subordinate.row) throw dv.badRequest('A record cannot be merged with itself.')
    const update = (args.get('UpdateContent') as EntityArgument | undefined)?.value ?? {}
    const content = Object.fromEntries(Object.entries(update).filter(([k]) => k !== target.table.primaryId))
    org.atomically(() => {
      if (Object.keys(content).length) org.update(target.table, target.row, content, call.write)
      for (const nav of target.table.collections) {
        const child = org.table(nav.table)
        if (child.view) continue
        const via = child.columns.find((c) => c.name === nav.via)!
        for (const r of org.related(subordinate.table, subordinate.row, nav)) {
          org.setLookup(r, via, target.table, String(target.row[target.table.primaryId]))
          org.touch(child, r, call.write)
        }
      }
      const inactive = target.table.logicalName === 'lead' ? { statecode: 2, statuscode: 7 } : target.table.logicalName === 'incident' ? { statecode: 2, statuscode: 2000 } : { statecode: 1, statuscode: 2 }
      org.update(subordinate.table, subordinate.row, inactive, call.write)
    })
    return empty(204, ODATA_VERSION)
  }
}
