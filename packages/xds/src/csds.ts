import type protobuf from 'protobufjs';
import { timestampFromMs as timestamp } from './proto-json.ts';
import type { AdsStream } from './stream-base.ts';

interface ClientStatusRequest {
  node_matchers?: { node_id?: { exact?: string; prefix?: string } }[];
  exclude_resource_contents?: boolean;
}

function matches(req: ClientStatusRequest, nodeId: string): boolean {
  const ms = req.node_matchers ?? [];
  if (ms.length === 0) return true;
  return ms.some((m) => {
    const id = m.node_id;
    if (!id) return true;
    if (id.exact) return nodeId === id.exact;
    if (id.prefix) return nodeId.startsWith(id.prefix);
    return true;
  });
}

/** envoy.service.status.v3.ClientStatusResponse built from the same tracking as status(). */
export function buildClientStatus(
  root: protobuf.Root,
  streams: Iterable<{ stream: AdsStream<unknown>; rawNode: unknown }>,
  req: ClientStatusRequest,
): Buffer {
  const Any = root.lookupType('google.protobuf.Any');
  const Response = root.lookupType('envoy.service.status.v3.ClientStatusResponse');
  const config: object[] = [];
  for (const { stream, rawNode } of streams) {
    if (!stream.connected || !matches(req, stream.node.id)) continue;
    const generic: object[] = [];
    for (const typeUrl of stream.requestedTypes()) {
      const sent = stream.sent[typeUrl];
      const nack = stream.nacked[typeUrl];
      const acked = sent && stream.acked[typeUrl] === sent.version;
      for (const e of stream.sentEntries(typeUrl)) {
        generic.push({
          type_url: typeUrl,
          name: e.name,
          version_info: sent?.version ?? '',
          xds_config: req.exclude_resource_contents ? undefined : Any.decode(e.any),
          last_updated: sent ? timestamp(sent.at) : undefined,
          config_status: nack ? 'ERROR' : acked ? 'SYNCED' : 'STALE',
          client_status: nack ? 'NACKED' : acked ? 'ACKED' : 'REQUESTED',
          error_state: nack
            ? { details: nack.message, version_info: nack.version, last_update_attempt: timestamp(nack.at) }
            : undefined,
        });
      }
    }
    config.push({ node: rawNode, generic_xds_configs: generic, client_scope: '' });
  }
  return Buffer.from(Response.encode(Response.fromObject({ config })).finish());
}
