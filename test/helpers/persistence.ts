/**
 * Helpers shared by the persistence tests: throwaway directories removed when the test
 * file ends, INFO persistence fields, and waiting for a server to load or a background job
 * to finish.
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RespClient } from './resp-client.js';
import { parseReply } from './differential.js';

const tempDirs: string[] = [];
let cleanupRegistered = false;

/** A fresh directory under the system temp dir, removed after the test file. */
export function tempDir(prefix = 'nodis-persist-'): string {
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    after(() => {
      for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** A server answers -LOADING while it loads its files: wait until it answers PING. */
export async function loaded(c: RespClient): Promise<RespClient> {
  const deadline = Date.now() + 20000;
  while ((await c.call('PING')) !== '+PONG\r\n') {
    assert.ok(Date.now() < deadline, 'the server finished loading');
    await new Promise((r) => setTimeout(r, 20));
  }
  return c;
}

/** One field of INFO persistence. */
export async function infoField(c: RespClient, field: string): Promise<string> {
  const text = parseReply(await c.call('INFO', 'persistence')) as string;
  const line = text.split('\r\n').find((l) => l.startsWith(`${field}:`));
  assert.ok(line !== undefined, `INFO has ${field}`);
  return line.slice(field.length + 1);
}

/** Polls INFO persistence until `field` reads `value` (20 s at most). */
export async function waitForField(c: RespClient, field: string, value: string): Promise<void> {
  const deadline = Date.now() + 20000;
  while ((await infoField(c, field)) !== value) {
    assert.ok(Date.now() < deadline, `${field} reached ${value}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
