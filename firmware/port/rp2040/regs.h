/* RP2040 register addresses and bits used by this port, from the RP2040
 * datasheet (chapter 2 system: RESETS, PSM, CLOCKS, XOSC, PLL, WATCHDOG,
 * TIMER, IO_BANK0, PADS_BANK0, SIO, SSI; chapter 4: USBCTRL, UART). Only
 * what we touch is listed. */
#ifndef TANDEM_RP2040_REGS_H
#define TANDEM_RP2040_REGS_H

#include <stdint.h>

#define REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
/* Atomic aliases of every APB/AHB peripheral register (datasheet 2.1.2) */
#define REG_XOR(addr) REG((addr) + 0x1000u)
#define REG_SET(addr) REG((addr) + 0x2000u)
#define REG_CLR(addr) REG((addr) + 0x3000u)

/* ---- RESETS (0x4000c000) ---- */
#define RESETS_BASE       0x4000c000u
#define RESETS_RESET      (RESETS_BASE + 0x0u)
#define RESETS_RESET_DONE (RESETS_BASE + 0x8u)
#define RESET_IO_BANK0    (1u << 5)
#define RESET_PADS_BANK0  (1u << 8)
#define RESET_PLL_SYS     (1u << 12)
#define RESET_PLL_USB     (1u << 13)
#define RESET_SPI1        (1u << 17)
#define RESET_TIMER       (1u << 21)
#define RESET_UART0       (1u << 22)
#define RESET_USBCTRL     (1u << 24)

/* ---- PSM (0x40010000) ---- */
#define PSM_WDSEL             (0x40010000u + 0x8u)
#define PSM_WDSEL_ALL_BUT_OSC 0x0001fffcu /* not ROSC (bit 0), XOSC (1) */

/* ---- CLOCKS (0x40008000) ---- */
#define CLOCKS_BASE           0x40008000u
#define CLK_GPOUT2_CTRL       (CLOCKS_BASE + 0x18u)
#define CLK_GPOUT2_DIV        (CLOCKS_BASE + 0x1cu)
#define CLK_REF_CTRL          (CLOCKS_BASE + 0x30u)
#define CLK_REF_DIV           (CLOCKS_BASE + 0x34u)
#define CLK_REF_SELECTED      (CLOCKS_BASE + 0x38u)
#define CLK_SYS_CTRL          (CLOCKS_BASE + 0x3cu)
#define CLK_SYS_DIV           (CLOCKS_BASE + 0x40u)
#define CLK_SYS_SELECTED      (CLOCKS_BASE + 0x44u)
#define CLK_PERI_CTRL         (CLOCKS_BASE + 0x48u)
#define CLK_USB_CTRL          (CLOCKS_BASE + 0x54u)
#define CLK_USB_DIV           (CLOCKS_BASE + 0x58u)
#define CLK_SYS_RESUS_CTRL    (CLOCKS_BASE + 0x78u)
#define CLK_CTRL_ENABLE       (1u << 11)
#define CLK_AUXSRC_SHIFT      5
#define CLK_DIV_INT(n)        ((uint32_t)(n) << 8)
#define CLK_REF_SRC_ROSC      0u
#define CLK_REF_SRC_XOSC      2u
#define CLK_SYS_SRC_REF       0u
#define CLK_SYS_SRC_AUX       1u
#define CLK_SYS_AUX_PLL_SYS   0u
#define CLK_PERI_AUX_PLL_USB  2u
#define CLK_USB_AUX_PLL_USB   0u
#define CLK_GPOUT_AUX_CLK_USB 7u

/* ---- XOSC (0x40024000) ---- */
#define XOSC_BASE          0x40024000u
#define XOSC_CTRL          (XOSC_BASE + 0x0u)
#define XOSC_STATUS        (XOSC_BASE + 0x4u)
#define XOSC_STARTUP       (XOSC_BASE + 0xcu)
#define XOSC_CTRL_1_15MHZ  0xaa0u
#define XOSC_CTRL_ENABLE   (0xfabu << 12)
#define XOSC_STATUS_STABLE (1u << 31)

/* ---- PLL_SYS (0x40028000), PLL_USB (0x4002c000) ---- */
#define PLL_SYS_BASE         0x40028000u
#define PLL_USB_BASE         0x4002c000u
#define PLL_CS               0x0u
#define PLL_PWR              0x4u
#define PLL_FBDIV_INT        0x8u
#define PLL_PRIM             0xcu
#define PLL_CS_LOCK          (1u << 31)
#define PLL_PWR_PD           (1u << 0)
#define PLL_PWR_POSTDIVPD    (1u << 3)
#define PLL_PWR_VCOPD        (1u << 5)
#define PLL_PRIM_DIV(p1, p2) (((uint32_t)(p1) << 16) | ((uint32_t)(p2) << 12))

/* ---- WATCHDOG (0x40058000) ---- */
#define WATCHDOG_BASE           0x40058000u
#define WATCHDOG_CTRL           (WATCHDOG_BASE + 0x0u)
#define WATCHDOG_LOAD           (WATCHDOG_BASE + 0x4u)
#define WATCHDOG_SCRATCH0       (WATCHDOG_BASE + 0xcu)
#define WATCHDOG_SCRATCH1       (WATCHDOG_BASE + 0x10u)
#define WATCHDOG_SCRATCH2       (WATCHDOG_BASE + 0x14u)
#define WATCHDOG_TICK           (WATCHDOG_BASE + 0x2cu)
#define WATCHDOG_CTRL_ENABLE    (1u << 30)
#define WATCHDOG_CTRL_PAUSE_ALL (7u << 24) /* pause while debugging */
#define WATCHDOG_TICK_ENABLE    (1u << 9)
/* boot2 leaves the flash unique id in SCRATCH0/1 and this in SCRATCH2 */
#define BOOT2_UID_MAGIC 0x54554944u /* "TUID" */

