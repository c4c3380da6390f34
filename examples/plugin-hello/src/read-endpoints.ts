import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { Endpoint, EndpointHealth } from '@plexus/plugin-api';

const HEALTH: readonly EndpointHealth[] = ['healthy', 'draining', 'unhealthy'];

/**
 * Reads `[{ "address": "10.0.0.1", "port": 8080, "zone": "us-west-2a", "health": "healthy" }, ...]`
 * (only address is required). Throws an error naming the file and the entry on anything else.
 */
export async function readEndpointsFile(file: string, defaultPort: number | undefined): Promise<Endpoint[]> {
  const text = await readFile(file, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: invalid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(data)) throw new Error(`${file}: expected a JSON array of endpoints`);
  return data.map((raw, i): Endpoint => {
    const at = `${file}: [${i}]`;
    const e = raw as Record<string, unknown>;
    if (typeof e !== 'object' || e === null) throw new Error(`${at}: expected an object`);
    if (typeof e.address !== 'string' || isIP(e.address) === 0)
      throw new Error(`${at}.address: expected an IP literal`);
    const port = e.port ?? defaultPort;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`${at}.port: expected a port 1..65535 (no listener port to default to)`);
    }
    const health = e.health ?? 'healthy';
    if (!HEALTH.includes(health as EndpointHealth))
      throw new Error(`${at}.health: expected ${HEALTH.join(', ')}`);
    const out: Endpoint = { address: e.address, port, health: health as EndpointHealth };
    if (typeof e.zone === 'string') out.zone = e.zone;
    return out;
  });
}
