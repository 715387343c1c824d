// Loaded with `node --import` into a command under measurement: on exit it appends the process's
// peak RSS (MB) to BENCH_RSS_FILE, since a parent cannot read a child's peak by itself.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
// Then its CPU seconds (user + system), on the same line: a busy machine stretches wall time, not CPU.
if (file)
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    appendFileSync(file, `${Math.round(process.resourceUsage().maxRSS / 1024)} ${(cpu.user + cpu.system) / 1e6}\n`);
  });
