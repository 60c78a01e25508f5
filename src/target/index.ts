/** Targets: EXO clusters or any OpenAI-compatible server. */
export * from './target.js';
export * from './readiness.js';
