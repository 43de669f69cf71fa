// Replies a hostile server sends, shared by the hostile-server tests and benchmark.
import type { ServerResponse } from 'node:http';

/**
 * Headers, then one NDJSON line of `total` bytes, written only as fast as the client takes it;
 * `report` hears the bytes written so far. 'closed' when the client hung up first.
 */
export async function writeHugeLine(res: ServerResponse, total: number, report: (n: number) => void): Promise<'closed' | 'finished'> {
  res.on('error', () => {});
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  res.write('{"model":"gemma4:e4b","response":"');
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let n = 0;
  while (n < total && !res.destroyed) {
    const ok = res.write(chunk);
    n += chunk.length;
    report(n);
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (res.destroyed) return 'closed';
  res.end('"}\n');
  return 'finished';
}
