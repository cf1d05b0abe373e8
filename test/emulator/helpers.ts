import { afterEach, beforeEach } from 'vitest';
import {
  EMULATOR_DEFAULT_API_KEY,
  startEmulator,
  type EmulatorHandle,
  type EmulatorOptions,
} from '../../src/emulator/server.js';

export const AGENTS = '/test_framework/v2/aiagents/';
export const KEY = EMULATOR_DEFAULT_API_KEY;

/** A response as the tests look at it. `body` is the parsed JSON, or null for an empty body. */
export interface TestResponse {
  status: number;
  // Tests read arbitrary response fields.
  body: any;
  headers: Headers;
}

/** Calls the emulator over real HTTP with the default key (unless `headers` replaces it). */
export async function call(
  emulator: EmulatorHandle,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { 'x-cekura-api-key': KEY },
): Promise<TestResponse> {
  const response = await fetch(emulator.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers };
}

/** A valid create body; `overrides` replace top-level fields. */
export function agentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Support Bot',
    description: 'Handles inbound support calls',
    project: 42,
    inbound: true,
    ...overrides,
  };
}

/** Creates an agent and answers its response body; fails the test when the create is refused. */
export async function createAgent(emulator: EmulatorHandle, overrides: Record<string, unknown> = {}) {
  const response = await call(emulator, 'POST', AGENTS, agentBody(overrides));
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export function patchAgent(emulator: EmulatorHandle, id: number, body: unknown): Promise<TestResponse> {
  return call(emulator, 'PATCH', `${AGENTS}${id}/`, body);
}

export function getAgent(emulator: EmulatorHandle, id: number): Promise<TestResponse> {
  return call(emulator, 'GET', `${AGENTS}${id}/`);
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Starts an emulator on a free port before each test and closes it after. */
export function useEmulator(options: EmulatorOptions = {}): { readonly current: EmulatorHandle } {
  const holder: { current?: EmulatorHandle } = {};
  beforeEach(async () => {
    holder.current = await startEmulator({ port: 0, ...options });
  });
  afterEach(async () => {
    await holder.current?.close();
  });
  return {
    get current(): EmulatorHandle {
      if (holder.current === undefined) throw new Error('the emulator starts in beforeEach');
      return holder.current;
    },
  };
}
