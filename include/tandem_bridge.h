/* The Tandem USB bridge's host interface, beside the protocol frames
 * themselves: vendor control requests and their payloads. Shared by the
 * firmware and the host's usb transport; docs/firmware.md is the human
 * side of this file.
 *
 * Every request is bmRequestType vendor (0x40 host-to-device, 0xC0
 * device-to-host) to the device, or to interface 0 (0x41 / 0xC1 with
 * wIndex 0). Multi-byte numbers are little-endian. A request the bridge
 * cannot take right now (a sequence error, a busy FPGA loader) is
 * stalled; TB_REQ_FPGA_STATUS tells why for the loader requests.
 *
 * Frames: bulk OUT (EP 0x01) carries host-to-FPGA frames as a byte
 * stream (frames may span packets and several may share one). Bulk IN
 * (EP 0x81) carries one whole FPGA-to-host frame per transfer, ended by a
 * short packet or a zero-length packet.
 */
#ifndef TANDEM_BRIDGE_IF_H
#define TANDEM_BRIDGE_IF_H

#define TB_BRIDGE_VERSION 1u

/* IN, 16 bytes: struct layout TB_INFO_* below. */
#define TB_REQ_GET_INFO 0x01u
/* IN, 4 * TB_CNT_COUNT bytes: u32 counters in TB_CNT_* order. */
#define TB_REQ_GET_COUNTERS 0x02u
/* OUT, no data: all counters to zero. */
#define TB_REQ_CLEAR_COUNTERS 0x03u
/* OUT, no data: wValue = host-silence timeout in units of 10 ms, 0 turns
 * the watchdog off. Default TB_WATCHDOG_DEFAULT_10MS. */
#define TB_REQ_SET_WATCHDOG 0x04u
/* OUT, 8 bytes: u32 baud, u32 flags (TB_UART_FLOW: RTS/CTS). */
#define TB_REQ_SET_UART 0x05u
/* OUT, no data: resets the FPGA into SPI slave configuration mode. The
 * status stage completes when the FPGA has cleared its configuration
 * memory (about 1.3 ms). */
#define TB_REQ_FPGA_BEGIN 0x10u
/* OUT, 1..TB_FPGA_CHUNK_MAX bytes of bitstream, in order. The status
 * stage completes when the bytes have been clocked into the FPGA. */
#define TB_REQ_FPGA_DATA 0x11u
/* OUT, no data: ends the load (trailing clocks) and checks CDONE. The
 * status stage is stalled if CDONE did not rise: read TB_REQ_FPGA_STATUS
 * for the error. */
#define TB_REQ_FPGA_END 0x12u
/* IN, 12 bytes: TB_FSTAT_* layout below. */
#define TB_REQ_FPGA_STATUS 0x13u
/* OUT, no data: wValue 0 holds the FPGA in reset (CRESET_B low), 1
 * releases it (it then boots from its own flash, if any). */
#define TB_REQ_FPGA_RESET 0x14u

#define TB_FPGA_CHUNK_MAX        4096u
#define TB_WATCHDOG_DEFAULT_10MS 1000u /* 10 s */
#define TB_UART_FLOW             0x01u
#define TB_UART_DEFAULT_BAUD     3000000u

/* INFO payload offsets */
#define TB_INFO_LEN        16u
#define TB_INFO_VERSION    0  /* u8 TB_BRIDGE_VERSION */
#define TB_INFO_PROTO      1  /* u8 TANDEM_PROTO_VERSION built in */
#define TB_INFO_MAX_FRAME  2  /* u16 largest frame forwarded */
#define TB_INFO_BAUD       4  /* u32 UART baud to the FPGA */
#define TB_INFO_UART_FLAGS 8  /* u8 TB_UART_* */
#define TB_INFO_COUNTERS   9  /* u8 TB_CNT_COUNT */
#define TB_INFO_WATCHDOG   10 /* u16 timeout, 10 ms units, 0 = off */
#define TB_INFO_CHUNK      12 /* u16 TB_FPGA_CHUNK_MAX */
#define TB_INFO_RESERVED   14 /* u16 0 */

/* Counters (u32 each, wrap around) */
enum tb_counter {
	TB_CNT_H2F_FRAMES = 0, /* frames host -> FPGA forwarded */
	TB_CNT_H2F_BAD,        /* host frames dropped: bad header/CRC */
	TB_CNT_H2F_JUNK,       /* host bytes skipped hunting for sync */
	TB_CNT_F2H_FRAMES,     /* frames FPGA -> host queued for bulk IN */
	TB_CNT_F2H_BAD,        /* FPGA frames dropped: bad header/CRC */
	TB_CNT_F2H_JUNK,       /* FPGA bytes skipped hunting for sync */
	TB_CNT_F2H_DROPPED,    /* good FPGA frames dropped: host not reading */
	TB_CNT_UART_LOST,      /* UART receive bytes lost (overrun) */
	TB_CNT_UART_ERRORS,    /* UART framing/parity/break errors */
	TB_CNT_WD_TRIPS,       /* RUN-stop frames sent by the watchdog */
	TB_CNT_FPGA_LOADS,     /* FPGA configurations that ended in CDONE */
	TB_CNT_FPGA_FAILS,     /* FPGA configurations where CDONE stayed low */
	TB_CNT_COUNT
};

/* FPGA_STATUS payload offsets */
#define TB_FSTAT_LEN   12u
#define TB_FSTAT_STATE 0 /* u8 enum tb_fpga_state */
#define TB_FSTAT_CDONE 1 /* u8 CDONE pin level now */
#define TB_FSTAT_ERROR 2 /* i16 tandem_err code of the last load, 0 = ok */
#define TB_FSTAT_BYTES 4 /* u32 bitstream bytes clocked in this load */
#define TB_FSTAT_TIME  8 /* u32 microseconds from BEGIN to END */

enum tb_fpga_state {
	TB_FPGA_IDLE = 0,      /* no load since power-up */
	TB_FPGA_RESETTING = 1, /* BEGIN in progress */
	TB_FPGA_LOADING = 2,   /* taking DATA */
	TB_FPGA_DONE = 3,      /* last load ended with CDONE high */
	TB_FPGA_FAILED = 4,    /* last load ended with CDONE low */
	TB_FPGA_HELD = 5,      /* held in reset by FPGA_RESET 0 */
};

/* The watchdog's RUN-stop frame uses this seq; the bridge swallows the
 * FPGA's ACK of it so the host never sees a reply it did not ask for. */
#define TB_WATCHDOG_SEQ 0xffu

#endif /* TANDEM_BRIDGE_IF_H */
