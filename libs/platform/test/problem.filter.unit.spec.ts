import type { ArgumentsHost } from '@nestjs/common';
import { StoreUnavailableError } from '@parcours/event-store';
import { ProblemFilter } from '../src';

/** Runs the filter on `error` and records what it sends. */
function answer(error: unknown) {
  const sent: { status?: number; headers: Record<string, string>; body?: Record<string, unknown> } = {
    headers: {},
  };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => (sent.headers[name] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    type() {
      return this;
    },
    send(body: string) {
      sent.body = JSON.parse(body) as Record<string, unknown>;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ headers: {} }) }),
  } as unknown as ArgumentsHost;
  new ProblemFilter().catch(error, host);
  return sent;
}

describe('problem filter: the store cannot serve now', () => {
  it.each([
    ['access-denied', 30],
    ['not-leader', 1],
    ['not-ready', 2],
    ['deadline-exceeded', 2],
    ['unavailable', 5],
  ] as const)('%s is a 503 store-unavailable naming the reason, with Retry-After: %d', (reason, seconds) => {
    const sent = answer(new StoreUnavailableError('EventStoreDB said no', { reason }));
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toBe(String(seconds));
    expect(sent.body).toMatchObject({
      status: 503,
      type: expect.stringMatching(/store-unavailable$/) as string,
      reason,
    });
    // What the store said stays in the logs: it may name hosts or users.
    expect(JSON.stringify(sent.body)).not.toContain('EventStoreDB said no');
  });

  it('an error of the embedded store without a reason is "unavailable", retried after 5 s', () => {
    const sent = answer(new StoreUnavailableError('disk full'));
    expect(sent).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '5' },
      body: { reason: 'unavailable' },
    });
  });

  it('honours a retry delay the store chose', () => {
    const sent = answer(
      new StoreUnavailableError('read-only', { reason: 'unavailable', retryAfterSeconds: 60 }),
    );
    expect(sent.headers['Retry-After']).toBe('60');
  });
});
