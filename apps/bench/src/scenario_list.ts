import type { Scenario } from './scenario.js';
import { codecScenario } from './scenarios/codec.js';
import { embeddingCacheScenario } from './scenarios/embedding_cache.js';
import { l1HitScenario } from './scenarios/l1_hit.js';
import { redisBulkScenario } from './scenarios/redis_bulk.js';
import { redisClearScenario } from './scenarios/redis_clear.js';
import { redisPathScenario } from './scenarios/redis_path.js';
import { sqlitePathScenario } from './scenarios/sqlite_path.js';
import { vectorExactScenario } from './scenarios/vector_exact.js';
import { vectorFilteredScenario } from './scenarios/vector_filtered.js';
import { vectorHnswScenario } from './scenarios/vector_hnsw.js';

/** Every scenario, in the order they run: cheap and server-free first, the HNSW builds last. */
export const SCENARIOS: readonly Scenario[] = [
  codecScenario,
  l1HitScenario,
  sqlitePathScenario,
  redisPathScenario,
  redisBulkScenario,
  redisClearScenario,
  embeddingCacheScenario,
  vectorExactScenario,
  vectorHnswScenario,
  vectorFilteredScenario,
];
