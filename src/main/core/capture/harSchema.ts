import { z } from 'zod'

/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), as zod.
 *
 * `strict` is the spec: what our export must satisfy (its test checks every entry against it). `lenient` is what
 * import accepts: the files Chrome, Edge, Firefox, Fiddler and Charles write leave out fields the spec requires
 * (cookies, headersSize, cache, timings' optional phases), so everything not needed to show an exchange is optional.
 */
const nameValue = z.object({ name: z.string(), value: z.string(), comment: z.string().optional() })
const cookie = z.object({ name: z.string(), value: z.string(), path: z.string().optional(), domain: z.string().optional(), expires: z.string().nullable().optional(), httpOnly: z.boolean().optional(), secure: z.boolean().optional(), comment: z.string().optional() })

export const StrictHar = z.object({
  log: z.object({
    version: z.literal('1.2'),
    creator: z.object({ name: z.string(), version: z.string(), comment: z.string().optional() }),
    browser: z.object({ name: z.string(), version: z.string() }).optional(),
    pages: z.array(z.object({ startedDateTime: z.string(), id: z.string(), title: z.string(), pageTimings: z.object({ onContentLoad: z.number().optional(), onLoad: z.number().optional() }) })).optional(),
    entries: z.array(
      z.object({
        pageref: z.string().optional(),
        startedDateTime: z.iso.datetime({ offset: true }),
        time: z.number().min(0),
        request: z.object({
          method: z.string().min(1),
          url: z.string().min(1),
          httpVersion: z.string(),
          cookies: z.array(cookie),
          headers: z.array(nameValue),
          queryString: z.array(nameValue),
          postData: z
            .object({
              mimeType: z.string(),
              params: z.array(z.object({ name: z.string(), value: z.string().optional(), fileName: z.string().optional(), contentType: z.string().optional() })).optional(),
              text: z.string().optional(),
              comment: z.string().optional()
            })
            .optional(),
          headersSize: z.number().int(),
          bodySize: z.number().int(),
          comment: z.string().optional()
        }),
        response: z.object({
          status: z.number().int(),
          statusText: z.string(),
          httpVersion: z.string(),
          cookies: z.array(cookie),
          headers: z.array(nameValue),
          content: z.object({ size: z.number().int(), compression: z.number().optional(), mimeType: z.string(), text: z.string().optional(), encoding: z.string().optional(), comment: z.string().optional() }),
          redirectURL: z.string(),
          headersSize: z.number().int(),
          bodySize: z.number().int(),
          comment: z.string().optional()
        }),
        cache: z.object({}).passthrough(),
        timings: z.object({
          blocked: z.number().min(-1).optional(),
          dns: z.number().min(-1).optional(),
          connect: z.number().min(-1).optional(),
          send: z.number().min(0),
          wait: z.number().min(0),
          receive: z.number().min(0),
          ssl: z.number().min(-1).optional(),
          comment: z.string().optional()
        }),
        serverIPAddress: z.string().optional(),
        connection: z.string().optional(),
        comment: z.string().optional()
      })
    ),
    comment: z.string().optional()
  })
})
export type Har = z.infer<typeof StrictHar>
export type HarEntry = Har['log']['entries'][number]

const looseHeaders = z.array(z.object({ name: z.coerce.string(), value: z.coerce.string() })).catch([])

export const LenientHar = z.object({
  log: z.object({
    creator: z.object({ name: z.string().catch('unknown'), version: z.string().catch('') }).partial().optional(),
    entries: z
      .array(
        z.object({
          startedDateTime: z.string().optional(),
          time: z.number().optional(),
          request: z.object({
            method: z.string().min(1),
            url: z.string().min(1),
            httpVersion: z.string().optional(),
            headers: looseHeaders.optional(),
            postData: z.object({ mimeType: z.string().optional(), text: z.string().optional(), encoding: z.string().optional(), params: z.array(z.object({ name: z.string(), value: z.string().optional() })).optional() }).optional(),
            bodySize: z.number().optional()
          }),
          response: z
            .object({
              status: z.number().optional(),
              statusText: z.string().optional(),
              httpVersion: z.string().optional(),
              headers: looseHeaders.optional(),
              content: z.object({ size: z.number().optional(), mimeType: z.string().optional(), text: z.string().optional(), encoding: z.string().optional() }).optional(),
              bodySize: z.number().optional(),
              _error: z.string().nullable().optional()
            })
            .optional(),
          timings: z.object({ blocked: z.number().optional(), dns: z.number().optional(), connect: z.number().optional(), ssl: z.number().optional(), send: z.number().optional(), wait: z.number().optional(), receive: z.number().optional() }).partial().optional(),
          _orgbench: z.object({ kind: z.string().optional(), environmentName: z.string().nullable().optional(), signInId: z.string().nullable().optional(), grant: z.string().nullable().optional(), error: z.string().nullable().optional() }).optional()
        })
      )
      .max(1_000_000)
  })
})
export type LenientHar = z.infer<typeof LenientHar>
