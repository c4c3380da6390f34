/**
 * A throw-away PKI for tests, made with the openssl CLI: a CA, and leaf certificates with the SANs a test
 * needs (SPIFFE URI SANs for proxies, IP/DNS SANs for servers).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  dir: string;
  certFile: string;
  keyFile: string;
  name: string;
  /** The CA certificate's PEM, read now. */
  cert(): Buffer;
}

export interface IssuedCert {
  certFile: string;
  keyFile: string;
  /** certificate then CA, for servers that send the chain */
  chainFile: string;
  cert: Buffer;
  key: Buffer;
}

export interface IssueOptions {
  cn: string;
  uris?: string[];
  dns?: string[];
  ips?: string[];
  /** Days of validity. Default 30. */
  days?: number;
  usage?: 'server' | 'client' | 'both';
  /** File name stem (default: cn with unsafe characters replaced). */
  name?: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A new self-signed ECDSA P-256 CA in a temporary directory (or under `parent`). */
export function createTestCa(name = 'Plexus Test CA', parent?: string): TestCa {
  const dir = parent ? join(parent, name.replace(/\W+/g, '-')) : mkdtempSync(join(tmpdir(), 'plexus-pki-'));
  mkdirSync(dir, { recursive: true });
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-sha256',
      '-days',
      '60',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'ca.crt',
    ],
    dir,
  );
  const certFile = join(dir, 'ca.crt');
  return { dir, certFile, keyFile: join(dir, 'ca.key'), name, cert: () => readFileSync(certFile) };
}

/** A leaf certificate signed by `ca`. */
export function issueCert(ca: TestCa, o: IssueOptions): IssuedCert {
  const stem = o.name ?? o.cn.replace(/[^\w.-]+/g, '_');
  const dir = ca.dir;
  const sans = [
    ...(o.uris ?? []).map((u) => `URI:${u}`),
    ...(o.dns ?? []).map((d) => `DNS:${d}`),
    ...(o.ips ?? []).map((i) => `IP:${i}`),
  ];
  const usage = o.usage ?? 'both';
  const eku = usage === 'server' ? 'serverAuth' : usage === 'client' ? 'clientAuth' : 'serverAuth,clientAuth';
  const ext = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${eku}`,
    ...(sans.length ? [`subjectAltName=${sans.join(',')}`] : []),
  ].join('\n');
  writeFileSync(join(dir, `${stem}.ext`), `${ext}\n`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${stem}.ec.key`], dir);
  // PKCS#8, which every TLS stack here reads
  openssl(['pkcs8', '-topk8', '-nocrypt', '-in', `${stem}.ec.key`, '-out', `${stem}.key`], dir);
  openssl(['req', '-new', '-key', `${stem}.key`, '-subj', `/CN=${o.cn}`, '-out', `${stem}.csr`], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${stem}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      String(o.days ?? 30),
      '-sha256',
      '-extfile',
      `${stem}.ext`,
      '-out',
      `${stem}.crt`,
    ],
    dir,
  );
  const certFile = join(dir, `${stem}.crt`);
  const chainFile = join(dir, `${stem}.chain.crt`);
  writeFileSync(chainFile, Buffer.concat([readFileSync(certFile), readFileSync(ca.certFile)]));
  return {
    certFile,
    keyFile: join(dir, `${stem}.key`),
    chainFile,
    cert: readFileSync(certFile),
    key: readFileSync(join(dir, `${stem}.key`)),
  };
}
