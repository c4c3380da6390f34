import { readFile } from 'node:fs/promises';
import { SourceError } from '../errors.ts';
import type { SourceAuth } from '../types.ts';

export interface Credentials {
  headers: Record<string, string>;
  /** Strings that must never appear in a message. */
  secrets: string[];
}

/**
 * Reads the token afresh for every check (so a rotated token file is picked up) and builds the Authorization
 * header. The token goes into the header only; it never enters a URL, a label or a message.
 */
export async function loadCredentials(auth: SourceAuth | undefined): Promise<Credentials> {
  if (!auth || (!auth.tokenEnv && !auth.tokenFile)) return { headers: {}, secrets: [] };
  let token: string | undefined;
  if (auth.tokenEnv) {
    token = process.env[auth.tokenEnv];
    if (!token)
      throw new SourceError(
        'auth',
        `environment variable ${auth.tokenEnv} (auth.tokenEnv) is not set or empty`,
      );
  } else if (auth.tokenFile) {
    try {
      token = (await readFile(auth.tokenFile, 'utf8')).trim();
    } catch (err) {
      throw new SourceError(
        'auth',
        `cannot read token file ${auth.tokenFile} (auth.tokenFile): ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    if (!token) throw new SourceError('auth', `token file ${auth.tokenFile} (auth.tokenFile) is empty`);
  }
  if (!token) return { headers: {}, secrets: [] };
  const username = auth.username ?? 'x-access-token';
  const basic = Buffer.from(`${username}:${token}`).toString('base64');
  return { headers: { Authorization: `Basic ${basic}` }, secrets: [token, basic] };
}

/** Where the token came from, for messages ("the token in $GIT_TOKEN"). */
export function describeTokenOrigin(auth: SourceAuth | undefined): string {
  if (auth?.tokenEnv) return `the token in $${auth.tokenEnv}`;
  if (auth?.tokenFile) return `the token in ${auth.tokenFile}`;
  return 'no token (set auth.tokenEnv or auth.tokenFile)';
}
