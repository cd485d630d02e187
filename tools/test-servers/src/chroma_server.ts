import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from './ports.js';

export interface ChromaServerOptions {
  /** Data directory; a fresh temp dir by default (removed on stop). A given dir is kept. */
  dir?: string;
  port?: number;
  /** Milliseconds to wait for the heartbeat. Default 30 s: the first start unpacks a large native module. */
  startTimeoutMs?: number;
}

/** A real Chroma server (the chromadb package's CLI) on a loopback port, for tests and CI. */
export interface ChromaServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** SIGINT, then SIGKILL after 5 s; removes a temp dir it created. */
  stop(): Promise<void>;
  /** Stops and starts again on the same port and dir: data written before must still be there. */
  restart(): Promise<void>;
}

/**
 * The chromadb CLI comes from packages/vector-chroma's dependencies (the only package that
 * installs it). `CHROMA_CLI` overrides the path.
 */
export function chromaCliPath(): string {
  if (process.env.CHROMA_CLI) return process.env.CHROMA_CLI;
  const here = dirname(fileURLToPath(import.meta.url));
  const consumer = join(here, '..', '..', '..', 'packages', 'vector-chroma', 'package.json');
  // chromadb's exports hide package.json, so resolve its entry point and walk up to the package root.
  let dir = dirname(createRequire(consumer).resolve('chromadb'));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== 'chromadb') {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the chromadb package root; run pnpm install');
    dir = parent;
  }
  return join(dir, 'dist', 'cli.mjs');
}

export async function pingChroma(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function startChroma(options: ChromaServerOptions = {}): Promise<ChromaServer> {
  const port = options.port ?? (await freePort());
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'engram-chroma-'));
  const url = `http://127.0.0.1:${port}`;
  const cli = chromaCliPath();
  let child: ChildProcess | undefined;
  // The last output lines explain a failed start without writing a log file into Chroma's data dir.
  let output = '';

  const launch = async () => {
    output = '';
    child = spawn(process.execPath, [cli, 'run', '--path', dir, '--host', '127.0.0.1', '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ANONYMIZED_TELEMETRY: 'False' },
    });
    // A test run that crashes must not leave a server behind (the exit hook is removed on stop).
    const proc0 = child;
    const killOnExit = () => proc0.kill('SIGKILL');
    process.once('exit', killOnExit);
    proc0.once('exit', () => process.removeListener('exit', killOnExit));
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const proc = child;
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code, signal) => reject(new Error(`chroma exited (${code ?? signal}) before answering on ${url}:\n${output}`))),
    );
    exited.catch(() => undefined);
    try {
      await Promise.race([waitFor(`chroma on ${url}`, () => pingChroma(url), options.startTimeoutMs ?? 30_000), exited]);
    } catch (error) {
      await terminate();
      throw error;
    }
  };

  const terminate = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGINT');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  return {
    port,
    url,
    dir,
    stop: async () => {
      await terminate();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await terminate();
      await launch();
    },
  };
}
