// The module of undici 7 that src/util/undici.ts loads directly (undici has no `exports` map, so it
// resolves; its own typings describe only the index).
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const AgentClass: typeof Agent;
  export default AgentClass;
}
