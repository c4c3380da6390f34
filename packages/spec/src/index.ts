export * from './load/index.ts';
export * from './model/resource.ts';
export * from './schema/index.ts';
export * from './validate/index.ts';
