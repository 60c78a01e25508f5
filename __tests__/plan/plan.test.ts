import { buildPlan, renderPlanMarkdown } from '../../src/plan/index.js';
import type { Plan } from '../../src/plan/index.js';
import { planPosition, planStartAtMs } from '../../src/plan/plan.js';
import { parseConfigText } from '../../src/config/index.js';

describe('buildPlan', () => {
  it('makes one entry per node, labels in config order, the very first one primary', () => {
    expect(buildPlan({ hardware_plan: { a: 2, b: 1 } })).toEqual({
      include: [
        { label: 'a', index: 0, is_primary: true, expected_nodes: 3, sends_load: true },
        { label: 'a', index: 1, is_primary: false, expected_nodes: 3, sends_load: false },
        { label: 'b', index: 0, is_primary: false, expected_nodes: 3, sends_load: false },
      ],
    });
  });

  it('with load_from: all_nodes every node sends load, and planPosition is the matrix order', () => {
    const config = { hardware_plan: { a: 2, b: 2 }, load_from: 'all_nodes' as const };
    const plan = buildPlan(config);
    expect(plan.include.map((entry) => entry.sends_load)).toEqual([true, true, true, true]);
    expect(plan.include.map((entry) => planPosition(config, entry.label, entry.index))).toEqual([0, 1, 2, 3]);
    expect(planPosition(config, 'b', 2)).toBeUndefined();
    expect(planPosition(config, 'c', 0)).toBeUndefined();
  });

  it('plans a single node as the primary of a one-node cluster', () => {
    expect(buildPlan({ hardware_plan: { M3ULTRA_GPU80_512GB: 1 } })).toEqual({
      include: [
        { label: 'M3ULTRA_GPU80_512GB', index: 0, is_primary: true, expected_nodes: 1, sends_load: true },
      ],
    });
  });

  it('keeps the order of the config file, not alphabetical order', () => {
    const { config } = parseConfigText(
      `hardware_plan:
  Z_LAST_IN_ALPHABET: 1
  A_FIRST_IN_ALPHABET: 2
model_ids: [m]
stages: [{name: s, prompt_length: 1, generation_length: 1, time_between_requests: 0, iterations: 1}]
`,
      'c.yaml',
      {},
    );
    expect(buildPlan(config).include.map((entry) => `${entry.label}/${entry.index}`)).toEqual([
      'Z_LAST_IN_ALPHABET/0',
      'A_FIRST_IN_ALPHABET/0',
      'A_FIRST_IN_ALPHABET/1',
    ]);
  });

  it('has exactly one primary and the same expected_nodes everywhere, for any plan', () => {
    const plan = buildPlan({ hardware_plan: { x: 4, y: 3, z: 5 } });
    expect(plan.include).toHaveLength(12);
    expect(plan.include.filter((entry) => entry.is_primary)).toHaveLength(1);
    expect(new Set(plan.include.map((entry) => entry.expected_nodes))).toEqual(new Set([12]));
  });

  it('serialises to the JSON a workflow matrix reads', () => {
    expect(JSON.stringify(buildPlan({ hardware_plan: { a: 1 } }))).toBe(
      '{"include":[{"label":"a","index":0,"is_primary":true,"expected_nodes":1,"sends_load":true}]}',
    );
  });
});

describe('renderPlanMarkdown', () => {
  it('renders a heading, the node count and config file, and one row per node', () => {
    const plan = buildPlan({ hardware_plan: { M3ULTRA_GPU80_512GB: 2, M4PRO_GPU16_24GB: 1 } });
    expect(renderPlanMarkdown(plan, 'configs/bench_config.yaml')).toBe(
      [
        '### exo-bench plan',
        '',
        '3 nodes from `configs/bench_config.yaml`.',
        '',
        '| label | index | primary | sends load |',
        '| --- | ---: | --- | --- |',
        '| M3ULTRA\\_GPU80\\_512GB | 0 | yes | yes |',
        '| M3ULTRA\\_GPU80\\_512GB | 1 | no | no |',
        '| M4PRO\\_GPU16\\_24GB | 0 | no | no |',
        '',
      ].join('\n'),
    );
  });

  it('says "node" for one node', () => {
    expect(renderPlanMarkdown(buildPlan({ hardware_plan: { a: 1 } }), 'c.yaml')).toContain(
      '\n1 node from `c.yaml`.\n',
    );
  });

  it('escapes labels and the file name so they cannot break the table or inject HTML', () => {
    const plan: Plan = {
      include: [
        { label: 'a|b<img src=x>`c`', index: 0, is_primary: true, expected_nodes: 1, sends_load: true },
      ],
    };
    const markdown = renderPlanMarkdown(plan, 'my `odd` config|.yaml');
    expect(markdown).toContain('| a\\|b\\<img src=x\\>\\`c\\` | 0 | yes | yes |');
    expect(markdown).toContain('1 node from ``my `odd` config|.yaml``.');
  });
});

describe('an openai target with load_from: all_nodes: the plan fixes the first start', () => {
  const load = (text: string) => parseConfigText(text, 'c.yaml', {}).config;
  const openai = `target: { kind: openai, base_url: 'http://127.0.0.1:8000', model: m }
stages: [{name: s, prompt_length: 20, generation_length: 10, time_between_requests: 1, iterations: 3}]
`;

  it('gives every LOADGEN runner an entry that sends load, each with the same start: now + the start delay', () => {
    const config = load(
      `hardware_plan: { LOADGEN: 4 }\nload_from: all_nodes\nall_nodes_start_delay_seconds: 7.5\n${openai}`,
    );
    const startAtMs = planStartAtMs(config, 1_900_000_000_000.25);
    expect(startAtMs).toBe(1_900_000_007_501);
    expect(buildPlan(config, startAtMs).include).toEqual(
      [0, 1, 2, 3].map((index) => ({
        label: 'LOADGEN',
        index,
        is_primary: index === 0,
        expected_nodes: 4,
        sends_load: true,
        start_at_ms: 1_900_000_007_501,
      })),
    );
    expect(planStartAtMs(load(`hardware_plan: { L: 2 }\nload_from: all_nodes\n${openai}`), 0)).toBe(120_000);
  });

  it('fixes no start for an EXO target or load_from: primary (their matrices are unchanged)', () => {
    const exo = load(`hardware_plan: { a: 2 }\nmodel_ids: [m]\nload_from: all_nodes
stages: [{name: s, prompt_length: 20, generation_length: 10, time_between_requests: 1, iterations: 3}]
`);
    expect(planStartAtMs(exo, 1_900_000_000_000)).toBeUndefined();
    expect(planStartAtMs(load(`hardware_plan: { L: 1 }\n${openai}`), 1_900_000_000_000)).toBeUndefined();
    expect(buildPlan(exo, undefined).include[0]).not.toHaveProperty('start_at_ms');
  });

  it('says in the summary when the first stage starts', () => {
    const plan = buildPlan({ hardware_plan: { LOADGEN: 2 }, load_from: 'all_nodes' }, 1_900_000_000_000);
    expect(renderPlanMarkdown(plan, 'c.yaml')).toContain(
      "\nThe first stage starts at 2030-03-17T17:46:40.000Z (`start_at_ms` 1900000000000, this job's clock + `all_nodes_start_delay_seconds`): every node sends its share of each stage to the one server on starts derived from it.\n",
    );
  });
});
