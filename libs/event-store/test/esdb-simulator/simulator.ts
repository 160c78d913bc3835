/**
 * A wire-level SIMULATION of EventStoreDB 24.10 — not a real server.
 *
 * Each simulated node is a gRPC server (`@grpc/grpc-js`) on a loopback port, serving the services the
 * real `@eventstore/db-client` 6.2.1 calls, from the client's own generated service definitions and
 * protobuf messages: `Streams` (Read, Append, BatchAppend), `ServerFeatures` and `Gossip`. The real,
 * unmodified client connects to it with an ordinary connection string. Behaviour is re-implemented from
 * reading the server's source (EventStore/EventStore, tag v24.10.0; "consumer too slow" from
 * oss-v23.10.6), never copied:
 * - appends: `IndexWriter.CheckCommit` (see `log.ts`), batch append's per-request statuses and
 *   deadlines, the unary append's answers, the maximum append size;
 * - reads of streams and of $all, `requires-leader` answered by a follower with NotLeader and the
 *   leader's endpoint, writes to a follower forwarded to the leader;
 * - filtered $all subscriptions (`Enumerator.AllSubscriptionFiltered`): confirmation, pages of 32,
 *   a checkpoint every 32 × multiplier events considered and one when going live (even "no position"
 *   when nothing was considered yet), `caughtUp`, live events;
 * - access control as a secure 23.6+ server has it: anonymous access refused, $all and system streams
 *   for `$admins` only, user streams for any authenticated user; a wrong password is UNAUTHENTICATED;
 * - faults: not ready (Unavailable "Server Is Not Ready"; batch append's status with an Empty detail),
 *   stuck (calls accepted and never answered), leader change with a lagging former leader, dropped
 *   connections, "consumer too slow".
 * Not simulated: scavenging, truncation and deletion, persistent subscriptions, projections, links,
 * the HTTP API, certificates' common-name checks, and everything about real durability and timing.
 */
import * as grpc from '@grpc/grpc-js';
import { GossipService } from '@eventstore/db-client/generated/gossip_grpc_pb';
import { ClusterInfo, EndPoint, MemberInfo } from '@eventstore/db-client/generated/gossip_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import {
  AccessDenied,
  AllStreamPosition,
  Empty,
  MaximumAppendSizeExceeded,
  StreamIdentifier,
  Timeout,
  UUID,
  WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
  ReadReq,
  ReadResp,
} from '@eventstore/db-client/generated/streams_pb';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificates } from './certificates';
import { ANY, NO_STREAM, STREAM_EXISTS, TransactionLog, type ProposedEvent, type StoredRecord } from './log';

export const SIMULATED_VERSION = '24.10.0';
/** Pages read by catch-up subscriptions, and the checkpoint interval's unit (`Enumerator.ReadBatchSize`). */
const READ_BATCH_SIZE = 32;
const NO_POSITION = (1n << 64n) - 1n;
/**
 * What clients are told to connect to. A name rather than 127.0.0.1: TLS sends it as the server name,
 * which may not be an IP address. The nodes listen on 127.0.0.1, where localhost leads too.
 */
const CLIENT_HOST = 'localhost';

export type NodeMode = 'ok' | 'not-ready' | 'stuck';

export interface SimulatorOptions {
  /** 1 (default): a single node; more: a cluster behind gossip, node 0 the first leader. */
  nodes?: number;
  /** TLS with a throw-away CA and access control (anonymous refused), as a production server. */
  secure?: boolean;
  /** Advertise and serve BatchAppend (servers ≥ 21.10; the client then appends through it). */
  batchAppend?: boolean;
  /** `MaxAppendSize` (default 1 MiB, the server's default). */
  maxAppendSize?: number;
  /** How many committed event ids the server remembers for `any`/`stream_exists` retries. */
  committedEventsCacheSize?: number;
}

interface User {
  password: string;
  groups: string[];
}

type Principal = { name: string; groups: string[] } | null;

class Refusal extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
    readonly trailers: Record<string, string> = {},
  ) {
    super(details);
  }

  toServiceError(): Partial<grpc.ServiceError> {
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(this.trailers)) metadata.set(key, value);
    return { code: this.code, details: this.details, metadata };
  }
}

