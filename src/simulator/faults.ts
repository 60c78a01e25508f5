/**
 * Fault injection: what can go wrong, how it is written (profile `faults` or `POST /_simulator/faults`),
 * and how a request is matched against it. The format is documented in src/simulator/README.md.
 */
import type { Rng } from './random.js';

/** Which requests a fault applies to. Unset fields match everything. */
export interface FaultSelector {
  /** Only requests for this model ID. */
  model?: string;
  /** `chat` (`/v1/chat/completions`), `bench` (`/bench/chat/completions`) or a full path. */
  endpoint?: string;
  /** Only streaming (`true`) or only non-streaming (`false`) requests. */
  stream?: boolean;
  /** Probability that a matching request is hit (default 1 when `count` is unset). */
  fraction?: number;
  /** Hit the next `count` matching requests, then stop (combined with `fraction` if both are set). */
  count?: number;
}

/** HTTP error before any output: `status` with EXO's body (the 422 one is FastAPI's `detail`). */
export interface HttpErrorFault extends FaultSelector {
  kind: 'http_error';
  status: 404 | 422 | 429 | 500 | 503;
  /** Message in the error envelope (default: a description of the injected fault). */
  message?: string;
  /** Send `text/plain` `Internal Server Error` instead of the JSON envelope (EXO's unhandled errors). */
  plainText?: boolean;
}

/** A `data: {"error":...}` chunk inside a 200 stream after `afterTokens` tokens, then `[DONE]`. */
export interface ErrorChunkFault extends FaultSelector {
  kind: 'error_chunk';
  afterTokens?: number;
  message?: string;
}

/** The stream ends (cleanly at the HTTP level) without `[DONE]` after `afterTokens` tokens. */
export interface EofFault extends FaultSelector {
  kind: 'eof';
  afterTokens?: number;
}

/** No byte at all (not even keep-alives) for `stallMs` after `afterTokens` tokens, then it goes on. */
export interface StallFault extends FaultSelector {
  kind: 'stall';
  afterTokens?: number;
  stallMs: number;
}

/** The status line is sent only after `delayMs` (the request is processed meanwhile). */
export interface SlowHeadersFault extends FaultSelector {
  kind: 'slow_headers';
  delayMs: number;
}

/** The request is accepted but never scheduled: keep-alives only, until the client gives up. */
export interface KeepAliveOnlyFault extends FaultSelector {
  kind: 'keep_alive_only';
}

/** A fault applied to one chat/bench request. */
export type RequestFault =
  HttpErrorFault | ErrorChunkFault | EofFault | StallFault | SlowHeadersFault | KeepAliveOnlyFault;

/** Runners of matching instances crash while loading (EXO then retries with back-off). */
export interface RunnerFailureFault {
  /** Only instances of this model. */
  model?: string;
  /**
   * How many runner creations fail (default 1). EXO deletes the instance after 5 creations, so 5 or
   * more means the instance disappears.
   */
  failures?: number;
  /** Fail when this many layers are loaded (default half the shard). */
  atLayer?: number;
  /** `RunnerFailed.errorMessage` (default `Terminated (exitcode=1)\nRunner error: simulated failure`). */
  errorMessage?: string;
}

/** `/place_instance` answers 200 but creates nothing (EXO only logs placement failures). */
export interface PlacementFailureFault {
  /** How many placements fail (default: all until cleared). */
  count?: number;
}

/** A node dies: its API stops answering and, after `removalDelayMs`, it leaves the cluster. */
export interface NodeLossFault {
  /** Node index (0-based, the order of the printed `nodes`). */
  node: number;
  /** Delay before the node dies, from when the fault is set (default 0). */
  afterMs?: number;
  /**
   * Delay between the API going dark and the node leaving the topology (its instances deleted).
   * EXO takes up to ~40 s (30 s silence, checked every 10 s); default 0.
   */
  removalDelayMs?: number;
}

/** Every fault the simulator can inject. Setting faults replaces the previous set. */
export interface FaultSpec {
  /** Per-request faults; a request takes the first matching `slow_headers` and the first other match. */
  requests?: RequestFault[];
  runnerFailure?: RunnerFailureFault;
  placementFailure?: PlacementFailureFault | boolean;
  nodeLoss?: NodeLossFault[];
}

/** Faults picked for one request. */
export interface RequestFaultChoice {
  slowHeaders?: SlowHeadersFault;
  fault?: Exclude<RequestFault, SlowHeadersFault>;
}

const ENDPOINT_ALIASES: Record<string, string> = {
  chat: '/v1/chat/completions',
  bench: '/bench/chat/completions',
};

/** Live fault state: counts are decremented as requests are hit. */
export class FaultState {
  private requestFaults: { fault: RequestFault; remaining: number }[] = [];
  runnerFailure: (RunnerFailureFault & { remaining: number }) | null = null;
  private placementFailuresRemaining = 0;

  constructor(private readonly rng: Rng) {}

