/**
 * What to do next on a platform without its admin yet (first start): create the admin, then read the docs.
 * Printed by main.ts; the body is a valid `POST /api/setup` request, so the command works as pasted.
 */
export function firstStartMessage(baseUrl: string): string {
  const body = JSON.stringify({ name: 'Platform Admin', email: 'admin@example.com', password: 'change-me-now', orgName: 'Voicex' });
  return [
    '',
    'Voicex is running, but the platform has no admin yet. Create one (works once; pick your own email and password):',
    '',
    `  curl -X POST ${baseUrl}/api/setup -H 'content-type: application/json' \\`,
    `    -d '${body}'`,
    '',
    `API docs: ${baseUrl}/api/docs`,
    `Health:   ${baseUrl}/api/health`,
    '',
  ].join('\n');
}