const accessDenied = () =>
  new Refusal(grpc.status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' });
const notReady = () => new Refusal(grpc.status.UNAVAILABLE, 'Server Is Not Ready');

/** What each node counts, for tests that check what the client asked and what the server sent. */
export interface NodeCounters {
  streamReads: number;
  allReads: number;
  subscriptions: number;
  appends: number;
  /** Events sent in answers to reads (not subscriptions). */
  eventsRead: number;
  /** Events sent by subscriptions. */
  eventsStreamed: number;
}

const zeroCounters = (): NodeCounters => ({
  streamReads: 0,
  allReads: 0,
  subscriptions: 0,
  appends: 0,
  eventsRead: 0,
  eventsStreamed: 0,
});

type AnyCall =
  grpc.ServerWritableStream<ReadReq, ReadResp> | grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>;

export class SimulatedNode {
  readonly instanceId = randomUUID();
  port = 0;
  state: 'leader' | 'follower';
  mode: NodeMode = 'ok';
  /** Records of the log this node has; null when in sync with the leader. */
  frozenAt: number | null = null;
  counters = zeroCounters();
  readonly calls = new Set<AnyCall>();
  readonly server: grpc.Server;
  /** Calls left unanswered while stuck, released (cancelled) on shutdown. */
  private readonly held = new Set<() => void>();
  private readonly wakers = new Set<() => void>();

  constructor(
    readonly index: number,
    private readonly cluster: EsdbSimulator,
  ) {
    this.state = index === 0 ? 'leader' : 'follower';
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': 32 * 1024 * 1024,
      'grpc.max_send_message_length': 32 * 1024 * 1024,
    });
    this.server.addService(StreamsService, {
      read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => void this.read(call),
      append: (
        call: grpc.ServerReadableStream<AppendReq, AppendResp>,
        callback: grpc.sendUnaryData<AppendResp>,
      ) => void this.append(call, callback),
      batchAppend: (call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => this.batchAppend(call),
    });
    this.server.addService(ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<SupportedMethods>) =>
        callback(null, this.cluster.supportedMethods()),
    });
    this.server.addService(GossipService, {
      read: (_call: unknown, callback: grpc.sendUnaryData<ClusterInfo>) =>
        callback(null, this.cluster.gossip()),
    });
  }

  get visible(): number {
    return this.frozenAt ?? this.cluster.log.length;
  }

  /** Wakes live subscriptions: the log grew, or this node's view of it changed. */
  wake(): void {
    for (const wake of [...this.wakers]) wake();
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.wakers.delete(done);
        resolve();
      };
      this.wakers.add(done);
    });
  }

  /** Holds a call while stuck: it is never answered, only cancelled at shutdown. */
  private hold(release: () => void): Promise<never> {
    this.held.add(release);
    return new Promise<never>(() => undefined);
  }

  releaseHeld(): void {
    for (const release of this.held) release();
    this.held.clear();
  }

  private principal(metadata: grpc.Metadata): Principal {
    const header = metadata.get('authorization')[0];
    if (typeof header !== 'string') return null;
    const match = /^Basic (.+)$/.exec(header);
    if (!match) throw new Refusal(grpc.status.UNAUTHENTICATED, 'Bad authorization header');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const name = decoded.slice(0, separator);
    const user = this.cluster.users.get(name);
    if (!user || user.password !== decoded.slice(separator + 1)) {
      throw new Refusal(grpc.status.UNAUTHENTICATED, 'Bad credentials');
    }
    return { name, groups: user.groups };
  }

  /** A secure server's default ACLs since 23.6: nothing anonymous, $all and `$` streams for $admins. */
  private checkAccess(principal: Principal, streamId: string, operation: 'read' | 'write'): void {
    if (!this.cluster.secure) return;
    if (!principal) throw accessDenied();
    if (principal.groups.includes('$admins')) return;
    const userStream = streamId.startsWith('$$') ? streamId.slice(2) : streamId;
    if (streamId === '$all' || userStream.startsWith('$')) throw accessDenied();
    void operation; // user streams: read, write and metadata for any authenticated user
  }

  private requiresLeader(metadata: grpc.Metadata): boolean {
    return metadata.get('requires-leader')[0] === 'true';
  }

  private notLeader(): Refusal {
    const leader = this.cluster.leader;
    return new Refusal(grpc.status.NOT_FOUND, 'Leader info available', {
      exception: 'not-leader',
      'leader-endpoint-host': CLIENT_HOST,
      'leader-endpoint-port': String(leader.port),
    });
  }

  private precheck(metadata: grpc.Metadata, forRead: boolean): Principal {
    const principal = this.principal(metadata);
    if (this.mode === 'not-ready') throw notReady();
    if (forRead && this.state !== 'leader' && this.requiresLeader(metadata)) throw this.notLeader();
    return principal;
  }

  // ---- Read: streams, $all, subscriptions ------------------------------------------------------------

  private async read(call: grpc.ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
    this.calls.add(call);
    call.on('close', () => this.calls.delete(call));
    try {
      const options = call.request.getOptions();
      if (!options) throw new Refusal(grpc.status.INVALID_ARGUMENT, 'options required');
      const principal = this.precheck(call.metadata, true);
      if (this.mode === 'stuck') await this.hold(() => call.destroy());
      if (options.getStreamOptionCase() === ReadReq.Options.StreamOptionCase.STREAM) {
        const streamId = Buffer.from(options.getStream()!.getStreamIdentifier()!.getStreamName()).toString(
          'utf8',
        );
        this.checkAccess(principal, streamId, 'read');
        this.counters.streamReads += 1;
        this.cluster.runHook('read');
        await this.readStream(call, streamId, options);
      } else if (options.getCountOptionCase() === ReadReq.Options.CountOptionCase.SUBSCRIPTION) {
        this.checkAccess(principal, '$all', 'read');
        this.counters.subscriptions += 1;
        await this.subscribeToAll(call, options);
        return;
      } else {
        this.checkAccess(principal, '$all', 'read');
        this.counters.allReads += 1;
        this.cluster.runHook('read');
        await this.readAll(call, options);
      }
      call.end();
    } catch (error) {
      this.fail(call, error);
    }
  }

  private fail(call: grpc.ServerWritableStream<ReadReq, ReadResp>, error: unknown): void {
    if (call.destroyed || call.writableEnded) return;
    if (error instanceof Refusal) call.emit('error', error.toServiceError());
    else call.emit('error', { code: grpc.status.INTERNAL, details: String(error) });
  }

  private async readStream(
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    streamId: string,
    options: ReadReq.Options,
  ): Promise<void> {
    const stream = options.getStream()!;
    const from = stream.hasRevision() ? Number(stream.getRevision()) : stream.hasEnd() ? 'end' : 'start';
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const count = Math.min(Number(options.getCount()), Number.MAX_SAFE_INTEGER);
    const records = this.cluster.log.readStream(streamId, from, backwards, count, this.visible);
    if (records === null) {
      const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(
        new StreamIdentifier().setStreamName(Buffer.from(streamId)),
      );
      await write(call, new ReadResp().setStreamNotFound(notFound));
      return;
    }
    for (const record of records) {
      this.counters.eventsRead += 1;
      await write(call, eventMessage(record));
    }
  }

  private async readAll(
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    options: ReadReq.Options,
  ): Promise<void> {
    const all = options.getAll()!;
    const from = all.hasPosition()
      ? BigInt(all.getPosition()!.getCommitPosition())
      : all.hasEnd()
        ? 'end'
        : 'start';
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const count = Math.min(Number(options.getCount()), Number.MAX_SAFE_INTEGER);
    const accepts = filterOf(options);
    const records = this.cluster.log
      .readAll(from, backwards, accepts ? Number.MAX_SAFE_INTEGER : count, this.visible)
      .filter((record) => !accepts || accepts(record))
      .slice(0, count);
    for (const record of records) {
      this.counters.eventsRead += 1;
      await write(call, eventMessage(record));
    }
  }

  /** `Enumerator.AllSubscriptionFiltered` (and the unfiltered one, without checkpoints), re-implemented. */
  private async subscribeToAll(
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    options: ReadReq.Options,
  ): Promise<void> {
    const all = options.getAll()!;
    const log = this.cluster.log;
    const accepts = filterOf(options);
    const filter = options.getFilter();
    const interval = filter
      ? (filter.hasMax() ? filter.getMax() : READ_BATCH_SIZE) *
        Math.max(1, filter.getCheckpointintervalmultiplier())
      : 0;
    let ended = false;
    call.on('close', () => {
      ended = true;
      this.wake();
    });
    call.on('cancelled', () => {
      ended = true;
      this.wake();
    });
    await write(
      call,
      new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())),
    );
    // The last event or checkpoint sent on: events after it are sent, checkpoints at or after it.
    let checkpoint: bigint | null = all.hasPosition()
      ? BigInt(all.getPosition()!.getCommitPosition())
      : all.hasEnd()
        ? (log.records[this.visible - 1]?.position ?? null)
        : null;
    let cursor = checkpoint === null ? 0 : log.firstIndexAtOrAfter(checkpoint);
    let considered = 0;
    let lastCheckpointSent: bigint | null = null;
    const sendCheckpoint = async (at: bigint | null) => {
      // Position.FromInt64(-1, -1) is (2^64-1, 2^64-1): "no position" when nothing was considered yet.
      const position = at ?? NO_POSITION;
      if (lastCheckpointSent !== null && position <= lastCheckpointSent) return;
      lastCheckpointSent = position;
      await write(
        call,
        new ReadResp().setCheckpoint(
          new ReadResp.Checkpoint()
            .setCommitPosition(position.toString())
            .setPreparePosition(position.toString()),
        ),
      );
    };
    let live = false;
    while (!ended) {
      if (this.mode === 'stuck') await this.hold(() => call.destroy());
      const visible = this.visible;
      if (cursor < visible) {
        const pageStart = log.records[cursor].position;
        const page = log.records.slice(cursor, Math.min(visible, cursor + READ_BATCH_SIZE));
        cursor += page.length;
        for (const record of page) {
          if (checkpoint !== null && record.position <= checkpoint) continue;
          considered += 1;
          if (!accepts || accepts(record)) {
            this.counters.eventsStreamed += 1;
            await write(call, eventMessage(record));
            checkpoint = record.position;
          } else if (live && interval > 0 && considered >= interval) {
            considered = 0;
            checkpoint = record.position;
            await sendCheckpoint(checkpoint);
          }
          if (ended) return;
        }
        if (!live && interval > 0 && considered >= interval) {
          considered %= interval;
          if (checkpoint === null || checkpoint < pageStart) checkpoint = pageStart;
          await sendCheckpoint(checkpoint);
        }
        continue;
      }
      if (!live) {
        live = true;
        if (interval > 0) await sendCheckpoint(checkpoint);
        await write(call, new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
      }
      await this.nextChange();
    }
  }

  /** Ends live subscriptions as 23.10 did when a client did not keep up with live events. */
  consumerTooSlow(): void {
    for (const call of this.calls) {
      if (!('request' in call)) continue; // subscriptions and reads, not batch appends
      call.emit('error', {
        code: grpc.status.ABORTED,
        details:
          'Operation timed out: Consumer too slow to handle event while live. Client resubscription required.',
      });
    }
  }

  // ---- Append and BatchAppend -----------------------------------------------------------------------

  private async append(
    call: grpc.ServerReadableStream<AppendReq, AppendResp>,
    callback: grpc.sendUnaryData<AppendResp>,
  ): Promise<void> {
    try {
      const principal = this.principal(call.metadata);
      let options: AppendReq.Options | undefined;
      const events: ProposedEvent[] = [];
      for await (const message of call as AsyncIterable<AppendReq>) {
        if (!options) {
          options = message.getOptions();
          if (!options) throw new Refusal(grpc.status.INVALID_ARGUMENT, 'options first');
          continue;
        }
        const proposed = message.getProposedMessage();
        if (proposed) events.push(proposedEvent(proposed));
      }
      if (!options) throw new Refusal(grpc.status.INVALID_ARGUMENT, 'options first');
      const streamId = Buffer.from(options.getStreamIdentifier()!.getStreamName()).toString('utf8');
      this.checkAccess(principal, streamId, 'write');
      if (this.mode === 'not-ready') throw notReady();
      if (this.mode === 'stuck')
        await this.hold(() => callback({ code: grpc.status.UNAVAILABLE, details: 'shutdown' }));
      const target = this.writer(call.metadata);
      const size = appendSize(events);
      if (size > this.cluster.maxAppendSize) {
        throw new Refusal(
          grpc.status.INVALID_ARGUMENT,
          `Maximum Append Size of ${this.cluster.maxAppendSize} Exceeded.`,
          {
            exception: 'maximum-append-size-exceeded',
            'maximum-append-size': String(this.cluster.maxAppendSize),
          },
        );
      }
      const expected = unaryExpected(options);
      this.cluster.runHook('append');
      const outcome = target.write(streamId, expected, events);
      const response = new AppendResp();
      if (outcome.kind === 'wrong-expected-version') {
        const wev = new AppendResp.WrongExpectedVersion();
        if (outcome.currentVersion < 0) wev.setCurrentNoStream(new Empty());
        else wev.setCurrentRevision(String(outcome.currentVersion));
        if (expected === ANY) wev.setExpectedAny(new Empty());
        else if (expected === STREAM_EXISTS) wev.setExpectedStreamExists(new Empty());
        else if (expected === NO_STREAM) wev.setExpectedNoStream(new Empty());
        else wev.setExpectedRevision(String(expected));
        response.setWrongExpectedVersion(wev);
      } else {
        const success = new AppendResp.Success().setCurrentRevision(String(outcome.lastEventNumber));
        success.setPosition(
          new AppendResp.Position()
            .setCommitPosition(outcome.position.toString())
            .setPreparePosition(outcome.position.toString()),
        );
        response.setSuccess(success);
      }
      callback(null, response);
    } catch (error) {
      callback(
        error instanceof Refusal
          ? error.toServiceError()
          : { code: grpc.status.INTERNAL, details: String(error) },
      );
    }
  }

  /** The node that writes: this one if it leads, else the leader (writes are forwarded), or NotLeader. */
  private writer(metadata: grpc.Metadata): EsdbSimulator {
    if (this.state !== 'leader' && this.requiresLeader(metadata)) throw this.notLeader();
    this.counters.appends += 1;
    return this.cluster;
  }

  private batchAppend(call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
    this.calls.add(call);
    call.on('close', () => this.calls.delete(call));
    let principal: Principal;
    try {
      principal = this.principal(call.metadata);
    } catch (error) {
      call.emit('error', (error as Refusal).toServiceError());
      return;
    }
    const pending = new Map<
      string,
      { options: BatchAppendReq.Options; events: ProposedEvent[]; timer: NodeJS.Timeout }
    >();
    const respond = (correlation: UUID, streamId: string, fill: (response: BatchAppendResp) => void) => {
      if (call.destroyed || call.writableEnded) return;
      const response = new BatchAppendResp()
        .setCorrelationId(correlation)
        .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(streamId)));
      fill(response);
      call.write(response);
    };
    call.on('data', (request: BatchAppendReq) => {
      const correlation = request.getCorrelationId()!;
      const key = correlation.getString();
      const options = request.getOptions();
      if (options) {
        const streamId = Buffer.from(options.getStreamIdentifier()!.getStreamName()).toString('utf8');
        try {
          this.checkAccess(principal, streamId, 'write');
        } catch {
          respond(correlation, streamId, (r) =>
            r.setError(
              status(grpc.status.PERMISSION_DENIED, 'AccessDenied', pack(new AccessDenied(), 'AccessDenied')),
            ),
          );
          return;
        }
        const deadline = options.getDeadline();
        const timeoutMs = deadline ? deadline.toDate().getTime() - Date.now() : Number.MAX_SAFE_INTEGER;
        if (timeoutMs <= 0) {
          respond(correlation, streamId, (r) => r.setError(timeoutStatus()));
          return;
        }
        const timer = setTimeout(
          () => {
            // The server answers Timeout once the request's deadline has passed without a result.
            if (pending.delete(key)) respond(correlation, streamId, (r) => r.setError(timeoutStatus()));
          },
          Math.min(timeoutMs, 2 ** 31 - 1),
        );
        pending.set(key, { options, events: [], timer });
      }
      const entry = pending.get(key);
      if (!entry) return;
      for (const proposed of request.getProposedMessagesList()) entry.events.push(proposedEvent(proposed));
      if (!request.getIsFinal()) return;
      const streamId = Buffer.from(entry.options.getStreamIdentifier()!.getStreamName()).toString('utf8');
      if (this.mode === 'stuck') return; // accepted, never answered: the client's own deadline is all there is
      pending.delete(key);
      clearTimeout(entry.timer);
      if (this.mode === 'not-ready') {
        // `NotHandled(NotReady)` becomes a status with an Empty detail and this message.
        respond(correlation, streamId, (r) =>
          r.setError(
            status(grpc.status.OK, 'Server Is Not Ready', pack(new Empty(), 'google.protobuf.Empty', true)),
          ),
        );
        return;
      }
      if (appendSize(entry.events) > this.cluster.maxAppendSize) {
        const detail = new MaximumAppendSizeExceeded().setMaxappendsize(this.cluster.maxAppendSize);
        respond(correlation, streamId, (r) =>
          r.setError(
            status(
              grpc.status.INVALID_ARGUMENT,
              'MaximumAppendSizeExceeded',
              pack(detail, 'MaximumAppendSizeExceeded'),
            ),
          ),
        );
        return;
      }
      let target: EsdbSimulator;
      try {
        target = this.writer(call.metadata);
      } catch (error) {
        // A follower asked to lead throws the leader's endpoint out of the whole call.
        call.emit('error', (error as Refusal).toServiceError());
        return;
      }
      const expected = batchExpected(entry.options);
      this.cluster.runHook('append');
      const outcome = target.write(streamId, expected, entry.events);
      respond(correlation, streamId, (r) => {
        if (outcome.kind === 'wrong-expected-version') {
          const wev = new WrongExpectedVersion();
          if (outcome.currentVersion < 0) wev.setCurrentNoStream(new Empty());
          else wev.setCurrentStreamRevision(String(outcome.currentVersion));
          if (expected === ANY) wev.setExpectedAny(new Empty());
          else if (expected === STREAM_EXISTS) wev.setExpectedStreamExists(new Empty());
          else if (expected === NO_STREAM) wev.setExpectedNoStream(new Empty());
          else wev.setExpectedStreamPosition(String(expected));
          r.setError(
            status(grpc.status.ALREADY_EXISTS, 'WrongExpectedVersion', pack(wev, 'WrongExpectedVersion')),
          );
          return;
        }
        const success = new BatchAppendResp.Success().setCurrentRevision(String(outcome.lastEventNumber));
        success.setPosition(
          new AllStreamPosition()
            .setCommitPosition(outcome.position.toString())
            .setPreparePosition(outcome.position.toString()),
        );
        r.setSuccess(success);
      });
    });
    call.on('end', () => {
      for (const entry of pending.values()) clearTimeout(entry.timer);
      if (!call.destroyed && !call.writableEnded) call.end();
    });
    call.on('error', () => {
      for (const entry of pending.values()) clearTimeout(entry.timer);
    });
  }
}

