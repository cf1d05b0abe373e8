import { describe, expect, it } from 'vitest';
import { manifestJsonSchema } from '../../src/manifest/json-schema.js';

const SCHEMA_FILE = '../../schema/manifest.schema.json';

describe('manifest JSON Schema', () => {
  it('matches the committed schema/manifest.schema.json', async () => {
    const text = `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
    await expect(
      text,
      'schema/manifest.schema.json is out of date: run `npx vitest run test/manifest/json-schema.test.ts -u` and commit it',
    ).toMatchFileSnapshot(SCHEMA_FILE);
  });

  it('is strict, asks secrets as ${env:NAME} and suggests open values', () => {
    const schema = manifestJsonSchema() as {
      additionalProperties: boolean;
      properties: { agents: { additionalProperties: AgentSchema } };
    };
    type AgentSchema = {
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, { pattern?: string; examples?: string[] }>;
    };
    const agent = schema.properties.agents.additionalProperties;
    expect(schema.additionalProperties).toBe(false);
    expect(agent.additionalProperties).toBe(false);
    expect(agent.required).toEqual(['name']);
    expect(new RegExp(agent.properties.webhook_secret!.pattern!).test('${env:WEBHOOK_SECRET}')).toBe(true);
    expect(new RegExp(agent.properties.webhook_secret!.pattern!).test('whsec_literal')).toBe(false);
    expect(agent.properties.language!.examples).toContain('en');
  });
});

describe('vars in non-string fields', () => {
  it('accepts a whole ${var.NAME} where a number or boolean goes, as the loader does, and nothing else there', () => {
    const schema = manifestJsonSchema() as {
      properties: { project: { anyOf: { type: string; pattern?: string }[] } };
    };
    const [number, variable] = schema.properties.project.anyOf;
    expect(number!.type).toBe('integer');
    expect(new RegExp(variable!.pattern!).test('${var.project}')).toBe(true);
    expect(new RegExp(variable!.pattern!).test('${env:PROJECT}')).toBe(false);
    expect(new RegExp(variable!.pattern!).test('42 ${var.project}')).toBe(false);
  });
});
