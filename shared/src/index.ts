export * from './paths.js';
export * from './protocol.js';
export * from './http.js';
export * from './validate.js';
export * from './recording.js';
