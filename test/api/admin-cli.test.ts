import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpPlatform, signUpOrg, type PlatformAdmin } from '../support/factories';
import { testDialect } from '../support/database';
import { startTestServer, type TestServer } from '../support/server';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let server: TestServer;
let admin: PlatformAdmin;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'voicex-admin-cli-'));
  // The CLI is another process, so SQLite must be a file both can open; a Postgres test schema already is shared.
  server = await startTestServer(testDialect() === 'sqlite' ? { DATABASE_URL: `sqlite:${join(dataDir, 'voicex.db')}` } : {});
  admin = await setUpPlatform(server);
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

type Run = { code: number; stdout: string; stderr: string };

/** Runs the CLI as `npm run admin -- <args>` does, against the test server's database. */
const cli = (...args: string[]) => spawnCli(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args]);

function spawnCli(command: string, args: string[]): Promise<Run> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    DATABASE_URL: server.config.databaseUrl,
    JWT_SECRET: server.config.jwtSecret,
    ENCRYPTION_KEY: server.config.encryptionKey.toString('hex'),
    DATA_DIR: dataDir,
  };
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr });
    });
  });
}

const orgState = async (id: string) => {
  const { data } = await admin.client.GET('/admin/organizations/{id}', { params: { path: { id } } });
  return { status: data!.status, planSlug: data!.planSlug };
};

// Each run starts a process that compiles TypeScript, which takes seconds on a busy machine.
describe('npm run admin', { timeout: 120_000 }, () => {
  it('list-pending shows pending organizations with their users', async () => {
    const org = await signUpOrg(server, { orgName: 'Waiting Room Ltd' });
    const { code, stdout } = await cli('list-pending');
    expect(code).toBe(0);
    const line = stdout.split('\n').find((l) => l.startsWith(org.orgId));
    expect(line).toContain('Waiting Room Ltd');
    expect(line).toContain(org.email.toLowerCase());
    expect(line).toContain('free');
    expect(stdout).not.toContain(admin.orgId);
  });

  it('activate <email> --plan pro activates the organization on that plan; its JWT then reaches the dashboard', async () => {
    const org = await signUpOrg(server);
    const { code, stdout, stderr } = await cli('activate', org.email, '--plan', 'pro');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`(${org.orgId}) is now active on plan pro (Pro)`);
    expect(await orgState(org.orgId)).toEqual({ status: 'active', planSlug: 'pro' });

    // The server learns of the change from another process within its cache TTL; skip the wait.
    server.app.svc.caches.orgs.clear();
    const me = await org.client.GET('/auth/me');
    expect(me.data!.organization).toMatchObject({ status: 'active', planSlug: 'pro' });
    const dashboard = await fetch(`${server.apiUrl}/dashboard/organization`, { headers: { authorization: `Bearer ${org.token}` } });
    expect(dashboard.status).not.toBe(403);

    expect((await cli('list-pending')).stdout).not.toContain(org.orgId);
  });

  it('activate <orgId> keeps the plan; suspend <orgId> suspends', async () => {
    const org = await signUpOrg(server);
    expect((await cli('activate', org.orgId)).code).toBe(0);
    expect(await orgState(org.orgId)).toEqual({ status: 'active', planSlug: 'free' });

    const { code, stdout } = await cli('suspend', org.orgId);
    expect(code).toBe(0);
    expect(stdout).toContain('is now suspended on plan free');
    expect(await orgState(org.orgId)).toEqual({ status: 'suspended', planSlug: 'free' });
  });

  it('exits 1 with a message for an unknown email, organization or plan, and changes nothing', async () => {
    const org = await signUpOrg(server);
    const [unknownEmail, unknownOrg, unknownPlan] = await Promise.all([
      cli('activate', 'nobody@example.com'),
      cli('suspend', '000000000000000000000000'),
      cli('activate', org.email, '--plan', 'platinum'),
    ]);
    expect(unknownEmail).toMatchObject({ code: 1, stdout: '' });
    expect(unknownEmail.stderr).toContain('No user with email nobody@example.com');
    expect(unknownOrg.code).toBe(1);
    expect(unknownOrg.stderr).toContain('Organization 000000000000000000000000 not found');
    expect(unknownPlan.code).toBe(1);
    expect(unknownPlan.stderr).toContain('Unknown plan "platinum"');
    expect(await orgState(org.orgId)).toEqual({ status: 'pending', planSlug: 'free' });
  });

  it('exits 1 with the usage for a wrong command line', async () => {
    const wrong = [
      [],
      ['promote', 'x@example.com'],
      ['activate'],
      ['activate', 'x@example.com', '--plan'],
      ['list-pending', '--all'],
      ['suspend', 'x@example.com', '--plan', 'pro'],
    ];
    // In parallel: each run is a process start, and none touches the database.
    const results = await Promise.all(wrong.map((args) => cli(...args)));
    results.forEach(({ code, stdout, stderr }, i) => {
      expect({ args: wrong[i], code, stdout }).toEqual({ args: wrong[i], code: 1, stdout: '' });
      expect(stderr).toContain('Usage:');
    });
    expect(results[1]!.stderr).toContain('Unknown command "promote"');
  });

  it('is wired as the npm script: --help prints the usage and exits 0', async () => {
    const { code, stdout } = await spawnCli('npm', ['run', '--silent', 'admin', '--', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('npm run admin -- activate <email|orgId> [--plan <slug>]');
  });
});
