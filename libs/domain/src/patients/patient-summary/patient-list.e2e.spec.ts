/**
 * The pseudonymous patient list (`GET …/patients`) over real HTTP: registered patients without their
 * identity, stable cursor pagination, filters that need no identity, roles and bad queries.
 */
import { call, startApi, type RunningApi } from '../../../../../test/support/api-process';
import { command, token } from '../../../../../test/support/tenant';

const CPTS = 'cpts-liste-patients';
const OTHER = 'cpts-voisine-liste';

interface ListItem {
  id: string;
  sex: string;
  birthYear: number;
  ald: boolean;
  hasMedecinTraitant: boolean;
  medecinTraitant: { memberId: string; displayName: string | null } | null;
  pathwayCount: number;
  openPathwayCount: number;
}

describe('patient list over HTTP', () => {
  let api: RunningApi;
  let root: string;
  let coord: string;
  let auditor: string;
  let analyst: string;
  let professional: string;
  let other: string;
  let gp: string;
  let last = '0';
  const registered: Array<{ id: string; familyName: string; givenName: string; birthYear: number }> = [];

  const post = async (path: string, body: unknown) => {
    const response = await command(`${root}${path}`, coord, body);
    last = response.position;
    return response;
  };
  const get = (path: string, as = coord) =>
    call(`${root}${path}${path.includes('?') ? '&' : '?'}consistentWith=${last}`, { token: as });

  beforeAll(async () => {
    api = await startApi();
    const admin = await token(api.url, null, 'platform-admin');
    for (const [id, name] of [
      [CPTS, 'CPTS de la Liste'],
      [OTHER, 'CPTS voisine'],
    ]) {
      await command(`${api.url}/api/v1/cpts`, admin, { id, name, population: 40000, communes: ['69264'] });
    }
    root = `${api.url}/api/v1/cpts/${CPTS}`;
    coord = await token(api.url, CPTS, 'coordinator', 'coord-liste');
    auditor = await token(api.url, CPTS, 'auditor', 'audit-liste');
    analyst = await token(api.url, CPTS, 'analyst', 'analyst-liste');
    other = await token(api.url, OTHER, 'coordinator', 'coord-voisine');
    gp = (
      await post('/members', {
        displayName: 'Dr Odile Lambert',
        profession: 'medecin-generaliste',
        mode: 'liberal',
        joinedOn: '2024-01-10',
        sasParticipant: false,
      })
    ).id;
    professional = await token(api.url, CPTS, 'professional', gp);
    const people = [
      ['Vercingétorix', 'Aurélie', '1944-05-02'],
      ['Quintanilla', 'Bastien', '1961-11-20'],
      ['Zaborowski', 'Capucine', '1944-01-15'],
      ['Hautecloque', 'Damien', '1987-03-09'],
      ['Ribeauvillé', 'Éloïse', '2001-07-30'],
    ] as const;
    for (const [index, [familyName, givenName, birthDate]] of people.entries()) {
      const birthYear = Number(birthDate.slice(0, 4));
      const { id } = await post('/patients', {
        identity: { familyName, givenName, birthDate },
        sex: index % 2 === 0 ? 'F' : 'M',
        birthYear,
        ald: index < 2,
        precarious: false,
        hasMedecinTraitant: false,
      });
      registered.push({ id, familyName, givenName, birthYear });
    }
    await post(`/patients/${registered[0].id}/medecin-traitant`, { memberId: gp, assignedOn: '2026-02-15' });
    await post('/pathways', {
      patientId: registered[0].id,
      kind: 'diabete',
      openedAt: '2026-03-02T09:00:00+01:00',
    });
  });
  afterAll(() => api.dispose());

  it('lists every registered patient, by id, with what needs no identity and never a name', async () => {
    const response = await get('/patients');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const items = response.body.items as ListItem[];
    expect(items.map((item) => item.id)).toEqual(registered.map((p) => p.id).sort());
    expect(response.body.nextAfter).toBeNull();
    const first = items.find((item) => item.id === registered[0].id);
    expect(first).toEqual({
      id: registered[0].id,
      revision: 1,
      sex: 'F',
      birthYear: 1944,
      ald: true,
      precarious: false,
      hasMedecinTraitant: true,
      medecinTraitant: { memberId: gp, displayName: 'Dr Odile Lambert' },
      medecinTraitantSearch: false,
      erased: false,
      pathwayCount: 1,
      openPathwayCount: 1,
    });
    // No identity anywhere in the answer: neither names nor birth dates, nor an identity field.
    for (const person of registered) {
      expect(response.text).not.toContain(person.familyName);
      expect(response.text).not.toContain(person.givenName);
    }
    expect(response.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(response.text).not.toContain('identity');
  });

  it('pages with nextAfter: no gaps, no repeats, the same order as one page', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const response = await get(`/patients?limit=2${after ? `&after=${after}` : ''}`);
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...(response.body.items as ListItem[]).map((item) => item.id));
      after = response.body.nextAfter as string | null;
      pages += 1;
    } while (after !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(registered.map((p) => p.id).sort());
    expect(new Set(seen).size).toBe(registered.length);
  });

  it('filters on the médecin traitant and the birth year', async () => {
    const withMt = await get('/patients?hasMedecinTraitant=true');
    expect((withMt.body.items as ListItem[]).map((item) => item.id)).toEqual([registered[0].id]);
    const without = await get('/patients?hasMedecinTraitant=false');
    expect(without.body.items).toHaveLength(registered.length - 1);
    const born1944 = await get('/patients?birthYear=1944');
    expect((born1944.body.items as ListItem[]).map((item) => item.id).sort()).toEqual(
      [registered[0].id, registered[2].id].sort(),
    );
    const both = await get('/patients?birthYear=1944&hasMedecinTraitant=false');
    expect((both.body.items as ListItem[]).map((item) => item.id)).toEqual([registered[2].id]);
  });

  it('is for coordinators and auditors: professionals and analysts get 403, another CPTS 404', async () => {
    expect((await get('/patients', auditor)).status).toBe(200);
    expect((await get('/patients', professional)).status).toBe(403);
    expect((await get('/patients', analyst)).status).toBe(403);
    expect((await get('/patients', other)).status).toBe(404);
    expect((await call(`${root}/patients`)).status).toBe(401);
  });

  it('refuses bad queries with a 400 problem naming the parameter', async () => {
    for (const [query, path] of [
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=201', 'limit'],
      ['after=not-a-cursor', 'after'],
      ['hasMedecinTraitant=yes', 'hasMedecinTraitant'],
      ['birthYear=44', 'birthYear'],
      ['name=Zaborowski', 'name'],
    ] as const) {
      const response = await get(`/patients?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    }
  });
});
