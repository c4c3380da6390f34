export * from './auth-policy.ts';
export * from './common.ts';
export * from './proxy-patch.ts';
export * from './rollout.ts';
export * from './traffic-policy.ts';
