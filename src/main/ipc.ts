import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../shared/channels'
import type { Router, EventSink } from './core/router'
import { isTrustedRendererUrl } from './security'

/** Binds the router to ipcMain: only our window's main frame may call. */
export function bindIpc(router: Router, window: BrowserWindow, trustedUrl: string): EventSink {
  const isTrusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame
    return event.sender === window.webContents && frame !== null && frame === window.webContents.mainFrame && isTrustedRendererUrl(frame.url, trustedUrl)
  }
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, input: unknown) => {
    if (!isTrusted(event)) return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted only from the OrgBench window.' } }
    return router.call(String(method), input)
  })
  return (event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event, payload)
  }
}
