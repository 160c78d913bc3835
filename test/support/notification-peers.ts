/**
 * The peers a deployment sends notifications to, real and on loopback: an SMTP server that offers
 * STARTTLS with a certificate made for the test (its own CA file for the API), and HTTP receivers of
 * webhooks that check the signature with their own HMAC code, not Parcours's.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { generate } from 'selfsigned';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** The session had switched to TLS (STARTTLS) before the message was sent. */
  overTls: boolean;
  envelopeTo: string[];
  mail: ParsedMail;
}

export interface SmtpPeer {
  port: number;
  /** The certificate's PEM, written for `SMTP_TLS_CA_FILE`. */
  caFile: string;
  received: ReceivedMail[];
  /** How many sessions were refused or ended without TLS (a client sending in clear would show here). */
  clearTextMessages: number;
  close(): Promise<void>;
}

/** An SMTP server on 127.0.0.1 that offers STARTTLS (or not) and takes any recipient, without authentication. */
export async function startSmtpPeer(dir: string, options: { noStartTls?: boolean } = {}): Promise<SmtpPeer> {
  const pems = await generate([{ name: 'commonName', value: 'smtp.test' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const caFile = join(dir, `smtp-ca-${Date.now()}.pem`);
  writeFileSync(caFile, pems.cert);
  const peer: SmtpPeer = {
    port: 0,
    caFile,
    received: [],
    clearTextMessages: 0,
    close: () => Promise.resolve(),
  };
  const server = new SMTPServer({
    secure: false,
    key: pems.private,
    cert: pems.cert,
    // Without STARTTLS: not offered, and refused if tried anyway.
    hideSTARTTLS: options.noStartTls ?? false,
    authOptional: true,
    disabledCommands: options.noStartTls ? ['AUTH', 'STARTTLS'] : ['AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          if (!session.secure) peer.clearTextMessages += 1;
          peer.received.push({
            overTls: session.secure,
            envelopeTo: session.envelope.rcptTo.map((to) => to.address),
            mail,
          });
          callback();
        })
        .catch(callback);
    },
  });
  // A client killed mid-session (the crash test) resets its connection: the server goes on.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.port = (server.server.address() as AddressInfo).port;
  peer.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return peer;
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The signature matched this receiver's secret and the timestamp was recent. */
  verified: boolean;
  /** What the receiver answered. */
  status: number;
}

export interface WebhookPeer {
  url: string;
  received: ReceivedWebhook[];
  /** The secret Parcours gave when the subscription was made. */
  secret: string;
  close(): Promise<void>;
}

/** The receiver's own check: HMAC-SHA256 of `<timestamp>.<body>`, a timestamp within five minutes. */
function verify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = Number(headers['parcours-timestamp']);
  const signature = headers['parcours-signature'];
  if (!Number.isInteger(timestamp) || typeof signature !== 'string' || !secret) return false;
  if (Math.abs(Date.now() / 1000 - timestamp) > 300) return false;
  const expected = Buffer.from(
    `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * A webhook receiver on 127.0.0.1: 401 for a request whose signature does not hold, otherwise what
 * `answer` says for the n-th signed request (1-based; default 204).
 */
export async function startWebhookPeer(answer: (n: number) => number = () => 204): Promise<WebhookPeer> {
  let signed = 0;
  const peer: WebhookPeer = { url: '', received: [], secret: '', close: () => Promise.resolve() };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    // A sender killed mid-request (the crash test): nothing was received.
    request.on('error', () => undefined);
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verified = verify(peer.secret, request.headers, body);
      const status = verified ? answer(++signed) : 401;
      peer.received.push({ headers: request.headers, body, verified, status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/parcours`;
  peer.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return peer;
}

/** A URL where nothing listens: a receiver down for good. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/gone`;
}

/** Waits for something the dispatcher does on its own, then returns it: never a timing assertion. */
export async function eventually<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`still not ${what}: ${JSON.stringify(value)?.slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
