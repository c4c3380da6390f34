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

/** Bytes of a varint. */
function varintSize(v: number): number {
  let n = 1;
  while (v > 127) {
    v >>>= 7;
    n++;
  }
  return n;
}

function putVarint(buf: Buffer, pos: number, v: number): number {
  while (v > 127) {
    buf[pos++] = (v & 127) | 128;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** A length-delimited field (tag < 16) holding `len` bytes: its size with tag and length. */
const fieldSize = (len: number) => 1 + varintSize(len) + len;

function putString(buf: Buffer, pos: number, field: number, s: string, len: number): number {
  buf[pos++] = (field << 3) | 2;
  pos = putVarint(buf, pos, len);
  return pos + buf.write(s, pos, len, 'utf8');
}

/**
 * encodeSotwResponse around resources encoded once (the same bytes: fields in the same order), written into one
 * buffer: each of thousands of streams pays one allocation and one copy of the shared body per response.
 */
export function encodeSotwResponseAround(
  versionInfo: string,
  typeUrl: string,
  nonce: string,
  resources: Buffer,
): Buffer {
  const vLen = Buffer.byteLength(versionInfo);
  const tLen = Buffer.byteLength(typeUrl);
  const nLen = Buffer.byteLength(nonce);
  const buf = Buffer.allocUnsafe(
    fieldSize(vLen) + resources.length + fieldSize(tLen) + fieldSize(nLen) + fieldSize(CONTROL_PLANE.length),
  );
  let pos = putString(buf, 0, 1, versionInfo, vLen);
  pos += resources.copy(buf, pos);
  pos = putString(buf, pos, 4, typeUrl, tLen);
  pos = putString(buf, pos, 5, nonce, nLen);
  buf[pos++] = (6 << 3) | 2;
  pos = putVarint(buf, pos, CONTROL_PLANE.length);
  buf.set(CONTROL_PLANE, pos);
  return buf;
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
