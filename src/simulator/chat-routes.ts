/**
 * Chat and bench requests (exo-api.md 5, 6): validation, injected request faults, routing to an
 * instance, and the sequence whose sink writes the EXO or OpenAI response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimInstance, SimNode } from './cluster.js';
import { Sequence } from './engine.js';
import type { HttpErrorFault, RequestFaultChoice } from './faults.js';
import type { GroundTruthRecord } from './ground-truth.js';
import { nowMs } from './random.js';
import { ResponseContext, errorEnvelope, sendExoError, sendJson, sendValidationError } from './responses.js';
import type { SimulatorRuntime } from './server.js';
import {
  EXO_SSE_HEADERS,
  ExoJsonSink,
  ExoStreamSink,
  OPENAI_SSE_HEADERS,
  OpenAiJsonSink,
  OpenAiStreamSink,
} from './sinks.js';
import { fingerprintPrompt } from './tokenizer.js';
import type { ChatRequest } from './validation.js';
import { validateChatBody } from './validation.js';

function newRecord(
  rt: SimulatorRuntime,
  node: SimNode,
  endpoint: string,
  arrivedAtMs: number,
): GroundTruthRecord {
  const record: GroundTruthRecord = {
    id: rt.rng.uuid4(),
    endpoint,
    model: null,
    stream: false,
    node_index: node.index,
    instance_id: null,
    arrived_at_ms: arrivedAtMs,
    first_token_at_ms: null,
    last_token_at_ms: null,
    ended_at_ms: null,
    tokens_emitted: 0,
    prompt_tokens: 0,
    cached_tokens: 0,
    max_tokens: null,
    finish_reason: null,
    http_status: null,
    outcome: 'pending',
    fault: null,
  };
  rt.cluster.groundTruth.add(record);
  return record;
}

function httpErrorRecord(rt: SimulatorRuntime, record: GroundTruthRecord, status: number): void {
  record.outcome = 'http_error';
  record.http_status = status;
  record.ended_at_ms = nowMs();
}

export async function chat(
  rt: SimulatorRuntime,
  node: SimNode,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  arrivedAtMs: number,
): Promise<void> {
  const record = newRecord(rt, node, path, arrivedAtMs);
  const bench = path === '/bench/chat/completions';
  const body = await rt.jsonBody(req, res);
  if (body === undefined) {
    httpErrorRecord(rt, record, res.headersSent ? res.statusCode : 0);
    return;
  }
  const validated = validateChatBody(body, bench);
  if ('detail' in validated) {
    httpErrorRecord(rt, record, rt.flavor === 'openai' ? 400 : 422);
    if (rt.flavor === 'openai') {
      const first = validated.detail[0];
      return sendJson(res, 400, {
        error: {
          code: 400,
          message: first ? `${first.loc.slice(1).join('.')}: ${first.msg}` : 'invalid request',
          type: 'invalid_request_error',
        },
      });
    }
    return sendValidationError(res, validated.detail);
  }
  const request = validated.value;
  record.model = request.model;
  record.stream = request.stream;
  record.max_tokens = request.maxTokens;
  const choice = rt.cluster.faults.pick(path, request.model, request.stream);
  record.fault = choice.fault?.kind ?? choice.slowHeaders?.kind ?? null;
  if (choice.fault?.kind === 'http_error') {
    const fault = choice.fault;
    const send = (): void => sendInjectedError(rt, res, fault);
    httpErrorRecord(rt, record, fault.status);
    if (choice.slowHeaders) setTimeout(send, choice.slowHeaders.delayMs).unref();
    else send();
    return;
  }
  const instance = rt.flavor === 'openai' ? rt.openaiInstance : rt.cluster.route(request.model);
  if (!instance) {
    httpErrorRecord(rt, record, 404);
    return sendExoError(res, 404, `No instance found for model ${request.model}`);
  }
  startSequence(rt, node, res, record, request, bench, path, instance, choice);
}

function sendInjectedError(rt: SimulatorRuntime, res: ServerResponse, fault: HttpErrorFault): void {
  const message = fault.message ?? `Simulated ${fault.status} (injected fault)`;
  if (fault.plainText) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(fault.status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(fault.status === 500 ? 'Internal Server Error' : message);
    return;
  }
  if (rt.flavor === 'openai') {
    return sendJson(res, fault.status, {
      error: {
        code: fault.status,
        message,
        type: fault.status >= 500 ? 'server_error' : 'invalid_request_error',
      },
    });
  }
  if (fault.status === 422) {
    return sendValidationError(res, [{ type: 'value_error', loc: ['body'], msg: message, input: null }]);
  }
  sendJson(res, fault.status, errorEnvelope(fault.status, message));
}

function outputTokens(rt: SimulatorRuntime, request: ChatRequest, bench: boolean): number {
  const max = request.maxTokens;
  if (rt.flavor === 'openai') {
    const stop = rt.profile.openai.stopAfterTokens;
    return stop !== null && stop < max ? stop : max;
  }
  if (bench) return max; // EOS is banned on the bench endpoint.
  const fixed = rt.profile.chatOutputTokens;
  if (fixed !== null && fixed < max) return fixed;
  const eosProbability = rt.profile.chatEosProbabilityPerToken;
  if (eosProbability > 0) {
    // Geometric number of tokens before EOS.
    const sampled = Math.floor(
      Math.log(1 - rt.rng.next()) / Math.log(1 - Math.min(eosProbability, 0.999999)),
    );
    return Math.min(max, Math.max(1, sampled + 1));
  }
  return max;
}

function startSequence(
  rt: SimulatorRuntime,
  node: SimNode,
  res: ServerResponse,
  record: GroundTruthRecord,
  request: ChatRequest,
  bench: boolean,
  path: string,
  instance: SimInstance,
  choice: RequestFaultChoice,
): void {
  const openai = rt.flavor === 'openai';
  const commandId = rt.rng.uuid4();
  record.id = commandId;
  const ctx = new ResponseContext(res, node.index, request.stream && !openai, record, node.busy);
  const fingerprint = fingerprintPrompt(request.messages, rt.profile);
  record.prompt_tokens = fingerprint.tokenCount;
  const usePrefixCache = openai ? true : request.usePrefixCache;
  const openaiOptions = {
    profile: rt.profile.openai,
    includeUsage: request.includeUsage,
    responseId: `chatcmpl-${commandId.replace(/-/g, '')}`,
  };
  const sink = openai
    ? request.stream
      ? new OpenAiStreamSink(rt.cluster, ctx, openaiOptions)
      : new OpenAiJsonSink(rt.cluster, ctx, openaiOptions)
    : request.stream
      ? new ExoStreamSink(rt.cluster, ctx, { commandId, model: request.model })
      : new ExoJsonSink(rt.cluster, ctx);
  const bodyFault =
    choice.fault && choice.fault.kind !== 'http_error' && choice.fault.kind !== 'keep_alive_only'
      ? choice.fault
      : null;
  const sequence = new Sequence(
    commandId,
    path,
    bench,
    request.stream,
    request.model,
    request.maxTokens,
    fingerprint,
    usePrefixCache,
    rt.rng.uint32() % 4096,
    record,
    sink,
    bodyFault,
    outputTokens(rt, request, bench),
  );
  ctx.seq = sequence;
  if (request.stream && rt.profile.streamWriteCoalesceMs > 0) ctx.coalesce = rt.markDirty;
  rt.open.add(ctx);
  rt.cluster.activeStreams = rt.open.size;
  ctx.onClosed = () => {
    rt.open.delete(ctx);
    rt.dirty.delete(ctx);
    const clientGone = record.outcome === 'pending';
    if (clientGone) {
      record.outcome = 'client_disconnected';
      record.ended_at_ms = nowMs();
      record.prompt_tokens = sequence.promptTokens;
      record.cached_tokens = sequence.cachedTokens;
    }
    if (record.http_status === null) record.http_status = res.statusCode;
    rt.cluster.endRequest(sequence, clientGone);
  };
  if (choice.slowHeaders) {
    ctx.holdHeaders();
    setTimeout(() => ctx.release(), choice.slowHeaders.delayMs).unref();
  }
  if (request.stream) {
    ctx.head(200, openai ? { ...OPENAI_SSE_HEADERS } : { ...EXO_SSE_HEADERS });
    // EXO's first bytes are always a keep-alive comment; llama.cpp sends nothing until a token.
    if (!openai) ctx.write(': keep-alive\n\n');
  }
  const keepAliveOnly = choice.fault?.kind === 'keep_alive_only';
  rt.cluster.submit(instance, sequence, request.messages, !keepAliveOnly);
}
