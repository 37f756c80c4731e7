/** The Sandbox org's tables, named and shaped as in a real org (a small subset of each table's columns). */
import type { Table } from './schema'
import { ACTIVITY_TABLES } from './tables/activities'
import { CORE_TABLES, SECURITY_TABLES } from './tables/core'
import { SALES_TABLES } from './tables/sales'

export const TABLES: Table[] = [...CORE_TABLES.slice(0, 2), ACTIVITY_TABLES[1]!, ...CORE_TABLES.slice(2), ...SECURITY_TABLES, ...SALES_TABLES, ACTIVITY_TABLES[0]!, ...ACTIVITY_TABLES.slice(2)]
