/** Domain objects -> API shapes of openapi.yaml. The only place that decides what leaves the server. */
import type { components } from '../../generated/schema';
import type { Organization, Plan, User } from '../domain';

type Schemas = components['schemas'];

export const presentUser = (user: User): Schemas['User'] => ({
  _id: user.id,
  name: user.name,
  email: user.email,
  role: user.role,
  orgId: user.orgId,
  createdAt: user.createdAt,
});

export const presentOrganization = (org: Organization, plan: Plan): Schemas['Organization'] => ({
  _id: org.id,
  name: org.name,
  status: org.status,
  planSlug: plan.slug,
  planName: plan.name,
  limits: plan.limits,
  features: plan.features,
  twilioAuthTokenSet: org.twilioAuthTokenSealed !== null,
  createdAt: org.createdAt,
  updatedAt: org.updatedAt,
});

export const presentPlan = (plan: Plan): Schemas['Plan'] => ({
  slug: plan.slug,
  name: plan.name,
  description: plan.description,
  pricing: plan.pricing,
  limits: plan.limits,
  models: plan.models,
  features: plan.features,
  public: plan.public,
  custom: plan.custom,
});

export const presentSession = (session: { user: User; org: Organization; plan: Plan; token: string }) => ({
  user: presentUser(session.user),
  organization: presentOrganization(session.org, session.plan),
  token: session.token,
});
