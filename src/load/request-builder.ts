/**
 * What a stage sends: one chat-completion request per index, built when the schedule fires it.
 */
import type { BenchConfig, StageConfig } from '../config/types.js';
import { forceOutputFields, type ResolvedTarget } from '../target/index.js';
import type { StagePrompts } from './calibrate.js';
import { composePrompt, promptNonce } from './prompt.js';
import type { RequestSpec } from './request.js';
import { BlockTextCache, composeWorkloadPrompt, type PromptOffsets } from './workload.js';

/**
 * Builds the request body of each index of a stage once per request (no shared mutable state). Prompts
 * are the stage's calibrated bodies, each opened by the request's nonce when unique_prompts is on;
 * bodies are the same for every request of a model, so only the nonce tells prompts apart. A trace or
 * shared_prefix stage composes each request's prompt instead (./workload.ts): shared blocks first, then
 * the nonce, then filler up to the request's own length; and a trace request asks for its own max_tokens.
 */
export function requestBuilder(
  config: BenchConfig,
  target: ResolvedTarget,
  runId: string,
  stage: StageConfig,
  prompts: StagePrompts,
): (index: number) => RequestSpec {
  const origin = new URL(target.baseUrl).origin;
  const headers = { ...target.headers, accept: 'text/event-stream' };
  const models = target.models;
  const composed = prompts.workload;
  const blockTexts = new BlockTextCache();
  return (index: number): RequestSpec => {
    // Requests rotate over the models, so every instance of a multi-model config gets load.
    const model = models[index % models.length] as string;
    // Identical prompts when unique_prompts is off, so users can study prefix-cache effects.
    const nonce = config.unique_prompts ? promptNonce(runId, stage.name, index) : undefined;
    const maxTokens = composed ? composed.workload.outputTokens(index) : stage.generation_length;
    const promptTokens = composed ? composed.workload.inputTokens(index) : stage.prompt_length;
    const content = composed
      ? composeWorkloadPrompt(
          composed.workload,
          index,
          composed.offsets.get(model) as PromptOffsets,
          composed.scope,
          nonce,
          blockTexts,
        ).text
      : composePrompt(nonce, prompts.bodies.get(model) ?? '');
    const body: Record<string, unknown> = {
      model,
      messages: [{ role: 'user', content }],
      max_tokens: maxTokens,
      stream: true,
      stream_options: { include_usage: true },
      ...forceOutputFields(target.forceOutputLength, maxTokens),
    };
    return {
      origin,
      path: target.chatPath,
      body: JSON.stringify(body),
      headers,
      targets: { promptTokens, maxTokens },
    };
  };
}
