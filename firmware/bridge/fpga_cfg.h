/* iCE40 configuration over its SPI slave port (Lattice TN1248 "iCE40
 * Programming and Configuration"): CRESET_B low with SPI_SS_B low selects
 * slave mode, CRESET_B high, wait for the configuration memory to clear
 * (1200 us for the UP5K), 8 clocks with SS_B high, SS_B low, the
 * bitstream MSB first, SS_B high, then clocks until CDONE rises (within
 * 100) and 49 more. A non-blocking state machine on the port interface,
 * driven by fpga_cfg_task() from the main loop. */
#ifndef TANDEM_FPGA_CFG_H
#define TANDEM_FPGA_CFG_H

#include <stddef.h>
#include <stdint.h>

#define FPGA_CFG_RESET_US    2u    /* CRESET_B low time (>= 200 ns) */
#define FPGA_CFG_CLEAR_US    1300u /* after CRESET_B high (>= 1200 us) */
#define FPGA_CFG_SLICE       256u  /* bytes clocked per task call */
#define FPGA_CFG_CDONE_BYTES 13u   /* 104 clocks to wait for CDONE */
#define FPGA_CFG_TAIL_BYTES  7u    /* 56 clocks after CDONE (>= 49) */

/* Each call returns 0, TANDEM_ERR_IO when a step is still running
 * (busy), or TANDEM_ERR_INVAL when the step is out of sequence. */
void fpga_cfg_init(void);
int fpga_cfg_begin(uint32_t now_us);
/* p must stay valid until fpga_cfg_busy() is 0. */
int fpga_cfg_data(const uint8_t *p, size_t n);
/* Ends the load; returns 0 if CDONE rose, TANDEM_ERR_TIMEOUT if not. */
int fpga_cfg_end(uint32_t now_us);
/* FPGA_RESET: level 0 holds the FPGA in reset, 1 releases it. */
int fpga_cfg_hold(int level);

/* Advances a running step; returns 1 when a step finished during this
 * call (the caller completes the USB request then), else 0. */
int fpga_cfg_task(uint32_t now_us);
int fpga_cfg_busy(void);

/* Status for TB_REQ_FPGA_STATUS */
int fpga_cfg_state(void); /* enum tb_fpga_state */
int fpga_cfg_error(void);
uint32_t fpga_cfg_bytes(void);
uint32_t fpga_cfg_time_us(void);

#endif /* TANDEM_FPGA_CFG_H */
