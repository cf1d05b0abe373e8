import { describe, expect, it } from 'vitest';
import { locateFieldErrors, type LocatedFieldError } from '../../src/apply/field-errors.js';
import type { JsonObject, JsonValue } from '../../src/json.js';

const body: JsonObject = {
  name: 'Support Bot',
  provider: { type: 'vapi', credentials: {} },
  mock_tools: [{ id: 5, name: 'crm_lookup' }, { name: 'get_order' }],
  knowledge_base_files: [{ id: 9 }, { file_name: 'faq.pdf' }],
  tags: ['a', 'b'],
};

const cases: { name: string; errors: Record<string, JsonValue>; expected: LocatedFieldError[] }[] = [
  {
    name: 'a top-level field',
    errors: { name: ['This field is required.'] },
    expected: [{ pointer: '/name', messages: ['This field is required.'] }],
  },
  {
    name: 'a set item, by name',
    errors: { mock_tools: [{}, { name: ['Too long.'], description: ['Required.'] }] },
    expected: [
      { pointer: '/mock_tools/get_order/name', messages: ['Too long.'] },
      { pointer: '/mock_tools/get_order/description', messages: ['Required.'] },
    ],
  },
  {
    name: 'a knowledge-base file, by file name; by index when the body has no name',
    errors: {
      knowledge_base_files: [{ non_field_errors: ['Unknown file id.'] }, { file_name: ['Unsupported type.'] }],
    },
    expected: [
      { pointer: '/knowledge_base_files/0', messages: ['Unknown file id.'] },
      { pointer: '/knowledge_base_files/faq.pdf/file_name', messages: ['Unsupported type.'] },
    ],
  },
  {
    name: 'a nested object',
    errors: { provider: { credentials: { api_key: ['Invalid key.'] } } },
    expected: [{ pointer: '/provider/credentials/api_key', messages: ['Invalid key.'] }],
  },
  {
    name: 'a plain list, by index',
    errors: { tags: { '1': ['Not a valid tag.'] } },
    expected: [{ pointer: '/tags/1', messages: ['Not a valid tag.'] }],
  },
  {
    name: 'errors about the whole agent',
    errors: { non_field_errors: ['Agent limit reached.'] },
    expected: [{ pointer: '', messages: ['Agent limit reached.'] }],
  },
];

describe('locateFieldErrors', () => {
  it.each(cases)('locates $name', ({ errors, expected }) => {
    expect(locateFieldErrors(errors, body)).toEqual(expected);
  });
});
