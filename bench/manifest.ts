// The benchmark's manifests: N agents shaped like a real team's, and the edit that changes 10% of them.

/** The project every benchmark agent lives in. */
export const BENCH_PROJECT = 42;
/** The provider key the manifests read with `${env:…}`; the emulator accepts any value. */
export const BENCH_SECRET_ENV = 'BENCH_VAPI_API_KEY';

export const TOOLS_PER_AGENT = 10;
export const MOCK_ROWS_PER_TOOL = 3;
export const VARIABLES_PER_AGENT = 3;

/** Which agents the edit touches, and how. */
export interface BenchEdit {
  /** Agent indexes (0-based) whose first tool's description and first variable's description change. */
  changed: number[];
  /** Of those, the agents whose mock-tool mode is flipped too. */
  flipped: number[];
}

/** The agent's address key; agents sort by index. */
export function agentKey(index: number): string {
  return `bench-${String(index).padStart(4, '0')}`;
}

/** The agent's `name` on Cekura. */
export function agentName(index: number): string {
  return `Bench Agent ${String(index).padStart(4, '0')}`;
}

/** Even agents start with mock tools on (a toggle after create); odd ones off (no toggle). */
export function isMockModeOn(index: number): boolean {
  return index % 2 === 0;
}

/** 10% of the agents (every tenth), and mock mode flipped on every fifth of those (2% of all, at least one). */
export function tenPercentEdit(count: number): BenchEdit {
  const changed: number[] = [];
  for (let index = 0; index < count; index += 10) changed.push(index);
  const flipped = changed.filter((_, position) => position % 5 === 0);
  return { changed, flipped };
}

/**
 * The manifest text of `count` agents, with `edit` applied when given. Written as a person writes
 * one (examples/agents.yaml): block style, each mock-data row's `input` and `output` as flow maps.
 */
export function benchManifest(count: number, edit?: BenchEdit): string {
  const changed = new Set(edit?.changed);
  const flipped = new Set(edit?.flipped);
  const lines = [`project: ${BENCH_PROJECT}`, 'agents:'];
  for (let index = 0; index < count; index++) lines.push(...agentLines(index, changed.has(index), flipped.has(index)));
  return lines.join('\n') + '\n';
}

function agentLines(index: number, isChanged: boolean, isFlipped: boolean): string[] {
  const revision = isChanged ? ' (revised)' : '';
  const lines = [
    `  ${agentKey(index)}:`,
    `    name: ${agentName(index)}`,
    `    description: Benchmark agent ${index} that answers order questions`,
    '    telephony:',
    '      inbound: false',
    '    provider:',
    '      type: vapi',
    `      agent_id: asst_bench_${index}`,
    '      credentials:',
    `        api_key: \${env:${BENCH_SECRET_ENV}}`,
    '    mock_tools:',
  ];
  for (let tool = 0; tool < TOOLS_PER_AGENT; tool++) {
    lines.push(
      `      - name: tool_${String(tool).padStart(2, '0')}`,
      `        description: Tool ${tool} of agent ${index}${tool === 0 ? revision : ''}`,
      '        mock_data:',
    );
    for (let row = 0; row < MOCK_ROWS_PER_TOOL; row++) {
      lines.push(
        `          - input: { order_id: A${row}-${index} }`,
        `            output: { status: ${row % 2 === 0 ? 'shipped' : 'processing'}, eta_days: ${row + tool} }`,
      );
    }
  }
  lines.push('    dynamic_variables:');
  for (let variable = 0; variable < VARIABLES_PER_AGENT; variable++) {
    lines.push(
      `      - name: var_${variable}`,
      `        description: Variable ${variable}${variable === 0 ? revision : ''}`,
    );
  }
  lines.push(`    mock_tools_enabled: ${isMockModeOn(index) !== isFlipped}`);
  return lines;
}
