import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, MemoryError } from '@engram/memory-core';

/** transformers.js's file suffix per dtype (`onnx/model{suffix}.onnx`). */
const DTYPE_SUFFIX: Readonly<Record<string, string>> = {
  fp32: '',
  fp16: '_fp16',
  int8: '_int8',
  uint8: '_uint8',
  q8: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

export const DTYPES = Object.keys(DTYPE_SUFFIX);

/** The files a feature-extraction model needs, relative to its folder. */
export function requiredFiles(dtype: string): string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', `onnx/model${DTYPE_SUFFIX[dtype] ?? ''}.onnx`];
}

/**
 * Checks the model folder before transformers.js sees it, so a missing model is one clear
 * error naming the folder and the files, not a fetch of a URL that cannot be reached.
 */
export function checkModelFiles(directory: string, dtype: string): void {
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new MemoryError(
      ErrorCode.CONFIG_ERROR,
      `model directory ${directory} does not exist. ${howToGet(requiredFiles(dtype))}`,
      { details: { directory, missing: requiredFiles(dtype) } },
    );
  }
  const missing = requiredFiles(dtype).filter((file) => !existsSync(join(directory, file)));
  if (missing.length > 0) {
    throw new MemoryError(ErrorCode.CONFIG_ERROR, `model directory ${directory} lacks ${missing.join(', ')}. ${howToGet(missing)}`, {
      details: { directory, missing },
    });
  }
}

function howToGet(files: string[]): string {
  return (
    `Nothing is downloaded at run time: fetch the model once where there is network (e.g. \`git clone https://huggingface.co/Xenova/all-MiniLM-L6-v2\`, ` +
    `or huggingface-cli download with --include ${files.map((f) => `"${f}"`).join(' ')}), copy the folder under modelPath, and pass its name as model ` +
    '(dtype picks the onnx file: fp32 → onnx/model.onnx, q8 → onnx/model_quantized.onnx)'
  );
}
