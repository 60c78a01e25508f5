/** The client CPU figures of results.json (src/results/client-cpu.ts): arithmetic on two marks. */
import { clientCpuUsage, markCpu } from '../../src/results/client-cpu.js';

describe('clientCpuUsage', () => {
  it('divides the CPU time between two marks by the requests and by the wall time', () => {
    const usage = clientCpuUsage(
      { cpuUs: 1_000_000, wallMs: 10_000 },
      { cpuUs: 2_500_000, wallMs: 16_000 },
      300,
      false,
      2,
    );
    expect(usage).toEqual({
      client_cpu_seconds: 1.5,
      wall_seconds: 6,
      requests: 300,
      client_cpu_seconds_per_1000_requests: 5,
      client_cpu_share: 0.25,
      cores: 2,
      includes_simulated_server: false,
    });
  });

  it('says when the simulated server shares the process', () => {
    const usage = clientCpuUsage({ cpuUs: 0, wallMs: 0 }, { cpuUs: 10, wallMs: 1 }, 1, true, 4);
    expect(usage.includes_simulated_server).toBe(true);
  });

  it('has no per-request figure without requests and no share without wall time', () => {
    const usage = clientCpuUsage({ cpuUs: 5, wallMs: 7 }, { cpuUs: 5, wallMs: 7 }, 0, false, 1);
    expect(usage.client_cpu_seconds).toBe(0);
    expect(usage.client_cpu_seconds_per_1000_requests).toBeNull();
    expect(usage.client_cpu_share).toBeNull();
  });

  it('reads the real process: CPU time and wall time never run backwards between marks', () => {
    const from = markCpu();
    let sink = 0;
    for (let i = 0; i < 200_000; i++) sink = (sink + i) | 0;
    const to = markCpu();
    expect(sink).not.toBeNaN();
    expect(to.cpuUs).toBeGreaterThanOrEqual(from.cpuUs);
    expect(to.wallMs).toBeGreaterThanOrEqual(from.wallMs);
    const usage = clientCpuUsage(from, to, 1, false);
    expect(usage.cores).toBeGreaterThanOrEqual(1);
    expect(usage.client_cpu_seconds).toBeGreaterThanOrEqual(0);
  });
});
