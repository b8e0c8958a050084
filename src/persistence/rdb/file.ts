/**
 * Whole RDB files and DUMP payloads: framing, aux fields, database selectors, expiry,
 * EOF and the CRC64 trailer (rdbSaveRio / rdbLoadRio, dumpCommand / verifyDumpPayload).
 */
import { Crc64 } from '../crc64.js';
import { RdbInput, RdbFormatError } from './input.js';
import { RdbOutput } from './output.js';
import { RdbOpcode, RDB_WRITE_VERSION, RDB_MAX_READ_VERSION } from './format.js';
import { readValue, writeValue, valueRdbType, type PortableValue } from './values.js';

export interface RdbKey {
  readonly key: string;
  readonly value: PortableValue;
  /** Absolute expiry in ms, or -1. */
  readonly expireMs: number;
}

export interface RdbContents {
  readonly version: number;
  readonly aux: Map<string, string>;
  readonly dbs: Map<number, RdbKey[]>;
}

/** Parses a whole RDB file, verifying its checksum (unless it was written without one). */
export function parseRdb(buf: Buffer, verifyChecksum = true): RdbContents {
  const input = new RdbInput(buf);
  const magic = input.bytes(9).latin1Slice(0, 9);
  if (!magic.startsWith('REDIS')) throw new RdbFormatError('Wrong signature trying to load DB from file', 0);
  const version = Number(magic.slice(5));
  if (!Number.isInteger(version) || version < 1 || version > RDB_MAX_READ_VERSION) {
    throw new RdbFormatError(`Can't handle RDB format version ${magic.slice(5)}`, 5);
  }
  const aux = new Map<string, string>();
  const dbs = new Map<number, RdbKey[]>();
  let db: RdbKey[] = [];
  dbs.set(0, db);
  let expireMs = -1;
  for (;;) {
    const type = input.byte();
    switch (type) {
      case RdbOpcode.EXPIRETIME_MS:
        expireMs = input.millis();
        continue;
      case RdbOpcode.EXPIRETIME:
        expireMs = input.seconds() * 1000;
        continue;
      case RdbOpcode.IDLE:
        input.len();
        continue;
      case RdbOpcode.FREQ:
        input.byte();
        continue;
      case RdbOpcode.SELECTDB: {
        const id = input.len();
        db = dbs.get(id) ?? [];
        dbs.set(id, db);
        continue;
      }
      case RdbOpcode.RESIZEDB:
        input.len();
        input.len();
        continue;
      case RdbOpcode.AUX: {
        const k = input.string();
        aux.set(k, input.string());
        continue;
      }
      case RdbOpcode.MODULE_AUX:
        throw new RdbFormatError('The RDB file contains module AUX data, which nodis cannot load', input.pos - 1);
      case RdbOpcode.FUNCTION2:
      case RdbOpcode.FUNCTION_PRE_GA:
        throw new RdbFormatError('The RDB file contains function libraries, which nodis cannot load yet', input.pos - 1);
      case RdbOpcode.EOF: {
        if (version >= 5 && input.remaining >= 8) {
          const stored = input.bytes(8);
          const zero = stored.every((b) => b === 0);
          if (verifyChecksum && !zero) {
            const actual = new Crc64().update(buf, 0, input.pos - 8).digestLE();
            if (!actual.equals(stored)) throw new RdbFormatError('Wrong RDB checksum', input.pos - 8);
          }
        }
        return { version, aux, dbs };
      }
      default: {
        const key = input.string();
        const value = readValue(input, type, key);
        db.push({ key, value, expireMs });
        expireMs = -1;
      }
    }
  }
}

export interface RdbSaveOptions {
  compress: boolean;
  checksum: boolean;
  aux: ReadonlyArray<readonly [string, string]>;
}

/**
 * Writes an RDB file from databases given as (id, keys) in order, flushing chunks to `sink`
 * as they fill so a large dataset never sits in memory twice. Returns nothing: the caller
 * owns the file (write to a temp name, fsync, rename).
 */
export function writeRdb(
  dbs: Iterable<{ id: number; size: number; expires: number; keys: Iterable<RdbKey> }>,
  options: RdbSaveOptions,
  sink: (chunk: Buffer) => void,
): void {
  const out = new RdbOutput();
  out.compress = options.compress;
  const crc = new Crc64();
  const flush = (force: boolean): void => {
    if (out.length === 0 || (!force && out.length < 256 * 1024)) return;
    const chunk = out.drain();
    if (options.checksum) crc.update(chunk);
    sink(chunk);
  };
  out.latin1(`REDIS${String(RDB_WRITE_VERSION).padStart(4, '0')}`);
  for (const [k, v] of options.aux) {
    out.byte(RdbOpcode.AUX);
    out.string(k);
    out.string(v);
  }
  for (const db of dbs) {
    if (db.size === 0) continue;
    out.byte(RdbOpcode.SELECTDB);
    out.len(db.id);
    out.byte(RdbOpcode.RESIZEDB);
    out.len(db.size);
    out.len(db.expires);
    for (const entry of db.keys) {
      if (entry.expireMs !== -1) {
        out.byte(RdbOpcode.EXPIRETIME_MS);
        out.millis(entry.expireMs);
      }
      out.byte(valueRdbType(entry.value));
      out.string(entry.key);
      writeValue(out, entry.value);
      flush(false);
    }
  }
  out.byte(RdbOpcode.EOF);
  flush(true);
  sink(options.checksum ? crc.digestLE() : Buffer.alloc(8));
}

/** DUMP's payload: type, value, 2-byte RDB version, CRC64 of all that (createDumpPayload). */
export function dumpPayload(value: PortableValue, compress = true): Buffer {
  const out = new RdbOutput(256);
  out.compress = compress;
  out.byte(valueRdbType(value));
  writeValue(out, value);
  out.byte(RDB_WRITE_VERSION & 0xff);
  out.byte((RDB_WRITE_VERSION >> 8) & 0xff);
  const body = Buffer.from(out.view());
  return Buffer.concat([body, new Crc64().update(body).digestLE()]);
}

/**
 * verifyDumpPayload + rdbLoadObject for RESTORE: returns the value, or null when the
 * payload's version or checksum is wrong or it doesn't decode (Redis's single error text).
 */
export function parseDumpPayload(payload: Buffer, key: string): PortableValue | null {
  if (payload.length < 10) return null;
  const footer = payload.length - 10;
  const version = payload.readUInt16LE(footer);
  if (version > RDB_MAX_READ_VERSION) return null;
  const stored = payload.subarray(payload.length - 8);
  if (!stored.every((b) => b === 0)) {
    const actual = new Crc64().update(payload, 0, payload.length - 8).digestLE();
    if (!actual.equals(stored)) return null;
  }
  try {
    const input = new RdbInput(payload.subarray(0, footer));
    const value = readValue(input, input.byte(), key);
    return input.remaining === 0 ? value : null;
  } catch (e) {
    if (e instanceof RdbFormatError) return null;
    throw e;
  }
}
