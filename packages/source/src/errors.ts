export type SourceErrorCode =
  | 'config'
  | 'unsupported-protocol'
  | 'not-found'
  | 'auth'
  | 'network'
  | 'git'
  | 'io';

/**
 * Every failure a source reports. The message is redacted of any secret it was given (token, basic-auth
 * header, credentials in URLs) before it is stored, so logging it is always safe.
 */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  readonly code: SourceErrorCode;
  /** The underlying error's message, redacted the same way. */
  readonly detail?: string;

  constructor(code: SourceErrorCode, message: string, opts: { secrets?: string[]; cause?: unknown } = {}) {
    const secrets = opts.secrets ?? [];
    super(redact(message, secrets));
    this.code = code;
    if (opts.cause !== undefined) {
      const causeMessage = opts.cause instanceof Error ? opts.cause.message : String(opts.cause);
      this.detail = redact(causeMessage, secrets);
    }
  }
}

const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;

/** Removes each secret (raw, URL-encoded, and inside a base64 basic-auth value) and URL credentials. */
export function redact(text: string, secrets: string[]): string {
  let out = text.replace(URL_CREDENTIALS, '$1***@');
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of [secret, encodeURIComponent(secret)]) out = out.split(form).join('***');
  }
  return out.replace(/(basic|bearer)\s+[A-Za-z0-9+/=._~-]+/gi, '$1 ***');
}

export function toSourceError(
  err: unknown,
  fallback: SourceErrorCode,
  context: string,
  secrets: string[] = [],
): SourceError {
  if (err instanceof SourceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SourceError(fallback, `${context}: ${message}`, { secrets, cause: err });
}
