// Moved to src/gateway-api/types.ts (pure); this re-export goes once every import is updated.
export * from '../gateway-api/types.js';
