import { randomBytes } from 'node:crypto';
import { copyFile, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * How the inbox puts a file into done/ or failed/: whoever watches those folders (an operator's
 * script, a test) sees a name only once its content is complete and on disk. Each file is written
 * under a hidden temporary name in the target folder, fsynced, renamed into place, and the folder
 * fsynced so the rename survives a crash.
 */
export async function publishText(target: string, text: string): Promise<void> {
  const tmp = tempBeside(target);
  try {
    const file = await open(tmp, 'wx', 0o644);
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dirname(target));
}

/**
 * Moves a file into place in one step: a rename when both folders are on one filesystem (always,
 * unless done/ or failed/ is a separate mount), else a copy to a temporary name there, fsync,
 * rename, then removal of the source.
 */
export async function publishMove(source: string, target: string): Promise<void> {
  await syncFile(source);
  try {
    await rename(source, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    const tmp = tempBeside(target);
    try {
      await copyFile(source, tmp);
      await syncFile(tmp);
      await rename(tmp, target);
    } catch (copyErr) {
      await rm(tmp, { force: true });
      throw copyErr;
    }
    await rm(source, { force: true });
  }
  await syncDir(dirname(target));
}

/** Hidden (the inbox and `ls` pass over dot files) and without the dump's name, so no one mistakes it for the result. */
function tempBeside(target: string): string {
  return join(dirname(target), `.publishing-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

async function syncFile(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}

async function syncDir(path: string): Promise<void> {
  const dir = await open(path, 'r').catch(() => null); // some filesystems refuse to open a folder: the rename is still atomic
  if (!dir) return;
  try {
    await dir.sync().catch(() => undefined);
  } finally {
    await dir.close();
  }
}
