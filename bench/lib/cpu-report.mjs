// Preloaded with `node --import ./bench/lib/cpu-report.mjs …` into a process under test: on exit it
// writes the process's own CPU time and peak RSS to $BENCH_CPU_REPORT, so the bench can charge the
// client (not the machine) for the work it did.
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_CPU_REPORT;
if (target) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    const usage = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({ cpu_user_us: cpu.user, cpu_system_us: cpu.system, max_rss_kb: usage.maxRSS }),
    );
  });
}
