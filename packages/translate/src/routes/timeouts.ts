import type { Duration } from '@plexus/graph';
import { duration } from '../common/duration.ts';
import type { Ctx } from '../context.ts';
import type { Json } from '../types.ts';

export const DEFAULT_REQUEST_TIMEOUT = '15s';
export const DEFAULT_IDLE_TIMEOUT = '300s';

/** Route timeouts: perRequest → timeout (and gRPC max_stream_duration), idle → idle_timeout. */
export function applyRouteTimeouts(
  ctx: Ctx,
  action: Json,
  t: { perRequest?: Duration; idle?: Duration } | undefined,
  grpc: boolean,
): void {
  const perRequest =
    duration(t?.perRequest) ?? (ctx.opts.requestTimeout ? DEFAULT_REQUEST_TIMEOUT : undefined);
  if (perRequest) {
    action.timeout = perRequest;
    if (grpc) action.max_stream_duration = { max_stream_duration: perRequest };
  }
  const idle = duration(t?.idle);
  if (idle) action.idle_timeout = idle;
}
