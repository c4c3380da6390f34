export * from './model/resource.ts';
