// The benchmark's loopback server, in its own process so its work never lands on the client's event loop or heap.
import { startHttpServer } from '../src/main/testing/testServer'

void startHttpServer().then((server) => {
  process.send?.({ url: server.url })
  process.on('disconnect', () => void server.close().then(() => process.exit(0)))
})
