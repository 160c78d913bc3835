/**
 * A CPTS set up over the public API, as a coordinator would, for the HTTP benchmark and the fault tests:
 * members to refer from and to, patients, and pathways open to receive referrals. The referral body is
 * the one `POST …/pathways/{id}/referrals` takes.
 */

export interface Scenario {
  url: string;
  cptsId: string;
  /** A coordinator's token for the CPTS. */
  token: string;
  gp: string;
  kine: string;
  patients: string[];
  pathways: string[];
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export async function send(
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

async function accepted(url: string, token: string, body: unknown): Promise<{ id: string }> {
  const answer = await send(url, { token, body });
  if (answer.status !== 201 && answer.status !== 200) {
    throw new Error(`POST ${url} → ${answer.status}: ${answer.text}`);
  }
  return answer.body as { id: string };
}

export async function devToken(
  url: string,
  cptsId: string | null,
  role: string,
  sub?: string,
): Promise<string> {
  const answer = await send(`${url}/api/v1/dev/tokens`, {
    body: { role, ...(cptsId ? { cpts: cptsId } : {}), ...(sub ? { sub } : {}) },
  });
  if (answer.status !== 201) throw new Error(`dev token: ${answer.status} ${answer.text}`);
  return (answer.body as { token: string }).token;
}

/** Runs `work` over `items`, `concurrency` at a time. */
export async function inParallel<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        results[index] = await work(items[index], index);
      }
    }),
  );
  return results;
}

/** Registers the CPTS, two members, `patients` patients and `pathways` pathways (round-robin over them). */
export async function setUpCpts(
  url: string,
  cptsId: string,
  size: { patients: number; pathways: number },
): Promise<Scenario> {
  const admin = await devToken(url, null, 'platform-admin');
  await accepted(`${url}/api/v1/cpts`, admin, {
    id: cptsId,
    name: `CPTS ${cptsId}`,
    population: 60000,
    communes: ['69264'],
  });
  const token = await devToken(url, cptsId, 'coordinator', 'coord-bench');
  const base = `${url}/api/v1/cpts/${cptsId}`;
  const member = async (displayName: string, profession: string) =>
    (
      await accepted(`${base}/members`, token, {
        displayName,
        profession,
        mode: 'liberal',
        joinedOn: '2024-01-10',
        sasParticipant: false,
      })
    ).id;
  const gp = await member('Dr Claire Martin', 'medecin-generaliste');
  const kine = await member('Hugo Blanc', 'masseur-kinesitherapeute');
  const patients = await inParallel(
    Array.from({ length: size.patients }, (_, n) => n),
    8,
    async (n) =>
      (
        await accepted(`${base}/patients`, token, {
          // Each one another person: the same names and birth date twice would ask to confirm a duplicate.
          identity: { familyName: 'Durand', givenName: `Léa ${n}`, birthDate: '1950-04-12' },
          sex: n % 2 === 0 ? 'F' : 'M',
          birthYear: 1950,
          ald: false,
          precarious: false,
          hasMedecinTraitant: true,
        })
      ).id,
  );
  const pathways = await inParallel(
    Array.from({ length: size.pathways }, (_, n) => n),
    8,
    async (n) =>
      (
        await accepted(`${base}/pathways`, token, {
          patientId: patients[n % patients.length],
          kind: 'sortie-hospitalisation',
          openedAt: '2026-03-02T09:00:00+01:00',
        })
      ).id,
  );
  return { url, cptsId, token, gp, kine, patients, pathways };
}

export function referralUrl(scenario: Scenario, pathwayId: string): string {
  return `${scenario.url}/api/v1/cpts/${scenario.cptsId}/pathways/${pathwayId}/referrals`;
}

export function pathwayUrl(scenario: Scenario, pathwayId: string): string {
  return `${scenario.url}/api/v1/cpts/${scenario.cptsId}/pathways/${pathwayId}`;
}

/** The `n`-th referral: from the GP to the physiotherapist, on a business day of March 2026. */
export function referralBody(scenario: Scenario, n: number): Record<string, unknown> {
  const minute = n % (24 * 60);
  const hh = String(8 + (Math.floor(minute / 60) % 10)).padStart(2, '0');
  const mm = String(minute % 60).padStart(2, '0');
  return {
    fromMemberId: scenario.gp,
    to: { memberId: scenario.kine },
    reason: 'Rééducation après fracture du poignet',
    urgency: 'programmee',
    referredAt: `2026-03-03T${hh}:${mm}:00+01:00`,
    channel: 'messagerie-securisee',
  };
}
