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
