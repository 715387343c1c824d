// A minimal SMTP sink in its own process: accepts everything, keeps nothing but a count.
import { SMTPServer } from 'smtp-server';

let received = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  closeTimeout: 100,
  onData(stream, _session, cb) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
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
});
process.on('disconnect', () => server.close(() => process.exit(0)));
