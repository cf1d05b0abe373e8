import { describe, expect, it } from 'vitest';
import { displayPath, displayValue, oneLine } from '../../src/render/values.js';

describe('displayPath', () => {
  it.each([
    ['/provider/credentials/api_key', 'provider.credentials.api_key'],
    ['/mock_tools/get_order/mock_data/0/output', 'mock_tools["get_order"].mock_data[0].output'],
    ['/mock_tools/get_order', 'mock_tools["get_order"]'],
    ['/knowledge_base_files/faq.pdf/content_sha256', 'knowledge_base_files["faq.pdf"].content_sha256'],
    ['/provider/config/x-api-version', 'provider.config["x-api-version"]'],
    ['/mock_tools/a~1b/description', 'mock_tools["a/b"].description'],
    ['/name', 'name'],
  ])('%s → %s', (pointer, shown) => {
    expect(displayPath(pointer)).toBe(shown);
  });
});

describe('displayValue', () => {
  it('shows short values as JSON', () => {
    expect(displayValue('+14155551234')).toBe('"+14155551234"');
    expect(displayValue({ status: 'shipped' })).toBe('{"status":"shipped"}');
    expect(displayValue(null)).toBe('null');
  });

  it('shows long values whole, on one line', () => {
    expect(displayValue('x'.repeat(200))).toBe(`"${'x'.repeat(200)}"`);
    const big = { rows: Array.from({ length: 40 }, (_, index) => index) };
    expect(displayValue(big)).toBe(JSON.stringify(big));
    expect(displayValue('a\nb\u001b[31m')).toBe('"a\\nb\\u001b[31m"');
  });

  it('hides sensitive values and marks unknown ones', () => {
    expect(displayValue('(sensitive value)', true)).toBe('(sensitive value)');
    expect(displayValue(undefined)).toBe('(unknown)');
  });
});

describe('oneLine', () => {
  it('turns line breaks and escape characters into spaces', () => {
    expect(oneLine('bad\nrequest\u001b[31m ')).toBe('bad request [31m');
  });
});
