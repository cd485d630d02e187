import { ErrorCode, MemoryError } from '@engram/memory-core';

/** The part of transformers.js (3.x / 4.x) this package uses; typed here so the peer stays optional. */
export interface FeatureTensor {
  dims: number[];
  data: Float32Array | ArrayLike<number>;
  dispose?(): void;
}
export type FeatureExtractor = ((texts: string[], options: { pooling: 'mean' | 'cls'; normalize: boolean }) => Promise<FeatureTensor>) & {
  dispose?(): Promise<void>;
};
export interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  pipeline(task: 'feature-extraction', model: string, options: Record<string, unknown>): Promise<FeatureExtractor>;
}

export const PEER_PACKAGE = '@huggingface/transformers';

const modules = new Map<string, Promise<TransformersModule>>();
let loadQueue: Promise<unknown> = Promise.resolve();

/**
 * Imports transformers.js once per process. A missing package (it is an optional peer
 * dependency) becomes a CONFIG_ERROR that says what to install.
 */
export function importTransformers(specifier = PEER_PACKAGE): Promise<TransformersModule> {
  let loading = modules.get(specifier);
  if (!loading) {
    loading = (import(specifier) as Promise<TransformersModule & { default?: TransformersModule }>).then(
      (module) => (typeof module.pipeline === 'function' ? module : (module.default as TransformersModule)),
      (cause: unknown) => {
        modules.delete(specifier);
        const notFound = ['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'].includes((cause as { code?: string } | undefined)?.code ?? '');
        throw new MemoryError(
          ErrorCode.CONFIG_ERROR,
          notFound
            ? `@engram/embedder-transformers needs its optional peer dependency ${PEER_PACKAGE}: run \`pnpm add ${PEER_PACKAGE}@4\` (it brings onnxruntime-node, ~450 MB)`
            : `${PEER_PACKAGE} is installed but failed to load: reinstall it (\`pnpm add ${PEER_PACKAGE}@4\`) and check that onnxruntime-node supports this platform`,
          { cause, details: { package: PEER_PACKAGE } },
        );
      },
    );
    modules.set(specifier, loading);
  }
  return loading;
}

/**
 * Loads a feature-extraction pipeline from `modelPath/model` with remote models disabled.
 * transformers.js keeps its settings in one global `env`, so loads run one at a time: two
 * embedders with different model paths cannot swap folders halfway through.
 */
export function loadExtractor(runtime: TransformersModule, modelPath: string, model: string, dtype: string): Promise<FeatureExtractor> {
  const run = async () => {
    runtime.env.allowRemoteModels = false;
    runtime.env.allowLocalModels = true;
    runtime.env.localModelPath = modelPath.endsWith('/') ? modelPath : `${modelPath}/`;
    return runtime.pipeline('feature-extraction', model, { local_files_only: true, dtype, device: 'cpu' });
  };
  const result = loadQueue.then(run, run);
  loadQueue = result.catch(() => undefined);
  return result;
}
