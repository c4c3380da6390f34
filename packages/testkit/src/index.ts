export * from './paths.ts';
export * from './ports.ts';
export * from './processes.ts';
