import type { HandlerMap, OperationId } from '../http/handler-types';
import { AppError } from '../errors';
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

// TEMPORARY while the dashboard, admin and call issues land: removed before any of them is closed.
const pending = (ids: OperationId[]) =>
  Object.fromEntries(
    ids.map((id) => [
      id,
      async () => {
        throw new AppError(404, `${id} is not available yet`, 'not_implemented');
      },
    ]),
  );

const implemented = {
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
};

export const handlers = {
  ...(pending([
    'createVoiceSession',
  ]) as unknown as HandlerMap),
  ...implemented,
} satisfies HandlerMap;
