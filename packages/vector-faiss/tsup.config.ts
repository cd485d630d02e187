import { packageBuild } from '../../tools/config/tsup';

// faiss-node is a native optional dependency loaded at run time: never bundled.
export default packageBuild(['src/index.ts'], { external: ['faiss-node'] });
