import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireAgent } from '../api/types.js';
import { DEFAULT_API_GENERATION, type ApiGeneration } from '../cekura/generation.js';
import { systemClock, type Clock } from '../clock.js';
import { CekuraformError } from '../errors.js';
import type { JsonValue } from '../json.js';
import type { AdminTarget } from './admin.js';
import type { EmulatorContext } from './context.js';
import { FaultState, type FaultsPatch } from './faults.js';
import { DataFile, loadData, type EmulatorData } from './persistence.js';
import { serveRequest, type Pipeline } from './pipeline.js';
import { renderAgent } from './render.js';
import { RequestLog } from './request-log.js';
import { AgentStore, type DuplicableSet } from './store.js';
import { ToggleTasks } from './toggles.js';
import type { DeletionRecord, RequestLogEntry } from './types.js';
import { writeOnlyValues } from './write-only.js';

/** The key the emulator accepts when none is given; public on purpose, it guards nothing real. */
export const EMULATOR_DEFAULT_API_KEY = 'cekura-emulator-dev-key';

export interface EmulatorOptions {
  /** The generation of Cekura's API to answer as; default `2026-06`, the pages' (NOTES.md). */
  api?: ApiGeneration;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Expected in `X-CEKURA-API-KEY`; default `EMULATOR_DEFAULT_API_KEY` (never read from the environment here). */
  apiKey?: string;
  /** Where agents, id counters and toggles are kept across restarts; null or absent keeps them in memory. */
  dataFile?: string | null;
  /** Added to every API request; default 0. */
  latencyMs?: number;
  /** How long a toggle stays in_progress; default 1500; 0 completes it at the first poll. */
  toggleDurationMs?: number;
  /** List page size when the request gives none; default 50. */
  pageSize?: number;
  /** Largest `page_size` honoured; default 100. */
  maxPageSize?: number;
  /** For tests that move time by hand; only `now` is used. Default: the system clock. */
  clock?: Pick<Clock, 'now'>;
  /** Sees each API request as it is logged, when its response is finished (the benchmark times a client's phases with it). */
  onRequest?: (entry: RequestLogEntry) => void;
}

/** A running emulator. The test-only methods look at state the API does not expose. */
export interface EmulatorHandle {
  /** `http://127.0.0.1:PORT` (or the host it listens on). */
  url: string;
  port: number;
  /** API requests so far, oldest first; admin routes are not in it. */
  requests(): RequestLogEntry[];
  clearRequests(): void;
  /** Each key given replaces that fault; `null` clears it. Throws on an invalid patch. */
  setFaults(patch: FaultsPatch): void;
  clearFaults(): void;
  /** Marks a mock tool as used by `subscriberCount` agents (`is_shared`); throws for an unknown tool. */
  markShared(toolId: number, subscriberCount: number): void;
  /** Test-only: adds a copy of an item under a new id (two items of one name); returns the new id, throws for an unknown item. */
  duplicateItem(agentId: number, set: DuplicableSet, itemId: number): number;
  /** Each agent deletion, oldest first. */
  deletions(): DeletionRecord[];
  /** Every agent as the API would return it, by id. */
  agents(): WireAgent[];
  /** Test-only: the write-only values stored for an agent, by JSON Pointer (see `writeOnlyValues`). */
  storedWriteOnly(agentId: number): Record<string, JsonValue>;
  /** Stops listening, drops open connections and writes pending data. */
  close(): Promise<void>;
}

/** Starts the local Cekura v2 agents API (routes, rules and faults: README.md beside this file). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const clock = options.clock ?? systemClock;
  const dataFile = options.dataFile ?? null;
  const data = dataFile === null ? undefined : await loadData(dataFile);

  let file: DataFile | undefined;
  const onChange = () => file?.markDirty();
  const api = options.api ?? DEFAULT_API_GENERATION;
  const store = new AgentStore(onChange, api);
  const faults = new FaultState();
  const toggles = new ToggleTasks(
    store,
    () => clock.now(),
    onChange,
    (agentId) => faults.toggleFault(agentId),
  );
  const snapshot = (): EmulatorData => ({ version: 1, ...store.snapshot(), toggles: toggles.snapshot() });
  store.restore(data);
  toggles.restore(data?.toggles);
  if (dataFile !== null) {
    file = new DataFile(dataFile, snapshot);
    await file.prepare();
  }

  const log = new RequestLog(options.onRequest);
  const context: EmulatorContext = {
    store,
    toggles,
    faults,
    settings: {
      api,
      pageSize: options.pageSize ?? 50,
      maxPageSize: options.maxPageSize ?? 100,
      toggleDurationMs: options.toggleDurationMs ?? 1500,
    },
    now: () => clock.now(),
  };
  const admin: AdminTarget = {
    log,
    faults,
    store,
    reset: () => {
      store.restore(undefined);
      toggles.restore(undefined);
      faults.clear();
      log.clear();
      onChange();
    },
  };

  let isClosed = false;
  const server = createServer();
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const url = `http://${displayHost(options.host ?? '127.0.0.1')}:${port}`;
  const pipeline: Pipeline = {
    context,
    log,
    admin,
    apiKey: options.apiKey ?? EMULATOR_DEFAULT_API_KEY,
    latencyMs: options.latencyMs ?? 0,
    fallbackBase: url,
    isClosed: () => isClosed,
    persist: async () => {
      await file?.flush();
    },
  };
  server.on('request', (request, response) => {
    serveRequest(request, response, pipeline).catch(() => response.destroy());
  });

  return {
    url,
    port,
    requests: () => log.entries(),
    clearRequests: () => log.clear(),
    setFaults: (patch) => faults.set(patch),
    clearFaults: () => faults.clear(),
    markShared: (toolId, subscriberCount) => {
      if (!store.markShared(toolId, subscriberCount)) throw new Error(`the emulator has no mock tool ${toolId}`);
    },
    duplicateItem: (agentId, set, itemId) => {
      const id = store.duplicateItem(agentId, set, itemId);
      if (id === undefined) throw new Error(`the emulator's agent ${agentId} has no ${set} item ${itemId}`);
      return id;
    },
    deletions: () => store.deletions(),
    agents: () =>
      [...store.all()].map((agent) => {
        toggles.settle(agent);
        // A copy, since renders share unchanged parts with the store; the cast only adds WireAgent's field names.
        return structuredClone(renderAgent(agent, url)) as unknown as WireAgent;
      }),
    storedWriteOnly: (agentId) => {
      const agent = store.get(agentId);
      if (agent === undefined) throw new Error(`the emulator has no agent ${agentId}`);
      return writeOnlyValues(agent);
    },
    close: async () => {
      if (isClosed) return;
      isClosed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await file?.flush();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new CekuraformError(
          'emulator_listen_failed',
          `cannot listen on ${host}:${port} (${error.code ?? error.message})`,
          {
            cause: error,
            hint: error.code === 'EADDRINUSE' ? 'choose another --port, or 0 for any free port' : undefined,
          },
        ),
      );
    });
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** The host for URLs: a wildcard address is reached on loopback; IPv6 goes in brackets. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
