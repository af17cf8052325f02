// Whole device RTL (rtl/tandem_device.v and below), paths from the
// repository root: the hash core, the host link, the job engine and the
// command unit.
-f rtl/core.f
-f rtl/link.f
rtl/job_sha256.v
rtl/job_ram.v
rtl/job_banks.v
rtl/job_facts.v
rtl/job_engine.v
rtl/job_header.v
rtl/cmd_unit.v
rtl/cmd_resp.v
rtl/tandem_device.v
