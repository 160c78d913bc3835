import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Ed25519: small keys, fast, deterministic signatures, no parameter choices to get wrong. */
export const DEV_SIGNING_ALGORITHM = 'EdDSA';

export interface DevSigningKey {
  /** JWK thumbprint (RFC 7638) of the public key; tokens carry it in their header. */
  kid: string;
  alg: typeof DEV_SIGNING_ALGORITHM;
  privateKey: KeyLike;
  publicKey: KeyLike;
  publicJwk: JWK;
}

export function devSigningKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'dev-signing-key.json');
}

/**
 * The dev-mode signing key, generated into `DATA_DIR` at first use. The file appears complete or not at
 * all: it is written to a temporary file and hard-linked into place, and a link, unlike a rename, fails
 * when the target exists. So when two processes (the API and the CLI) race at first start, one wins and
 * the other reads the winner's key instead of replacing it, and both sign with the same key.
 */
export async function loadOrCreateDevSigningKey(dataDir: string): Promise<DevSigningKey> {
  const path = devSigningKeyPath(dataDir);
  const existing = await readKeyFile(path);
  if (existing) return existing;

  await mkdir(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair(DEV_SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(`${JSON.stringify({ ...jwk, alg: DEV_SIGNING_ALGORITHM })}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  const created = await readKeyFile(path);
  if (!created) throw new Error(`The dev signing key ${path} vanished while being created`);
  return created;
}

async function readKeyFile(path: string): Promise<DevSigningKey | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Like ssh with its keys: a signing key others can read is a key others can sign with.
  if (process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0) {
    throw new Error(`The dev signing key ${path} is readable by other users; run: chmod 600 ${path}`);
  }
  const jwk = parseJwk(text);
  if (!jwk) {
    throw new Error(
      `The dev signing key ${path} is not an Ed25519 private JWK; delete it to generate a new one`,
    );
  }
  const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg: DEV_SIGNING_ALGORITHM,
    privateKey: (await importJWK(jwk, DEV_SIGNING_ALGORITHM)) as KeyLike,
    publicKey: (await importJWK(publicJwk, DEV_SIGNING_ALGORITHM)) as KeyLike,
    publicJwk: { ...publicJwk, kid, alg: DEV_SIGNING_ALGORITHM, use: 'sig' },
  };
}

function parseJwk(text: string): (JWK & { kty: 'OKP'; crv: 'Ed25519'; x: string; d: string }) | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const jwk = value as Partial<JWK> | null;
  return jwk?.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string' && typeof jwk.d === 'string'
    ? { ...jwk, kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d }
    : undefined;
}
