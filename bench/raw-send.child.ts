// The baseline: raw nodemailer, pooled like Paperboy's transport, sending pre-rendered messages.
import nodemailer from 'nodemailer';
import { peakRssMb } from './child.js';

const [port, countText, inFlightText, htmlFile] = process.argv.slice(2);
const count = Number(countText);
const inFlight = Number(inFlightText);
const { readFileSync } = await import('node:fs');
// Either parts to compose (like any nodemailer user), or a whole message Paperboy sent, sent as is.
const { html, text, subject, raw } = JSON.parse(readFileSync(htmlFile, 'utf8')) as { html: string; text: string; subject: string; raw?: string };
const transport = nodemailer.createTransport({
  host: '127.0.0.1',
  port: Number(port),
  secure: false,
  pool: true,
  maxConnections: 5,
  maxMessages: 500,
  ignoreTLS: true,
});

const started = performance.now();
let next = 0;
async function slot(): Promise<void> {
  while (next < count) {
    const i = next++;
    const to = `reader${i}@example.org`;
    if (raw) await transport.sendMail({ envelope: { from: 'papers@localhost', to }, raw });
    else await transport.sendMail({ from: 'Paperboy <papers@localhost>', to, subject, html, text });
  }
}
await Promise.all(Array.from({ length: inFlight }, slot));
const seconds = (performance.now() - started) / 1000;
transport.close();
const cpu = process.cpuUsage();
process.stdout.write(
  JSON.stringify({ messages: count, seconds, perSecond: count / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: peakRssMb() }) + '\n',
);
