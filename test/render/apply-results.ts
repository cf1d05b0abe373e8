import type { ApplyResult } from '../../src/apply/events.js';
import { applyResult, outcome } from './builders.js';

// Fixed apply results, one per rendering scenario.

/** A validation failure, a failed toggle, a completed enable with MCP endpoints, a skipped agent, Ctrl-C. */
export const applyResultWithFailures: ApplyResult = applyResult(
  [
    outcome('agent.billing-bot', 'update', 'failed', {
      id: 102,
      error: {
        operation: 'update',
        code: 'api_validation',
        message: 'Cekura rejected the update (400): Enter a valid phone number.\nmock_data rows need an output.',
        paths: ['/telephony/phone_number', '/mock_tools/get_order/mock_data/0/output'],
      },
    }),
    outcome('agent.custom-bot', 'no-op', 'failed', {
      id: 104,
      error: {
        operation: 'toggle',
        code: 'toggle_failed',
        message: 'Mock tools are not supported for provider custom',
      },
    }),
    outcome('agent.returns-bot', 'create', 'skipped'),
    outcome('agent.support-bot', 'create', 'applied', {
      id: 301,
      toggled: true,
      mcp_endpoints: [
        { mock_index: 1, url: 'https://mcp.cekura.ai/mock/301/1', tool_names: ['crm_lookup', 'get_order'] },
        { mock_index: 2, url: 'https://mcp.cekura.ai/mock/301/2', tool_names: ['refund'] },
      ],
    }),
  ],
  { backup_file: '.cekuraform/backups/staging-2025-01-02T03-04-05Z.json', interrupted: true },
);

/** Everything applied; no backup was needed. */
export const applyResultClean: ApplyResult = applyResult([
  outcome('agent.billing-bot', 'update', 'applied', { id: 102 }),
  outcome('agent.support-bot', 'create', 'applied', { id: 301, toggled: true }),
  outcome('agent[205]', 'delete', 'applied', { id: 205 }),
]);
