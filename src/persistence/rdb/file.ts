/**
 * Whole RDB files and DUMP payloads: framing, aux fields, database selectors, expiry,
 * EOF and the CRC64 trailer (rdbSaveRio / rdbLoadRio, dumpCommand / verifyDumpPayload).
 */
import { Crc64 } from '../crc64.js';
import { runToEnd } from '../../util/sliced.js';
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
  /** Bytes the RDB took (an AOF base with an RDB preamble continues with commands after it). */
  readonly length: number;
  /** Function libraries' code. */
  readonly functions: string[];
}

/** Parses a whole RDB file into memory, verifying its checksum (tests, small files). */
export function parseRdb(buf: Buffer, verifyChecksum = true): RdbContents {
  const dbs = new Map<number, RdbKey[]>([[0, []]]);
  const functions: string[] = [];
  const { version, aux, length } = readRdb(
    buf,
    (dbId, key) => {
      let keys = dbs.get(dbId);
      if (keys === undefined) dbs.set(dbId, (keys = []));
      keys.push(key);
    },
    verifyChecksum,
    (code) => functions.push(code),
  );
  return { version, aux, dbs, length, functions };
}

/**
 * Reads an RDB file, handing each key to `onKey` as soon as it is decoded, so a large file
 * is never held twice in memory. The checksum is verified at the end (a bad one throws
 * after the keys were delivered: the caller refuses the load, as Redis does).
 */
export function readRdb(buf: Buffer, onKey: (dbId: number, key: RdbKey) => void, verifyChecksum = true, onFunction?: (code: string) => void): RdbReadResult {
  return runToEnd(readRdbSteps(buf, onKey, verifyChecksum, onFunction));
}

export interface RdbReadResult {
  version: number;
  aux: Map<string, string>;
  /** Bytes the RDB took. */
  length: number;
}

