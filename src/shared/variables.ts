/** `{{name}}` references: shared by main (substitution) and the renderer (highlighting). */
export interface VariableRef {
  name: string
  start: number
  end: number
}

const REF = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g

export function findVariableRefs(text: string): VariableRef[] {
  const refs: VariableRef[] = []
  for (const match of text.matchAll(REF)) {
    refs.push({ name: match[1]!, start: match.index, end: match.index + match[0].length })
  }
  return refs
}

/** Replace every known `{{name}}`; report the unknown ones (each name once) instead of guessing. */
export function substituteVariables(text: string, values: ReadonlyMap<string, string>): { text: string; unknown: string[] } {
  if (!text.includes('{{')) return { text, unknown: [] }
  const unknown = new Set<string>()
  const out = text.replace(REF, (whole, name: string) => {
    const value = values.get(name)
    if (value === undefined) {
      unknown.add(name)
      return whole
    }
    return value
  })
  return { text: out, unknown: [...unknown] }
}
