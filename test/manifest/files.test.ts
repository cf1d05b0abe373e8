import { createHash } from 'node:crypto';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CekuraformError } from '../../src/errors.js';
import { loadManifest } from '../../src/manifest/load.js';
import { inTempDir, loadError } from './helpers.js';

const agent = (key: string, name = key) => `  ${key}:\n    name: ${name}\n`;

describe('manifest files', () => {
  it('reads the yaml files directly in a directory, sorted by name, as one manifest', async () => {
    const files = {
      'agents/b.yml': `project: 2\nagents:\n${agent('bravo')}`,
      'agents/a.yaml': `project: 1\nprune: true\nmax_deletes: 3\nagents:\n${agent('alpha')}${agent('charlie')}`,
      'agents/notes.txt': 'not a manifest',
      'agents/nested/c.yaml': 'this: [is not read',
    };
    const manifest = await inTempDir(files, (cwd) => loadManifest({ paths: ['agents'], cwd, env: {} }));
    expect(manifest.files).toEqual([join('agents', 'a.yaml'), join('agents', 'b.yml')]);
    expect(manifest.agents.map((a) => [a.key, a.project, a.location.file])).toEqual([
      ['alpha', 1, join('agents', 'a.yaml')],
      ['bravo', 2, join('agents', 'b.yml')],
      ['charlie', 1, join('agents', 'a.yaml')],
    ]);
    expect(manifest.projects).toEqual([1, 2]);
    expect(manifest.prune).toBe(true);
    expect(manifest.max_deletes).toBe(3);
    expect(manifest.warnings).toEqual([]);
  });

  it('reads a file given twice (alone and through its directory) once', async () => {
    const manifest = await inTempDir({ 'm/a.yaml': `project: 1\nagents:\n${agent('alpha')}` }, (cwd) =>
      loadManifest({ paths: ['m/a.yaml', 'm'], cwd, env: {} }),
    );
    expect(manifest.files).toEqual(['m/a.yaml']);
  });

  describe('symbolic links in a directory (issue 11, item 5)', () => {
    const linked = async (links: Record<string, string>, use: (cwd: string) => Promise<unknown>) =>
      inTempDir(
        {
          'agents/a.yaml': `project: 1\nagents:\n${agent('alpha')}`,
          'shared/b.yaml': `project: 1\nagents:\n${agent('bravo')}`,
        },
        async (cwd) => {
          for (const [link, target] of Object.entries(links)) await symlink(target, join(cwd, link));
          return use(cwd);
        },
      );

    it('reads a linked yaml file like any other, and a file reached twice once', async () => {
      const manifest = (await linked({ 'agents/b.yaml': '../shared/b.yaml', 'agents/c.yaml': 'a.yaml' }, (cwd) =>
        loadManifest({ paths: ['agents'], cwd, env: {} }),
      )) as Awaited<ReturnType<typeof loadManifest>>;
      expect(manifest.agents.map((a) => [a.key, a.location.file])).toEqual([
        ['alpha', join('agents', 'a.yaml')],
        ['bravo', join('agents', 'b.yaml')],
      ]);
    });

    it.each([
      { name: 'broken', target: 'missing.yaml', message: 'leads to nothing (a broken link)' },
      { name: 'looping', target: 'c.yaml', message: 'loops' },
    ])('refuses a $name link, naming it', async ({ target, message }) => {
      const error = await linked({ 'agents/c.yaml': target }, (cwd) =>
        loadManifest({ paths: ['agents'], cwd, env: {} }).then(
          () => undefined,
          (thrown: unknown) => thrown,
        ),
      );
      expect(error).toBeInstanceOf(CekuraformError);
      expect((error as CekuraformError).code).toBe('manifest_unreadable');
      expect((error as CekuraformError).message).toContain(`${join('agents', 'c.yaml')}: the symbolic link ${message}`);
    });
  });

  it('refuses an agent key defined in two files, naming both', async () => {
    const files = {
      'a.yaml': `project: 1\nagents:\n${agent('support')}`,
      'b.yaml': `project: 1\nagents:\n${agent('other')}${agent('support', 'Support 2')}`,
    };
    const error = await inTempDir(files, (cwd) =>
      loadError(loadManifest({ paths: ['a.yaml', 'b.yaml'], cwd, env: {} })),
    );
    expect(error.issues).toMatchInlineSnapshot(`
      [
        {
          "col": 3,
          "file": "b.yaml",
          "hint": "an agent key may appear in one file only",
          "line": 5,
          "message": "agent \`support\` is also defined at a.yaml:3:3",
          "path": "agents.support",
        },
      ]
    `);
  });

  it('refuses a manifest-wide setting given differently in two files', async () => {
    const files = {
      'a.yaml': `prune: true\nmax_deletes: 1\nagents: {}\n`,
      'b.yaml': `prune: false\nmax_deletes: 1\nproject: 3\nagents: {}\n`,
    };
    const error = await inTempDir(files, (cwd) => loadError(loadManifest({ paths: ['.'], cwd, env: {} })));
    expect(error.issues).toMatchInlineSnapshot(`
      [
        {
          "col": 1,
          "file": "b.yaml",
          "hint": "give \`prune\` once, or the same value in every file",
          "line": 1,
          "message": "\`prune: false\` disagrees with \`prune: true\` at a.yaml:1:1",
          "path": "prune",
        },
      ]
    `);
  });

  it('allows the same agent name in different projects', async () => {
    const files = {
      'a.yaml': `project: 1\nagents:\n${agent('one', 'Support')}`,
      'b.yaml': `project: 2\nagents:\n${agent('two', 'Support')}`,
    };
    const manifest = await inTempDir(files, (cwd) => loadManifest({ paths: ['.'], cwd, env: {} }));
    expect(manifest.agents.map((a) => a.doc.name)).toEqual(['Support', 'Support']);
  });

  it('loads an empty file as a manifest without agents', async () => {
    const manifest = await inTempDir({ 'cekura.yaml': '# nothing yet\n' }, (cwd) =>
      loadManifest({ paths: [], cwd, env: {} }),
    );
    expect(manifest).toMatchObject({ files: ['cekura.yaml'], agents: [], projects: [], prune: false });
  });

  describe('default discovery', () => {
    it.each(['cekura.yaml', 'agents.yaml'])('finds %s in the working directory', async (name) => {
      const manifest = await inTempDir({ [name]: `project: 1\nagents:\n${agent('alpha')}` }, (cwd) =>
        loadManifest({ paths: [], cwd, env: {} }),
      );
      expect(manifest.files).toEqual([name]);
    });

    it('asks for -f when both are there', async () => {
      const files = { 'cekura.yaml': 'agents: {}\n', 'agents.yaml': 'agents: {}\n' };
      const error = await inTempDir(files, (cwd) =>
        loadManifest({ paths: [], cwd, env: {} }).catch((caught: unknown) => caught),
      );
      expect(error).toBeInstanceOf(CekuraformError);
      expect(error).toMatchObject({ code: 'manifest_ambiguous', hint: 'choose one with -f FILE' });
    });

    it('says what it looked for when neither is there', async () => {
      const error = await inTempDir({}, (cwd) =>
        loadManifest({ paths: [], cwd, env: {} }).catch((caught: unknown) => caught),
      );
      expect(error).toMatchObject({
        code: 'manifest_not_found',
        message: expect.stringContaining('looked for cekura.yaml and agents.yaml in '),
      });
    });
  });

  it.each([
    { paths: ['missing.yaml'], message: 'manifest not found: missing.yaml' },
    { paths: ['empty'], message: 'no *.yaml or *.yml files in empty' },
  ])('refuses $paths: $message', async ({ paths, message }) => {
    const error = await inTempDir({ 'empty/readme.md': '' }, (cwd) =>
      loadManifest({ paths, cwd, env: {} }).catch((caught: unknown) => caught),
    );
    expect(error).toMatchObject({ code: 'manifest_not_found', message });
  });

  it('reads knowledge-base files relative to their manifest file', async () => {
    const content = 'Q: Where is my order?\n';
    const files = {
      'config/agents.yaml':
        'project: 1\nagents:\n  support:\n    name: Support\n    knowledge_base_files:\n      - path: docs/faq.md\n      - { path: docs/faq.md, file_name: orders.md }\n',
      'config/docs/faq.md': content,
    };
    const { manifest, dir } = await inTempDir(files, async (cwd) => ({
      manifest: await loadManifest({ paths: ['config/agents.yaml'], cwd, env: {} }),
      dir: cwd,
    }));
    const sha256 = createHash('sha256').update(content).digest('hex');
    const [support] = manifest.agents;
    expect(support!.doc.knowledge_base_files).toEqual({
      'faq.md': { file_name: 'faq.md', file_size: content.length },
      'orders.md': { file_name: 'orders.md', file_size: content.length },
    });
    expect(support!.knowledge_base_sources['faq.md']).toEqual({
      path: join(dir, 'config/docs/faq.md'),
      sha256,
      size: content.length,
    });
    expect(support!.locateField('/knowledge_base_files/orders.md')?.line).toBe(7);
  });

  it('changes the hash when a knowledge-base file changes', async () => {
    const manifest =
      'project: 1\nagents:\n  support:\n    name: Support\n    knowledge_base_files: [{ path: faq.md }]\n';
    const load = (content: string) =>
      inTempDir({ 'cekura.yaml': manifest, 'faq.md': content }, (cwd) => loadManifest({ paths: [], cwd, env: {} }));
    expect((await load('one')).hash).not.toBe((await load('two')).hash);
  });
});