// ---- the cluster --------------------------------------------------------------------------------------

export class EsdbSimulator {
  readonly log: TransactionLog;
  readonly nodes: SimulatedNode[];
  readonly users = new Map<string, User>([
    ['admin', { password: 'changeit', groups: ['$admins'] }],
    ['ops', { password: 'changeit', groups: ['$ops'] }],
  ]);
  readonly secure: boolean;
  readonly maxAppendSize: number;
  private readonly batchAppendSupported: boolean;
  private credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure();
  private certificatesDir: string | null = null;
  caFile: string | null = null;
  /** Runs once, at the next stream or $all read (not subscription): what another writer did just then. */
  beforeNextRead: (() => void) | null = null;
  /** Runs once, when the next append reaches the log: what another writer did just before. */
  beforeNextAppend: (() => void) | null = null;

  private constructor(options: SimulatorOptions) {
    this.secure = options.secure ?? false;
    this.batchAppendSupported = options.batchAppend ?? true;
    this.maxAppendSize = options.maxAppendSize ?? 1024 * 1024;
    this.log = new TransactionLog(options.committedEventsCacheSize ?? 100_000);
    this.nodes = Array.from({ length: options.nodes ?? 1 }, (_, index) => new SimulatedNode(index, this));
    this.log.onWrite(() => {
      for (const node of this.nodes) node.wake();
    });
    // What a fresh server writes on its own before anyone appends.
    this.log.writeSystemEvent('$stats-127.0.0.1:2113', '$statsCollected', { 'proc-id': 1 });
  }

