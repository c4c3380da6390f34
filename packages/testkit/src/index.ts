export * from './ads-client.ts';
export * from './envoy-validate.ts';
export * from './fake-kube-apiserver.ts';
export * from './moto.ts';
export * from './paths.ts';
export * from './ports.ts';
export * from './processes.ts';
