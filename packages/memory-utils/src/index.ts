export { describe as describeValue, validateId, validateKeys } from './validate.js';
export { ExpirationPolicy, NO_EXPIRY, expiresAtFor, resolveTtl } from './ttl.js';
export type { ExpirationPolicyName } from './ttl.js';
export {
  compositeKey,
  escapeGlob,
  escapeKeyPart,
  generateMemoryKey,
  generateVectorKey,
  unescapeKeyPart,
  validatePrefix,
} from './keys.js';
export { deserializeData, detectFormat, serializeData } from './codec.js';
export { cloneValue } from './fast_clone.js';
export type { CodecFormat, SerializeOptions } from './codec.js';
export { computeFingerprint } from './fingerprint.js';
export { compilePattern, matchesPattern } from './pattern.js';
export { DEFAULT_MAX_VALUE_BYTES, checkValueSize, resolveMaxValueBytes } from './value_size.js';
export { isMissingPackage } from './missing_package.js';