  static async start(options: SimulatorOptions = {}): Promise<EsdbSimulator> {
    const simulator = new EsdbSimulator(options);
    if (simulator.secure) {
      const certificates = await makeCertificates();
      simulator.certificatesDir = mkdtempSync(join(tmpdir(), 'esdb-simulator-'));
      simulator.caFile = join(simulator.certificatesDir, 'ca.crt');
      writeFileSync(simulator.caFile, certificates.caPem);
      simulator.credentials = grpc.ServerCredentials.createSsl(
        Buffer.from(certificates.caPem),
        [{ private_key: Buffer.from(certificates.keyPem), cert_chain: Buffer.from(certificates.certPem) }],
        false,
      );
    }
    for (const node of simulator.nodes) {
      // A port of our own choosing (not 0), so that `drain` can find it to drop its connections.
      const port = await freePort();
      node.port = await new Promise<number>((resolve, reject) =>
        node.server.bindAsync(`127.0.0.1:${port}`, simulator.credentials, (error, bound) =>
          error ? reject(error) : resolve(bound),
        ),
      );
    }
    return simulator;
  }

  get leader(): SimulatedNode {
    return this.nodes.find((node) => node.state === 'leader')!;
  }

  /**
   * The client's connection string: every node (gossip finds the leader) or one; with credentials,
   * TLS and the CA when secure. `query` adds options (`defaultDeadline=…`).
   */
  connectionString(options: { user?: string | null; node?: number; query?: string } = {}): string {
    const user = options.user === undefined ? (this.secure ? 'admin:changeit' : null) : options.user;
    const hosts = (options.node === undefined ? this.nodes : [this.nodes[options.node]])
      .map((node) => `${CLIENT_HOST}:${node.port}`)
      .join(',');
    const query = [
      this.secure ? `tls=true&tlsCAFile=${encodeURIComponent(this.caFile!)}` : 'tls=false',
      ...(this.nodes.length > 1 && options.node === undefined ? ['nodePreference=leader'] : []),
      ...(options.query ? [options.query] : []),
    ].join('&');
    return `esdb://${user ? `${user}@` : ''}${hosts}?${query}`;
  }

