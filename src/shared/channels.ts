/** IPC channel names and the bridge shape: no imports, so the sandboxed preload stays tiny. */
export const IPC_INVOKE_CHANNEL = 'orgbench:invoke'
export const IPC_EVENT_CHANNEL = 'orgbench:event'

/** What the preload (or the e2e harness) installs as `window.orgbench`. */
export interface OrgbenchBridge {
  invoke(method: string, input: unknown): Promise<unknown>
  on(event: string, listener: (payload: unknown) => void): () => void
}
