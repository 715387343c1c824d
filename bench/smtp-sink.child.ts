// A minimal SMTP sink in its own process: accepts everything, keeps nothing but a count.
import { SMTPServer } from 'smtp-server';

let received = 0;
/** The first message received, kept whole so the raw baseline can send exactly what Paperboy sent. */
let sample = '';
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  closeTimeout: 100,
  onData(stream, _session, cb) {
    const keep = sample === '';
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => keep && chunks.push(c));
    stream.on('end', () => {
      if (keep && sample === '') sample = Buffer.concat(chunks).toString('utf8');
      received++;
      cb();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as { port: number };
  process.send!({ port });
});

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'count') process.send!({ received });
  if (m.cmd === 'reset') received = 0;
  if (m.cmd === 'sample') process.send!({ sample });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
