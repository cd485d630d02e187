import { packageTest } from '../config/vitest';

export default packageTest();
