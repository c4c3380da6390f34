/** bench:stream-memory's bare HTTP/2 clients: N connections, one open request stream each (argv: port N). */
import { connect } from 'node:http2';

const [port, n] = process.argv.slice(2).map(Number);
const held: unknown[] = [];
let answered = 0;
for (let i = 0; i < n; i++) {
  const session = connect(`http://127.0.0.1:${port}`);
  const stream = session.request(
    { ':method': 'POST', ':path': '/bench', 'content-type': 'application/grpc' },
    { endStream: false },
  );
  stream.write(Buffer.alloc(300));
  stream.once('response', () => {
    if (++answered === n) process.send?.({ connected: n });
  });
  stream.on('data', () => {});
  held.push(session, stream);
  if (i % 100 === 99) await new Promise((r) => setTimeout(r, 5));
}
process.on('disconnect', () => process.exit(0));
