import { isRecord } from '../load/paths.ts';

/** Defensive readers: semantic rules run on specs that may have failed the schema, and must never throw. */

export function obj(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function int(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** The distinct port numbers of `ports`, in first-seen order. */
export function distinctPorts(ports: ReadonlyArray<{ port: number }>): number[] {
  return [...new Set(ports.map((p) => p.port))];
}

/** Listener ports and protocols of a node, router or gateway spec, skipping malformed entries. */
export function listenerPorts(
  spec: unknown,
): Array<{ port: number; protocol: string | undefined; index: number }> {
  const out: Array<{ port: number; protocol: string | undefined; index: number }> = [];
  arr(obj(spec)?.listeners).forEach((l, index) => {
    const pm = obj(obj(l)?.portMapping);
    const port = int(pm?.port);
    if (port !== undefined) out.push({ port, protocol: str(pm?.protocol), index });
  });
  return out;
}
