import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const tsconfig = fileURLToPath(new URL('./fixtures/tsconfig.json', import.meta.url));

/** A `test/fixtures/<name>.ts` in its own Node process, importing our sources through tsx; stdin stays open for commands. */
export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the first stdout line matching `pattern` (rejects after `timeoutMs`, or if the child exits first). */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Every stdout line so far. */
  readonly lines: string[];
  send(command: string): void;
  /** Resolves with the exit code once the child exits (killing it after `timeoutMs`). */
  exit(timeoutMs?: number): Promise<number | null>;
}

export function spawnFixture(name: string, args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url)), ...args], {
    cwd: packageDir,
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let buffered = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      lines.push(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
    for (const wake of waiters) wake();
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let seen = 0;
  return {
    process: child,
    lines,
    line: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          for (; seen < lines.length; seen++) {
            if (pattern.test(lines[seen]!)) {
              const found = lines[seen++]!;
              done();
              resolve(found);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        void closed.then(() => {
          check();
          if (waiters.has(check)) {
            done();
            reject(new Error(`child exited before printing ${pattern}; stderr: ${stderr}`));
          }
        });
        waiters.add(check);
        check();
      }),
    send: (command) => child.stdin!.write(`${command}\n`),
    exit: async (timeoutMs = 30_000) => {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await closed;
      clearTimeout(timer);
      if (code !== 0) throw new Error(`child exited with ${code}; stderr: ${stderr}`);
      return code;
    },
  };
}
