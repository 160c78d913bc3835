/**
 * The store's canonical serialiser must write exactly what RFC 8785 (as the `canonicalize` package
 * implements it) writes, or the hashes of new events would not verify with any other JCS implementation
 * and those of old events would change: checked on generated JSON values, envelopes and whole events.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from '../src/canonical-json';
import { canonicalEnvelope, prepareAppend, sealEvents } from '../src/envelope';
import { verifyChain, type ActorRole, type EventMetadata } from '../src';

/** Strings with what needs escaping: quotes, backslashes, control characters, astral and lone surrogates. */
const anyString = fc.oneof(
  fc.string(),
  fc.fullUnicodeString(),
  fc.string16bits(),
  fc.constantFrom('', '"', '\\', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udfff', 'é', '😀'),
);

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.constantFrom(0, -0, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, 0.1 + 0.2, 123456789012345680000),
    anyString,
    fc.array(tie('value')),
    fc.dictionary(anyString, tie('value')),
  ),
})).value;

/** canonicalize() wants plain JSON (it throws on NaN): what JSON.stringify would have made of the value. */
function reference(value: unknown): string | undefined {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : canonicalize(JSON.parse(text));
}

describe('canonical JSON (RFC 8785)', () => {
  it('writes what canonicalize writes, for any JSON value', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts keys by UTF-16 code units, not by code points or locale', () => {
    const value = { '\ud83d\ude00': 1, '\uffff': 2, é: 3, e: 4, E: 5, '10': 6, '9': 7 };
    expect(canonicalJson(value)).toBe(canonicalize(value));
    expect(canonicalJson(value)).toBe('{"10":6,"9":7,"E":5,"e":4,"é":3,"😀":1,"￿":2}');
  });

  it('writes what JSON.stringify would for what is not plain JSON (dates, undefined, NaN), sorted', () => {
    const value = {
      z: undefined,
      date: new Date('2026-03-06T16:30:00.000Z'),
      list: [undefined, () => 1, NaN, -Infinity, -0],
      fn: () => 1,
      nested: { b: 1, a: { toJSON: () => 'as text' } },
    };
    expect(canonicalJson(value)).toBe(reference(value));
    expect(canonicalJson(value)).toBe(
      '{"date":"2026-03-06T16:30:00.000Z","list":[null,null,null,null,0],"nested":{"a":"as text","b":1}}',
    );
  });

  it('refuses what JSON cannot hold', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => canonicalJson(circular)).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });
});

describe('the envelope and the hash chain', () => {
  const roles: ActorRole[] = [
    'platform-admin',
    'coordinator',
    'professional',
    'auditor',
    'analyst',
    'system',
  ];
  const envelope = fc.record({
    eventId: fc.uuid(),
    cptsId: anyString,
    actor: fc.record({ id: anyString, role: fc.constantFrom(...roles) }),
    correlationId: anyString,
    causationId: anyString,
    source: fc.constantFrom('ui', 'api', 'cli', 'fhir', 'demo', 'import:fhir-bundle'),
    schemaVersion: fc.integer({ min: 1, max: 1000 }),
    recordedAt: fc.date({ min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()),
    prevHash: fc.hexaString({ minLength: 64, maxLength: 64 }),
  }) as fc.Arbitrary<Omit<EventMetadata, 'hash'>>;

  it('writes the envelope as canonicalize does', () => {
    fc.assert(
      fc.property(envelope, (metadata) => {
        expect(canonicalEnvelope(metadata)).toBe(canonicalize(metadata));
      }),
      { numRuns: 1000 },
    );
  });

  const nonEmpty = fc.string({ minLength: 1, maxLength: 50 }).filter((s) => s.trim() !== '');

  it('hashes each event as sha256(prevHash ‖ canonicalize({ type, data, metadata without hash })), stores what it hashed', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            type: nonEmpty.filter((s) => !s.startsWith('$')),
            data: fc.dictionary(anyString, json),
            actorId: nonEmpty,
            cptsId: nonEmpty,
          }),
          { minLength: 1, maxLength: 4 },
        ),
        (drafts) => {
          const prepared = prepareAppend(
            'pathway-cpts-x.1',
            drafts.map(({ type, data, actorId, cptsId }) => ({
              type,
              data,
              metadata: {
                cptsId,
                actor: { id: actorId, role: 'coordinator' },
                correlationId: 'c',
                causationId: 'c',
                source: 'api',
              },
            })),
          );
          const genesis = createHash('sha256').update('pathway-cpts-x.1').digest('hex');
          const sealed = sealEvents(prepared, genesis, '2026-03-06T16:30:00.000Z');
          let prevHash = genesis;
          sealed.forEach((event, i) => {
            const { hash, ...withoutHash } = event.metadata;
            const data = JSON.parse(JSON.stringify(drafts[i].data)) as unknown;
            const body = canonicalize({ type: drafts[i].type, data, metadata: withoutHash })!;
            expect(hash).toBe(
              createHash('sha256')
                .update(prevHash + body)
                .digest('hex'),
            );
            expect(withoutHash.prevHash).toBe(prevHash);
            // What is stored reads back as what was hashed.
            expect(JSON.parse(event.dataJson)).toEqual(data);
            expect(JSON.parse(event.metadataJson)).toEqual(event.metadata);
            prevHash = hash;
          });
          const recorded = sealed.map((event, revision) => ({
            streamId: 'pathway-cpts-x.1',
            revision,
            position: BigInt(revision + 1),
            type: event.type,
            data: JSON.parse(event.dataJson) as Record<string, unknown>,
            metadata: JSON.parse(event.metadataJson) as EventMetadata,
          }));
          expect(verifyChain('pathway-cpts-x.1', recorded)).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });
});
