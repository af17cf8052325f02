#!/usr/bin/env bash
# Checks that every board in constraints/ has an entry in the host's board
# table (host/boards.c) and vice versa, with the same UART baud, and that
# each board's settings are consistent (pin file, top, PLL clock, FREQ).
# Ends with "boards-table: N passed, N failed".
cd "$(dirname "$0")/.." && exec "${PYTHON:-python3}" scripts/boards.py table
