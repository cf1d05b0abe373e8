import type { WireAgent } from '../api/types.js';
import { CekuraformError } from '../errors.js';
import { AgentFailure, errorText, type AgentContext } from './context.js';

/**
 * Brings the agent's mock-tool mode to `enabled` the way Cekura's newer API does it: the agent's write
 * carried `mock_tools_enabled` (the plan put it in the body), so its response `written` shows whether it
 * took; an agent with nothing else to write gets one PATCH of the field alone. Throws `AgentFailure`
 * when the server keeps the old mode, which is what the pages' API does with this read-only field.
 */
export async function patchMockMode(
  context: AgentContext,
  id: number,
  enabled: boolean,
  written: WireAgent | undefined,
): Promise<void> {
  let agent = written;
  if (agent === undefined) {
    try {
      agent = await context.api.updateAgent(id, { mock_tools_enabled: enabled });
    } catch (error) {
      throw new AgentFailure({
        operation: 'toggle',
        code: error instanceof CekuraformError ? error.code : 'internal',
        message: `setting mock_tools_enabled failed: ${errorText(error)}`,
      });
    }
  }
  if (agent.mock_tools_enabled !== enabled) {
    throw new AgentFailure({
      operation: 'toggle',
      code: 'mock_mode_not_written',
      message:
        `Cekura answered mock_tools_enabled ${String(agent.mock_tools_enabled ?? 'absent')} after it was sent as ${String(enabled)}: ` +
        'this API keeps the field read-only (the toggle generation); run plan again, or plan with --mock-mode-via toggle',
    });
  }
  context.emit({ type: 'toggle_finished', address: context.address, enabled, mcp_endpoints: [] });
}
