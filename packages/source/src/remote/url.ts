import { SourceError } from '../errors.ts';

const SSH_URL = /^(ssh|git\+ssh|ssh\+git):\/\//i;
/** scp-like syntax: user@host:path */
const SCP_LIKE = /^[\w.+-]+@[\w.-]+:(?!\/\/)/;
const HTTP_URL = /^https?:\/\//i;
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function isHttpUrl(repo: string): boolean {
  return HTTP_URL.test(repo);
}

/** Throws the explanatory error for URLs isomorphic-git cannot speak (SSH, git://, others). */
export function rejectUnsupportedUrl(repo: string): void {
  if (SSH_URL.test(repo) || SCP_LIKE.test(repo)) {
    throw new SourceError(
      'unsupported-protocol',
      `${stripCredentials(repo)}: SSH URLs are not supported — Plexus reads remote repositories with isomorphic-git, which speaks only HTTP(S). ` +
        'Use the https:// URL of the repository with a token (auth.tokenEnv or auth.tokenFile), ' +
        'or keep a local clone up to date with your own tooling (cron `git pull`, a sidecar) and point --repo at its path.',
    );
  }
  if (ANY_SCHEME.test(repo) && !HTTP_URL.test(repo)) {
    throw new SourceError(
      'unsupported-protocol',
      `${stripCredentials(repo)}: only https:// (or http://) remote URLs and local paths are supported`,
    );
  }
}

/** The URL without any user:password@ part, for labels and messages. */
export function stripCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** The password embedded in a URL, if any (kept only to redact it). */
export function urlPassword(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.password ? decodeURIComponent(u.password) : undefined;
  } catch {
    return undefined;
  }
}
