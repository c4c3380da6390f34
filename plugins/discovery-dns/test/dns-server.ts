import { createSocket, type RemoteInfo } from 'node:dgram';
import { isIPv4 } from 'node:net';

/** A tiny authoritative DNS server on 127.0.0.1 (UDP) for tests: A/AAAA from a mutable table. */
export interface TestDnsServer {
  server: string;
  /** name → addresses (v4 and v6 mixed). Unknown names answer NXDOMAIN. */
  records: Map<string, string[]>;
  /** When set, every query answers SERVFAIL. */
  failing: boolean;
  queries: number;
  stop(): Promise<void>;
}

function encodeAddress(addr: string): Buffer {
  if (isIPv4(addr)) return Buffer.from(addr.split('.').map(Number));
  const [head, tail = ''] = addr.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = addr.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => {
    b.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  });
  return b;
}

export async function startDnsServer(): Promise<TestDnsServer> {
  const sock = createSocket('udp4');
  const state: TestDnsServer = {
    server: '',
    records: new Map(),
    failing: false,
    queries: 0,
    stop: () => new Promise((r) => sock.close(() => r())),
  };
  sock.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    state.queries++;
    let off = 12;
    const labels: string[] = [];
    while (msg[off] !== 0) {
      labels.push(msg.subarray(off + 1, off + 1 + msg[off]).toString('ascii'));
      off += msg[off] + 1;
    }
    const question = msg.subarray(12, off + 5);
    const qtype = msg.readUInt16BE(off + 1);
    const name = labels.join('.').toLowerCase();
    const known = state.records.get(name);
    const answers = (known ?? []).filter((a) =>
      qtype === 1 ? isIPv4(a) : qtype === 28 ? !isIPv4(a) : false,
    );
    const rcode = state.failing ? 2 : known ? 0 : 3;
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | rcode, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(rcode === 0 ? answers.length : 0, 6);
    const rrs =
      rcode === 0
        ? answers.map((a) => {
            const data = encodeAddress(a);
            const rr = Buffer.alloc(12);
            rr.writeUInt16BE(0xc00c, 0);
            rr.writeUInt16BE(qtype, 2);
            rr.writeUInt16BE(1, 4);
            rr.writeUInt32BE(5, 6);
            rr.writeUInt16BE(data.length, 10);
            return Buffer.concat([rr, data]);
          })
        : [];
    sock.send(Buffer.concat([header, question, ...rrs]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  state.server = `127.0.0.1:${sock.address().port}`;
  return state;
}
