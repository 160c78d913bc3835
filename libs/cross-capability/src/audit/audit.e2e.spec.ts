/**
 * Audit over real HTTP and through the built CLI: raw streams with their hashes, the hash-chain check of
 * a whole CPTS, and what each finds after the SQLite file of a stopped API was tampered with (an edited,
 * a deleted and two reordered events). Also `replay --as-of`.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { call, runCli, startApi, tempDataDir, type RunningApi } from '../../../../test/support/api-process';
import { command, token } from '../../../../test/support/tenant';

const CPTS = 'cpts-audit';
const OTHER = 'cpts-audit-b'; // shares a prefix with CPTS: `cpts-cpts-audit` must not select its stream
const OPENED_AT = '2026-03-02T09:00:00+01:00';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('audit over HTTP and the CLI', () => {
  const dataDir = tempDataDir();
  let api: RunningApi;
  let tokens: Record<string, string>;
  let base: string;
  let pathway1: string; // edited later
  let pathway2: string; // reordered later
  let betweenReferralAndAcceptance: string;

  const audit = (path: string, tokenValue = tokens.auditor) =>
    call(`${base}/audit/${path}`, { token: tokenValue });
  const cli = (...args: string[]) => runCli(args, { DATA_DIR: dataDir });

  /** A pathway of three events (opened, referred, accepted); returns its stream id. */
  async function pathwayOfThree(patientId: string, members: string[], pauseBeforeAcceptance = false) {
    const coord = tokens.coordinator;
    const opened = await command(`${base}/pathways`, coord, {
      patientId,
      kind: 'sortie-hospitalisation',
      openedAt: OPENED_AT,
    });
    const referral = await command(`${base}/pathways/${opened.id}/referrals`, coord, {
      fromMemberId: members[0],
      to: { memberId: members[1] },
      reason: 'Rééducation',
      urgency: 'programmee',
      referredAt: '2026-03-03T10:00:00+01:00',
    });
    if (pauseBeforeAcceptance) {
      await pause(10);
      betweenReferralAndAcceptance = new Date().toISOString();
      await pause(10);
    }
    const accepted = await command(
      `${base}/pathways/${opened.id}/referrals/${referral.id}/acceptance`,
      coord,
      {
        acceptedAt: '2026-03-04T10:00:00+01:00',
      },
    );
    expect(accepted.revision).toBe(2);
    return opened.streamId;
  }

  beforeAll(async () => {
    api = await startApi({ DATA_DIR: dataDir });
    const admin = await token(api.url, null, 'platform-admin');
    for (const id of [CPTS, OTHER]) {
      await command(`${api.url}/api/v1/cpts`, admin, { id, name: `CPTS ${id}`, population: 60_000 });
    }
    tokens = {};
    for (const role of ['coordinator', 'auditor', 'analyst', 'professional']) {
      tokens[role] = await token(api.url, CPTS, role);
    }
    tokens.otherAuditor = await token(api.url, OTHER, 'auditor');
    base = `${api.url}/api/v1/cpts/${CPTS}`;
    const coord = tokens.coordinator;
    await command(`${base}/contract`, coord, {
      signedOn: '2024-01-15',
      missions: ['acces-soins', 'parcours', 'prevention', 'crises-sanitaires'],
    });
    await command(`${base}/missions/parcours/start`, coord, { startedOn: '2024-02-01' });
    const members: string[] = [];
    for (const [displayName, profession] of [
      ['Dr Claire Martin', 'medecin-generaliste'],
      ['Hugo Blanc', 'masseur-kinesitherapeute'],
    ]) {
      const joined = await command(`${base}/members`, coord, {
        displayName,
        profession,
        mode: 'liberal',
        joinedOn: '2024-01-10',
        sasParticipant: false,
      });
      members.push(joined.id);
    }
    const patient = await command(`${base}/patients`, coord, {
      identity: { familyName: 'Durand', givenName: 'Léa', birthDate: '1990-04-12' },
      sex: 'F',
      birthYear: 1990,
      ald: false,
      precarious: false,
      hasMedecinTraitant: true,
    });
    pathway1 = await pathwayOfThree(patient.id, members, true);
    pathway2 = await pathwayOfThree(patient.id, members);
  });

  afterAll(async () => {
    await api?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('an untouched store', () => {
    it('verifies every stream of the CPTS, and nothing of another', async () => {
      const response = await audit('verify');
      expect(response.status).toBe(200);
      // cpts (3 events) + 4 national protocols (5) + 2 members (2) + 1 patient (1) + 2 pathways (6)
      expect(response.body).toEqual({
        cptsId: CPTS,
        ok: true,
        streams: 10,
        events: 17,
        broken: [],
        accessLog: { ok: true, entries: 0, broken: [] },
      });
      const other = await call(`${api.url}/api/v1/cpts/${OTHER}/audit/verify`, {
        token: tokens.otherAuditor,
      });
      expect(other.body).toMatchObject({ ok: true, streams: 5, events: 6 });
    });

    it('serves a stream raw, with metadata and a hash chain from the stream id', async () => {
      const response = await audit(`streams/${pathway1}`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        streamId: pathway1,
        cptsId: CPTS,
        category: 'pathway',
        verified: null,
      });
      const events = response.body.events;
      expect(events.map((e: any) => [e.revision, e.type])).toEqual([
        [0, 'PathwayOpened'],
        [1, 'PatientReferred'],
        [2, 'ReferralAccepted'],
      ]);
      expect(events[0].position).toMatch(/^\d+$/);
      expect(events[0].data).toMatchObject({ kind: 'sortie-hospitalisation', openedAt: OPENED_AT });
      expect(events[0].metadata).toMatchObject({
        cptsId: CPTS,
        actor: { role: 'coordinator' },
        source: 'api',
        recordedAt: expect.any(String),
      });
      expect(events[0].metadata.prevHash).toBe(createHash('sha256').update(pathway1).digest('hex'));
      expect(events[1].metadata.prevHash).toBe(events[0].metadata.hash);
      expect((await audit(`streams/cpts-${CPTS}`)).body.events[0].type).toBe('CptsRegistered');
    });

    it('is for auditors and coordinators; 403 for analysts and professionals; 404 across tenants', async () => {
      expect((await audit('verify', tokens.coordinator)).status).toBe(200);
      expect((await audit(`streams/${pathway1}`, tokens.coordinator)).status).toBe(200);
      for (const role of ['analyst', 'professional']) {
        expect([role, (await audit('verify', tokens[role])).status]).toEqual([role, 403]);
        expect([role, (await audit(`streams/${pathway1}`, tokens[role])).status]).toEqual([role, 403]);
      }
      // Another CPTS's token on this CPTS's routes, and this CPTS's route asked for another CPTS's stream.
      expect((await audit('verify', tokens.otherAuditor)).status).toBe(404);
      expect((await audit(`streams/${pathway1}`, tokens.otherAuditor)).status).toBe(404);
      expect((await audit(`streams/cpts-${OTHER}`)).status).toBe(404);
      expect((await audit(`streams/pathway-${OTHER}.${pathway1.split('.')[1]}`)).status).toBe(404);
      expect((await audit(`streams/pathway-${CPTS}.0193a0b4-0000-7000-8000-000000000000`)).status).toBe(404);
      const malformed = await audit('streams/not-a-stream-name');
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors[0].path).toBe('streamId');
    });

    it('verifies with the CLI: exit 0, for one CPTS and for all', () => {
      const one = cli('verify', '--cpts', CPTS);
      expect([one.status, one.stderr]).toEqual([0, '']);
      expect(one.stdout).toContain(`${CPTS}: 10 streams, 17 events — ok`);
      const all = cli('verify');
      expect(all.status).toBe(0);
      expect(all.stdout).toContain(`${OTHER}: 5 streams, 6 events — ok`);
      // Beside the CPTSs' streams, the log holds the service's own (the notifier's checkpoint): their
      // number depends on how often it moved.
      expect(all.stdout).toMatch(/\(streams of no CPTS\): \d+ streams, \d+ events — ok/);
      expect(all.stdout).toMatch(/verified 2 CPTS, \d+ streams, \d+ events: ok/);
      expect(cli('verify', '--cpts', 'cpts-nobody').status).toBe(2);
      expect(cli('verify', '--cpts', 'Not A Slug').status).toBe(2);
    });

    it('replays a pathway as known at a past instant: only the events recorded by then', () => {
      const asOf = cli('replay', pathway1, '--as-of', betweenReferralAndAcceptance);
      expect([asOf.status, asOf.stderr]).toEqual([0, '']);
      const lines = asOf.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines.slice(0, -1).map((e) => [e.revision, e.type])).toEqual([
        [0, 'PathwayOpened'],
        [1, 'PatientReferred'],
      ]);
      expect(lines[0]).toMatchObject({ streamId: pathway1, metadata: { hash: expect.any(String) } });
      const { state } = lines[lines.length - 1];
      expect(state).toMatchObject({ exists: true, status: 'open', kind: 'sortie-hospitalisation' });
      expect(Object.values(state.referrals).map((r: any) => r.accepted)).toEqual([undefined]);

      const now = cli('replay', pathway1);
      expect(now.stdout.trim().split('\n')).toHaveLength(4); // three events and the state

      const cptsStream = cli('replay', `cpts-${CPTS}`);
      const types = cptsStream.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).type);
      expect(types).toEqual(['CptsRegistered', 'AciContractSigned', 'MissionStarted']); // no state line

      expect(cli('replay', 'not-a-stream').status).toBe(2);
      expect(cli('replay', pathway1, '--as-of', 'yesterday').status).toBe(2);
      expect(cli('replay').status).toBe(2);
    });
  });

  describe('a tampered store', () => {
    let edited: { revision: number; position: string };
    let reordered: { revision: number; position: string };
    let deletedPosition: number;

    beforeAll(async () => {
      expect((await api.stop('SIGTERM')).code).toBe(0);
      const db = new Database(join(dataDir, 'events.db'));
      try {
        db.transaction(() => {
          // Edit: the reason of the referral of pathway 1.
          db.prepare(
            `UPDATE events SET data = json_set(data, '$.reason', 'Motif falsifié') WHERE stream_id = ? AND revision = 1`,
          ).run(pathway1);
          // Delete: the contract signature from the CPTS stream (revision 1 of 3).
          deletedPosition = (
            db
              .prepare(`SELECT position FROM events WHERE stream_id = ? AND revision = 1`)
              .get(`cpts-${CPTS}`) as { position: number }
          ).position;
          db.prepare(`DELETE FROM events WHERE stream_id = ? AND revision = 1`).run(`cpts-${CPTS}`);
          // Reorder: swap revisions 1 and 2 of pathway 2.
          const swap = db.prepare(`UPDATE events SET revision = ? WHERE stream_id = ? AND revision = ?`);
          swap.run(-1, pathway2, 1);
          swap.run(1, pathway2, 2);
          swap.run(2, pathway2, -1);
        })();
        const at = (stream: string, revision: number) =>
          db
            .prepare(`SELECT position FROM events WHERE stream_id = ? AND revision = ?`)
            .get(stream, revision) as {
            position: number;
          };
        edited = { revision: 1, position: String(at(pathway1, 1).position) };
        reordered = { revision: 1, position: String(at(pathway2, 1).position) };
      } finally {
        db.close();
      }
      api = await startApi({ DATA_DIR: dataDir });
      base = `${api.url}/api/v1/cpts/${CPTS}`;
    });

    it('is reported by GET …/audit/verify: the edited, the deleted and the reordered events', async () => {
      const response = await audit('verify');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ ok: false, streams: 10, events: 16 });
      const places = response.body.broken.map((b: any) => [b.streamId, b.revision, b.problem]);
      expect(places.sort()).toEqual(
        [
          [pathway1, 1, 'hash-mismatch'],
          [`cpts-${CPTS}`, 2, 'revision-gap'],
          [pathway2, 1, 'prev-hash-mismatch'],
          [pathway2, 2, 'out-of-order'],
        ].sort(),
      );
      const edit = response.body.broken.find((b: any) => b.streamId === pathway1);
      expect(edit).toMatchObject({
        position: edited.position,
        eventId: expect.any(String),
        detail: expect.any(String),
      });
      const swap = response.body.broken.find((b: any) => b.streamId === pathway2 && b.revision === 1);
      expect(swap.position).toBe(reordered.position);
      // The other CPTS was not touched.
      const other = await call(`${api.url}/api/v1/cpts/${OTHER}/audit/verify`, {
        token: tokens.otherAuditor,
      });
      expect(other.body).toMatchObject({ ok: true, broken: [] });
    });

    it('shows the first break of a stream with its raw events', async () => {
      const response = await audit(`streams/${pathway1}`);
      expect(response.body.verified).toMatchObject({
        streamId: pathway1,
        revision: 1,
        problem: 'hash-mismatch',
      });
      expect(response.body.events[1].data.reason).toBe('Motif falsifié');
      expect((await audit(`streams/${pathway2}`)).body.verified).toMatchObject({
        revision: 1,
        problem: 'prev-hash-mismatch',
      });
    });

    it('is reported by the CLI: exit 1, naming each stream and revision', () => {
      const one = cli('verify', '--cpts', CPTS);
      expect(one.status).toBe(1);
      expect(one.stdout).toContain(`${CPTS}: 10 streams, 16 events — 4 broken`);
      expect(one.stdout).toMatch(new RegExp(`BROKEN ${pathway1} revision 1 .*hash-mismatch`));
      expect(one.stdout).toMatch(new RegExp(`BROKEN cpts-${CPTS} revision 2 .*revision-gap`));
      expect(one.stdout).toMatch(new RegExp(`BROKEN ${pathway2} revision 1 .*prev-hash-mismatch`));
      expect(one.stdout).toMatch(new RegExp(`BROKEN ${pathway2} revision 2 .*out-of-order`));

      const all = cli('verify');
      expect(all.status).toBe(1);
      expect(all.stdout).toContain(`${OTHER}: 5 streams, 6 events — ok`);
      expect(all.stdout).toContain(
        `BROKEN $all: 1 event(s) missing between positions ${deletedPosition - 1} and ${deletedPosition + 1}`,
      );
      expect(all.stdout).toContain(`${CPTS}: 10 streams, 16 events — 4 broken`);
      expect(all.stdout).toMatch(/verified 2 CPTS, \d+ streams, \d+ events: 5 broken place\(s\)/);

      expect(cli('verify', '--cpts', OTHER).status).toBe(0);
    });
  });
});
