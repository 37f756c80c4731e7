/// <reference types="vite/client" />
import type { OrgbenchBridge } from '@shared/channels'

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

declare global {
  interface Window {
    orgbench: OrgbenchBridge
  }
}
