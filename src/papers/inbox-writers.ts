import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * Which of `paths` some process has open for writing, read from Linux's /proc (the processes this
 * user may inspect, which includes any copy it runs). Elsewhere, or when /proc is unreadable,
 * nothing is reported and the inbox relies on its stability rule alone.
 */
export async function openForWriting(paths: Set<string>): Promise<Set<string>> {
  const held = new Set<string>();
  if (paths.size === 0) return held;
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((p) => /^\d+$/.test(p));
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (!paths.has(target) || held.has(target)) continue;
      if (await writable(pid, fd)) held.add(target);
    }
  }
  return held;
}

async function writable(pid: string, fd: string): Promise<boolean> {
  const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '');
  const flags = /^flags:\s*([0-7]+)/m.exec(info)?.[1];
  return flags !== undefined && (parseInt(flags, 8) & 3) !== 0; // O_WRONLY or O_RDWR
}
