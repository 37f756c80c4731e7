/** Code for a request, one module per target; secrets stay references unless inlined on purpose. */
import type { CodeTarget, GeneratedCode, SavedRequestData } from '../../../../shared/collections'
import type { SchemaView } from '../../../../shared/schema'
import { csharp } from './csharp'
import { curlBash, curlPowerShell } from './curl'
import { javascript } from './javascript'
import { buildCodeRequest, type CodeContext } from './model'
import { powershell } from './powershell'
import { python } from './python'
import { xrm } from './xrm'

const LANGUAGE: Record<CodeTarget, string> = { 'curl-bash': 'bash', 'curl-powershell': 'powershell', powershell: 'powershell', csharp: 'csharp', python: 'python', javascript: 'javascript', xrm: 'javascript' }

export function generateCode(target: CodeTarget, request: SavedRequestData, ctx: CodeContext, options: { attachToken: boolean; schema?: SchemaView | null }): GeneratedCode {
  const r = buildCodeRequest(request, ctx, options.attachToken && target !== 'xrm')
  const notes = [...r.notes]
  let code: string
  switch (target) {
    case 'curl-bash':
      code = curlBash(r)
      break
    case 'curl-powershell':
      code = curlPowerShell(r)
      break
    case 'powershell':
      code = powershell(r)
      break
    case 'csharp':
      code = csharp(r)
      break
    case 'python':
      code = python(r)
      break
    case 'javascript':
      code = javascript(r)
      break
    case 'xrm': {
      const result = xrm(r, options.schema ?? null)
      if (!result.ok) {
        notes.push(result.reason)
        code = ''
      } else code = result.code
      break
    }
  }
  return { target, language: LANGUAGE[target], code, notes }
}
