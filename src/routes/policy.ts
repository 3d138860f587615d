import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { resolvePolicy } from '../../solver/policy.ts'
import type { PolicyInput } from '../../solver/types.ts'
import { requireRole } from '../auth/index.ts'
import { todayInOslo } from '../clock.ts'
import { EffectivePolicySchema, PolicyBodySchema, PolicyQuerySchema, type EffectivePolicy } from '../schemas/allocation.ts'
import { problemResponses } from '../schemas/problem.ts'
import { createSettingsRepository, type SettingsRepository } from '../store/settings-repository.ts'

/** The policy in force on a day: that day's version over the defaults in force then, and which version it is. */
function effective(settings: SettingsRepository, on: string): EffectivePolicy {
  const capacity = settings.interpreterCapacity()
  const version = settings.policyVersionOn(on)
  // The solver's Policy is readonly; the wire type is the same shape, mutable.
  return {
    ...resolvePolicy(version?.policy, on),
    ...(capacity !== undefined && { interpreterCapacity: capacity }),
    ...(version !== undefined && { validFrom: version.validFrom }),
  } as unknown as EffectivePolicy
}

/** The centre's settings in dated versions: the coordinator keeps one per validFrom; GET shows the one in force on a day. */
const policyRoutes: FastifyPluginAsyncZod = async (app) => {
  const settings = createSettingsRepository(app.db)

  app.get(
    '/v1/policy',
    {
      onRequest: requireRole('coordinator', 'analyst'),
      schema: {
        operationId: 'getPolicy',
        tags: ['policy'],
        summary: 'The policy in force on a day (default today): its version (validFrom) over the defaults of that day',
        querystring: PolicyQuerySchema,
        response: { 200: EffectivePolicySchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => effective(settings, request.query.on ?? todayInOslo()),
  )

  app.put(
    '/v1/policy',
    {
      onRequest: requireRole('coordinator'),
      schema: { operationId: 'putPolicy', tags: ['policy'], summary: "Keep a policy version from validFrom (default today; the same validFrom replaces it); omitted fields take the defaults in force", body: PolicyBodySchema, response: { 200: EffectivePolicySchema, ...problemResponses(401, 403, 415, 422) } },
    },
    async (request) => {
      const { interpreterCapacity, validFrom = todayInOslo(), ...policy } = request.body
      settings.putPolicyVersion(validFrom, policy as PolicyInput, interpreterCapacity)
      return effective(settings, validFrom)
    },
  )
}
export default policyRoutes
