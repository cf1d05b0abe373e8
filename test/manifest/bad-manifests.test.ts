import { describe, expect, it } from 'vitest';
import { fixtureIssues, loadError, loadFixture } from './helpers.js';

// Each fixture in test/fixtures/manifests/ breaks rules on purpose; the snapshot is the exact located issue list.

describe('bad manifests', () => {
  it('reports a YAML syntax error at its position', async () => {
    expect(await fixtureIssues(['syntax-error.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 5,
          "file": "syntax-error.yaml",
          "line": 6,
          "message": "flow sequence in block collection must be sufficiently indented and end with a ]",
          "path": "agents.support.description",
        },
      ]
    `);
  });

  it('hints at quoting an unquoted ${env:…} that breaks a flow mapping', async () => {
    expect(await fixtureIssues(['flow-reference.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 28,
          "file": "flow-reference.yaml",
          "hint": "quote values with \`\${…}\` inside \`{ … }\` or \`[ … ]\`: "\${env:NAME}"",
          "line": 5,
          "message": "unexpected flow-map-start at node end",
          "path": "agents.support.telephony.sip_uri",
        },
      ]
    `);
  });

  it('reports an alias without its anchor', async () => {
    expect(await fixtureIssues(['unresolved-alias.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 15,
          "file": "unresolved-alias.yaml",
          "line": 5,
          "message": "unresolved alias (the anchor must be set before the alias): vapi_defaults",
          "path": "agents.support.provider",
        },
      ]
    `);
  });

  it('wants one YAML document per file', async () => {
    expect(await fixtureIssues(['two-documents.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 1,
          "file": "two-documents.yaml",
          "hint": "put each document after \`---\` in a file of its own, and pass their directory with -f",
          "line": 3,
          "message": "a manifest file holds one YAML document",
          "path": "",
        },
      ]
    `);
  });

  it('reports a duplicate mapping key with the first occurrence', async () => {
    expect(await fixtureIssues(['duplicate-key.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 5,
          "file": "duplicate-key.yaml",
          "hint": "a key may appear once in a mapping; YAML would silently keep only the last one",
          "line": 7,
          "message": "duplicate key \`description\` (first at line 5)",
          "path": "agents.support.description",
        },
      ]
    `);
  });

  it('refuses unknown keys with a did-you-mean or the place they belong', async () => {
    expect(await fixtureIssues(['unknown-keys.yaml'], { VAPI_API_KEY: 'k' })).toMatchInlineSnapshot(`
      [
        {
          "col": 1,
          "file": "unknown-keys.yaml",
          "hint": "did you mean \`project\`?",
          "line": 1,
          "message": "unknown key \`projects\`",
          "path": "projects",
        },
        {
          "col": 5,
          "file": "unknown-keys.yaml",
          "hint": "did you mean \`mock_tools\`?",
          "line": 6,
          "message": "unknown key \`mock_tool\`",
          "path": "agents.support.mock_tool",
        },
        {
          "col": 5,
          "file": "unknown-keys.yaml",
          "hint": "\`inbound\` belongs under \`telephony\`",
          "line": 8,
          "message": "unknown key \`inbound\`",
          "path": "agents.support.inbound",
        },
        {
          "col": 5,
          "file": "unknown-keys.yaml",
          "hint": "\`phone_number\` belongs under \`telephony\`",
          "line": 9,
          "message": "unknown key \`phone_number\`",
          "path": "agents.support.phone_number",
        },
        {
          "col": 7,
          "file": "unknown-keys.yaml",
          "hint": "\`api_key\` belongs under \`provider.credentials\`",
          "line": 12,
          "message": "unknown key \`api_key\`",
          "path": "agents.support.provider.api_key",
        },
        {
          "col": 9,
          "file": "unknown-keys.yaml",
          "hint": "did you mean \`description\`?",
          "line": 15,
          "message": "unknown key \`descripton\`",
          "path": "agents.support.mock_tools[0].descripton",
        },
        {
          "col": 37,
          "file": "unknown-keys.yaml",
          "hint": "did you mean \`mock_index\`?",
          "line": 16,
          "message": "unknown key \`mock_idx\`",
          "path": "agents.support.mock_tools[0].served_via.mock_idx",
        },
      ]
    `);
  });

  it('says what type was expected, with a fix for YAML scalars', async () => {
    expect(await fixtureIssues(['wrong-types.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 10,
          "file": "wrong-types.yaml",
          "hint": "remove the quotes",
          "line": 1,
          "message": "expected a number, got a string",
          "path": "project",
        },
        {
          "col": 8,
          "file": "wrong-types.yaml",
          "hint": "write \`true\` or \`false\`",
          "line": 2,
          "message": "expected true or false, got a string",
          "path": "prune",
        },
        {
          "col": 25,
          "file": "wrong-types.yaml",
          "hint": "write \`true\` or \`false\`",
          "line": 6,
          "message": "expected true or false, got a string",
          "path": "agents.support.agent_speaks_first",
        },
        {
          "col": 16,
          "file": "wrong-types.yaml",
          "hint": "remove the quotes",
          "line": 8,
          "message": "expected true or false, got a string",
          "path": "agents.support.telephony.inbound",
        },
        {
          "col": 21,
          "file": "wrong-types.yaml",
          "hint": "quote it: "+14155551234"",
          "line": 9,
          "message": "expected a string, got a whole number",
          "path": "agents.support.telephony.phone_number",
        },
        {
          "col": 17,
          "file": "wrong-types.yaml",
          "hint": "quote it: "12345"",
          "line": 11,
          "message": "expected a string, got a whole number",
          "path": "agents.support.provider.agent_id",
        },
        {
          "col": 51,
          "file": "wrong-types.yaml",
          "hint": "did you mean \`eu\`?",
          "line": 12,
          "message": "expected \`us\` or \`eu\`",
          "path": "agents.support.provider.credentials.config.elevenlabs_region",
        },
        {
          "col": 5,
          "file": "wrong-types.yaml",
          "hint": "write \`[]\` for an empty list",
          "line": 13,
          "message": "expected a list, got null",
          "path": "agents.support.mock_tools",
        },
        {
          "col": 24,
          "file": "wrong-types.yaml",
          "line": 14,
          "message": "expected a list, got a mapping",
          "path": "agents.support.dynamic_variables",
        },
      ]
    `);
  });

  it('checks served_via: mcp needs mock_index >= 1, direct takes none', async () => {
    expect(await fixtureIssues(['served-via.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 9,
          "file": "served-via.yaml",
          "hint": "tools with the same \`mock_index\` share one MCP endpoint",
          "line": 7,
          "message": "\`type: mcp\` needs \`mock_index\` (a whole number from 1)",
          "path": "agents.support.mock_tools[0].served_via.mock_index",
        },
        {
          "col": 49,
          "file": "served-via.yaml",
          "hint": "add \`type: mcp\`, or remove \`mock_index\`",
          "line": 9,
          "message": "\`mock_index\` is only for \`type: mcp\`",
          "path": "agents.support.mock_tools[1].served_via.mock_index",
        },
        {
          "col": 29,
          "file": "served-via.yaml",
          "hint": "did you mean \`mcp\`?",
          "line": 11,
          "message": "expected \`direct\` or \`mcp\`",
          "path": "agents.support.mock_tools[2].served_via.type",
        },
        {
          "col": 23,
          "file": "served-via.yaml",
          "line": 15,
          "message": "must be at least 1",
          "path": "agents.support.mock_tools[3].served_via.mock_index",
        },
        {
          "col": 46,
          "file": "served-via.yaml",
          "line": 17,
          "message": "expected a whole number, got a number with a fraction",
          "path": "agents.support.mock_tools[4].served_via.mock_index",
        },
      ]
    `);
  });

  it('refuses duplicate tools, variables, mock inputs and knowledge-base names, and bad tool names', async () => {
    expect(await fixtureIssues(['duplicates.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 20,
          "file": "duplicates.yaml",
          "hint": "two rows with the same input would be ambiguous; Cekura rejects them",
          "line": 10,
          "message": "duplicate mock_data input (first at line 8)",
          "path": "agents.support.mock_tools[0].mock_data[1].input",
        },
        {
          "col": 15,
          "file": "duplicates.yaml",
          "hint": "each mock tool name may appear once in an agent",
          "line": 12,
          "message": "duplicate mock tool name \`get_order\` (first at line 6)",
          "path": "agents.support.mock_tools[1].name",
        },
        {
          "col": 15,
          "file": "duplicates.yaml",
          "line": 13,
          "message": "a mock tool name has 1 to 63 letters, digits, \`_\` or \`-\`",
          "path": "agents.support.mock_tools[2].name",
        },
        {
          "col": 15,
          "file": "duplicates.yaml",
          "hint": "each dynamic variable name may appear once in an agent",
          "line": 16,
          "message": "duplicate dynamic variable name \`customer_name\` (first at line 15)",
          "path": "agents.support.dynamic_variables[1].name",
        },
        {
          "col": 9,
          "file": "duplicates.yaml",
          "hint": "each knowledge-base file name may appear once in an agent",
          "line": 20,
          "message": "duplicate knowledge-base file name \`faq.md\` (first at line 19)",
          "path": "agents.support.knowledge_base_files[1]",
        },
      ]
    `);
  });

  it('requires the credential keys of the provider when credentials are given', async () => {
    expect(await fixtureIssues(['credentials.yaml'], { LIVEKIT_API_KEY: 'k' })).toMatchInlineSnapshot(`
      [
        {
          "col": 9,
          "file": "credentials.yaml",
          "hint": "add \`api_secret:\` under \`config:\`",
          "line": 9,
          "message": "a \`livekit\` provider needs \`credentials.config.api_secret\`",
          "path": "agents.concierge.provider.credentials.config.api_secret",
        },
        {
          "col": 9,
          "file": "credentials.yaml",
          "hint": "add \`url:\` under \`config:\`",
          "line": 9,
          "message": "a \`livekit\` provider needs \`credentials.config.url\`",
          "path": "agents.concierge.provider.credentials.config.url",
        },
        {
          "col": 7,
          "file": "credentials.yaml",
          "hint": "add \`api_key:\` under \`credentials:\`",
          "line": 15,
          "message": "a \`vapi\` provider needs \`credentials.api_key\`",
          "path": "agents.sales.provider.credentials.api_key",
        },
      ]
    `);
  });

  it('refuses secrets that are not exactly ${env:NAME}, without printing them', async () => {
    const issues = await fixtureIssues(['secrets.yaml'], { VAPI_API_KEY: 'k' });
    expect(JSON.stringify(issues)).not.toMatch(/whsec_literal_value|12345678/);
    expect(issues).toMatchInlineSnapshot(`
      [
        {
          "col": 21,
          "file": "secrets.yaml",
          "hint": "write \`webhook_secret: \${env:SUPPORT_WEBHOOK_SECRET}\` and set SUPPORT_WEBHOOK_SECRET in the environment",
          "line": 6,
          "message": "\`webhook_secret\` is a secret and must be exactly \`\${env:NAME}\`: secrets do not belong in Git",
          "path": "agents.support.webhook_secret",
        },
        {
          "col": 18,
          "file": "secrets.yaml",
          "hint": "write \`api_key: \${env:SUPPORT_API_KEY}\` and set SUPPORT_API_KEY in the environment",
          "line": 10,
          "message": "\`api_key\` is a secret and must be exactly \`\${env:NAME}\`: secrets do not belong in Git",
          "path": "agents.support.provider.credentials.api_key",
        },
        {
          "col": 19,
          "file": "secrets.yaml",
          "hint": "write \`password: \${env:SUPPORT_PASSWORD}\` and set SUPPORT_PASSWORD in the environment",
          "line": 14,
          "message": "\`password\` is a secret and must be exactly \`\${env:NAME}\`: secrets do not belong in Git",
          "path": "agents.support.telephony.sip_auth.password",
        },
        {
          "col": 53,
          "file": "secrets.yaml",
          "hint": "write \`password: \${env:SUPPORT_PASSWORD}\` and set SUPPORT_PASSWORD in the environment",
          "line": 15,
          "message": "\`password\` is a secret and must be exactly \`\${env:NAME}\`: secrets do not belong in Git",
          "path": "agents.support.telephony.websocket_auth.password",
        },
      ]
    `);
  });

  it('reports unset variables, unknown references and bad names in ${…}', async () => {
    expect(await fixtureIssues(['references.yaml'], { STAGE: 'prod' })).toMatchInlineSnapshot(`
      [
        {
          "col": 18,
          "file": "references.yaml",
          "hint": "a var is written \`\${var.region}\`",
          "line": 5,
          "message": "unknown reference \`\${var:region}\`: only \`\${env:NAME}\` and \`\${var.NAME}\` are supported",
          "path": "agents.support.description",
        },
        {
          "col": 18,
          "file": "references.yaml",
          "line": 5,
          "message": "\`\${env:1BAD}\`: an environment variable name has letters, digits and \`_\`, and does not start with a digit",
          "path": "agents.support.description",
        },
        {
          "col": 18,
          "file": "references.yaml",
          "hint": "set MISSING_ONE before running cekuraform",
          "line": 5,
          "message": "environment variable MISSING_ONE is not set",
          "path": "agents.support.description",
        },
        {
          "col": 27,
          "file": "references.yaml",
          "hint": "close it with \`}\`, or write \`$\${\` for a literal \`\${\`",
          "line": 6,
          "message": "unterminated \`\${\`",
          "path": "agents.support.telephony.sip_uri",
        },
        {
          "col": 17,
          "file": "references.yaml",
          "hint": "set AGENT_PREFIX before running cekuraform",
          "line": 8,
          "message": "environment variable AGENT_PREFIX is not set",
          "path": "agents.support.provider.agent_id",
        },
      ]
    `);
  });

  it('checks agent keys, names and top-level settings', async () => {
    expect(await fixtureIssues(['agent-keys.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 14,
          "file": "agent-keys.yaml",
          "line": 2,
          "message": "must be at least 0",
          "path": "max_deletes",
        },
        {
          "col": 3,
          "file": "agent-keys.yaml",
          "line": 4,
          "message": "an agent key starts with a letter or digit and has only letters, digits, \`_\` or \`-\`",
          "path": "agents["-support"]",
        },
        {
          "col": 3,
          "file": "agent-keys.yaml",
          "line": 6,
          "message": "an agent key starts with a letter or digit and has only letters, digits, \`_\` or \`-\`",
          "path": "agents["support bot"]",
        },
        {
          "col": 11,
          "file": "agent-keys.yaml",
          "line": 9,
          "message": "must be at most 255 characters",
          "path": "agents.long-name.name",
        },
      ]
    `);
  });

  it('requires a project for every agent and a name', async () => {
    expect(await fixtureIssues(['no-project.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 3,
          "file": "no-project.yaml",
          "hint": "set \`project:\` on the agent, or at the top of the file for all of its agents",
          "line": 2,
          "message": "agent \`orphan\` has no project",
          "path": "agents.orphan.project",
        },
        {
          "col": 3,
          "file": "no-project.yaml",
          "line": 4,
          "message": "\`name\` is required (a string)",
          "path": "agents.nameless.name",
        },
      ]
    `);
  });

  it('wants agents as a mapping by key', async () => {
    expect(await fixtureIssues(['agents-list.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 1,
          "file": "agents-list.yaml",
          "line": 2,
          "message": "expected a mapping, got a list",
          "path": "agents",
        },
      ]
    `);
  });

  it('refuses two agents with the same name in one project', async () => {
    expect(await fixtureIssues(['same-names.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 11,
          "file": "same-names.yaml",
          "hint": "cekuraform finds agents by name in a project; give each its own name",
          "line": 6,
          "message": "agent \`support\` (same-names.yaml:3:3) in project 42 has the same name \`Support Bot\`",
          "path": "agents.support-copy.name",
        },
      ]
    `);
  });

  it('checks knowledge-base files: extension, existence, not a directory', async () => {
    expect(await fixtureIssues(['knowledge-base.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 15,
          "file": "knowledge-base.yaml",
          "hint": "paths are relative to the manifest file's directory",
          "line": 7,
          "message": "knowledge-base file \`kb/missing.md\` not found",
          "path": "agents.support.knowledge_base_files[1].path",
        },
        {
          "col": 15,
          "file": "knowledge-base.yaml",
          "line": 8,
          "message": "\`notes.docx\`: a knowledge-base file must be .pdf, .txt, .json, .csv, .xml or .md",
          "path": "agents.support.knowledge_base_files[2].path",
        },
        {
          "col": 20,
          "file": "knowledge-base.yaml",
          "line": 10,
          "message": "\`faq.docx\`: a knowledge-base file must be .pdf, .txt, .json, .csv, .xml or .md",
          "path": "agents.support.knowledge_base_files[3].file_name",
        },
        {
          "col": 15,
          "file": "knowledge-base.yaml",
          "line": 11,
          "message": "\`kb\`: a knowledge-base file must be .pdf, .txt, .json, .csv, .xml or .md",
          "path": "agents.support.knowledge_base_files[4].path",
        },
        {
          "col": 15,
          "file": "knowledge-base.yaml",
          "line": 11,
          "message": "knowledge-base file \`kb\` is a directory",
          "path": "agents.support.knowledge_base_files[4].path",
        },
      ]
    `);
  });

  it('reports the issues of all files at once, in file order', async () => {
    const error = await loadError(loadFixture(['served-via.yaml', 'same-names.yaml', 'syntax-error.yaml']));
    expect(error.message).toBe('manifest has 7 errors');
    const { issues } = error;
    expect(issues.map((issue) => `${issue.file}:${issue.line}:${issue.col}`)).toMatchInlineSnapshot(`
      [
        "served-via.yaml:7:9",
        "served-via.yaml:9:49",
        "served-via.yaml:11:29",
        "served-via.yaml:15:23",
        "served-via.yaml:17:46",
        "same-names.yaml:6:11",
        "syntax-error.yaml:6:5",
      ]
    `);
  });
});

describe('names Cekura would trim (issue 11, item 3)', () => {
  it('refuses a name with leading or trailing whitespace, located, since lost-create recovery looks agents up by name', async () => {
    expect(await fixtureIssues(['padded-names.yaml'])).toMatchInlineSnapshot(`
      [
        {
          "col": 11,
          "file": "padded-names.yaml",
          "line": 4,
          "message": "a name has no leading or trailing whitespace (Cekura trims it)",
          "path": "agents.support.name",
        },
        {
          "col": 15,
          "file": "padded-names.yaml",
          "line": 7,
          "message": "a name has no leading or trailing whitespace (Cekura trims it)",
          "path": "agents.support.dynamic_variables[0].name",
        },
        {
          "col": 20,
          "file": "padded-names.yaml",
          "line": 10,
          "message": "a name has no leading or trailing whitespace (Cekura trims it)",
          "path": "agents.support.knowledge_base_files[0].file_name",
        },
      ]
    `);
  });
});
