/**
 * One deadline rule everywhere (`docs/rules.md`, Deadlines): across the clock changes of 2025 and 2026,
 * the worklist, the pathway view's pending steps and the indicators put every due time on the same instant
 * — a delay in days lands on the same Paris wall-clock time, the earlier of an hour that happens twice,
 * one hour later for an hour that does not exist.
 */
import { startApi, type RunningApi } from '../../../../test/support/api-process';
import { command, read, token } from '../../../../test/support/tenant';

const CPTS = 'cpts-deadlines';

/** A discharge, and when its follow-up is due: 7 Paris days later, same wall-clock time. */
const CASES: Array<{ label: string; dischargeAt: string; due: string }> = [
  {
    label: 'spring 2025, across',
    dischargeAt: '2025-03-27T10:00:00+01:00',
    due: '2025-04-03T10:00:00+02:00',
  },
  {
    label: 'spring 2025, missing hour',
    dischargeAt: '2025-03-23T02:30:00+01:00',
    due: '2025-03-30T03:30:00+02:00',
  },
  {
    label: 'autumn 2025, across',
    dischargeAt: '2025-10-22T17:30:00+02:00',
    due: '2025-10-29T17:30:00+01:00',
  },
  { label: 'autumn 2025, twice', dischargeAt: '2025-10-19T02:30:00+02:00', due: '2025-10-26T02:30:00+02:00' },
  {
    label: 'spring 2026, across',
    dischargeAt: '2026-03-27T10:00:00+01:00',
    due: '2026-04-03T10:00:00+02:00',
  },
  {
    label: 'spring 2026, missing hour',
    dischargeAt: '2026-03-22T02:30:00+01:00',
    due: '2026-03-29T03:30:00+02:00',
  },
  {
    label: 'autumn 2026, across',
    dischargeAt: '2026-10-23T10:00:00+02:00',
    due: '2026-10-30T10:00:00+01:00',
  },
  { label: 'autumn 2026, twice', dischargeAt: '2026-10-18T02:30:00+02:00', due: '2026-10-25T02:30:00+02:00' },
];

describe('deadlines across the clock changes', () => {
  let api: RunningApi;
  let coord: string;
  let tenant: string;
  let gp: string;
  let patientId: string;
  /** Per case: a pathway followed up exactly when due, and one a second late. */
  const pathways: Array<{ onTime: string; late: string }> = [];

  const open = async (dischargeAt: string) => {
    const opened = new Date(Date.parse(dischargeAt) - 86_400_000).toISOString();
    const id = (
      await command(`${tenant}/pathways`, coord, {
        patientId,
        kind: 'sortie-hospitalisation',
        openedAt: opened,
      })
    ).id;
    await command(`${tenant}/pathways/${id}/discharges`, coord, {
      hospital: { name: 'CH de Villefranche' },
      dischargeAt,
      notifiedAt: opened,
      treatmentChanged: false,
      complex: false,
      needs: [],
    });
    return id;
  };

  beforeAll(async () => {
    api = await startApi();
    const admin = await token(api.url, null, 'platform-admin');
    await command(`${api.url}/api/v1/cpts`, admin, { id: CPTS, name: 'CPTS des heures', population: 30000 });
    coord = await token(api.url, CPTS, 'coordinator', 'coord');
    tenant = `${api.url}/api/v1/cpts/${CPTS}`;
    gp = (
      await command(`${tenant}/members`, coord, {
        displayName: 'Dr Claire Martin',
        profession: 'medecin-generaliste',
        mode: 'liberal',
        joinedOn: '2024-01-10',
        sasParticipant: false,
      })
    ).id;
    patientId = (
      await command(`${tenant}/patients`, coord, {
        identity: { familyName: 'Heure', givenName: 'Léa', birthDate: '1950-01-01' },
        sex: 'F',
        birthYear: 1950,
        ald: false,
        precarious: false,
        hasMedecinTraitant: true,
      })
    ).id;
    for (const { dischargeAt } of CASES)
      pathways.push({ onTime: await open(dischargeAt), late: await open(dischargeAt) });
  });
  afterAll(() => api.dispose());

  it('puts the follow-up due time on the same instant in the worklist and the pathway view', async () => {
    const worklist = await read(api.url, `${tenant}/worklist?kind=sortie.suivi&limit=500`, coord);
    const due = (pathwayId: string) =>
      (worklist.body.items as Array<{ pathwayId: string; dueAt: string }>).find(
        (item) => item.pathwayId === pathwayId,
      )?.dueAt;
    for (const [index, { label, due: expected }] of CASES.entries()) {
      const { onTime } = pathways[index];
      const view = await read(api.url, `${tenant}/pathways/${onTime}`, coord);
      const pending = (view.body.pending as Array<{ kind: string; dueAt: string }>).find(
        (s) => s.kind === 'sortie.suivi',
      );
      expect({ label, worklist: due(onTime), view: pending?.dueAt }).toEqual({
        label,
        worklist: expected,
        view: expected,
      });
    }
  });

  it('counts a follow-up at the due instant within 7 days, and one a second later outside, in the indicator', async () => {
    for (const [index, { due }] of CASES.entries()) {
      const { onTime, late } = pathways[index];
      const dischargeId = async (pathwayId: string) =>
        (
          (await read(api.url, `${tenant}/pathways/${pathwayId}`, coord)).body.pending as Array<{
            dischargeId?: string;
          }>
        )[0].dischargeId!;
      for (const [pathwayId, at] of [
        [onTime, due],
        [late, new Date(Date.parse(due) + 1000).toISOString()],
      ]) {
        await command(`${tenant}/pathways/${pathwayId}/follow-ups`, coord, {
          dischargeId: await dischargeId(pathwayId),
          byMemberId: gp,
          at,
          kind: 'appel',
        });
      }
    }
    const analyst = await token(api.url, CPTS, 'analyst');
    const drill = await read(
      api.url,
      `${tenant}/indicators/parcours.sorties.taux-suivi-7j/events?from=2025-01-01&to=2027-01-01&limit=100`,
      analyst,
    );
    const counted = new Map(
      (drill.body.events as Array<{ streamId: string; inNumerator: boolean }>).map((e) => [
        e.streamId,
        e.inNumerator,
      ]),
    );
    for (const [index, { label }] of CASES.entries()) {
      const { onTime, late } = pathways[index];
      expect({
        label,
        onTime: counted.get(`pathway-${CPTS}.${onTime}`),
        late: counted.get(`pathway-${CPTS}.${late}`),
      }).toEqual({ label, onTime: true, late: false });
    }
    expect(drill.body).toMatchObject({ numerator: CASES.length, denominator: 2 * CASES.length });
  });
});
