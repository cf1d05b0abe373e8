import { describe, expect, it } from 'vitest';
import { normalizeAgent } from '../../src/state/normalize.js';
import { wireAgent, wireTool } from '../plan/builders.js';

describe('normalizeAgent', () => {
  it('drops server-computed fields, keys sets by name and keeps ids apart', () => {
    const live = normalizeAgent(
      wireAgent(303, {
        name: 'Support Bot',
        mock_tools: [
          wireTool(2, 'crm_lookup', {
            served_via: { type: 'mcp', mock_index: 1, url: 'https://api.cekura.ai/x/mcp/1/' },
            is_shared: true,
            subscriber_count: 4,
          }),
          wireTool(1, 'get_order', {
            mock_data: [
              { input: { id: 'B' }, output: 2 },
              { input: { id: 'A' }, output: 1 },
            ],
          }),
        ],
        dynamic_variables: [{ id: 10, name: 'customer_name', description: 'Caller name' }],
        knowledge_base_files: [
          { id: 5, file_name: 'faq.md', file_size: 12, file_url: 'https://files/faq.md', file_type: 'text/markdown' },
        ],
      }),
    );
    expect(live.doc.mock_tools).toEqual({
      crm_lookup: { name: 'crm_lookup', description: '', mock_data: [], served_via: { type: 'mcp', mock_index: 1 } },
      get_order: {
        name: 'get_order',
        description: '',
        mock_data: [
          { input: { id: 'A' }, output: 1 },
          { input: { id: 'B' }, output: 2 },
        ],
        served_via: { type: 'direct' },
      },
    });
    expect(live.doc.dynamic_variables).toEqual({
      customer_name: { name: 'customer_name', description: 'Caller name' },
    });
    expect(live.doc.knowledge_base_files).toEqual({ 'faq.md': { file_name: 'faq.md', file_size: 12 } });
    expect(live.item_ids).toEqual({
      mock_tools: { crm_lookup: 2, get_order: 1 },
      dynamic_variables: { customer_name: 10 },
      knowledge_base_files: { 'faq.md': 5 },
    });
    expect(live.shared_tools).toEqual({ crm_lookup: 4 });
    expect(live.doc).not.toHaveProperty('created_at');
  });

  it('fills the defaults a server may leave out', () => {
    const live = normalizeAgent({ id: 1, name: 'Bare', description: 'd', project: 42 });
    expect(live.doc).toEqual({
      name: 'Bare',
      description: 'd',
      language: 'en',
      agent_speaks_first: null,
      telephony: { inbound: false },
      provider: {},
      webhook_url: null,
      mock_tools: {},
      dynamic_variables: {},
      knowledge_base_files: {},
    });
    expect(live.mock_tools_enabled).toBe(false);
  });

  it('removes any secret a server echoes', () => {
    const live = normalizeAgent(
      wireAgent(1, {
        name: 'Leaky',
        webhook_secret: 'whsec',
        provider: { type: 'livekit', credentials: { api_key: 'k', config: { api_secret: 's', url: 'wss://x' } } },
        telephony: { inbound: true, sip_auth: { username: 'u', password: 'p' } },
      }),
    );
    expect(JSON.stringify(live)).not.toMatch(/whsec|"k"|"s"|"p"/);
    expect(live.doc.provider).toEqual({ type: 'livekit', credentials: { config: { url: 'wss://x' } } });
  });
});
