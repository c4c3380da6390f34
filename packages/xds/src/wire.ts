import protobuf from 'protobufjs';

/** Hand-assembled xDS responses around pre-encoded resource bytes (field numbers from discovery.proto). */

const CONTROL_PLANE = (() => {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).string('plexus');
  return w.finish();
})();

/** The writer's output as a Buffer without copying it (it is one already under Node). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** google.protobuf.Any { type_url = 1; value = 2 } */
export function encodeAny(typeUrl: string, value: Uint8Array): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).string(typeUrl);
  w.uint32((2 << 3) | 2).bytes(value);
  return w.finish();
}

/** envoy.service.discovery.v3.Resource { version = 1; resource = 2 (Any); name = 3 } */
export function encodeDeltaResource(name: string, version: string, anyBytes: Uint8Array): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).string(version);
  w.uint32((2 << 3) | 2).bytes(anyBytes);
  w.uint32((3 << 3) | 2).string(name);
  return w.finish();
}

/** DiscoveryResponse { version_info = 1; resources = 2; type_url = 4; nonce = 5; control_plane = 6 } */
export function encodeSotwResponse(
  versionInfo: string,
  typeUrl: string,
  nonce: string,
  anys: readonly Uint8Array[],
): Buffer {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).string(versionInfo);
  for (const a of anys) w.uint32((2 << 3) | 2).bytes(a);
  w.uint32((4 << 3) | 2).string(typeUrl);
  w.uint32((5 << 3) | 2).string(nonce);
  w.uint32((6 << 3) | 2).bytes(CONTROL_PLANE);
  return asBuffer(w.finish());
}

/** The repeated `resources` field (2) of a DiscoveryResponse: what SotwBodies shares between streams. */
export function encodeSotwResources(anys: readonly Uint8Array[]): Buffer {
  const w = protobuf.Writer.create();
  for (const a of anys) w.uint32((2 << 3) | 2).bytes(a);
  return asBuffer(w.finish());
}

/** encodeSotwResponse around resources encoded once (the same bytes: fields in the same order). */
export function encodeSotwResponseAround(
  versionInfo: string,
  typeUrl: string,
  nonce: string,
  resources: Buffer,
): Buffer {
  const head = protobuf.Writer.create();
  head.uint32((1 << 3) | 2).string(versionInfo);
  const tail = protobuf.Writer.create();
  tail.uint32((4 << 3) | 2).string(typeUrl);
  tail.uint32((5 << 3) | 2).string(nonce);
  tail.uint32((6 << 3) | 2).bytes(CONTROL_PLANE);
  return Buffer.concat([asBuffer(head.finish()), resources, asBuffer(tail.finish())]);
}

/**
 * DeltaDiscoveryResponse { system_version_info = 1; resources = 2; type_url = 4; nonce = 5;
 * removed_resources = 6; control_plane = 7 }
 */
export function encodeDeltaResponse(
  systemVersion: string,
  typeUrl: string,
  nonce: string,
  resources: readonly Uint8Array[],
  removed: readonly string[],
): Buffer {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).string(systemVersion);
  for (const r of resources) w.uint32((2 << 3) | 2).bytes(r);
  w.uint32((4 << 3) | 2).string(typeUrl);
  w.uint32((5 << 3) | 2).string(nonce);
  for (const n of removed) w.uint32((6 << 3) | 2).string(n);
  w.uint32((7 << 3) | 2).bytes(CONTROL_PLANE);
  return asBuffer(w.finish());
}