  runHook(which: 'read' | 'append'): void {
    const hook = which === 'read' ? this.beforeNextRead : this.beforeNextAppend;
    if (which === 'read') this.beforeNextRead = null;
    else this.beforeNextAppend = null;
    hook?.();
  }

  /** Writes on the leader (what a write forwarded by a follower also does). */
  write(streamId: string, expectedVersion: number, events: ProposedEvent[]) {
    return this.log.append(streamId, expectedVersion, events);
  }

  /** Another writer, straight into the log: a foreign application, another replica… */
  appendDirect(
    streamId: string,
    events: Array<{ type: string; data?: unknown; metadata?: unknown; binary?: boolean }>,
  ): StoredRecord[] {
    const before = this.log.length;
    this.log.append(
      streamId,
      ANY,
      events.map((event) => ({
        eventId: randomUUID(),
        type: event.type,
        isJson: !event.binary,
        data: event.binary ? Buffer.from([0, 1, 2, 3]) : Buffer.from(JSON.stringify(event.data ?? {})),
        metadata:
          event.metadata === undefined ? new Uint8Array() : Buffer.from(JSON.stringify(event.metadata)),
      })),
    );
    return this.log.records.slice(before);
  }

  /**
   * A leader election: the next node leads. With `formerLeaderLags`, the former leader stops receiving
   * the log at this point (a partition or a slow disk), as a follower that lags behind does.
   */
  failover(options: { formerLeaderLags?: boolean } = {}): void {
    const former = this.leader;
    const next = this.nodes[(former.index + 1) % this.nodes.length];
    former.state = 'follower';
    next.state = 'leader';
    next.frozenAt = null;
    if (options.formerLeaderLags) former.frozenAt = this.log.length;
    for (const node of this.nodes) node.wake();
  }