  /** Replaces all faults (node loss is scheduled by the caller). */
  set(spec: FaultSpec): void {
    this.requestFaults = (spec.requests ?? []).map((fault) => ({
      fault,
      remaining: fault.count ?? Number.POSITIVE_INFINITY,
    }));
    this.runnerFailure = spec.runnerFailure
      ? { ...spec.runnerFailure, remaining: spec.runnerFailure.failures ?? 1 }
      : null;
    const placement = spec.placementFailure;
    this.placementFailuresRemaining =
      placement === true
        ? Number.POSITIVE_INFINITY
        : placement && typeof placement === 'object'
          ? (placement.count ?? Number.POSITIVE_INFINITY)
          : 0;
  }

  clear(): void {
    this.set({});
  }

  /** Picks the faults of one request (consumes counts). */
  pick(endpointPath: string, model: string, stream: boolean): RequestFaultChoice {
    const choice: RequestFaultChoice = {};
    for (const entry of this.requestFaults) {
      if (entry.remaining <= 0) continue;
      const f = entry.fault;
      if (f.kind === 'slow_headers' ? choice.slowHeaders : choice.fault) continue;
      if (f.model !== undefined && f.model !== model) continue;
      if (f.endpoint !== undefined && (ENDPOINT_ALIASES[f.endpoint] ?? f.endpoint) !== endpointPath) continue;
      if (f.stream !== undefined && f.stream !== stream) continue;
      const fraction = f.fraction ?? 1;
      if (fraction < 1 && this.rng.next() >= fraction) continue;
      entry.remaining--;
      if (f.kind === 'slow_headers') choice.slowHeaders = f;
      else choice.fault = f;
    }
    return choice;
  }

  /** True (and consumes one) when the next placement must fail silently. */
  takePlacementFailure(): boolean {
    if (this.placementFailuresRemaining <= 0) return false;
    this.placementFailuresRemaining--;
    return true;
  }

  /** The runner failure to apply to a new runner creation of `model`, if any (consumes one). */
  takeRunnerFailure(model: string): RunnerFailureFault | null {
    const f = this.runnerFailure;
    if (!f || f.remaining <= 0) return null;
    if (f.model !== undefined && f.model !== model) return null;
    f.remaining--;
    return f;
  }
}

const REQUEST_KINDS = new Set([
  'http_error',
  'error_chunk',
  'eof',
  'stall',
  'slow_headers',
  'keep_alive_only',
]);
const HTTP_STATUSES = new Set([404, 422, 429, 500, 503]);

/** Checks a fault document (from JSON); returns a list of problems, empty when valid. */
export function validateFaultSpec(value: unknown): string[] {
  const problems: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return ['faults must be an object'];
  const spec = value as Record<string, unknown>;
  for (const key of Object.keys(spec)) {
    if (!['requests', 'runnerFailure', 'placementFailure', 'nodeLoss'].includes(key)) {
      problems.push(`unknown fault key '${key}'`);
    }
  }
  if (spec.requests !== undefined) {
    if (!Array.isArray(spec.requests)) problems.push('requests must be a list');
    else
      spec.requests.forEach((f: unknown, i) => {
        const r = f as Record<string, unknown> | null;
        if (!r || typeof r !== 'object') return problems.push(`requests[${i}] must be an object`);
        if (typeof r.kind !== 'string' || !REQUEST_KINDS.has(r.kind)) {
          problems.push(`requests[${i}].kind must be one of ${[...REQUEST_KINDS].join(', ')}`);
        }
        if (r.kind === 'http_error' && !HTTP_STATUSES.has(r.status as number)) {
          problems.push(`requests[${i}].status must be one of 404, 422, 429, 500, 503`);
        }
        if (r.kind === 'stall' && typeof r.stallMs !== 'number')
          problems.push(`requests[${i}].stallMs must be a number`);
        if (r.kind === 'slow_headers' && typeof r.delayMs !== 'number') {
          problems.push(`requests[${i}].delayMs must be a number`);
        }
        for (const k of ['fraction', 'count', 'afterTokens'] as const) {
          if (r[k] !== undefined && (typeof r[k] !== 'number' || (r[k] as number) < 0)) {
            problems.push(`requests[${i}].${k} must be a non-negative number`);
          }
        }
        return undefined;
      });
  }
  if (spec.nodeLoss !== undefined) {
    if (!Array.isArray(spec.nodeLoss)) problems.push('nodeLoss must be a list');
    else
      spec.nodeLoss.forEach((n: unknown, i) => {
        if (!n || typeof (n as Record<string, unknown>).node !== 'number') {
          problems.push(`nodeLoss[${i}].node must be a node index`);
        }
      });
  }
  if (
    spec.runnerFailure !== undefined &&
    (spec.runnerFailure === null || typeof spec.runnerFailure !== 'object')
  ) {
    problems.push('runnerFailure must be an object');
  }
  return problems;
}
