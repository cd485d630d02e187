/**
 * Engram bench: Engram against the raw libraries underneath, in one process, reported as
 * ratios. `pnpm --filter @engram/bench bench [-- --quick] [-- --only codec,l1-hit]`.
 * REDIS_URL enables the Redis scenarios (bench-only key prefix, removed at the end; never a
 * flush); ENGRAM_ANN_DIR overrides where the fvecs sets are read from.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { staleDists } from './dist_freshness.js';
import { redactUrl } from './format.js';
import { Progress } from './progress.js';
import { openRedisTarget, removeKeysUnder } from './redis_target.js';
import { renderTable, writeReports } from './report.js';
import { Recorder, type BenchResults, type ScenarioOutcome } from './results.js';
import { NEEDS_REDIS, type BenchContext, type RedisTarget, type Scenario } from './scenario.js';
import { SCENARIOS } from './scenario_list.js';

const USAGE = `usage: bench [--quick] [--only <scenario>[,<scenario>…]]
scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}
env: REDIS_URL (Redis scenarios), ENGRAM_ANN_DIR (fvecs sets; default ../shared/data/ann beside the repository)`;

const ENGRAM_PACKAGES = ['memory-cache', 'memory-core', 'memory-redis', 'memory-sqlite', 'memory-utils', 'vector-core', 'vector-faiss', 'vector-hnsw'].map((p) => `@engram/${p}`);

function parseCli(argv: string[]): { quick: boolean; only: string[] | null } {
  // `pnpm … bench -- --quick` passes the `--` through; it separates nothing here.
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = values.only?.flatMap((o) => o.split(',')).map((o) => o.trim()).filter(Boolean) ?? null;
  const unknown = only?.filter((o) => !SCENARIOS.some((s) => s.name === o)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; pick from: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return { quick: values.quick ?? false, only };
}

function annDir(): string | undefined {
  const dir = process.env.ENGRAM_ANN_DIR ?? fileURLToPath(new URL('../../../../shared/data/ann', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

function commit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

async function runScenario(scenario: Scenario, ctx: BenchContext, budget: number): Promise<ScenarioOutcome> {
  const started = performance.now();
  const begin = ctx.progress.done;
  const seconds = () => (performance.now() - started) / 1000;
  ctx.recorder.enter(scenario.name);
  try {
    const reason = await scenario.skipReason?.(ctx);
    if (reason !== undefined) {
      ctx.log(`${scenario.name}: skipped: ${reason}`);
      return { name: scenario.name, title: scenario.title, status: 'skipped', reason, seconds: seconds() };
    }
    ctx.progress.status(`${scenario.name}: starting`);
    await scenario.run(ctx);
    return { name: scenario.name, title: scenario.title, status: 'ran', seconds: seconds() };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    ctx.log(`${scenario.name}: failed: ${reason}`);
    if (process.env.BENCH_DEBUG && error instanceof Error) ctx.log(error.stack ?? '');
    return { name: scenario.name, title: scenario.title, status: 'failed', reason, seconds: seconds() };
  } finally {
    ctx.progress.reach(begin + budget);
  }
}

async function main(): Promise<void> {
  const { quick, only } = parseCli(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const selected = SCENARIOS.filter((s) => only === null || only.includes(s.name));
  const recorder = new Recorder();
  const progress = new Progress(selected.reduce((sum, s) => sum + s.plan(quick).seconds, 0));

  let redis: RedisTarget | undefined;
  let redisProblem: string | undefined;
  if (process.env.REDIS_URL) {
    const opened = await openRedisTarget(process.env.REDIS_URL);
    if ('error' in opened) redisProblem = opened.error;
    else redis = opened;
  }
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      if (!redis) return;
      const removed = await removeKeysUnder(redis.raw, redis.prefix).catch(() => -1);
      if (removed !== 0) progress.log(removed < 0 ? `could not remove keys under ${redis.prefix}: remove them by hand` : `removed ${removed} bench keys left under ${redis.prefix}`);
      const { getConnectionManager } = await import('@engram/memory-redis');
      await getConnectionManager().closeAll().catch(() => undefined);
      redis.raw.disconnect();
    })());
  process.once('SIGINT', () => {
    progress.log('interrupted: removing the bench keys from Redis…');
    void cleanup().finally(() => process.exit(130));
  });

  const ann = annDir();
  const outcomes: ScenarioOutcome[] = [];
  const started = performance.now();
  try {
    for (const scenario of selected) {
      const plan = scenario.plan(quick);
      let stepsTaken = 0;
      const ctx: BenchContext = {
        quick,
        recorder,
        redis,
        redisSkip: redis ? undefined : (redisProblem ?? NEEDS_REDIS),
        annDir: ann,
        progress,
        step: (label) => {
          const share = stepsTaken < plan.steps ? plan.seconds / plan.steps : 0;
          stepsTaken++;
          progress.advance(share, label);
        },
        status: (label) => progress.status(label),
        log: (message) => progress.log(message),
      };
      outcomes.push(await runScenario(scenario, ctx, plan.seconds));
      // Each scenario starts from a database without the previous one's keys ("0 other keys" means it).
      if (redis) await removeKeysUnder(redis.raw, redis.prefix).catch((error: Error) => progress.log(`Redis cleanup after ${scenario.name} failed: ${error.message}`));
    }
  } finally {
    await cleanup();
    progress.finish();
  }

  const results: BenchResults = {
    meta: {
      startedAt,
      quick,
      only,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      loadAverageStart: loadStart,
      loadAverageEnd: loadavg(),
      redis: redis ? redactUrl(redis.url) : null,
      annDir: ann ?? null,
      commit: commit(),
      seconds: (performance.now() - started) / 1000,
      staleDist: staleDists(ENGRAM_PACKAGES),
      ioredisLoaded: Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/ioredis/')),
    },
    scenarios: outcomes,
    rows: recorder.rows,
    curves: recorder.curves,
  };
  console.log(renderTable(results, process.stdout.isTTY === true && !process.env.NO_COLOR));
  if (results.meta.staleDist.length > 0) console.log(`warning: built dist older than sources: ${results.meta.staleDist.join(', ')} (run the build)`);
  const written = await writeReports(results, fileURLToPath(new URL('../bench-results/', import.meta.url)));
  console.log(`\nwritten: ${written.join(', ')}`);
  if (outcomes.some((o) => o.status === 'failed')) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
