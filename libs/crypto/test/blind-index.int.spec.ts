import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BlindIndex,
  blindIndexPath,
  IdentityVault,
  identityVaultPath,
  matchesInClear,
  nameTokens,
  nameWords,
} from '../src';

const CPTS = 'cpts-blind';
const OTHER_CPTS = 'cpts-blind-other';
const HELENE = '0193a0e0-0000-7000-8000-000000000001';
const JEAN_PIERRE = '0193a0e0-0000-7000-8000-000000000002';
const NOEMIE = '0193a0e0-0000-7000-8000-000000000003';

const helene = {
  familyName: 'Lefèvre-Özdemir',
  givenName: 'Hélène',
  birthDate: '1951-07-23',
  ins: '251077512345612',
};
const jeanPierre = { familyName: 'Le Goff', givenName: 'Jean-Pierre', birthDate: '1940-02-29' };
const noemie = { familyName: 'Cœurderoy', givenName: 'Noémie', birthDate: '1951-07-23' };

describe('name normalisation', () => {
  it('drops accents and case, splits on hyphens, apostrophes and spaces, spells out ligatures', () => {
    expect(nameWords('Lefèvre-Özdemir')).toEqual(['lefevre', 'ozdemir']);
    expect(nameWords("  D'ARTAGNAN  ")).toEqual(['d', 'artagnan']);
    expect(nameWords('Cœurderoy')).toEqual(['coeurderoy']);
    expect(nameWords('ÆLBERT Straße')).toEqual(['aelbert', 'strasse']);
  });

  it('indexes a compound name by its words and by its words run together', () => {
    expect(nameTokens('Jean-Pierre')).toEqual(['jean', 'pierre', 'jeanpierre']);
    expect(nameTokens('Le Goff')).toEqual(['le', 'goff', 'legoff']);
    expect(nameTokens('Noémie')).toEqual(['noemie']);
  });
});

describe('BlindIndex', () => {
  let dir: string;
  let vault: IdentityVault;
  let index: BlindIndex;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-blind-'));
    vault = new IdentityVault(identityVaultPath(dir));
    index = new BlindIndex(blindIndexPath(dir), vault);
    index.put(CPTS, HELENE, helene);
    index.put(CPTS, JEAN_PIERRE, jeanPierre);
    index.put(CPTS, NOEMIE, noemie);
  });
  afterEach(() => {
    index.close();
    vault.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a name typed without its accents, in another case, in any order, and compound names either way', () => {
    expect(index.find(CPTS, { name: 'helene' })).toEqual([HELENE]);
    expect(index.find(CPTS, { name: 'LEFEVRE ozdemir Hélene' })).toEqual([HELENE]);
    expect(index.find(CPTS, { name: 'Hèlène' })).toEqual([HELENE]);
    expect(index.find(CPTS, { name: 'jean pierre' })).toEqual([JEAN_PIERRE]);
    expect(index.find(CPTS, { name: 'Jeanpierre legoff' })).toEqual([JEAN_PIERRE]);
    expect(index.find(CPTS, { name: 'coeurderoy' })).toEqual([NOEMIE]);
  });

  it('requires every word and every criterion given; whole words only', () => {
    expect(index.find(CPTS, { name: 'helene dupont' })).toEqual([]);
    expect(index.find(CPTS, { name: 'hel' })).toEqual([]);
    expect(index.find(CPTS, { birthDate: '1951-07-23' })).toEqual([HELENE, NOEMIE].sort());
    expect(index.find(CPTS, { birthDate: '1951-07-23', name: 'noemie' })).toEqual([NOEMIE]);
    expect(index.find(CPTS, { birthDate: '1951-07-24', name: 'noemie' })).toEqual([]);
    expect(index.find(CPTS, {})).toEqual([]);
    expect(index.find(CPTS, { name: ' - ' })).toEqual([]);
  });

  it('finds an INS with or without its key and spaces', () => {
    expect(index.find(CPTS, { ins: '2510775123456' })).toEqual([HELENE]);
    expect(index.find(CPTS, { ins: '2 51 07 75 123 456 12' })).toEqual([HELENE]);
    expect(index.find(CPTS, { ins: '2510775123457' })).toEqual([]);
    expect(index.hasIns(CPTS, HELENE)).toBe(true);
    expect(index.hasIns(CPTS, NOEMIE)).toBe(false);
  });

  it('keeps each CPTS apart: another CPTS finds nothing of this one (its own key)', () => {
    expect(index.find(OTHER_CPTS, { name: 'helene' })).toEqual([]);
    index.put(OTHER_CPTS, HELENE, helene);
    expect(index.find(OTHER_CPTS, { name: 'helene' })).toEqual([HELENE]);
    expect(vault.serviceKey('blind-index/cpts-blind')).not.toEqual(
      vault.serviceKey('blind-index/cpts-blind-other'),
    );
  });

  it('replaces what it held of a corrected identity', () => {
    index.put(CPTS, HELENE, { ...helene, givenName: 'Hélèna' });
    expect(index.find(CPTS, { name: 'helene' })).toEqual([]);
    expect(index.find(CPTS, { name: 'helena lefevre' })).toEqual([HELENE]);
  });

  it('keeps no clear name, date or INS in any file of the directory, and forgets an erased patient', () => {
    const clear = [
      ...[helene, jeanPierre, noemie].flatMap((i) => [i.familyName, i.givenName, i.birthDate]),
      helene.ins,
      ...['lefevre', 'ozdemir', 'helene', 'goff', 'jeanpierre', 'coeurderoy', 'noemie', '2510775123456'],
    ];
    const files = () =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name));
    expect(files().some((file) => file.endsWith('blind-index.db'))).toBe(true);
    for (const file of files()) {
      const bytes = readFileSync(file);
      for (const value of clear) {
        expect({ file, value, found: bytes.includes(Buffer.from(value, 'utf8')) }).toEqual({
          file,
          value,
          found: false,
        });
      }
    }

    index.remove(CPTS, HELENE);
    expect(index.rowsOf(CPTS, HELENE)).toBe(0);
    expect(index.find(CPTS, { name: 'helene' })).toEqual([]);
    expect(index.find(CPTS, { birthDate: '1951-07-23' })).toEqual([NOEMIE]);
  });

  it('agrees with a comparison in clear', () => {
    const identities = { [HELENE]: helene, [JEAN_PIERRE]: jeanPierre, [NOEMIE]: noemie };
    const queries = [
      { name: 'le' },
      { name: 'pierre' },
      { birthDate: '1940-02-29' },
      { name: 'Noemie', ins: '2510775123456' },
    ];
    for (const query of queries) {
      const inClear = Object.entries(identities)
        .filter(([, identity]) => matchesInClear(identity, query))
        .map(([id]) => id)
        .sort();
      expect(index.find(CPTS, query)).toEqual(inClear);
    }
  });
});