  /** A lagging node receives the rest of the log. */
  catchUp(node: SimulatedNode): void {
    node.frozenAt = null;
    node.wake();
  }

  setMode(mode: NodeMode, node: SimulatedNode = this.leader): void {
    node.mode = mode;
    if (mode !== 'stuck') node.releaseHeld();
  }

  /** Closes every client connection to the nodes (they keep listening): what a network blip does. */
  dropConnections(): void {
    for (const node of this.nodes) node.server.drain(`127.0.0.1:${node.port}`, 0);
  }

  consumerTooSlow(): void {
    for (const node of this.nodes) node.consumerTooSlow();
  }

  counters(): NodeCounters {
    const total = zeroCounters();
    for (const node of this.nodes)
      for (const key of Object.keys(total) as Array<keyof NodeCounters>) total[key] += node.counters[key];
    return total;
  }

  resetCounters(): void {
    for (const node of this.nodes) node.counters = zeroCounters();
  }

  supportedMethods(): SupportedMethods {
    const methods = [
      ['event_store.client.streams.streams', 'read', ['position', 'events']],
      ['event_store.client.streams.streams', 'append', []],
      ...(this.batchAppendSupported ? [['event_store.client.streams.streams', 'batchappend', []]] : []),
      ['event_store.client.gossip.gossip', 'read', []],
      ['event_store.client.server_features.serverfeatures', 'getsupportedmethods', []],
    ] as Array<[string, string, string[]]>;
    return new SupportedMethods()
      .setEventStoreServerVersion(SIMULATED_VERSION)
      .setMethodsList(
        methods.map(([service, method, features]) =>
          new SupportedMethod().setServiceName(service).setMethodName(method).setFeaturesList(features),
        ),
      );
  }

