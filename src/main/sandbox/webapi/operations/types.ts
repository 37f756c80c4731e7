import type { SandboxResponse } from '../http'
import type { Call } from '../routes'
import type { Row } from '../seedData'
import type { Table } from '../schema'

/** A parameter as the CSDL declares it: `Nullable="false"` means required. */
export interface OperationParameter {
  name: string
  /** `Edm.Int32`, `Collection(Edm.String)`, `mscrm.opportunityclose`, `mscrm.crmbaseentity`… */
  type: string
  required: boolean
}

export interface ComplexTypeDef {
  name: string
  properties: Array<{ name: string; type: string; nullable?: boolean }>
}

/** A record named by an entity-typed parameter (`{"@odata.type": "Microsoft.Dynamics.CRM.contact", "contactid": "…"}`). */
export interface EntityArgument {
  table: Table
  /** The object as sent, without `@odata.type`. */
  value: Record<string, unknown>
}

export interface OperationContext {
  call: Call
  args: Map<string, unknown>
  /** The record a bound operation was called on. */
  target: { table: Table; row: Row } | null
}

/**
 * A function or action the Sandbox serves: its CSDL definition (the same object drives `$metadata`, parameter
 * validation and execution) and its implementation.
 */
export interface Operation {
  name: string
  kind: 'Function' | 'Action'
  /** Bound to a table's records (`leads(<id>)/Microsoft.Dynamics.CRM.QualifyLead`); unbound otherwise. */
  boundTo?: string
  parameters: OperationParameter[]
  returns?: { type: string; nullable: boolean }
  /** Complex types (and enum types) the return type needs; the CSDL declares them above the operation. */
  complexTypes?: ComplexTypeDef[]
  enumTypes?: Array<{ name: string; members: Array<[string, number]> }>
  /** A Custom API: how Dataverse publishes an API a maker defined (`sample_…`). */
  customApi?: { displayName: string; description: string }
  run(ctx: OperationContext): SandboxResponse
}
