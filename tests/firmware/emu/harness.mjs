// Runs the real firmware image (build/firmware/tandem-bridge.bin) in the
// rp2040js emulator and plays everything around the chip:
//  - the bootrom: checks boot2's CRC-32 as the bootrom does, copies it to
//    0x20041f00 and starts it (rp2040js ships no bootrom); the QSPI
//    flash's answer to boot2's unique-id command comes from a small SSI
//    model, so the USB serial number is checked end to end;
//  - the USB host: enumeration and descriptor parsing, vendor requests,
//    bulk OUT and IN, through rp2040js's USB controller hooks;
//  - the FPGA: its UART (bytes out of UART0 are compared with what was
//    sent on bulk OUT; frames fed into UART0 must come out of bulk IN)
//    and its configuration pins (CRESET_B, SPI_SS_B, SCK, SI, CDONE);
//  - end to end: UART0 connected byte for byte to a running tandem-sim
//    (the Verilator model of the whole device, build/sim/tandem-sim or
//    $TANDEM_SIM), a real header-mode job on bulk OUT, the simulated
//    device's SHARE back on bulk IN, checked against the block's nonce
//    and hash.
// Prints "firmware_emu: N passed, N failed"; exits non-zero on failure.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConsoleLogger, GPIOPinState, LogLevel, RP2040 } from 'rp2040js';
import {
  T, crc16, flushPayload, frame, jobPayload, parseFrames, sharePayload, targetEntry, u32le,
} from './proto.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const image = fs.readFileSync(process.env.FW_BIN || path.join(root, 'build/firmware/tandem-bridge.bin'));
const headers = JSON.parse(fs.readFileSync(path.join(root, 'tests/vectors/headers.json'))).headers;

