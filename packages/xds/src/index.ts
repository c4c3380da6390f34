export type {
  Authorize,
  AuthorizeAdmin,
  AuthorizeRefusal,
  AuthorizeResult,
  Recheck,
  StreamAuthContext,
  StreamIdentity,
} from './authorize.ts';
export { canonicalJson } from './canonical-json.ts';
export { anyFromJson, ProtoJsonError } from './proto-json.ts';
export { CONFIG_KEYS, envoyRoot, envoyType, PUSH_ORDER, TypeUrl } from './protos.ts';
export { type CallVerdict, type ResolveProxy, XdsServer, type XdsServerOptions } from './server.ts';
export type {
  AckEvent,
  ConnectEvent,
  NackEvent,
  NackRecord,
  ProxyConfig,
  ProxyStatus,
  RejectEvent,
  XdsLogger,
  XdsNode,
} from './types.ts';
