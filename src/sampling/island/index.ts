export { createIslandPolicy, type IslandOptions } from './island-policy.js';
