/**
 * @zkviz/launcher: start ZooKeeper, cluster nodes and the gateway as child processes, watch them
 * through their JSON log lines, and break them on purpose. Used by `npm start`, the integration
 * and e2e tests, the fault tests and the benchmarks.
 */
export * from './process.js';
export * from './ports.js';
export * from './zookeeper.js';
export * from './cluster.js';
export * from './args.js';
export * from './host-control.js';
