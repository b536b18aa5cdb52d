/**
 * Operator CLI: the services behind /api/admin, run straight on the database named by DATABASE_URL (the same
 * configuration as the server). A running server sees a change within its auth cache TTL (1 s).
 *
 *   npm run admin -- activate <email|orgId> [--plan <slug>]
 *   npm run admin -- suspend <email|orgId>
 *   npm run admin -- list-pending
 *
 * Exit codes: 0 done; 1 refused (usage, configuration, not found, unknown plan, conflict); 2 unexpected failure.
 */
import { parseArgs } from 'node:util';
import { ConfigError, parseConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { seedDatabase } from '../src/db/seed';
import { AppError } from '../src/errors';
import { createLogger } from '../src/logger';
import { createServiceContext, type ServiceContext } from '../src/services/context';
import {
  findOrganizationByEmailOrId,
  listOrganizationEmails,
  listOrganizationsForAdmin,
  updateOrganizationAsAdmin,
  type OrganizationWithPlan,
} from '../src/services/organization-admin';

const USAGE = `Usage:
  npm run admin -- activate <email|orgId> [--plan <slug>]   activate an organization, optionally on a plan
  npm run admin -- suspend <email|orgId>                    suspend an organization
  npm run admin -- list-pending                             list organizations waiting for activation`;

type Command =
  | { name: 'activate'; target: string; planSlug?: string }
  | { name: 'suspend'; target: string }
  | { name: 'list-pending' }
  | { name: 'help' };

class UsageError extends Error {}

function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { plan: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [name, target, ...rest] = parsed.positionals;
  const planSlug = parsed.values.plan;
  if (parsed.values.help || name === 'help') return { name: 'help' };
  if (rest.length > 0) throw new UsageError(`Unexpected arguments: ${rest.join(' ')}`);
  if (name === 'list-pending' && target === undefined && planSlug === undefined) return { name };
  if (name === 'activate' && target) return { name, target, planSlug };
  if (name === 'suspend' && target && planSlug === undefined) return { name, target };
  if (!name) throw new UsageError('No command given');
  if (name !== 'activate' && name !== 'suspend' && name !== 'list-pending') throw new UsageError(`Unknown command "${name}"`);
  throw new UsageError(`Invalid use of "${name}"`);
}

const summarize = ({ org, plan }: OrganizationWithPlan) => `"${org.name}" (${org.id}) is now ${org.status} on plan ${plan.slug} (${plan.name}).`;

async function listPending(svc: ServiceContext): Promise<string> {
  const pending: OrganizationWithPlan[] = [];
  for (let skip = 0; ; skip += 100) {
    const page = await listOrganizationsForAdmin(svc, { status: 'pending', skip, limit: 100 });
    pending.push(...page.items);
    if (pending.length >= page.total || page.items.length === 0) break;
  }
  if (pending.length === 0) return 'No pending organizations.';
  const emails = await listOrganizationEmails(svc, pending.map(({ org }) => org.id));
  const rows = [
    ['ID', 'SIGNED UP', 'PLAN', 'NAME', 'USERS'],
    ...pending.map(({ org, plan }) => [org.id, org.createdAt, plan.slug, org.name, (emails.get(org.id) ?? []).join(', ')]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const table = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  return [`${pending.length} pending organization${pending.length === 1 ? '' : 's'}, newest first:`, ...table].join('\n');
}

async function run(svc: ServiceContext, command: Exclude<Command, { name: 'help' }>): Promise<string> {
  if (command.name === 'list-pending') return listPending(svc);
  const org = await findOrganizationByEmailOrId(svc, command.target);
  if (command.name === 'suspend') return summarize(await updateOrganizationAsAdmin(svc, org.id, { status: 'suspended' }));
  return summarize(await updateOrganizationAsAdmin(svc, org.id, { status: 'active', planSlug: command.planSlug }));
}

async function main(argv: string[]): Promise<number> {
  try {
    const command = parseCommand(argv);
    if (command.name === 'help') {
      console.log(USAGE);
      return 0;
    }
    const config = parseConfig(process.env);
    // stdout is for the answer; log lines, if any, go to stderr.
    const log = createLogger(config.logLevel, process.stderr);
    const database = openDatabase(config.databaseUrl, { poolSize: 2 });
    try {
      await migrateToLatest(database.db, database.dialect);
      await seedDatabase(database.db);
      console.log(await run(createServiceContext(config, log, database), command));
      return 0;
    } finally {
      await database.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 1;
    }
    if (error instanceof AppError || error instanceof ConfigError) {
      console.error(`Error: ${error.message}`);
      return 1;
    }
    console.error(error);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
