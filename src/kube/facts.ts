// Moved to src/mesh/cluster-facts.ts (pure); this re-export goes once every import is updated.
export * from '../mesh/cluster-facts.js';
