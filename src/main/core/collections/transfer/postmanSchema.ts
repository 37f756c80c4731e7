/**
 * The Postman Collection Format v2.1.0 (https://schema.getpostman.com/json/collection/v2.1.0/collection.json), encoded
 * with zod: its JSON Schema could not be fetched here (no network but the package registries), so the required
 * structure is written from the spec — required keys, types, enums and the oneOf choices — for what OrgBench reads
 * and writes. Imports are read through it; the tests check exports against it, and that nothing of an export is
 * dropped by it (no key the format does not define).
 */
import { z } from 'zod'

export const POSTMAN_SCHEMA_V21 = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json'

const description = z.union([z.string(), z.object({ content: z.string().optional(), type: z.string().optional(), version: z.unknown().optional() }), z.null()])

export const PostmanVariable = z.object({
  id: z.string().optional(),
  key: z.string().optional(),
  value: z.unknown().optional(),
  type: z.enum(['string', 'boolean', 'any', 'number', 'secret', 'default']).optional(),
  name: z.string().optional(),
  description: description.optional(),
  system: z.boolean().optional(),
  disabled: z.boolean().optional()
})

const AuthAttribute = z.object({ key: z.string(), value: z.unknown().optional(), type: z.string().optional() })
export const PostmanAuth = z.object({
  type: z.enum(['apikey', 'awsv4', 'basic', 'bearer', 'digest', 'edgegrid', 'hawk', 'noauth', 'oauth1', 'oauth2', 'ntlm', 'jwt', 'asap', 'akamai']),
  noauth: z.unknown().optional(),
  apikey: z.array(AuthAttribute).optional(),
  awsv4: z.array(AuthAttribute).optional(),
  basic: z.array(AuthAttribute).optional(),
  bearer: z.array(AuthAttribute).optional(),
  digest: z.array(AuthAttribute).optional(),
  edgegrid: z.array(AuthAttribute).optional(),
  hawk: z.array(AuthAttribute).optional(),
  ntlm: z.array(AuthAttribute).optional(),
  oauth1: z.array(AuthAttribute).optional(),
  oauth2: z.array(AuthAttribute).optional()
})

export const PostmanHeader = z.object({ key: z.string(), value: z.string(), disabled: z.boolean().optional(), description: description.optional() })

const QueryParam = z.object({ key: z.string().nullable(), value: z.string().nullable().optional(), disabled: z.boolean().optional(), description: description.optional() })

export const PostmanUrl = z.union([
  z.string(),
  z.object({
    raw: z.string().optional(),
    protocol: z.string().optional(),
    host: z.union([z.string(), z.array(z.string())]).optional(),
    path: z.union([z.string(), z.array(z.union([z.string(), z.object({ type: z.string().optional(), value: z.string().optional() })]))]).optional(),
    port: z.string().optional(),
    query: z.array(QueryParam).optional(),
    hash: z.string().optional(),
    variable: z.array(PostmanVariable).optional()
  })
])

const FormParam = z.object({
  key: z.string(),
  value: z.string().optional(),
  src: z.union([z.string(), z.array(z.string()), z.null()]).optional(),
  disabled: z.boolean().optional(),
  type: z.enum(['text', 'file']).optional(),
  contentType: z.string().optional(),
  description: description.optional()
})

export const PostmanBody = z.object({
  mode: z.enum(['raw', 'urlencoded', 'formdata', 'file', 'graphql']).optional(),
  raw: z.string().optional(),
  urlencoded: z.array(z.object({ key: z.string(), value: z.string().optional(), disabled: z.boolean().optional(), description: description.optional() })).optional(),
  formdata: z.array(FormParam).optional(),
  file: z.object({ src: z.string().nullable().optional(), content: z.string().optional() }).optional(),
  graphql: z.object({ query: z.string().optional(), variables: z.string().optional() }).passthrough().optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  disabled: z.boolean().optional()
})

export const PostmanRequest = z.union([
  z.string(),
  z.object({
    url: PostmanUrl.optional(),
    auth: PostmanAuth.nullable().optional(),
    method: z.string().optional(),
    description: description.optional(),
    header: z.union([z.array(PostmanHeader), z.string()]).optional(),
    body: PostmanBody.nullable().optional()
  })
])

const PostmanEvent = z.object({ listen: z.string(), script: z.unknown().optional(), disabled: z.boolean().optional() })

export interface PostmanItemLike {
  name?: string | undefined
  description?: z.infer<typeof description> | undefined
  request?: z.infer<typeof PostmanRequest> | undefined
  item?: PostmanItemLike[] | undefined
  auth?: z.infer<typeof PostmanAuth> | null | undefined
  event?: z.infer<typeof PostmanEvent>[] | undefined
  variable?: z.infer<typeof PostmanVariable>[] | undefined
}

/** An item (required: request) or an item group (required: item). */
export const PostmanItem: z.ZodType<PostmanItemLike> = z.union([
  z.object({
    id: z.string().optional(),
    name: z.string().optional(),
    description: description.optional(),
    variable: z.array(PostmanVariable).optional(),
    event: z.array(PostmanEvent).optional(),
    request: PostmanRequest,
    response: z.array(z.unknown()).optional()
  }),
  z.object({
    name: z.string().optional(),
    description: description.optional(),
    variable: z.array(PostmanVariable).optional(),
    item: z.array(z.lazy(() => PostmanItem)),
    event: z.array(PostmanEvent).optional(),
    auth: PostmanAuth.nullable().optional()
  })
])

export const PostmanCollection = z.object({
  info: z.object({ name: z.string(), _postman_id: z.string().optional(), description: description.optional(), schema: z.string(), version: z.unknown().optional() }),
  item: z.array(PostmanItem),
  event: z.array(PostmanEvent).optional(),
  variable: z.array(PostmanVariable).optional(),
  auth: PostmanAuth.nullable().optional()
})
export type PostmanCollection = z.infer<typeof PostmanCollection>
