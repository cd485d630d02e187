import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

const WRITE_CHUNK = 4 * 1024 * 1024;

/** Appends bytes; small pieces are coalesced into ~4 MiB writes, a large block goes out as it is. */
export type ChunkWriter = (bytes: Uint8Array) => Promise<void>;

/**
 * Writes `file` atomically for backends' snapshots: a temp file in the same directory, fsync,
 * then rename over the old one, so a crash leaves the old file or the new one, never a torn one.
 * Any failure removes the temp file and is passed to `onError` for a backend-specific message.
 */
export async function writeFileAtomic(
  file: string,
  write: (put: ChunkWriter) => Promise<void>,
  onError: (cause: unknown) => Error,
): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let handle: FileHandle;
  try {
    await mkdir(dirname(file), { recursive: true });
    handle = await open(temp, 'w');
  } catch (error) {
    throw onError(error);
  }
  try {
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      await handle.write(pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
    };
    await write(async (bytes) => {
      if (bytes.length >= WRITE_CHUNK) {
        await flush();
        await handle.write(bytes);
        return;
      }
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= WRITE_CHUNK) await flush();
    });
    await flush();
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw onError(error);
  }
}
