import { packageBuild } from '../../tools/config/tsup';

// The native addon is loaded from node_modules at run time, never bundled.
export default packageBuild(['src/index.ts'], { external: ['hnswlib-node'] });
