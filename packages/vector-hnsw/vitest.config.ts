import { packageTest } from '../../tools/config/vitest';

export default packageTest({ testTimeout: 60_000 });
