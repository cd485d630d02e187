#!/usr/bin/env node
// Makes faiss-node's native binding loadable for @engram/vector-faiss, or says why it cannot.
//
// faiss-node is an optional dependency: `pnpm install` tries to build it (our patch makes its
// install script `cmake-js compile` against the system faiss) and carries on when that fails,
// so users who never use FAISS get a clean install. This script, run by the root `pretest` and
// `prebench` (so the FAISS baselines of `pnpm bench` run too), installs the missing pieces and rebuilds the binding:
//   1. binding loads → nothing to do;
//   2. Debian packages missing → `apt-get install -y libfaiss-dev libopenblas-dev` (plus cmake and
//      g++ when absent) if running as root with apt-get, with `apt-get update` first when the
//      install fails;
//   3. rebuild → `cmake-js compile` in faiss-node's package directory (what its patched install
//      script runs), then load it again.
// Exit status: 0 when the binding loads, or when it cannot be fixed here outside CI (the FAISS
// tests then skip and say why); 1 when it cannot be fixed and CI=true or --strict is given.
// Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const consumer = join(root, 'packages', 'vector-faiss');
const strict = process.argv.includes('--strict') || /^(1|true)$/i.test(process.env.CI ?? '');
const PACKAGES = ['libfaiss-dev', 'libopenblas-dev'];

const log = (message) => console.log(`ensure-faiss: ${message}`);

function run(command, args, options = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  return result.status === 0;
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** faiss-node's real package directory, or undefined when pnpm did not install it. */
function faissNodeDir() {
  if (!existsSync(join(consumer, 'package.json'))) return undefined;
  try {
    const require = createRequire(join(consumer, 'package.json'));
    return dirname(realpathSync(require.resolve('faiss-node/package.json')));
  } catch {
    return undefined;
  }
}

/** Loads the binding in a child process (a broken binding can abort the process) and searches once. */
function probe(dir) {
  const code = `
    const faiss = require(${JSON.stringify(dir)});
    const index = new faiss.IndexFlatIP(2);
    index.add([1, 0, 0, 1]);
    if (index.search([0, 1], 1).labels[0] !== 1) { console.error('wrong search result'); process.exit(3); }`;
  const result = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  if (result.status === 0) return { ok: true };
  const reason = (result.stderr || result.error?.message || `exit ${result.status}`).split('\n').find((line) => /error|cannot|could not/i.test(line));
  return { ok: false, reason: (reason ?? 'it failed to load').trim().slice(0, 300) };
}

function missingDebianPackages() {
  if (!onPath('dpkg-query')) return [];
  return PACKAGES.filter((name) => {
    const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return result.status !== 0 || !result.stdout.includes('install ok installed');
  });
}

function installDebianPackages(names) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get')) {
    log(`missing Debian packages ${names.join(' ')}, and this is not root with apt-get: install them with \`sudo apt-get install -y ${names.join(' ')}\``);
    return false;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => run('apt-get', ['install', '-y', '-q', ...names], { env });
  if (install()) return true;
  log('apt-get install failed; refreshing the package lists and trying again');
  return run('apt-get', ['update', '-q'], { env }) && install();
}

function rebuild(dir) {
  let cmakeJs;
  try {
    cmakeJs = createRequire(join(dir, 'package.json')).resolve('cmake-js/bin/cmake-js');
  } catch {
    log('cmake-js is not installed beside faiss-node; check packageExtensions in pnpm-workspace.yaml, then run `pnpm install`');
    return false;
  }
  return run(process.execPath, [cmakeJs, 'compile'], { cwd: dir });
}

function finish(ok, message) {
  log(message);
  if (!ok && strict) {
    log('failing because CI=true or --strict: the FAISS tests must run here');
    process.exit(1);
  }
  process.exit(0);
}

const dir = faissNodeDir();
if (!dir) {
  finish(false, 'faiss-node is not installed (it is an optional dependency of @engram/vector-faiss); run `pnpm install` first');
}
const first = probe(dir);
if (first.ok) finish(true, 'faiss-node binding loads; nothing to do');
log(`faiss-node binding does not load (${first.reason})`);

const needed = missingDebianPackages();
for (const [command, pkg] of [
  ['cmake', 'cmake'],
  ['c++', 'g++'],
]) {
  if (!onPath(command)) needed.push(pkg);
}
if (needed.length > 0) {
  if (!installDebianPackages(needed)) finish(false, 'could not install the system packages FAISS needs; the FAISS tests will be skipped');
  log(`installed ${needed.join(' ')}`);
} else {
  log('the Debian packages are installed; rebuilding the binding');
}

if (!rebuild(dir)) finish(false, 'rebuilding faiss-node failed (see the cmake output above); the FAISS tests will be skipped');
const second = probe(dir);
if (second.ok) finish(true, 'rebuilt faiss-node; the binding loads');
finish(false, `faiss-node still does not load after the rebuild (${second.reason})`);
