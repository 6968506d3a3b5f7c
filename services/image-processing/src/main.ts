import { main } from '@frank/kit';
import { definition } from './service.js';

await main(definition);
