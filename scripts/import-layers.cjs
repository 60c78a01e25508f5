/**
 * The folders of src/ in layers, from the bottom up: a folder may import its own folder and the layers
 * below it. Read by .dependency-cruiser.cjs (the lint rule) and by the test that keeps
 * docs/architecture.md in step with it.
 */
const LAYERS = [
  ['core'], // errors, ports (what the engine needs of a shell), docs links, the version
  ['util'], // clocks, polling, signals, redaction, Markdown text helpers
  ['stream'], // the load path's HTTP/1.1 client, SSE decoding
  ['metrics'], // per-request records and samples, statistics, the metric catalogue
  ['config'], // loading, the JSON schema, validation, threshold and tolerance syntax
  ['cluster', 'target', 'plan', 'preflight', 'simulator'], // EXO client; OpenAI targets; matrix; runners; the simulator
  ['load'], // schedules, the stage runner, one request
  ['results'], // the results document: its types, file names, the seed's keys
  ['verdict'], // thresholds judged, validity, baselines and comparison
  ['report'], // renderers: results document, summary, HTML report, charts
  ['run'], // runNode and what the shells share: node options, provenance, the EXO process
  ['merge'], // one result for a run from its nodes' results
  ['cli', 'action'], // the two shells
];

module.exports = { LAYERS };
