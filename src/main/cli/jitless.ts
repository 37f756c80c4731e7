import { config } from 'zod'

/**
 * zod compiles a parser for each object schema the first time it parses (with `new Function`): that pays off in the
 * app, which parses the same shapes all day, not in a command that parses each once or twice — there the compiling
 * was ~10 ms of a request. Imported before a command's modules, since a schema reads this when it is built.
 */
config({ jitless: true })
