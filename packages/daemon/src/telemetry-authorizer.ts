import { status as GrpcStatus } from '@grpc/grpc-js';
import type { AuthorizeTelemetryStream } from '@plexus/telemetry';
import type { XdsServer } from './stages.ts';

/**
 * Access log streams pass the ADS identity check for the node they name: a proxy reports only as itself, so
 * one proxy cannot forge another's traffic figures. Without `authorizeCall` (a test double) every stream passes.
 */
export function telemetryAuthorizer(xds: XdsServer): AuthorizeTelemetryStream | undefined {
  const check = xds.authorizeCall?.bind(xds);
  if (!check) return undefined;
  return async (call, node) => {
    const verdict = await check(call, node);
    if ('identity' in verdict) return undefined;
    return { code: GrpcStatus[verdict.code], reason: verdict.message };
  };
}
