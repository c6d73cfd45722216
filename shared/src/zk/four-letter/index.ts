export * from './client.js';
export * from './parse.js';
