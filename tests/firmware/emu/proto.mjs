// The frame layout of include/tandem_proto.h, written again in JavaScript
// for the emulator harness (an independent second implementation: the
// harness checks the firmware against this, not against the C codec).
export const SYNC0 = 0xa5;
export const SYNC1 = 0x5a;
export const VERSION = 1;
export const T = {
  INFO_GET: 0x01, JOB: 0x03, RUN: 0x05, STATUS_GET: 0x06,
  ACK: 0x80, INFO: 0x81, STATUS: 0x86, SHARE: 0x87,
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

function u32le(v) {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

function hex(s) {
  const out = [];
  for (let i = 0; i < s.length; i += 2) out.push(parseInt(s.slice(i, i + 2), 16));
  return out;
}

// Header-mode JOB payload (68 bytes) for a headers.json entry: midstate
// words H0..H7 (given big-endian in midstate_hex) each little-endian,
// then header[64:76] (tail_hex without the nonce).
export function jobPayload(h, jobId) {
  const p = [0, 0, 0, 0, ...u32le(jobId), ...u32le(0), ...u32le(0),
    ...u32le(h.version >>> 0), ...u32le(h.time >>> 0)];
  for (let w = 0; w < 8; w++) p.push(...u32le(parseInt(h.midstate_hex.slice(8 * w, 8 * w + 8), 16)));
  p.push(...hex(h.tail_hex).slice(0, 12));
  return p;
}

// SHARE payload (32 bytes) with the header's real nonce.
export function sharePayload(h, jobId) {
  return [...u32le(jobId), 0, 0, 1, 0, ...u32le(h.nonce >>> 0), ...u32le(h.version >>> 0),
    ...u32le(h.time >>> 0), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
}
