import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

/** The raw body (what was signed), refused past MAX_BODY_BYTES. */
export async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new ApiError('BadRequestException', `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The JSON object of a PUT body ({} when empty). */
export function jsonBody(body: Uint8Array): Record<string, unknown> {
  const text = Buffer.from(body).toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError('BadRequestException', `request body is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError('BadRequestException', 'request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
