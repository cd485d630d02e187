import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.js';

export interface RedisServerOptions {
  /** Extra redis-server arguments, e.g. ['--appendonly', 'yes', '--requirepass', 'x']. */
  args?: string[];
  port?: number;
  /** Data directory; a fresh temp dir by default (removed on stop). */
  dir?: string;
}

/** A redis-server child process on a loopback port, for tests that need their own Redis. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Graceful stop (SIGTERM, wait for exit); removes a temp dir it created. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown, no final fsync. The data dir is kept for `restart()`. */
  kill(): Promise<void>;
  /** Starts again on the same port and dir with the same arguments. */
  restart(): Promise<void>;
}

/** Answers true once the server replies to PING (any reply, even NOAUTH, means it is up). */
export function pingRedis(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(/^[+-]/.test(data.toString())));
    socket.connect(port, host, () => socket.write('PING\r\n'));
  });
}

export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'engram-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--logfile', 'redis.log', ...(options.args ?? [])];
  let child: ChildProcess | undefined;

  const launch = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const exited = new Promise<never>((_, reject) => child!.once('exit', (code) => reject(new Error(`redis-server exited with ${code}; see ${dir}/redis.log`))));
    exited.catch(() => undefined);
    await Promise.race([waitFor(`redis-server on port ${port}`, () => pingRedis(port)), exited]);
  };
  const terminate = async (signal: NodeJS.Signals) => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(signal);
    await exited;
  };

  try {
    await launch();
  } catch (error) {
    await terminate('SIGKILL');
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    stop: async () => {
      await terminate('SIGTERM');
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
    kill: () => terminate('SIGKILL'),
    restart: async () => {
      await terminate('SIGTERM');
      await launch();
    },
  };
}