  gossip(): ClusterInfo {
    return new ClusterInfo().setMembersList(
      this.nodes.map((node) =>
        new MemberInfo()
          .setInstanceId(new UUID().setString(node.instanceId))
          .setTimeStamp(String(Date.now()))
          .setState(node.state === 'leader' ? MemberInfo.VNodeState.LEADER : MemberInfo.VNodeState.FOLLOWER)
          .setIsAlive(true)
          .setHttpEndPoint(new EndPoint().setAddress(CLIENT_HOST).setPort(node.port)),
      ),
    );
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) {
      node.releaseHeld();
      node.mode = 'ok';
      node.wake();
      node.server.forceShutdown();
    }
    if (this.certificatesDir) rmSync(this.certificatesDir, { recursive: true, force: true });
    await Promise.resolve();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

// ---- messages -------------------------------------------------------------------------------------------

function write<T>(call: grpc.ServerWritableStream<ReadReq, T>, message: T): Promise<void> {
  if (call.destroyed || call.writableEnded) return Promise.resolve();
  if (call.write(message)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('close', done);
      resolve();
    };
    call.once('drain', done);
    call.once('close', done);
  });
}

function eventMessage(record: StoredRecord): ReadResp {
  const position = record.position.toString();
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new UUID().setString(record.eventId))
    .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(record.streamId)))
    .setStreamRevision(String(record.eventNumber))
    .setCommitPosition(position)
    .setPreparePosition(position)
    .setData(record.data)
    .setCustomMetadata(record.metadata);
  recorded
    .getMetadataMap()
    .set('type', record.type)
    .set('created', record.created.toString())
    .set('content-type', record.isJson ? 'application/json' : 'application/octet-stream');
  return new ReadResp().setEvent(new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(position));
}