/* ---- TIMER (0x40054000) ---- */
#define TIMER_TIMERAWL (0x40054000u + 0x28u)

/* ---- IO_BANK0 (0x40014000), PADS_BANK0 (0x4001c000) ---- */
#define IO_GPIO_CTRL(n) (0x40014000u + 8u * (n) + 4u)
#define FUNC_SPI        1u
#define FUNC_UART       2u
#define FUNC_SIO        5u
#define FUNC_GPCK       8u
#define FUNC_NULL       0x1fu
#define PADS_GPIO(n)    (0x4001c000u + 4u + 4u * (n))
#define PAD_OD          (1u << 7)
#define PAD_IE          (1u << 6)
#define PAD_DRIVE_8MA   (2u << 4)
#define PAD_PUE         (1u << 3)
#define PAD_PDE         (1u << 2)
#define PAD_SCHMITT     (1u << 1)
#define PAD_SLEWFAST    (1u << 0)

/* ---- SIO (0xd0000000) ---- */
#define SIO_GPIO_IN      0xd0000004u
#define SIO_GPIO_OUT_SET 0xd0000014u
#define SIO_GPIO_OUT_CLR 0xd0000018u
#define SIO_GPIO_OE_SET  0xd0000024u
#define SIO_GPIO_OE_CLR  0xd0000028u

/* ---- UART0 (0x40034000), PL011 ---- */
#define UART0_BASE       0x40034000u
#define UART_DR          0x00u
#define UART_RSR         0x04u
#define UART_FR          0x18u
#define UART_IBRD        0x24u
#define UART_FBRD        0x28u
#define UART_LCR_H       0x2cu
#define UART_CR          0x30u
#define UART_IFLS        0x34u
#define UART_IMSC        0x38u
#define UART_MIS         0x40u
#define UART_ICR         0x44u
#define UART_DR_OE       (1u << 11)
#define UART_DR_BE       (1u << 10)
#define UART_DR_PE       (1u << 9)
#define UART_DR_FE       (1u << 8)
#define UART_FR_TXFF     (1u << 5)
#define UART_FR_RXFE     (1u << 4)
#define UART_LCR_H_WLEN8 (3u << 5)
#define UART_LCR_H_FEN   (1u << 4)
#define UART_CR_CTSEN    (1u << 15)
#define UART_CR_RTSEN    (1u << 14)
#define UART_CR_RXE      (1u << 9)
#define UART_CR_TXE      (1u << 8)
#define UART_CR_UARTEN   (1u << 0)
#define UART_INT_RT      (1u << 6) /* receive timeout */
#define UART_INT_RX      (1u << 4)
#define UART0_IRQ        20u

/* ---- NVIC / SCB (Cortex-M0+) ---- */
#define NVIC_ISER 0xe000e100u
#define SCB_VTOR  0xe000ed08u

/* ---- USBCTRL: DPRAM (0x50100000) and registers (0x50110000) ---- */
#define USB_DPRAM                       0x50100000u
#define USB_REGS                        0x50110000u
#define USB_ADDR_ENDP                   (USB_REGS + 0x00u)
#define USB_MAIN_CTRL                   (USB_REGS + 0x40u)
#define USB_SIE_CTRL                    (USB_REGS + 0x4cu)
#define USB_SIE_STATUS                  (USB_REGS + 0x50u)
#define USB_BUFF_STATUS                 (USB_REGS + 0x58u)
#define USB_EP_STALL_ARM                (USB_REGS + 0x68u)
#define USB_USB_MUXING                  (USB_REGS + 0x74u)
#define USB_USB_PWR                     (USB_REGS + 0x78u)
#define USB_MAIN_CTRL_CONTROLLER_EN     (1u << 0)
#define USB_SIE_CTRL_EP0_INT_1BUF       (1u << 29)
#define USB_SIE_CTRL_PULLUP_EN          (1u << 16)
#define USB_SIE_STATUS_BUS_RESET        (1u << 19)
#define USB_SIE_STATUS_SETUP_REC        (1u << 17)
#define USB_SIE_STATUS_RESUME           (1u << 11)
#define USB_SIE_STATUS_SUSPENDED        (1u << 4)
#define USB_MUXING_TO_PHY               (1u << 0)
#define USB_MUXING_SOFTCON              (1u << 3)
#define USB_PWR_VBUS_DETECT             (1u << 2)
#define USB_PWR_VBUS_DETECT_OVERRIDE_EN (1u << 3)
/* DPRAM layout, device mode */
#define DPRAM_SETUP           0x000u
#define DPRAM_EP_CTRL_IN(n)   (0x008u + 8u * ((n)-1u))
#define DPRAM_EP_CTRL_OUT(n)  (0x00cu + 8u * ((n)-1u))
#define DPRAM_BUF_CTRL_IN(n)  (0x080u + 8u * (n))
#define DPRAM_BUF_CTRL_OUT(n) (0x084u + 8u * (n))
#define DPRAM_EP0_BUF         0x100u
#define DPRAM_DATA            0x180u /* first free 64-byte buffer */
#define EP_CTRL_ENABLE        (1u << 31)
#define EP_CTRL_INT_PER_BUFF  (1u << 29)
#define EP_CTRL_TYPE_SHIFT    26
#define BUF_FULL              (1u << 15)
#define BUF_LAST              (1u << 14)
#define BUF_DATA1             (1u << 13)
#define BUF_STALL             (1u << 11)
#define BUF_AVAILABLE         (1u << 10)
#define BUF_LEN_MASK          0x3ffu

#endif /* TANDEM_RP2040_REGS_H */
