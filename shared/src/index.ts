export * from './paths.js';
export * from './protocol.js';
export * from './kill-modes.js';
export * from './http.js';
export * from './validate.js';
export * from './safeguards.js';
export * from './registry.js';
export * from './recording.js';
