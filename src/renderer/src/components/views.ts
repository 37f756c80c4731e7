import type { InjectionKey } from 'vue'

/** The app's main views; a component deep inside one (the traffic inspector) can bring another to the front. */
export type MainView = 'request' | 'batch' | 'traffic'
export const SHOW_VIEW: InjectionKey<(view: MainView) => void> = Symbol('show-view')
