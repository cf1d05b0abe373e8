import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { asCekuraformError, renderErrorJson, renderErrorText } from '../../src/cli/errors.js';
import { CekuraformError } from '../../src/errors.js';
import { ManifestError } from '../../src/manifest/types.js';
import { createStyle } from '../../src/render/style.js';

const plain = createStyle(false);

describe('error rendering', () => {
  it('a manifest error lists every located issue, then says nothing was sent', () => {
    const error = new ManifestError([
      {
        file: 'agents.yaml',
        line: 6,
        col: 5,
        path: 'agents.bot.mock_tool',
        message: 'unknown key `mock_tool`',
        hint: 'did you mean `mock_tools`?',
      },
      { file: 'agents.yaml', line: 1, col: 1, path: '', message: 'the file holds several YAML documents' },
    ]);
    expect(renderErrorText(error, plain, false)).toBe(
      [
        'error: agents.bot.mock_tool: unknown key `mock_tool`',
        '  at agents.yaml:6:5',
        'hint: did you mean `mock_tools`?',
        'error: the file holds several YAML documents',
        '  at agents.yaml:1:1',
        'manifest has 2 errors; nothing was sent.',
        '',
      ].join('\n'),
    );
  });

  it('other errors: message and hint, no stack trace', () => {
    const error = new CekuraformError('state_locked', 'the state record is locked by process 12 on ci-1', {
      hint: 'cekuraform force-unlock',
    });
    expect(renderErrorText(error, plain, false)).toBe(
      'error: the state record is locked by process 12 on ci-1\nhint: cekuraform force-unlock\n',
    );
  });

  it('an unexpected error is reported as a bug, with its stack only when debugging', () => {
    const error = asCekuraformError(new TypeError('x is undefined'));
    expect(error.code).toBe('internal');
    expect(renderErrorText(error, plain, false)).not.toContain('at ');
    expect(renderErrorText(error, plain, true)).toContain('TypeError: x is undefined');
  });

  it('the JSON form carries code, message and meta', () => {
    const error = new ApiError('api_validation', {
      operation: 'creating agent "Bot"',
      method: 'POST',
      path: '/test_framework/v2/aiagents/',
      status: 400,
      fieldErrors: { name: ['This field is required.'] },
      maybeCommitted: false,
    });
    expect(JSON.parse(renderErrorJson(error))).toEqual({
      status: 'error',
      error: {
        code: 'api_validation',
        message: error.message,
        meta: {
          operation: 'creating agent "Bot"',
          method: 'POST',
          path: '/test_framework/v2/aiagents/',
          status: 400,
          field_errors: { name: ['This field is required.'] },
        },
      },
    });
  });
});
