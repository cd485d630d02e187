import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importFromAppOrSelf } from '../src/backend_registry.js';

describe('backend packages installed by the application', () => {
  const cwd = process.cwd();
  let app: string | undefined;
  afterEach(() => {
    process.chdir(cwd);
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('are found from the working directory when vector-core cannot see them (pnpm isolated layout)', async () => {
    app = mkdtempSync(join(tmpdir(), 'engram-app-'));
    const pkg = join(app, 'node_modules', '@engram', 'vector-apponly');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(app, 'package.json'), '{"name":"app","private":true}');
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: '@engram/vector-apponly', exports: { '.': { require: './index.cjs' } } }),
    );
    writeFileSync(join(pkg, 'index.cjs'), 'exports.createBackend = () => "from the app";');
    process.chdir(app);
    const mod = (await importFromAppOrSelf('@engram/vector-apponly')) as { createBackend: () => string };
    expect(mod.createBackend()).toBe('from the app');
  });

  it('still report a package that neither vector-core nor the app has as missing', async () => {
    await expect(importFromAppOrSelf('@engram/vector-nowhere')).rejects.toMatchObject({ code: expect.stringMatching(/MODULE_NOT_FOUND/) });
  });
});
