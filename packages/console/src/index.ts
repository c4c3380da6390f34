export { appBundle } from './assets.ts';
export { type ConsoleMount, type ConsoleOptions, createConsole, type WebConsole } from './console.ts';
export {
  type ConsoleEdge,
  type ConsoleGraph,
  type ConsoleNode,
  type ConsoleNodeKind,
  consoleGraph,
  type EdgeTraffic,
  edgeTraffic,
} from './model.ts';
export type { ConsoleSource, ProxyConfigDump, ProxyRow, RevisionRow } from './source.ts';
