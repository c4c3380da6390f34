import { status as GrpcStatus } from '@grpc/grpc-js';
import type { AuthorizeTelemetryStream } from '@plexus/telemetry';
import type { XdsServer } from './stages.ts';

/**
 * What an access log stream without a credential most likely is where ADS streams have one: an Envoy
 * bootstrapped with a token before `plexus bootstrap` attached it to `xds_cluster` too.
 */
const NO_CREDENTIAL_HINT =
  '; an Envoy bootstrapped with a token by an older plexus bootstrap sends its access logs without it: bootstrap it again';

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
    const hint = verdict.message.startsWith('no credential') ? NO_CREDENTIAL_HINT : '';
    return { code: GrpcStatus[verdict.code], reason: `${verdict.message}${hint}` };
  };
}
