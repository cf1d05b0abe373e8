import pLimit from 'p-limit';
import { ApiError } from '../api/errors.js';
import type { CekuraApi, WireAgent } from '../api/types.js';
import { digest, lazyProperty, ownValue } from '../json.js';
import { normalizeAgent } from './normalize.js';
import type { LiveState, StateRecord } from './types.js';

/** Live state plus the documents as the API returned them (for backups before overwriting). */
export interface LiveSnapshot {
  live: LiveState;
  /** Sorted by id. */
  documents: WireAgent[];
}

/**
 * Fields the planner compares. A list item may leave any of them out (Cekura's newer list has no
 * `description`, NOTES.md "Two generations of the API"); such an agent is read whole with GET.
 */
export const FIELDS_THE_PLANNER_NEEDS = [
  'description',
  'language',
  'agent_speaks_first',
  'webhook_url',
  'mock_tools_enabled',
  'mock_tools',
  'dynamic_variables',
  'knowledge_base_files',
  'telephony',
  'provider',
] as const;

const DETAIL_FETCH_CONCURRENCY = 8;

/**
 * Reads the agents of the given projects: one list pass per project (every page), a GET for an agent
 * whose list item lacks a field the planner compares, and a GET for each of `expectedIds` that the
 * list did not return. A list pass can miss an agent (a delete between two pages shifts DRF's
 * page-number pagination), so only a 404 says an expected agent is gone.
 */
export async function fetchLiveState(
  api: CekuraApi,
  projects: number[],
  expectedIds: Iterable<number> = [],
): Promise<LiveSnapshot> {
  const sortedProjects = [...new Set(projects)].sort((a, b) => a - b);
  const listed = (await Promise.all(sortedProjects.map((project) => api.listAgents(project)))).flat();
  const limit = pLimit(DETAIL_FETCH_CONCURRENCY);
  const listedIds = new Set(listed.map((agent) => agent.id));
  const missed = [...new Set(expectedIds)].filter((id) => !listedIds.has(id));
  const [completed, found] = await Promise.all([
    Promise.all(listed.map(async (agent) => (isComplete(agent) ? agent : limit(() => api.getAgent(agent.id))))),
    Promise.all(missed.map((id) => limit(() => getAgentUnlessGone(api, id)))),
  ]);
  const documents = [
    ...completed,
    ...found.filter((agent) => agent !== undefined && sortedProjects.includes(agent.project)),
  ] as WireAgent[];
  documents.sort((a, b) => a.id - b.id);
  return { live: buildLiveState(sortedProjects, documents), documents };
}

/** Normalizes listed agents into `LiveState`. Pure. */
export function buildLiveState(projects: number[], documents: WireAgent[]): LiveState {
  const agents = documents.map(normalizeAgent).sort((a, b) => a.id - b.id);
  const sortedProjects = [...projects].sort((a, b) => a - b);
  // Hashing every live agent is only needed for a saved or JSON plan, or to check one.
  return lazyProperty({ projects: sortedProjects, agents }, 'fingerprint', () =>
    digest({ projects: sortedProjects, agents }),
  );
}

/**
 * The agents live must still hold unless they were deleted: the ones the state record binds to
 * `addresses` (those the manifest or a saved plan names, which a missing agent would make a create) in `projects`.
 */
export function expectedAgentIds(
  record: StateRecord,
  addresses: readonly string[],
  projects: readonly number[],
): number[] {
  return addresses.flatMap((address) => {
    const entry = ownValue(record.agents, address);
    return entry !== undefined && projects.includes(entry.project) ? [entry.id] : [];
  });
}

async function getAgentUnlessGone(api: CekuraApi, id: number): Promise<WireAgent | undefined> {
  try {
    return await api.getAgent(id);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** A listed agent with every field the planner compares: as listed, or read with GET when the list left one out. */
export async function readWhole(api: CekuraApi, listed: WireAgent): Promise<WireAgent> {
  return isComplete(listed) ? listed : api.getAgent(listed.id);
}

function isComplete(agent: WireAgent): boolean {
  return FIELDS_THE_PLANNER_NEEDS.every((field) => agent[field] !== undefined);
}
