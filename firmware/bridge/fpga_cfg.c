/* iCE40 SPI slave configuration state machine (see fpga_cfg.h). */
#include "fpga_cfg.h"

#include "port.h"
#include "tandem_bridge.h"
#include "tandem_err.h"

enum step {
	STEP_NONE,  /* nothing running */
	STEP_RESET, /* CRESET_B low, waiting FPGA_CFG_RESET_US */
	STEP_CLEAR, /* CRESET_B high, waiting FPGA_CFG_CLEAR_US */
	STEP_DATA,  /* clocking a DATA chunk out */
};

static struct {
	int state; /* enum tb_fpga_state */
	enum step step;
	int error;
	uint32_t t_step;
	uint32_t t_begin;
	uint32_t time_us;
	uint32_t bytes;
	const uint8_t *p;
	size_t n;
} cfg;

static const uint8_t cfg_zeros[8];

void fpga_cfg_init(void)
{
	cfg.state = TB_FPGA_IDLE;
	cfg.step = STEP_NONE;
	cfg.error = 0;
	cfg.bytes = 0;
	cfg.time_us = 0;
}

int fpga_cfg_begin(uint32_t now_us)
{
	if (cfg.step != STEP_NONE)
		return TANDEM_ERR_IO;
	/* SS_B low while CRESET_B rises selects SPI slave mode. */
	port_fpga_spi_claim(1);
	port_fpga_ss(0);
	port_fpga_creset(0);
	cfg.state = TB_FPGA_RESETTING;
	cfg.step = STEP_RESET;
	cfg.error = 0;
	cfg.bytes = 0;
	cfg.time_us = 0;
	cfg.t_begin = now_us;
	cfg.t_step = now_us;
	return 0;
}

int fpga_cfg_data(const uint8_t *p, size_t n)
{
	if (cfg.step != STEP_NONE)
		return TANDEM_ERR_IO;
	if (cfg.state != TB_FPGA_LOADING || !p || !n)
		return TANDEM_ERR_INVAL;
	cfg.p = p;
	cfg.n = n;
	cfg.step = STEP_DATA;
	return 0;
}

int fpga_cfg_end(uint32_t now_us)
{
	unsigned i;

	if (cfg.step != STEP_NONE)
		return TANDEM_ERR_IO;
	if (cfg.state != TB_FPGA_LOADING)
		return TANDEM_ERR_INVAL;
	port_fpga_ss(1);
	/* CDONE rises within 100 clocks of the last bitstream bit. */
	for (i = 0; i < FPGA_CFG_CDONE_BYTES && !port_fpga_cdone(); i++)
		port_fpga_spi_write(cfg_zeros, 1);
	cfg.time_us = now_us - cfg.t_begin;
	if (!port_fpga_cdone()) {
		port_fpga_spi_claim(0);
		cfg.state = TB_FPGA_FAILED;
		cfg.error = TANDEM_ERR_TIMEOUT;
		return TANDEM_ERR_TIMEOUT;
	}
	/* At least 49 more clocks let the FPGA enter user mode. */
	port_fpga_spi_write(cfg_zeros, FPGA_CFG_TAIL_BYTES);
	port_fpga_spi_claim(0);
	cfg.state = TB_FPGA_DONE;
	cfg.error = 0;
	return 0;
}

int fpga_cfg_hold(int level)
{
	if (cfg.step != STEP_NONE)
		return TANDEM_ERR_IO;
	port_fpga_spi_claim(0);
	port_fpga_creset(level ? 1 : 0);
	cfg.state = level ? TB_FPGA_IDLE : TB_FPGA_HELD;
	return 0;
}

int fpga_cfg_task(uint32_t now_us)
{
	size_t n;

	switch (cfg.step) {
	case STEP_RESET:
		if (now_us - cfg.t_step < FPGA_CFG_RESET_US)
			return 0;
		port_fpga_creset(1);
		cfg.t_step = now_us;
		cfg.step = STEP_CLEAR;
		return 0;
	case STEP_CLEAR:
		if (now_us - cfg.t_step < FPGA_CFG_CLEAR_US)
			return 0;
		/* 8 clocks with SS_B high, then SS_B low for the data. */
		port_fpga_ss(1);
		port_fpga_spi_write(cfg_zeros, 1);
		port_fpga_ss(0);
		cfg.state = TB_FPGA_LOADING;
		cfg.step = STEP_NONE;
		return 1;
	case STEP_DATA:
		n = cfg.n < FPGA_CFG_SLICE ? cfg.n : FPGA_CFG_SLICE;
		port_fpga_spi_write(cfg.p, n);
		cfg.p += n;
		cfg.n -= n;
		cfg.bytes += (uint32_t)n;
		if (cfg.n)
			return 0;
		cfg.step = STEP_NONE;
		return 1;
	default:
		return 0;
	}
}

int fpga_cfg_busy(void)
{
	return cfg.step != STEP_NONE;
}

int fpga_cfg_state(void)
{
	return cfg.state;
}

int fpga_cfg_error(void)
{
	return cfg.error;
}

uint32_t fpga_cfg_bytes(void)
{
	return cfg.bytes;
}

uint32_t fpga_cfg_time_us(void)
{
	return cfg.time_us;
}
