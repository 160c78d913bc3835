import { PatientCommandMessage } from '../../patients/patients.handler';
import type { PatientIdentity } from '../../patients/patient.events';
import { ins, InteropWorld } from '../testing';
import type { ImportSession } from './importer';

const register = (session: ImportSession, key: string, identity: PatientIdentity) =>
  session.execute(
    new PatientCommandMessage(session.meta(key), null, {
      type: 'RegisterPatient',
      data: {
        identity,
        sex: 'M',
        birthYear: Number(identity.birthDate.slice(0, 4)),
        ald: false,
        precarious: false,
        hasMedecinTraitant: false,
      },
    }),
  );

/** Imports decide registrations with the API's handler: its duplicate checks hold there too. */
describe('duplicate patients on the import path', () => {
  let world: InteropWorld;
  const registered = async () => (await world.log()).filter((line) => line.endsWith(' PatientRegistered'));

  beforeEach(async () => {
    world = new InteropWorld();
    await world.registerCpts();
  });
  afterEach(() => world.dispose());

  it('refuses a patient the CPTS has under the same names and birth date, and records nothing', async () => {
    const existing = await world.registerPatient({
      familyName: 'Brémond',
      givenName: 'Aurèle',
      birthDate: '1955-05-05',
    });
    const run = world.importer.run(world.context('fhir'), (session) =>
      register(session, 'row-1', { familyName: 'BREMOND', givenName: 'Aurele', birthDate: '1955-05-05' }),
    );
    await expect(run).rejects.toMatchObject({ rule: 'possible-duplicate', existing: [existing] });
    expect(await registered()).toHaveLength(1);
  });

  it('refuses a file naming the same INS twice, and indexes an import only once it is committed', async () => {
    const nir = '1550575123456';
    const twice = world.importer.run(world.context('fhir'), async (session) => {
      await register(session, 'row-1', {
        familyName: 'Abadie',
        givenName: 'Paul',
        birthDate: '1955-05-05',
        ins: ins(nir),
      });
      await register(session, 'row-2', {
        familyName: 'Abadie',
        givenName: 'Pierre',
        birthDate: '1955-05-06',
        ins: nir,
      });
    });
    await expect(twice).rejects.toMatchObject({ rule: 'duplicate-ins' });
    expect(await registered()).toHaveLength(0);
    expect(world.index.find(world.cptsId, { ins: nir })).toEqual([]);

    const once = await world.importer.run(world.context('fhir'), (session) =>
      register(session, 'row-1', {
        familyName: 'Abadie',
        givenName: 'Paul',
        birthDate: '1955-05-05',
        ins: ins(nir),
      }),
    );
    expect(world.index.find(world.cptsId, { ins: nir })).toEqual([once.result.id]);
  });
});
