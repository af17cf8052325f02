// Host link RTL (docs/link.md), paths from the repository root.
rtl/link_crc8.v
rtl/link_crc16.v
rtl/link_uart_rx.v
rtl/link_uart_tx.v
rtl/link_async_fifo.v
rtl/link_ft245_sync.v
rtl/link_frame_rx.v
rtl/link_frame_tx.v
