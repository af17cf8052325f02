// The frame layout of include/tandem_proto.h, written again in JavaScript
// for the emulator harness (an independent second implementation: the
// harness checks the firmware against this, not against the C codec).
export const SYNC0 = 0xa5;
export const SYNC1 = 0x5a;
export const VERSION = 1;
export const T = {
  INFO_GET: 0x01, TARGET_SET: 0x02, JOB: 0x03, FLUSH: 0x04, RUN: 0x05, STATUS_GET: 0x06,
  ACK: 0x80, INFO: 0x81, NAK: 0x82, STATUS: 0x86, SHARE: 0x87,
};

// CRC-8, poly 0x07, init 0
export function crc8(bytes) {
  let c = 0;
  for (const b of bytes) {
    c ^= b;
    for (let i = 0; i < 8; i++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  }
  return c;
}

// CRC-16/IBM-3740: poly 0x1021, init 0xffff
export function crc16(bytes) {
  let c = 0xffff;
  for (const b of bytes) {
    c ^= b << 8;
    for (let i = 0; i < 8; i++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  }
  return c;
}

export function frame(type, seq, payload = []) {
  const len = payload.length;
  const f = [SYNC0, SYNC1, VERSION, type, seq & 0xff, len & 0xff, len >> 8];
  f.push(crc8(f.slice(2, 7)));
  f.push(...payload);
  const c = crc16(f.slice(2));
  f.push(c & 0xff, c >> 8);
  return Uint8Array.from(f);
}

// Splits a byte stream into frames: {type, seq, payload} for each frame
// whose header check byte and CRC-16 hold, {bad: true} for a broken one.
// Returns [frames, bytes used]; a partial frame at the end stays unused.
export function parseFrames(bytes) {
  const out = [];
  let i = 0;
  while (i + 8 <= bytes.length) {
    if (bytes[i] !== SYNC0 || bytes[i + 1] !== SYNC1) {
      i++;
      continue;
    }
    const hdr = Array.from(bytes.slice(i + 2, i + 7));
    if (crc8(hdr) !== bytes[i + 7]) {
      out.push({ bad: true });
      i++;
      continue;
    }
    const len = bytes[i + 5] | (bytes[i + 6] << 8);
    if (i + 10 + len > bytes.length) break;
    const body = Array.from(bytes.slice(i + 2, i + 8 + len));
    const crc = bytes[i + 8 + len] | (bytes[i + 9 + len] << 8);
    if (crc16(body) !== crc) out.push({ bad: true });
    else out.push({ type: bytes[i + 3], seq: bytes[i + 4], payload: Uint8Array.from(bytes.slice(i + 8, i + 8 + len)) });
    i += 10 + len;
  }
  return [out, i];
}

export function u32le(v) {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

function hex(s) {
  const out = [];
  for (let i = 0; i < s.length; i += 2) out.push(parseInt(s.slice(i, i + 2), 16));
  return out;
}

// Header-mode JOB payload (68 bytes) for a headers.json entry: midstate
// words H0..H7 (given big-endian in midstate_hex) each little-endian,
// then header[64:76] (tail_hex without the nonce). Optional: generation,
// nonce window (count 0 = all 2^32).
export function jobPayload(h, jobId, { generation = 0, nonceStart = 0, nonceCount = 0 } = {}) {
  const p = [0, 0, generation & 0xff, generation >> 8, ...u32le(jobId), ...u32le(nonceStart >>> 0),
    ...u32le(nonceCount >>> 0), ...u32le(h.version >>> 0), ...u32le(h.time >>> 0)];
  for (let w = 0; w < 8; w++) p.push(...u32le(parseInt(h.midstate_hex.slice(8 * w, 8 * w + 8), 16)));
  p.push(...hex(h.tail_hex).slice(0, 12));
  return p;
}

// TARGET_SET entry (34 bytes): slot, flags (bit 0 enable), the target as
// a little-endian 256-bit number; targetHex is big-endian as block
// explorers show it (headers.json target_hex).
export function targetEntry(slot, targetHex) {
  return [slot, 1, ...hex(targetHex).reverse()];
}

// FLUSH payload: the new generation.
export function flushPayload(generation) {
  return [generation & 0xff, generation >> 8];
}

// SHARE payload (32 bytes) with the header's real nonce.
export function sharePayload(h, jobId) {
  return [...u32le(jobId), 0, 0, 1, 0, ...u32le(h.nonce >>> 0), ...u32le(h.version >>> 0),
    ...u32le(h.time >>> 0), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
}