function proposedEvent(message: AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    eventId: message.getId()!.getString().toLowerCase(),
    type: metadata.get('type') ?? '',
    isJson: metadata.get('content-type') === 'application/json',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

/** `Event.SizeOnDisk`: what counts against `MaxAppendSize`. */
function appendSize(events: ProposedEvent[]): number {
  return events.reduce(
    (sum, event) => sum + event.data.length + event.metadata.length + event.type.length * 2,
    0,
  );
}

function unaryExpected(options: AppendReq.Options): number {
  switch (options.getExpectedStreamRevisionCase()) {
    case AppendReq.Options.ExpectedStreamRevisionCase.REVISION:
      return Number(options.getRevision());
    case AppendReq.Options.ExpectedStreamRevisionCase.NO_STREAM:
      return NO_STREAM;
    case AppendReq.Options.ExpectedStreamRevisionCase.STREAM_EXISTS:
      return STREAM_EXISTS;
    default:
      return ANY;
  }
}

function batchExpected(options: BatchAppendReq.Options): number {
  switch (options.getExpectedStreamPositionCase()) {
    case BatchAppendReq.Options.ExpectedStreamPositionCase.STREAM_POSITION:
      return Number(options.getStreamPosition());
    case BatchAppendReq.Options.ExpectedStreamPositionCase.NO_STREAM:
      return NO_STREAM;
    case BatchAppendReq.Options.ExpectedStreamPositionCase.STREAM_EXISTS:
      return STREAM_EXISTS;
    default:
      return ANY;
  }
}

/** The server-side filter of a read or subscription, as `EventFilter` applies it; null for none. */
function filterOf(options: ReadReq.Options): ((record: StoredRecord) => boolean) | null {
  const filter = options.getFilter();
  if (!filter) return null;
  const onStream = filter.getFilterCase() === ReadReq.Options.FilterOptions.FilterCase.STREAM_IDENTIFIER;
  const expression = onStream ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const regex = expression.getRegex();
  // .NET regexes; the ones the adapter sends (escaped names, anchors, (?!)) mean the same in JavaScript.
  const matcher = regex ? new RegExp(regex) : null;
  const prefixes = expression.getPrefixList();
  return (record) => {
    const field = onStream ? record.streamId : record.type;
    return matcher ? matcher.test(field) : prefixes.some((prefix) => field.startsWith(prefix));
  };
}

function pack(message: { serializeBinary(): Uint8Array }, name: string, wellKnown = false): Any {
  const any = new Any();
  any.pack(message.serializeBinary(), wellKnown ? name : `event_store.client.${name}`);
  return any;
}

function status(code: grpc.status, message: string, details: Any): Status {
  return new Status()
    .setCode(code as number)
    .setMessage(message)
    .setDetails(details);
}

function timeoutStatus(): Status {
  return status(grpc.status.DEADLINE_EXCEEDED, 'Timeout', pack(new Timeout(), 'Timeout'));
}
