/**
 * The peers the notifications benchmark sends to, on loopback: an SMTP server with STARTTLS (a certificate
 * made for the run) that counts the messages it accepts, and an HTTP receiver that answers 204.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { SMTPServer } from 'smtp-server';

export interface BenchPeers {
  env: Record<string, string>;
  webhookUrl: string;
  mails(): number;
  posts(): number;
  close(): Promise<void>;
}

export async function startPeers(dir: string): Promise<BenchPeers> {
  const pems = await generate([{ name: 'commonName', value: 'smtp.bench' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const caFile = join(dir, 'smtp-ca.pem');
  writeFileSync(caFile, pems.cert);
  let mails = 0;
  let posts = 0;
  const smtp = new SMTPServer({
    key: pems.private,
    cert: pems.cert,
    authOptional: true,
    disabledCommands: ['AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        mails += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const http = createServer((request, response) => {
    request.on('data', () => undefined);
    request.on('end', () => {
      posts += 1;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    env: {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String((smtp.server.address() as AddressInfo).port),
      SMTP_TLS_CA_FILE: caFile,
      SMTP_FROM: 'parcours@bench.test',
      WEBHOOKS_ALLOW_HTTP_LOOPBACK: 'true',
    },
    webhookUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}/hook`,
    mails: () => mails,
    posts: () => posts,
    close: async () => {
      http.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => http.close(() => resolve())),
      ]);
    },
  };
}