/** readRdb as steps: yields the offset reached every 1024 keys, so loading can be sliced. */
export function* readRdbSteps(
  buf: Buffer,
  onKey: (dbId: number, key: RdbKey) => void,
  verifyChecksum = true,
  onFunction?: (code: string) => void,
): Generator<number, RdbReadResult> {
  const input = new RdbInput(buf);
  const magic = input.bytes(9).latin1Slice(0, 9);
  if (!magic.startsWith('REDIS')) throw new RdbFormatError('Wrong signature trying to load DB from file', 0);
  const version = Number(magic.slice(5));
  if (!Number.isInteger(version) || version < 1 || version > RDB_MAX_READ_VERSION) {
    throw new RdbFormatError(`Can't handle RDB format version ${magic.slice(5)}`, 5);
  }
  const aux = new Map<string, string>();
  let dbId = 0;
  let expireMs = -1;
  let keys = 0;
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
      case RdbOpcode.SELECTDB:
        dbId = input.len();
        continue;
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
      case RdbOpcode.FUNCTION2: {
        const at = input.pos - 1;
        const code = input.string();
        if (onFunction === undefined) throw new RdbFormatError('The RDB file contains function libraries, which cannot be loaded here', at);
        onFunction(code);
        continue;
      }
      case RdbOpcode.FUNCTION_PRE_GA:
        throw new RdbFormatError('The RDB file contains function libraries in the pre-release format of Redis 7.0 RC1, which nodis cannot load', input.pos - 1);
      case RdbOpcode.EOF: {
        if (version >= 5 && input.remaining >= 8) {
          const stored = input.bytes(8);
          const zero = stored.every((b) => b === 0);
          if (verifyChecksum && !zero) {
            const actual = new Crc64().update(buf, 0, input.pos - 8).digestLE();
            if (!actual.equals(stored)) throw new RdbFormatError('Wrong RDB checksum', input.pos - 8);
          }
        }
        return { version, aux, length: input.pos };
      }
      default: {
        const key = input.string();
        const value = readValue(input, type, key);
        onKey(dbId, { key, value, expireMs });
        expireMs = -1;
        if ((++keys & 1023) === 0) yield input.pos;
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
 * Writes an RDB file incrementally: the header and aux fields on construction, then
 * databases and keys in any number of steps (so a background save can interleave with
 * serving clients), then the EOF and checksum. Full chunks go to `sink` as they fill, so a
 * large dataset never sits in memory twice. The caller owns the file (temp name, fsync,
 * rename).
 */
export class RdbWriter {
  private readonly out = new RdbOutput();
  private readonly crc = new Crc64();

  constructor(
    private readonly options: RdbSaveOptions,
    private readonly sink: (chunk: Buffer) => void,
  ) {
    this.out.compress = options.compress;
    this.out.latin1(`REDIS${String(RDB_WRITE_VERSION).padStart(4, '0')}`);
    for (const [k, v] of options.aux) {
      this.out.byte(RdbOpcode.AUX);
      this.out.string(k);
      this.out.string(v);
    }
  }

  /** SELECTDB and RESIZEDB before a database's keys. */
  selectDb(id: number, size: number, expires: number): void {
    this.out.byte(RdbOpcode.SELECTDB);
    this.out.len(id);
    this.out.byte(RdbOpcode.RESIZEDB);
    this.out.len(size);
    this.out.len(expires);
  }

  key(key: string, expireMs: number, value: PortableValue): void {
    this.expire(expireMs);
    this.out.byte(valueRdbType(value));
    this.out.string(key);
    writeValue(this.out, value);
    this.flush(false);
  }

  /** A function library (RDB_OPCODE_FUNCTION2 + its code), written before the databases. */
  functionLibrary(code: string): void {
    this.out.byte(RdbOpcode.FUNCTION2);
    this.out.string(code);
  }

  /** EOF and the checksum (zero when rdbchecksum is off). */
  finish(): void {
    this.out.byte(RdbOpcode.EOF);
    this.flush(true);
    this.sink(this.options.checksum ? this.crc.digestLE() : Buffer.alloc(8));
  }

  private expire(expireMs: number): void {
    if (expireMs === -1) return;
    this.out.byte(RdbOpcode.EXPIRETIME_MS);
    this.out.millis(expireMs);
  }

  /**
   * Hands full chunks to the sink. The chunk is a view of the output buffer, reused once
   * the sink returns: sinks write synchronously (or copy).
   */
  private flush(force: boolean): void {
    if (this.out.length === 0 || (!force && this.out.length < 256 * 1024)) return;
    const chunk = this.out.view();
    if (this.options.checksum) this.crc.update(chunk);
    this.sink(chunk);
    this.out.length = 0;
  }
}

/** Writes a whole RDB file from databases given as (id, keys) in order. */
export function writeRdb(
  dbs: Iterable<{ id: number; size: number; expires: number; keys: Iterable<RdbKey> }>,
  options: RdbSaveOptions,
  sink: (chunk: Buffer) => void,
): void {
  // RdbWriter reuses its chunk buffer; this caller may keep the chunks.
  const writer = new RdbWriter(options, (chunk) => sink(Buffer.from(chunk)));
  for (const db of dbs) {
    if (db.size === 0) continue;
    writer.selectDb(db.id, db.size, db.expires);
    for (const entry of db.keys) writer.key(entry.key, entry.expireMs, entry.value);
  }
  writer.finish();
}

/** A value's RDB type byte followed by its encoding, as in a DUMP payload or an RDB key. */
export function encodeValue(value: PortableValue, compress: boolean): Buffer {
  const out = new RdbOutput(256);
  out.compress = compress;
  out.byte(valueRdbType(value));
  writeValue(out, value);
  return out.drain();
}

/** DUMP's payload: type, value, 2-byte RDB version, CRC64 of all that (createDumpPayload). */
export function dumpPayload(value: PortableValue, compress = true): Buffer {
  const encoded = encodeValue(value, compress);
  const version = Buffer.from([RDB_WRITE_VERSION & 0xff, (RDB_WRITE_VERSION >> 8) & 0xff]);
  const body = Buffer.concat([encoded, version]);
  return Buffer.concat([body, new Crc64().update(body).digestLE()]);
}

/** Why a RESTORE payload was refused (Redis's two error texts). */
export type DumpPayloadError = 'bad-version-or-checksum' | 'bad-format';

/**
 * verifyDumpPayload + rdbLoadObject for RESTORE: the value, or which check failed: the
 * footer's RDB version or CRC64, or the encoding itself.
 */
export function parseDumpPayload(payload: Buffer, key: string): PortableValue | DumpPayloadError {
  if (payload.length < 10) return 'bad-version-or-checksum';
  const version = payload.readUInt16LE(payload.length - 10);
  if (version > RDB_MAX_READ_VERSION) return 'bad-version-or-checksum';
  // Unlike an RDB file, a payload's checksum is always verified (a zero CRC is no exemption).
  const actual = new Crc64().update(payload, 0, payload.length - 8).digestLE();
  if (!actual.equals(payload.subarray(payload.length - 8))) return 'bad-version-or-checksum';
  try {
    // Redis decodes from the start of the whole payload and ignores what is left over, so
    // a value may even run into the footer; nodis accepts exactly what Redis accepts.
    const input = new RdbInput(payload);
    return readValue(input, input.byte(), key);
  } catch (e) {
    if (e instanceof RdbFormatError) return 'bad-format';
    throw e;
  }
}
