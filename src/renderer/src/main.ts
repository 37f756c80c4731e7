import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createClient } from './api/client'
import { provideApi } from './api/inject'
import './assets/base.css'

const app = createApp(App)
provideApi(app, createClient(window.orgbench))
app.use(createPinia())
app.mount('#app')
