/**
 * Blob serving speed of the registries: one random blob (200 MB; quick: 40 MB) pushed
 * to `pier registry` (in this process) and, when installed, Debian's
 * docker-registry; then `curl` GETs it to /dev/null over loopback, alternating, `rounds` times.
 * Issue target: our registry ≥ 500 MiB/s.
 */
import { spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Figure, Series } from './measure.js';
import { summarize } from './stats.js';
import { registryMissing, startRegistry, type LocalRegistry } from './workload.js';
import { createRegistryServer } from '../src/registry/index.js';
import { nullLogger } from '../src/lib/log.js';

function send(method: string, url: string, body?: { file: string; size: number }): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body ? { 'Content-Type': 'application/octet-stream', 'Content-Length': body.size } : { 'Content-Length': 0 } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    if (body) fs.createReadStream(body.file, { highWaterMark: 1 << 20 }).pipe(req);
    else req.end();
  });
}

/** Pushes the blob with POST (session) then PUT ?digest= (docker-registry has no one-request upload). */
async function upload(address: string, file: string, digest: string, size: number): Promise<void> {
  const start = await send('POST', `http://${address}/v2/pierbench/blob/blobs/uploads/`);
  const loc = start.headers.location;
  if (start.statusCode !== 202 || !loc) throw new Error(`upload to ${address}: status ${start.statusCode}`);
  const u = new URL(loc, `http://${address}`);
  u.searchParams.set('digest', digest);
  const put = await send('PUT', u.href, { file, size });
  if (put.statusCode !== 201) throw new Error(`upload to ${address}: PUT status ${put.statusCode}`);
}

/** MiB/s of one `curl` GET of the blob to /dev/null. Rejects when curl fails or the size is off. */
function curlGet(url: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn('curl', ['-sS', '-o', '/dev/null', '-w', '%{size_download} %{time_total}', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (out += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const [bytes, secs] = out.trim().split(' ').map(Number);
      if (code !== 0 || bytes !== size || !secs) reject(new Error(`curl ${url}: ${out.trim()}`));
      else resolve(size / 1048576 / secs);
    });
  });
}

/** The figure (see module comment). Never throws for a missing peer: it is listed in `skipped`. */
export async function registryServe(mb: number, rounds: number): Promise<Figure> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pier-bench-serve-'));
  const file = path.join(dir, 'blob');
  const size = mb * 1e6;
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (let done = 0; done < size; ) {
    const n = Math.min(chunk.length, size - done);
    randomFillSync(chunk, 0, n);
    hash.update(chunk.subarray(0, n));
    fs.writeSync(fd, chunk, 0, n);
    done += n;
  }
  fs.closeSync(fd);
  const digest = `sha256:${hash.digest('hex')}`;
  const skipped: string[] = [];
  const ours = await createRegistryServer({ log: nullLogger }, { root: path.join(dir, 'pier') });
  let peer: LocalRegistry | undefined;
  try {
    const lanes: { label: string; engine: 'pier' | 'docker'; address: string; samples: number[] }[] = [];
    lanes.push({ label: 'pier registry', engine: 'pier', address: `127.0.0.1:${(await ours.listen(0)).port}`, samples: [] });
    const why = registryMissing();
    if (why) skipped.push(`docker-registry: ${why}`);
    else {
      peer = await startRegistry();
      lanes.push({ label: 'docker-registry (distribution)', engine: 'docker', address: peer.address, samples: [] });
    }
    for (const l of lanes) await upload(l.address, file, digest, size);
    for (let r = 0; r < rounds; r++) {
      for (const l of lanes) l.samples.push(await curlGet(`http://${l.address}/v2/pierbench/blob/blobs/${digest}`, size));
    }
    const series: Series[] = lanes.map((l) => ({ label: l.label, engine: l.engine, summary: summarize(l.samples) }));
    return {
      id: 'registry-serve',
      title: `GET of a ${mb} MB blob from a local registry (throughput)`,
      unit: 'MiB/s',
      series,
      skipped,
      notes: [`curl -o /dev/null over 127.0.0.1, ${rounds} alternating rounds; pier registry runs in the bench process; target ≥ 500 MiB/s`],
    };
  } finally {
    await ours.close();
    await peer?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
