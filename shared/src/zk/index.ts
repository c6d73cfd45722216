export * from './codes.js';
export * from './connection.js';
