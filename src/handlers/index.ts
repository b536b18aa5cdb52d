import type { HandlerMap } from '../http/handler-types';
import { adminHandlers } from './admin';
import { adminProviderHandlers } from './admin-providers';
import { agentHandlers } from './agents';
import { analyticsHandlers } from './analytics';
import { apiKeyHandlers } from './api-keys';
import { authHandlers } from './auth';
import { callHandlers } from './calls';
import { modelHandlers } from './models';
import { organizationHandlers } from './organization';
import { planHandlers } from './plans';
import { providerHandlers } from './providers';
import { setupHandlers } from './setup';
import { systemHandlers } from './system';
import { twilioHandlers } from './twilio';
import { voiceHandlers } from './voice';

export const handlers = {
  ...systemHandlers,
  ...planHandlers,
  ...setupHandlers,
  ...authHandlers,
  ...organizationHandlers,
  ...modelHandlers,
  ...agentHandlers,
  ...callHandlers,
  ...analyticsHandlers,
  ...apiKeyHandlers,
  ...providerHandlers,
  ...adminProviderHandlers,
  ...adminHandlers,
  ...twilioHandlers,
  ...voiceHandlers,
} satisfies HandlerMap;
