import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { newTab } from '../../stores/requests'
import ResponsePane from './ResponsePane.vue'

function failed(code: string, message: string) {
  return mount(ResponsePane, { props: { tab: { ...newTab(), error: { code: code as never, message }, finishedAt: Date.now() } } })
}

describe('ResponsePane errors', () => {
  it('shows the message first, then what kind of failure it is in words, never the raw code', () => {
    for (const [code, message, words] of [
      ['sign_in_required', 'Sign in to "Dev" first (Sign in, above the request).', 'Sign-in needed'],
      ['tls_error', 'TLS failed with 127.0.0.1:8443 (DEPTH_ZERO_SELF_SIGNED_CERT). The server\'s certificate is not trusted.', 'TLS / certificate problem']
    ] as const) {
      const box = failed(code, message).get('[data-testid="response-error"]')
      expect(box.text()).not.toContain(code)
      const text = box.text()
      expect(text.indexOf(message), `${code}: message shown`).toBeGreaterThanOrEqual(0)
      expect(text.indexOf(words), `${code}: words after the message`).toBeGreaterThan(text.indexOf(message))
    }
  })
})
