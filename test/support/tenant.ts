/** Tenants and tokens for domain e2e tests. */
import { issueDevToken } from '@parcours/auth';
import { SqliteEventStore } from '@parcours/event-store';
import { join } from 'node:path';
import { call, startApi, tempDataDir } from './api-process';

/** A dev token from the running API's sign-in route (the CLI gives the same, slower). */
export async function token(
  apiUrl: string,
  cptsId: string | null,
  role: string,
  sub?: string,
): Promise<string> {
  const response = await call(`${apiUrl}/api/v1/dev/tokens`, {
    body: { role, ...(cptsId ? { cpts: cptsId } : {}), ...(sub ? { sub } : {}) },
  });
  if (response.status !== 201) throw new Error(`dev token failed: ${response.text}`);
  return response.body.token as string;
}

/**
 * A dev token signed with the API's own key for a CPTS that was never registered (the sign-in route
 * refuses to mint one): to see how the API treats a token naming an unknown CPTS.
 */
export function tokenForUnknownCpts(dataDir: string, cptsId: string, role: string): Promise<string> {
  return issueDevToken(dataDir, { sub: `ghost:${role}`, cpts: cptsId, roles: [role] });
}

/**
 * Registers a CPTS directly in the (not yet started) store of DATA_DIR: for suites that test another
 * capability and only need a tenant to exist.
 */
export async function registerCptsInStore(dataDir: string, cptsId: string): Promise<void> {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.db') });
  await store.append(`cpts-${cptsId}`, [
    {
      type: 'CptsRegistered',
      data: { name: `CPTS ${cptsId}`, population: 60000, communes: ['69123'] },
      metadata: {
        cptsId,
        actor: { id: 'test-setup', role: 'platform-admin' },
        correlationId: 'setup',
        causationId: 'setup',
        source: 'cli',
      },
    },
  ]);
  await store.close();
}

/** POSTs a command and fails loudly unless it was accepted. */
export async function command(
  url: string,
  tokenValue: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const response = await call(url, { token: tokenValue, body, headers });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`POST ${url} → ${response.status}: ${response.text}`);
  }
  return response.body as { id: string; streamId: string; revision: number; position: string };
}

/** GET once the read models include everything written so far (read-your-writes via `consistentWith`). */
export async function read(apiUrl: string, url: string, tokenValue: string) {
  const head = (await call(`${apiUrl}/health`)).body.store.position as string;
  return call(`${url}${url.includes('?') ? '&' : '?'}consistentWith=${head}`, { token: tokenValue });
}

/**
 * A fresh API whose store holds `cptsIds` (registered before it starts), with the tokens of a
 * coordinator, an auditor and an analyst of the first, and the URL of its patients.
 */
export async function apiWithTenants(...cptsIds: [string, ...string[]]) {
  const dataDir = tempDataDir();
  for (const cptsId of cptsIds) await registerCptsInStore(dataDir, cptsId);
  const api = await startApi({ DATA_DIR: dataDir });
  const [cptsId] = cptsIds;
  return {
    api,
    dataDir,
    patients: `${api.url}/api/v1/cpts/${cptsId}/patients`,
    coordinator: await token(api.url, cptsId, 'coordinator', 'coord-1'),
    auditor: await token(api.url, cptsId, 'auditor', 'audit-1'),
    analyst: await token(api.url, cptsId, 'analyst', 'analyst-1'),
  };
}
