export { diffConfigs, RESOURCE_TYPES, type ResourceChange, type ResourceType } from './config-diff.ts';
export { lineDiff } from './line-diff.ts';
export { type Plan, type ProxyPlan, planChange, planExitCode } from './plan.ts';
export { type PlanFormat, renderPlan } from './render.ts';
