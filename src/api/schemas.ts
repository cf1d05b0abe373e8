import { z } from 'zod';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import type { ToggleProgress, WireAgent, WireMockTool } from './types.js';

// Response shapes (shared/cekura-api/). Objects are loose: unknown fields are kept, because a backup
// holds the whole document and Cekura adds fields. Only what identifies an object is required; a field
// the planner compares may be absent (Cekura's newer list items leave `description` out, NOTES.md) and
// `fetchLiveState` reads such an agent whole. Wrong types are rejected with the field's path.

// Bodies come from JSON.parse, so every value is JSON already and these check only the kind:
// validating each mock-data row again with z.json() took most of the CPU of listing 1000 agents.
const parsedJson = z.custom<JsonValue>(() => true);
const jsonObject = z.custom<JsonObject>(isJsonObject, { message: 'expected an object' });

const servedViaSchema = z.looseObject({
  type: z.enum(['direct', 'mcp']),
  url: z.string().optional(),
  mock_index: z.number().int().optional(),
});

const mockToolSchema: z.ZodType<WireMockTool> = z
  .looseObject({
    id: z.number().int(),
    name: z.string(),
    // Null in Cekura's newer reference; the same as '' to the planner.
    description: z.string().nullable().optional(),
    mock_data: parsedJson.optional(),
    // Cekura's older name for mock_data (NOTES.md: the v1 mock-tool endpoints).
    information: parsedJson.optional(),
    served_via: servedViaSchema.optional(),
    is_shared: z.boolean().optional(),
    subscriber_count: z.number().int().optional(),
  })
  .transform((tool, context) => {
    const mockData = tool.mock_data === undefined ? tool.information : tool.mock_data;
    if (mockData === undefined) {
      context.addIssue({ code: 'custom', message: 'missing (and no `information` either)', path: ['mock_data'] });
      return z.NEVER;
    }
    return { ...tool, mock_data: mockData };
  });

const dynamicVariableSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullable().optional(),
});

const knowledgeBaseFileSchema = z.looseObject({
  id: z.number().int(),
  file_name: z.string(),
  file_size: z.number().int().optional(),
  file_url: z.string().optional(),
  file_type: z.string().optional(),
});

export const agentSchema: z.ZodType<WireAgent> = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  description: z.string().optional(),
  project: z.number().int(),
  language: z.string().optional(),
  telephony: jsonObject.nullable().optional(),
  provider: jsonObject.nullable().optional(),
  agent_speaks_first: z.boolean().nullable().optional(),
  webhook_url: z.string().nullable().optional(),
  webhook_secret_configured: parsedJson.optional(),
  knowledge_base_files: z.array(knowledgeBaseFileSchema).optional(),
  mock_tools: z.array(mockToolSchema).optional(),
  mock_tools_enabled: z.boolean().optional(),
  mock_tools_provider: z.string().nullable().optional(),
  dynamic_variables: z.array(dynamicVariableSchema).optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});

/** A list response without pagination. */
export const agentListSchema = z.array(agentSchema);

/** A DRF page; `next` is an absolute URL or null (NOTES.md). */
export const agentPageSchema = z.looseObject({
  count: z.number().int().optional(),
  next: z.string().nullable().optional(),
  previous: z.string().nullable().optional(),
  results: z.array(agentSchema),
});

export const toggleStartedSchema = z.looseObject({ progress_id: z.string() });

// Only `status` is essential; the rest default as the progress page describes them when absent. A
// status other than `completed` or `failed` (the newer `queued`, or one not yet known) means the toggle
// still runs: apply keeps polling until its deadline, and shows the status as the server wrote it.
export const toggleProgressSchema: z.ZodType<ToggleProgress> = z
  .looseObject({
    status: z.string(),
    mock_enabled: z.boolean().nullable().default(null),
    mcp_endpoints: z
      .array(z.looseObject({ mock_index: z.number().int(), url: z.string(), tool_names: z.array(z.string()) }))
      .default([]),
    message: z.string().nullable().default(null),
    error: z.string().nullable().default(null),
  })
  .transform((progress): ToggleProgress => {
    if (progress.status === 'completed' || progress.status === 'failed' || progress.status === 'in_progress')
      return { ...progress, status: progress.status };
    return { ...progress, status: 'in_progress', message: progress.message ?? `Cekura reports "${progress.status}"` };
  });

/** The parsed body, or the first problems with their field paths: `results[3].mock_tools[0].name: …`. */
export function parseBody<T>(
  schema: z.ZodType<T>,
  body: unknown,
): { ok: true; value: T } | { ok: false; problem: string } {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const shown = result.error.issues.slice(0, 3).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = result.error.issues.length - shown.length;
  return { ok: false, problem: shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '') };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`))
    .join('');
}
