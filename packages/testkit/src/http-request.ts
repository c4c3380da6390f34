import { Agent, request as httpRequest } from 'node:http';

export interface HttpReply {
  status: number;
  body: string;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Socket timeout (default 5 s). */
  timeoutMs?: number;
}

/** Keep-alive connections shared by the tests' requests to local Envoys and backends. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request to 127.0.0.1:port; resolves with the status and the whole body as text. */
export function httpRequestLocal(port: number, path = '/', o: HttpRequestOptions = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: o.method ?? 'GET',
        agent,
        timeout: o.timeoutMs ?? 5000,
        headers: o.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}
