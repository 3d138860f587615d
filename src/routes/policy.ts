import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { resolvePolicy } from '../../solver/policy.ts'
import type { PolicyInput } from '../../solver/types.ts'
import { requireRole } from '../auth/index.ts'
import { todayInOslo } from '../clock.ts'
import { EffectivePolicySchema, PolicyBodySchema, type EffectivePolicy } from '../schemas/allocation.ts'
import { problemResponses } from '../schemas/problem.ts'
import { createSettingsRepository, type SettingsRepository } from '../store/settings-repository.ts'

function effective(settings: SettingsRepository): EffectivePolicy {
  const capacity = settings.interpreterCapacity()
  // The solver's Policy is readonly; the wire type is the same shape, mutable.
  return { ...resolvePolicy(settings.policyInput(), todayInOslo()), ...(capacity !== undefined && { interpreterCapacity: capacity }) } as unknown as EffectivePolicy
}

/** The centre's settings: the coordinator sets them; GET shows what a run today would use. */
const policyRoutes: FastifyPluginAsyncZod = async (app) => {
  const settings = createSettingsRepository(app.db)

  app.get(
    '/v1/policy',
    { onRequest: requireRole('coordinator', 'analyst'), schema: { operationId: 'getPolicy', tags: ['policy'], summary: 'The effective policy for a run today', response: { 200: EffectivePolicySchema, ...problemResponses(401, 403) } } },
    async () => effective(settings),
  )

  app.put(
    '/v1/policy',
    {
      onRequest: requireRole('coordinator'),
      schema: { operationId: 'putPolicy', tags: ['policy'], summary: "Replace the centre's settings; omitted fields take the defaults in force", body: PolicyBodySchema, response: { 200: EffectivePolicySchema, ...problemResponses(401, 403, 415, 422) } },
    },
    async (request) => {
      const { interpreterCapacity, ...policy } = request.body
      settings.update(policy as PolicyInput, interpreterCapacity)
      return effective(settings)
    },
  )
}
export default policyRoutes
