import { EventEmitter } from 'node:events';
import { unwatchFile, watchFile } from 'node:fs';
import { ServerCredentials } from '@grpc/grpc-js';
import { readTlsFiles, type TlsFiles, type TlsMaterial } from './tls-files.ts';

export interface ReloadEvent {
  subject: string;
  subjectAltName?: string;
  validTo: string;
  fingerprint256: string;
}

/**
 * gRPC server credentials over TLS 1.2/1.3 (ALPN h2, as Node's HTTP/2 server negotiates) whose certificate, key
 * and client CA are re-read when their files change. New handshakes get the new material; connections already
 * open keep theirs, so live xDS streams are not dropped. A change that does not check out (a key that is not
 * the certificate's, half-written files) is refused and the last good material keeps serving.
 *
 * Client certificates are requested, not demanded, at the TLS layer: a stream without a verified certificate is
 * refused by the authorizer with a gRPC status that says why (UNAUTHENTICATED), rather than a bare handshake
 * alert the client cannot explain.
 */
export class ReloadingServerCredentials extends ServerCredentials {
  readonly events = new EventEmitter<{ reload: [ReloadEvent]; error: [Error] }>();
  private readonly files: TlsFiles;
  private readonly watched: string[];
  private timer: NodeJS.Timeout | undefined;
  private current: TlsMaterial;
  private readonly onChange = () => this.changed();

  /** Throws when the files do not check out at start-up. `pollMs`: how often the files are stat'ed. */
  constructor(files: TlsFiles, opts: { pollMs?: number } = {}) {
    const material = readTlsFiles(files);
    super(
      { requestCert: files.clientCaFile !== undefined, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
      contextOf(material),
    );
    this.files = files;
    this.current = material;
    this.watched = [files.certFile, files.keyFile, ...(files.clientCaFile ? [files.clientCaFile] : [])];
    const interval = opts.pollMs ?? 1000;
    // stat polling follows symlink swaps (Kubernetes secret volumes) and atomic renames alike
    for (const f of this.watched) watchFile(f, { interval, persistent: false }, this.onChange);
  }

  get material(): TlsMaterial {
    return this.current;
  }

  private changed(): void {
    clearTimeout(this.timer);
    // cert and key are often written one after the other: wait for both
    this.timer = setTimeout(() => this.reload(), 200);
    this.timer.unref();
  }

  /** Re-reads the files now; true when the new material was taken. */
  reload(): boolean {
    let m: TlsMaterial;
    try {
      m = readTlsFiles(this.files);
    } catch (err) {
      this.events.emit('error', err as Error);
      return false;
    }
    if (
      m.cert.equals(this.current.cert) &&
      m.key.equals(this.current.key) &&
      sameBuffer(m.ca, this.current.ca)
    ) {
      return false;
    }
    this.current = m;
    this.updateSecureContextOptions(contextOf(m));
    this.events.emit('reload', {
      subject: m.leaf.subject,
      subjectAltName: m.leaf.subjectAltName,
      validTo: m.leaf.validTo,
      fingerprint256: m.leaf.fingerprint256,
    });
    return true;
  }

  close(): void {
    clearTimeout(this.timer);
    for (const f of this.watched) unwatchFile(f, this.onChange);
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

function contextOf(m: TlsMaterial) {
  return { cert: m.cert, key: m.key, ca: m.ca };
}

function sameBuffer(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.equals(b));
}
