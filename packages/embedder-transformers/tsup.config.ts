import { packageBuild } from '../../tools/config/tsup';

// The peer dependency is imported at run time from the user's node_modules, never bundled.
export default packageBuild(['src/index.ts'], { external: ['@huggingface/transformers'] });