let passed = 0;
let failed = 0;
function check(name, cond, detail = '') {
  if (cond) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? ': ' + detail : ''}`);
  }
  return cond;
}
const hexs = (a) => Buffer.from(a).toString('hex');
const eq = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

// ---- the chip ------------------------------------------------------------
const mcu = new RP2040();
mcu.logger = new ConsoleLogger(LogLevel.Error);
const clock = mcu.clock;
mcu.flash.set(image, 0);

// QSPI flash answer to boot2's READ UNIQUE ID (0x4B, 4 dummy bytes, 8 id
// bytes); every other SSI register just holds what is written.
const FLASH_UID = [0xd4, 0x61, 0x0c, 0x2e, 0x17, 0x93, 0x5a, 0x88];
const ssi = {
  regs: new Map(),
  tx: [],
  rx: [],
  readUint32(off) {
    if (off === 0x24) return this.rx.length; // RXFLR
    if (off === 0x28) return 0x6; // SR: TFE | TFNF
    if (off === 0x60) return this.rx.length ? this.rx.shift() : 0;
    return this.regs.get(off) ?? 0;
  },
  writeUint32(off, v) {
    this.regs.set(off, v);
    if (off === 0x60) this.tx.push(v & 0xff);
    if ((off === 0x10 && v) || (off === 0x60 && this.regs.get(0x10))) this.transfer();
    if (off === 0x08 && !v) this.tx = [];
  },
  writeUint32Atomic(off, v) {
    this.writeUint32(off, v);
  },
  transfer() {
    if (!this.regs.get(0x08)) return;
    const tx = this.tx;
    this.tx = [];
    tx.forEach((b, i) => this.rx.push(tx[0] === 0x4b && i >= 5 ? FLASH_UID[i - 5] : 0xff));
  },
};
mcu.peripherals[0x18000] = ssi;

// ---- running -------------------------------------------------------------
const NS = 1e9 / 125e6;
const uart = mcu.uart[0];
const uartOut = [];
uart.onByte = (b) => uartOut.push(b);
let rxPending = [];
let rxNextNs = 0;
const RX_BYTE_NS = 10e9 / 3e6; // 10 bits per byte at 3 Mbaud

function step(n) {
  for (let i = 0; i < n; i++) {
    if (mcu.core.waiting) clock.tick(clock.nanosToNextAlarm || 1000);
    else clock.tick(mcu.core.executeInstruction() * NS);
  }
  if (rxPending.length && clock.nanos >= rxNextNs && !uart.rxFIFO.full) {
    uart.feedByte(rxPending.shift());
    rxNextNs = clock.nanos + RX_BYTE_NS;
  }
}

function runUntil(pred, maxUs, what) {
  const end = clock.nanos + maxUs * 1000;
  while (!pred()) {
    if (clock.nanos > end) throw new Error(`timeout (${maxUs} us) waiting for ${what}`);
    step(50);
  }
}

function runFor(us) {
  const end = clock.nanos + us * 1000;
  while (clock.nanos < end) step(50);
}

// ---- the USB host ----------------------------------------------------------
const usb = mcu.usbCtrl;
let usbEnabled = false;
let resetDone = false;
const inPackets = new Map(); // ep -> [Uint8Array]
const outArmed = new Map(); // ep -> max bytes
let ep0Stalled = false;

usb.onUSBEnabled = () => {
  usbEnabled = true;
  usb.resetDevice();
};
usb.onResetReceived = () => {
  resetDone = true;
};
usb.onEndpointWrite = (ep, buf) => {
  if (!inPackets.has(ep)) inPackets.set(ep, []);
  inPackets.get(ep).push(Uint8Array.from(buf));
};
usb.onEndpointRead = (ep, size) => outArmed.set(ep, size);
// rp2040js does not model STALL handshakes: watch for the firmware
// writing STALL (bit 11) into an EP0 buffer control word instead.
const dpramUpdated = usb.DPRAMUpdated.bind(usb);
usb.DPRAMUpdated = (off, v) => {
  if ((off === 0x80 || off === 0x84) && v & (1 << 11)) ep0Stalled = true;
  dpramUpdated(off, v);
};

function takeIn(ep, maxUs = 20000) {
  runUntil(() => (inPackets.get(ep) || []).length > 0 || (ep === 0 && ep0Stalled), maxUs, `IN packet on EP${ep}`);
  if (ep === 0 && ep0Stalled) return null;
  return inPackets.get(ep).shift();
}

function giveOut(ep, data, maxUs = 20000) {
  runUntil(() => outArmed.has(ep) || (ep === 0 && ep0Stalled), maxUs, `OUT armed on EP${ep}`);
  if (ep === 0 && ep0Stalled) return false;
  const size = outArmed.get(ep);
  if (data.length > size) throw new Error(`OUT of ${data.length} > armed ${size}`);
  outArmed.delete(ep);
  usb.endpointReadDone(ep, Uint8Array.from(data));
  return true;
}

function setup(bm, req, value, index, length) {
  return Uint8Array.from([bm, req, value & 0xff, value >> 8, index & 0xff, index >> 8, length & 0xff, length >> 8]);
}

// A control transfer; returns the IN data, true for OUT, null if stalled.
// Like a real host, it lets each transfer's last handshake finish (the
// emulator delivers packets 10 us after they are handed over) before the
// next SETUP.
function control(bm, req, value, index, length, data = [], maxUs = 20000) {
  const r = controlStages(bm, req, value, index, length, data, maxUs);
  runFor(30);
  return r;
}

function controlStages(bm, req, value, index, length, data, maxUs) {
  ep0Stalled = false;
  inPackets.set(0, []);
  outArmed.delete(0);
  usb.sendSetupPacket(setup(bm, req, value, index, length));
  if (bm & 0x80) {
    const got = [];
    while (got.length < length) {
      const p = takeIn(0, maxUs);
      if (!p) return null;
      got.push(...p);
      if (p.length < 64) break;
    }
    if (!giveOut(0, [], maxUs)) return null; // status stage
    return Uint8Array.from(got);
  }
  for (let off = 0; off < length; off += 64) {
    if (!giveOut(0, data.slice(off, off + 64), maxUs)) return null;
  }
  const z = takeIn(0, maxUs); // status stage: a ZLP
  return z && z.length === 0 ? true : null;
}

function bulkOut(bytes) {
  for (let off = 0; off < bytes.length; off += 64) giveOut(1, bytes.slice(off, off + 64));
}

// One bulk IN transfer: packets until a short one.
function bulkIn(maxUs = 20000) {
  const got = [];
  for (;;) {
    const p = takeIn(1, maxUs);
    got.push(...p);
    if (p.length < 64) return Uint8Array.from(got);
  }
}

// ---- the FPGA's configuration port ----------------------------------------
const pin = mcu.gpio;
const PIN = { SI: 8, SS: 9, SCK: 10, CDONE: 26, CRESET: 27 };
const low = (p) => pin[p].value === GPIOPinState.Low;
const fpga = { willDone: true, slave: false, data: [], cur: 0, nbits: 0, pre: 0, post: 0, tCreset: 0, tFirst: 0, resets: 0 };
pin[PIN.CRESET].addListener((v, old) => {
  if (v === GPIOPinState.Low) {
    fpga.resets++;
    pin[PIN.CDONE].setInputValue(false);
  }
  if (v === GPIOPinState.High && old === GPIOPinState.Low) {
    Object.assign(fpga, { slave: low(PIN.SS), data: [], cur: 0, nbits: 0, pre: 0, post: 0, tCreset: clock.nanos });
  }
});
pin[PIN.SCK].addListener((v, old) => {
  if (!(v === GPIOPinState.High && old === GPIOPinState.Low) || !fpga.slave || low(PIN.CRESET)) return;
  if (low(PIN.SS)) {
    fpga.cur = ((fpga.cur << 1) | (pin[PIN.SI].value === GPIOPinState.High ? 1 : 0)) & 0xff;
    if (++fpga.nbits === 8) {
      if (!fpga.data.length) fpga.tFirst = clock.nanos;
      fpga.data.push(fpga.cur);
      fpga.nbits = 0;
    }
  } else if (!fpga.data.length) {
    fpga.pre++;
  } else if (++fpga.post === 16 && fpga.willDone) {
    pin[PIN.CDONE].setInputValue(true); // CDONE within 100 clocks
  }
});

// ---- the tests -------------------------------------------------------------
function crc32mpeg2(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b << 24;
    for (let i = 0; i < 8; i++) c = c & 0x80000000 ? ((c << 1) ^ 0x04c11db7) >>> 0 : (c << 1) >>> 0;
  }
  return c >>> 0;
}

function u32(a, off) {
  return (a[off] | (a[off + 1] << 8) | (a[off + 2] << 16) | (a[off + 3] << 24)) >>> 0;
}

function main() {
  // Boot the way the bootrom does.
  const boot2 = image.subarray(0, 256);
  check('boot2 CRC-32 matches (bootrom rule)', crc32mpeg2(boot2.subarray(0, 252)) === boot2.readUInt32LE(252));
  mcu.sram.set(boot2, 0x41f00);
  mcu.core.SP = 0x20042000;
  mcu.core.PC = 0x20041f00;

  runUntil(() => usbEnabled, 200000, 'USB controller enable');
  check('boot2 vectored into the image (VTOR)', mcu.core.VTOR === 0x10000100);
  check('clk_sys from PLL_SYS at 125 MHz', mcu.clkSys === 125e6, `${mcu.clkSys}`);
  check('UART0 at 3 Mbaud', uart.baudRate === 3000000, `${uart.baudRate}`);
  runUntil(() => resetDone, 50000, 'bus reset handled');

  // Enumeration, as a host does it.
  let d = control(0x80, 6, 0x0100, 0, 64);
  check('device descriptor', d && d.length === 18 && d[0] === 18 && d[1] === 1 && d[7] === 64,
    d && hexs(d));
  check('VID:PID 1209:0001', d && (d[8] | (d[9] << 8)) === 0x1209 && (d[10] | (d[11] << 8)) === 0x0001);
  check('SET_ADDRESS', control(0x00, 5, 7, 0, 0) === true);
  d = control(0x80, 6, 0x0200, 0, 9);
  const total = d ? d[2] | (d[3] << 8) : 0;
  d = control(0x80, 6, 0x0200, 0, total);
  let ok = d && d.length === total;
  const eps = [];
  for (let off = 0; ok && off < total; off += d[off]) {
    if (d[off] < 2) ok = false;
    else if (d[off + 1] === 4) ok = ok && d[off + 5] === 0xff && d[off + 4] === 2;
    else if (d[off + 1] === 5) eps.push([d[off + 2], d[off + 3], d[off + 4] | (d[off + 5] << 8)]);
  }
  check('configuration descriptor parses: vendor interface, bulk 0x01/0x81',
    ok && eps.length === 2 && eps.every((e) => e[1] === 2 && e[2] === 64) &&
    eps.some((e) => e[0] === 0x01) && eps.some((e) => e[0] === 0x81), d && hexs(d));
  d = control(0x80, 6, 0x0303, 0x0409, 255);
  const serial = d ? String.fromCharCode(...Array.from(d.subarray(2)).filter((_, i) => i % 2 === 0)) : '';
  const want = hexs(FLASH_UID).toUpperCase();
  check('serial number = flash unique id read by boot2', serial === want, `${serial} vs ${want}`);
  check('device qualifier stalls (full speed only)', control(0x80, 6, 0x0600, 0, 10) === null);
  check('SET_CONFIGURATION 1', control(0x00, 9, 1, 0, 0) === true);
  d = control(0xc0, 0x01, 0, 0, 16);
  check('vendor GET_INFO', d && d.length === 16 && d[0] === 1 && u32(d, 4) === 3000000, d && hexs(d));

  // Host -> FPGA: frames out of the UART byte for byte.
  const sent = [];
  for (let i = 0; i < 12; i++) sent.push(...frame(T.JOB, i, jobPayload(headers[i], i)));
  sent.push(...frame(T.RUN, 12, [1]), ...frame(T.STATUS_GET, 13));
  uartOut.length = 0;
  bulkOut(sent);
  runUntil(() => uartOut.length >= sent.length, 50000, 'UART output');
  runFor(200);
  check(`bulk OUT -> UART: ${sent.length} bytes, byte for byte`, eq(uartOut, sent),
    `got ${uartOut.length} bytes`);

  // FPGA -> host: frames fed at 3 Mbaud come out of bulk IN.
  const shares = [];
  for (let i = 0; i < 6; i++) shares.push(frame(T.SHARE, i, sharePayload(headers[20 + i], 20 + i)));
  rxPending = [0x00, 0x13, ...shares.flatMap((f) => [...f])];
  let inOk = true;
  for (const f of shares) {
    const got = bulkIn(50000);
    if (!eq(got, f)) {
      inOk = false;
      console.log(`  want ${hexs(f)}\n  got  ${hexs(got)}`);
    }
  }
  check('UART -> bulk IN: 6 SHARE frames, one per transfer', inOk);
  d = control(0xc0, 0x02, 0, 0, 48);
  check('counters: 14 frames out, 6 in, 2 junk bytes, nothing bad',
    d && u32(d, 0) === 14 && u32(d, 12) === 6 && u32(d, 20) === 2 && u32(d, 4) === 0 && u32(d, 16) === 0 &&
    u32(d, 24) === 0 && u32(d, 28) === 0, d && hexs(d));

  // FPGA configuration over the emulated pins. Not block data: a
  // stand-in bitstream the emulated FPGA only records.
  const bits = new Uint8Array(6000);
  let x = 0x2545f491;
  for (let i = 0; i < bits.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bits[i] = x >>> 24;
  }
  const tBegin = clock.nanos;
  check('FPGA_BEGIN completes', control(0x40, 0x10, 0, 0, 0) === true);
  check('FPGA entered SPI slave mode (SS_B low at CRESET_B rise)', fpga.slave && fpga.resets === 1);
  check('status stage waited >= 1200 us for the memory clear', clock.nanos - tBegin >= 1200e3,
    `${(clock.nanos - tBegin) / 1000} us`);
  for (let off = 0; off < bits.length; off += 4096) {
    const chunk = Array.from(bits.subarray(off, off + 4096));
    if (control(0x40, 0x11, 0, 0, chunk.length, chunk, 200000) !== true) check('FPGA_DATA accepted', false);
  }
  check('>= 1200 us from CRESET_B high to the first bit', fpga.tFirst - fpga.tCreset >= 1200e3);
  check('8 clocks with SS_B high before the data', fpga.pre === 8, `${fpga.pre}`);
  check('FPGA_END succeeds with CDONE high', control(0x40, 0x12, 0, 0, 0) === true);
  check(`bitstream on SI/SCK: ${bits.length} bytes, bit for bit`, eq(fpga.data, Array.from(bits)),
    `got ${fpga.data.length}`);
  check('>= 49 clocks after CDONE rose', fpga.post - 16 >= 49, `${fpga.post}`);
  d = control(0xc0, 0x13, 0, 0, 12);
  check('FPGA_STATUS: done, CDONE 1, all bytes', d && d[0] === 3 && d[1] === 1 && u32(d, 4) === bits.length,
    d && hexs(d));

  fpga.willDone = false;
  check('second load: FPGA_BEGIN', control(0x40, 0x10, 0, 0, 0) === true);
  control(0x40, 0x11, 0, 0, 512, Array.from(bits.subarray(0, 512)), 200000);
  check('CDONE stays low: FPGA_END is stalled', control(0x40, 0x12, 0, 0, 0) === null);
  d = control(0xc0, 0x13, 0, 0, 12);
  check('FPGA_STATUS: failed, error TANDEM_ERR_TIMEOUT (-6)',
    d && d[0] === 4 && d[1] === 0 && ((d[2] | (d[3] << 8)) << 16 >> 16) === -6, d && hexs(d));

  // Watchdog: 100 ms of host silence after a frame -> RUN stop.
  check('SET_WATCHDOG 100 ms', control(0x40, 0x04, 10, 0, 0) === true);
  uartOut.length = 0;
  const run = frame(T.RUN, 40, [1]);
  bulkOut(Array.from(run));
  runFor(60000);
  const early = uartOut.length;
  runFor(60000);
  const stop = Array.from(frame(T.RUN, 0xff, [0]));
  check('watchdog: nothing at 60 ms, RUN(0) seq 0xFF after 100 ms',
    early === run.length && eq(uartOut, [...run, ...stop]), hexs(uartOut));
}

// ---- end to end: UART0 <-> tandem-sim --------------------------------------
// The emulator runs in steps; between them the event loop moves bytes:
// UART0 TX -> the simulator's socket, socket -> UART0 RX (fed at 3 Mbaud
// by step()). The simulator runs on its own in real time.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tick = () => new Promise((r) => setImmediate(r));

function sha256d(bytes) {
  return createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();
}

async function e2e() {
  const simBin = process.env.TANDEM_SIM || path.join(root, 'build/sim/tandem-sim');
  if (!check('end to end: tandem-sim is built', fs.existsSync(simBin), `${simBin} missing (make sim)`)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-emu-'));
  const sock = path.join(dir, 'sock');
  const sim = spawn(simBin, ['--socket', sock, '--once'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let simLog = '';
  let simExited = false;
  sim.stderr.on('data', (d) => { simLog += d; });
  sim.on('exit', () => { simExited = true; });
  let conn = null;
  const toSim = [];
  const fromDev = []; // bulk IN transfers, whole
  let inCur = [];

  // Runs the chip and the byte bridge until pred() or realMs pass.
  async function pumpUntil(pred, realMs, what) {
    const end = Date.now() + realMs;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`end to end: timeout (${realMs} ms) waiting for ${what}`);
      if (simExited) throw new Error(`end to end: tandem-sim exited: ${simLog.trim()}`);
      for (let i = 0; i < 200; i++) step(50);
      for (const p of inPackets.get(1) || []) {
        inCur.push(...p);
        if (p.length < 64) {
          fromDev.push(Uint8Array.from(inCur));
          inCur = [];
        }
      }
      inPackets.set(1, []);
      if (toSim.length && conn) {
        conn.write(Buffer.from(toSim));
        toSim.length = 0;
      }
      await tick();
    }
  }

  try {
    for (let t = 0; !fs.existsSync(sock); t += 10) {
      if (t > 20000 || simExited) throw new Error(`end to end: tandem-sim did not open ${sock}: ${simLog.trim()}`);
      await sleep(10);
    }
    conn = await new Promise((resolve, reject) => {
      const c = net.createConnection(sock, () => resolve(c));
      c.on('error', reject);
    });
    conn.on('data', (d) => rxPending.push(...d));
    uart.onByte = (b) => toSim.push(b);

    // The watchdog would stop the device while the simulator hashes.
    check('end to end: SET_WATCHDOG 0 (off)', control(0x40, 0x04, 0, 0, 0) === true);
    check('end to end: CLEAR_COUNTERS', control(0x40, 0x03, 0, 0, 0) === true);
    inPackets.set(1, []);

    // Genesis block: the job scans a 512-nonce window around its nonce.
    const h = headers.find((x) => x.id === 'mainnet_genesis');
    const GEN = 1;
    const JOB_ID = 0x600d;
    const start = (h.nonce - 0x100) >>> 0;
    const setup = [
      ...frame(T.INFO_GET, 1),
      ...frame(T.FLUSH, 2, flushPayload(GEN)),
      ...frame(T.TARGET_SET, 3, targetEntry(0, h.target_hex)),
      ...frame(T.RUN, 4, [1]),
    ];
    bulkOut(setup);
    await pumpUntil(() => fromDev.length >= 4, 20000, 'replies to INFO_GET, FLUSH, TARGET_SET, RUN');
    const rep = fromDev.splice(0).map((b) => parseFrames(b)[0]);
    check('end to end: one whole frame per bulk IN transfer', rep.every((f) => f.length === 1 && !f[0].bad));
    const r = rep.map((f) => f[0]);
    check('end to end: INFO from the simulated device (protocol 1, header mode)',
      r[0].type === T.INFO && r[0].seq === 1 && r[0].payload.length === 32 && r[0].payload[0] === 1 &&
      (r[0].payload[14] & 1) === 1, r[0] && `type ${r[0].type} ${hexs(r[0].payload || [])}`);
    check('end to end: FLUSH, TARGET_SET, RUN acknowledged (generation 1)',
      [2, 3, 4].every((seq, i) => r[i + 1].type === T.ACK && r[i + 1].seq === seq &&
        r[i + 1].payload[1] === seq && (r[i + 1].payload[2] | (r[i + 1].payload[3] << 8)) === GEN),
      r.slice(1).map((f) => `${f.type}/${f.seq}/${hexs(f.payload)}`).join(' '));

    const t0 = Date.now();
    bulkOut(Array.from(frame(T.JOB, 5, jobPayload(h, JOB_ID, { generation: GEN, nonceStart: start, nonceCount: 0x200 }))));
    let share = null;
    const got = [];
    await pumpUntil(() => {
      for (const b of fromDev.splice(0)) got.push(...parseFrames(b)[0]);
      share = got.find((f) => f.type === T.SHARE);
      return share;
    }, 30000, 'a SHARE from the simulated device');
    const ms = Date.now() - t0;
    check('end to end: JOB acknowledged', got.some((f) => f.type === T.ACK && f.seq === 5 && f.payload[0] === T.JOB),
      got.map((f) => `${f.type}/${f.seq}`).join(' '));
    const p = share.payload;
    const nonce = u32(p, 8);
    check(`end to end: SHARE for job ${JOB_ID.toString(16)}, generation 1, slot 0`,
      u32(p, 0) === JOB_ID && (p[4] | (p[5] << 8)) === GEN && (p[6] & 1) === 1, hexs(p));
    check(`end to end: the share's nonce is the genesis block's (${h.nonce_hex}), in ${ms} ms`,
      nonce === h.nonce, nonce.toString(16));
    // Hash the header with the returned fields, as the host re-verifies.
    const hdr = Buffer.from(h.header_hex, 'hex');
    hdr.set(u32le(u32(p, 12)), 0);
    hdr.set(u32le(u32(p, 16)), 68);
    hdr.set(u32le(nonce), 76);
    const hash = Buffer.from(sha256d(hdr)).reverse().toString('hex');
    check('end to end: header with the share\'s version/ntime/nonce hashes to the block hash',
      hash === h.block_hash, hash);

    const c = control(0xc0, 0x02, 0, 0, 48);
    check('end to end: bridge counters: 5 frames out, >= 6 in, nothing dropped or bad',
      c && u32(c, 0) === 5 && u32(c, 12) >= 6 && [4, 8, 16, 20, 24, 28, 32].every((o) => u32(c, o) === 0),
      c && hexs(c));
  } finally {
    uart.onByte = (b) => uartOut.push(b);
    if (conn) conn.destroy();
    if (!simExited) {
      sim.kill();
      for (let t = 0; !simExited && t < 5000; t += 10) await sleep(10);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let rc = 1;
try {
  main();
  await e2e();
} catch (e) {
  failed++;
  console.log(`FAIL ${e.message}`);
}
console.log(`firmware_emu: ${passed} passed, ${failed} failed`);
rc = failed ? 1 : 0;
process.exit(rc);
