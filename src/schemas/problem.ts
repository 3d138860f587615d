import { z } from 'zod'

/** One invalid item of a request: `index` into the batch where there is one, the field path, the message. */
export const ProblemItemSchema = z.object({
  index: z.number().int().optional(),
  path: z.string(),
  message: z.string(),
})
export type ProblemItem = z.infer<typeof ProblemItemSchema>

/** RFC 9457 problem details, the body of every 4xx and 5xx (`application/problem+json`). */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(ProblemItemSchema).optional(),
})
export type Problem = z.infer<typeof ProblemSchema>

/**
 * The error responses of a route, for its `response` schema: the OpenAPI page then documents them
 * under their media type, and the serializer checks the error handler's bodies too.
 */
export function problemResponses<const S extends readonly number[]>(...statuses: S) {
  const response = { description: 'RFC 9457 problem details', content: { 'application/problem+json': { schema: ProblemSchema } } }
  return Object.fromEntries(statuses.map((s) => [s, response])) as Record<S[number], typeof response>
}
