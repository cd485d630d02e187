import { packageBuild } from '../../tools/config/tsup';

export default packageBuild(['src/index.ts', 'src/testing.ts'], { external: ['vitest', 'fast-check'] });
