import { packageBuild } from '../../tools/config/tsup';

export default packageBuild(['src/index.ts'], { external: ['@qdrant/js-client-rest'] });
