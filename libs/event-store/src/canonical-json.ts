/**
 * Canonical JSON (RFC 8785, JCS) of what `JSON.stringify` would write: object keys sorted by UTF-16 code
 * units, no whitespace, numbers and strings as ECMAScript serialises them. It is what the hash chain
 * hashes and, since it is also plain JSON, what the store keeps: one serialisation per event instead of
 * three (a JSON round trip to normalise, the canonical form to hash, the stored form).
 *
 * Written here rather than taken from the `canonicalize` package because that one is the store's hot path:
 * it builds each object by string reduction, stringifies every key, and needs the JSON round trip first
 * (it throws on NaN where JSON.stringify writes null). The property test (`canonical-json.unit.spec.ts`)
 * checks this against `canonicalize` on generated JSON values, so the hashes of stored events never change.
 */

/** Deeper than any event; past it a value is taken for circular (JSON.stringify would say so too). */
const MAX_DEPTH = 256;

/** Characters a JSON string must escape: quote, backslash, control characters, lone surrogates. */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

export function quote(text: string): string {
  // JSON.stringify is exact but costs a call into the runtime; most keys and values need no escaping.
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * The canonical JSON text of `value` as JSON.stringify sees it (`toJSON` applied, `undefined`, functions
 * and symbols left out of objects and written `null` in arrays, non-finite numbers written `null`), or
 * `undefined` where JSON.stringify returns `undefined`. Throws on BigInt and on circular structures.
 */
export function canonicalJson(value: unknown): string | undefined {
  return write(value, '', 0);
}

function write(value: unknown, key: string, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      // ECMAScript's Number-to-String is RFC 8785's number format; -0 prints as 0, as required.
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'object':
      break;
    default:
      return undefined; // undefined, function, symbol
  }
  if (value === null) return 'null';
  if (depth > MAX_DEPTH) throw new TypeError('Converting circular structure to JSON (or nested too deeply)');
  const withJson = value as { toJSON?: unknown };
  if (typeof withJson.toJSON === 'function') {
    return write((withJson.toJSON as (key: string) => unknown).call(value, key), key, depth + 1);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      out += write(value[i], String(i), depth + 1) ?? 'null';
    }
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  // Array.prototype.sort without a comparator compares UTF-16 code units: RFC 8785's order.
  if (keys.length > 1) keys.sort();
  let out = '{';
  let first = true;
  for (const name of keys) {
    const text = write(object[name], name, depth + 1);
    if (text === undefined) continue;
    out += first ? `${quote(name)}:${text}` : `,${quote(name)}:${text}`;
    first = false;
  }
  return `${out}}`;
}
