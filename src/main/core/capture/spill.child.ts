/** Test child (spill.test.ts): spills one body holding a marker, says so, and waits to be killed. */
import { SpillStore } from './spill'

const [root, marker] = process.argv.slice(2)
const store = new SpillStore(root!, (error) => console.error(error))
store.put('body', Buffer.from(`${marker}\n`.repeat(50_000)))
void store.settle().then(() => {
  process.stdout.write(`spilled ${store.dir}\n`)
  setInterval(() => undefined, 60_000)
})
