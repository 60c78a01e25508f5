export const id = 949;
export const ids = [949];
export const modules = {

/***/ 3949:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  readNodeFolder: () => (/* reexport */ readNodeFolder),
  runMerge: () => (/* binding */ runMerge)
});

// UNUSED EXPORTS: mergeNodeResults, nodeKey

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/results/files.ts
var files = __webpack_require__(6689);
// EXTERNAL MODULE: ./src/report/write.ts + 1 modules
var write = __webpack_require__(5464);
// EXTERNAL MODULE: ./src/verdict/index.ts + 5 modules
var verdict = __webpack_require__(9764);
// EXTERNAL MODULE: ./src/verdict/validity.ts
var validity = __webpack_require__(8023);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: ./src/core/errors.ts + 1 modules
var errors = __webpack_require__(4697);
// EXTERNAL MODULE: ./src/metrics/aggregate.ts
var aggregate = __webpack_require__(7946);
// EXTERNAL MODULE: ./src/load/prompt-length.ts
var prompt_length = __webpack_require__(5909);
// EXTERNAL MODULE: ./src/metrics/seed.ts
var metrics_seed = __webpack_require__(6780);
// EXTERNAL MODULE: ./src/plan/plan.ts
var plan = __webpack_require__(8720);
// EXTERNAL MODULE: ./src/results/document.ts
var results_document = __webpack_require__(2629);
// EXTERNAL MODULE: ./src/load/schedule.ts
var schedule = __webpack_require__(4807);
// EXTERNAL MODULE: ./src/core/version.ts
var version = __webpack_require__(3323);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/merge/read.ts
/**
 * Reading one node's result folder for a merge: results.json and requests.jsonl as runNode
 * (src/benchmark.ts) writes them. Unlike a baseline (src/verdict/baseline.ts), a merge reads strictly:
 * a torn or foreign line, a request recorded twice or a folder that is itself a merge is an error that
 * names the file and line, because every request must be counted exactly once.
 */





const FOLDER_HINT = 'Give the output folder of each node run (where it wrote results.json and requests.jsonl): its --output-dir, or the extracted artifact.';
const MAJOR_VERSION = results_document/* RESULTS_SCHEMA_VERSION */.q3.split('.')[0] ?? '';
/** `stage/index`: a record's place in its node's run. */
function recordPlace(record) {
    return `${record.stage}/${record.index}`;
}
function parseRecords(path, text) {
    const records = [];
    const seen = new Map();
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i += 1) {
        const line = lines[i];
        if (line.trim() === '')
            continue;
        let value;
        try {
            value = JSON.parse(line);
        }
        catch (error) {
            throw new errors/* InputError */.dz(`${path}:${i + 1}: not a JSON line (${error instanceof Error ? error.message : String(error)})`, 'A torn line means the node was killed while writing; merge only complete node results.');
        }
        const record = value;
        if (typeof value !== 'object' ||
            value === null ||
            typeof record.stage !== 'string' ||
            !Number.isInteger(record.index) ||
            typeof record.ok !== 'boolean') {
            throw new errors/* InputError */.dz(`${path}:${i + 1}: not a request record (needs stage, index and ok)`, FOLDER_HINT);
        }
        if (record.node !== undefined) {
            throw new errors/* InputError */.dz(`${path}:${i + 1}: the record carries a node (${JSON.stringify(record.node)}): this is a merged requests.jsonl, not a node's`, 'Merge the node folders themselves, not an earlier merge.');
        }
        const place = recordPlace(record);
        const first = seen.get(place);
        if (first !== undefined) {
            throw new errors/* InputError */.dz(`${path}:${i + 1}: request ${place} is recorded twice (first on line ${first})`, "Each request must appear once in its node's requests.jsonl; was the file appended to by two runs?");
        }
        seen.set(place, i + 1);
        records.push(record);
    }
    return records;
}
/**
 * Reads a node's folder. Throws InputError naming the file and what to fix when results.json or
 * requests.jsonl is missing or unreadable, the document is not exo-bench's (or of another major
 * version), or it is already a merge.
 */
function readNodeFolder(folder, source = folder) {
    if (!(0,external_node_fs_.existsSync)(folder) || !(0,external_node_fs_.statSync)(folder).isDirectory())
        throw new errors/* InputError */.dz(`${source}: ${folder} is not a folder`, FOLDER_HINT);
    const resultsPath = (0,external_node_path_.join)(folder, files/* RESULTS_FILE */.yG);
    const requestsPath = (0,external_node_path_.join)(folder, files/* REQUESTS_FILE */.U0);
    if (!(0,external_node_fs_.existsSync)(resultsPath))
        throw new errors/* InputError */.dz(`${source}: no ${files/* RESULTS_FILE */.yG} in ${folder}`, FOLDER_HINT);
    if (!(0,external_node_fs_.existsSync)(requestsPath))
        throw new errors/* InputError */.dz(`${source}: no ${files/* REQUESTS_FILE */.U0} in ${folder}`, FOLDER_HINT);
    let document;
    try {
        document = JSON.parse((0,external_node_fs_.readFileSync)(resultsPath, 'utf8'));
    }
    catch (error) {
        throw new errors/* InputError */.dz(`${resultsPath} is not JSON: ${error instanceof Error ? error.message : String(error)}`, FOLDER_HINT);
    }
    if (typeof document !== 'object' ||
        document === null ||
        document.tool?.name !== 'exo-bench' ||
        typeof document.schema_version !== 'string')
        throw new errors/* InputError */.dz(`${resultsPath} is not an exo-bench results.json`, FOLDER_HINT);
    if (document.schema_version.split('.')[0] !== MAJOR_VERSION)
        throw new errors/* InputError */.dz(`${resultsPath} is a results ${document.schema_version} document; this exo-bench merges ${MAJOR_VERSION}.x`, 'Merge results written by the same major version of exo-bench.');
    if (document.merge)
        throw new errors/* InputError */.dz(`${resultsPath} is already a merged result`, 'Merge the node folders themselves, not an earlier merge.');
    const records = parseRecords(requestsPath, (0,external_node_fs_.readFileSync)(requestsPath, 'utf8'));
    return { source, folder, document, records };
}

;// CONCATENATED MODULE: ./src/merge/merge.ts
/**
 * Merging the nodes of one run into one results document. Every figure is recomputed from the union of
 * the nodes' request records with the functions a node run uses (computeStatistics,
 * computeSeedStageStatistics, promptLengthStatistics, outputLengthStatistics): percentiles are exact
 * over the records, never averages of the nodes' percentiles. A request's identity is node + stage +
 * index; the node is `<hardware_label>#<node_index>`, its place in the matrix.
 *
 * With load_from: primary only the primary sends load, so a merge of primary + secondaries gives the
 * primary's figures plus every node's view (verdict, memory, errors). With load_from: all_nodes every
 * node sends its share of each stage (a closed loop or capacity search: the primary alone), and the
 * merge checks each node's records against that rule (judgeShares). What a record cannot give back is taken from the
 * one node that ran the stage (inter-token gaps, in-flight samples, calibration); when several nodes
 * ran a stage, the parts that cannot be combined exactly are left out rather than approximated (see
 * mergeStage).
 */











/** `label#index`: the node's key (and the first part of a request's identity). */
function nodeKey(document) {
    return `${document.metadata.hardware_label ?? 'node'}#${document.metadata.node_index ?? 0}`;
}
/** The run a node belongs to: the workflow run when known (attempts may differ), else its run id. */
function runOf(document) {
    return document.provenance?.run_id !== undefined
        ? `workflow run ${document.provenance.run_id}`
        : `run ${document.metadata.run_id}`;
}
/** Checks the nodes belong together; throws InputError saying what to fix. */
function checkSameRun(nodes) {
    if (nodes.length === 0)
        throw new errors/* InputError */.dz('nothing to merge: no node result given', 'Give at least one node folder.');
    const bySource = new Map();
    const byKey = new Map();
    for (const node of nodes) {
        if (bySource.has(node.folder))
            throw new errors/* InputError */.dz(`${node.source} is given twice`, 'Give each node folder once (check the list of folders).');
        bySource.set(node.folder, node);
        const key = nodeKey(node.document);
        const other = byKey.get(key);
        if (other)
            throw new errors/* InputError */.dz(`node ${key} appears twice: in ${other.source} and in ${node.source}`, 'Give each node of the run once. Node runs are told apart by hardware label and node index (the action sets them from the matrix; the CLI from --label and --index).');
        byKey.set(key, node);
    }
    const first = nodes[0];
    for (const node of nodes.slice(1)) {
        if (runOf(node.document) !== runOf(first.document))
            throw new errors/* InputError */.dz(`the nodes come from different runs: ${first.source} is from ${runOf(first.document)}, ${node.source} from ${runOf(node.document)}`, 'Merge the folders of one run only. Nodes run with the CLI share a run when each is given the same --run-id.');
        if (!(0,external_node_util_.isDeepStrictEqual)(node.document.configuration, first.document.configuration))
            throw new errors/* InputError */.dz(`the nodes ran different configs: ${first.source} (${first.document.metadata.config_file}) and ${node.source} (${node.document.metadata.config_file}) differ`, 'Every node of a run must run the same config; merge the folders of one run only.');
    }
}
/** The matrix entries of the config: `label#index` of every node the run should have. */
function expectedNodes(config) {
    return (0,plan/* buildPlan */.Gg)(config).include.map((entry) => ({
        key: `${entry.label}#${entry.index}`,
        isPrimary: entry.is_primary,
    }));
}
/**
 * A stage merged from the nodes that ran it. From the records: every statistic. From the one node
 * that ran it: the inter-token gaps (a streaming histogram, not in the records), in-flight samples, peak
 * in flight, calibration and a capacity search's outcome. With several such nodes: gaps keep their exact count, mean and max (the
 * percentiles of a histogram summary cannot be combined: null), the peak is the largest node's peak
 * (a lower bound of the cluster's), samples and client CPU are left out, calibration is the first node's.
 */
function mergeStage(name, ran, records) {
    const first = ran[0].stage;
    const startedAtMs = Math.min(...ran.map((r) => r.stage.started_at_ms));
    const endedAtMs = Math.max(...ran.map((r) => r.stage.ended_at_ms));
    const completedAtMs = Math.max(...ran.map((r) => r.stage.stage_completed_at * 1000));
    const seed = (0,metrics_seed/* computeSeedStageStatistics */.kt)(records, startedAtMs, completedAtMs);
    if (ran.length === 1) {
        // The node's own timing fields, not a round trip through milliseconds.
        seed.stage_started_at = first.stage_started_at;
        seed.stage_completed_at = first.stage_completed_at;
        seed.stage_duration_s = first.stage_duration_s;
    }
    const gapCount = ran.reduce((sum, r) => sum + r.stage.itl_ms.count, 0);
    const itl = ran.length === 1
        ? first.itl_ms
        : {
            count: gapCount,
            mean: gapCount > 0
                ? ran.reduce((sum, r) => sum + (r.stage.itl_ms.mean ?? 0) * r.stage.itl_ms.count, 0) / gapCount
                : null,
            p50: null,
            p90: null,
            p95: null,
            p99: null,
            max: gapCount > 0 ? Math.max(...ran.map((r) => r.stage.itl_ms.max ?? -Infinity)) : null,
        };
    return {
        name,
        config: first.config,
        // The plan is the config's (the same on every node); its achieved rate is the sending node's.
        load_shape: first.load_shape,
        ...seed,
        ...(0,results_document/* ownStageStatistics */.wh)((0,aggregate/* computeStatistics */.Dh)(records)),
        prompt_length: (0,prompt_length/* promptLengthStatistics */.g)(records, first.config.prompt_length, first.prompt_length.calibration),
        output_length: (0,aggregate/* outputLengthStatistics */.r8)(records, first.config.generation_length),
        started_at_ms: startedAtMs,
        ended_at_ms: endedAtMs,
        peak_in_flight: Math.max(...ran.map((r) => r.stage.peak_in_flight)),
        itl_ms: itl,
        interrupted: ran.some((r) => r.stage.interrupted),
        in_flight_samples: ran.length === 1 ? first.in_flight_samples : [],
        // What the sending node's load generator cost its machine; the CPU of several machines is no one figure.
        ...(ran.length === 1 && first.client_cpu ? { client_cpu: first.client_cpu } : {}),
        // A capacity search is one node's (the primary's, whatever load_from says): its probes and capacity.
        ...(ran.length === 1 && first.search ? { search: first.search } : {}),
    };
}
/** The node's memory: its cluster facts from any merged document, and its peak use in the snapshots. */
function nodeMemory(nodeId, clusterNodes, documents) {
    if (nodeId === undefined)
        return {};
    const facts = clusterNodes.get(nodeId);
    let peak;
    for (const document of documents)
        for (const snapshot of document.metrics.snapshots) {
            const used = snapshot.memory_used_bytes_by_node[nodeId];
            if (used !== undefined && (peak === undefined || used > peak))
                peak = used;
        }
    return {
        ...(facts?.ram_total_bytes !== undefined ? { ram_total_bytes: facts.ram_total_bytes } : {}),
        ...(facts?.ram_available_bytes !== undefined ? { ram_available_bytes: facts.ram_available_bytes } : {}),
        ...(peak !== undefined ? { ram_used_peak_bytes: peak } : {}),
    };
}
/**
 * The merged validity: the worst of the nodes' (each node's reasons and notes, prefixed with the node),
 * the dispatch lag judged again over the merged records of a stage that several nodes sent, and the
 * merge-level problems. The dispatch-lag figure is the worst stage p99 over the merged records; the
 * event-loop figure the worst node's.
 */
function mergeValidity(config, nodes, stages, stageSenders) {
    const reasons = [];
    const notes = [];
    let inconclusive = false;
    let worstLoop = null;
    for (const node of nodes) {
        const v = node.document.validity;
        const key = nodeKey(node.document);
        reasons.push(...v.reasons.map((reason) => `node ${key}: ${reason}`));
        notes.push(...(v.notes ?? []).map((note) => `node ${key}: ${note}`));
        if (v.status === 'inconclusive')
            inconclusive = true;
        if (v.event_loop_delay_p99_ms !== null && (worstLoop === null || v.event_loop_delay_p99_ms > worstLoop))
            worstLoop = v.event_loop_delay_p99_ms;
    }
    const merged = (0,validity/* judgeValidity */.A8)(config, [...stages], null);
    const sharedStages = stages.filter((stage) => (stageSenders.get(stage.name) ?? 0) > 1);
    if (sharedStages.length > 0) {
        // A stage sent by one node was judged by that node already; one sent by several is judged again here.
        const again = (0,validity/* judgeValidity */.A8)(config, sharedStages, null);
        reasons.push(...again.reasons.map((reason) => `merged records: ${reason}`));
    }
    // load_from: all_nodes: the nodes must have followed the same starts, on clocks within the tolerance,
    // each sending exactly its share (a stage the primary sent alone: the primary only).
    const schedules = sharedSchedules(nodes);
    const shared = (0,schedule/* judgeSharedSchedule */.mE)(schedules);
    reasons.push(...shared.reasons.map((reason) => `shared schedule: ${reason}`));
    const shares = (0,schedule/* judgeShares */.uS)(schedules.map((schedule) => ({ ...schedule, records: recordsOf(nodes, schedule.node) })), config.stages);
    reasons.push(...shares.map((reason) => `shared schedule: ${reason}`));
    notes.push(...shared.notes.map((note) => `shared schedule: ${note}`));
    const status = reasons.length > 0 ? 'invalid' : inconclusive ? 'inconclusive' : 'valid';
    return {
        valid: reasons.length === 0,
        status,
        reasons,
        ...(notes.length > 0 ? { notes } : {}),
        dispatch_lag_p99_ms: merged.dispatch_lag_p99_ms,
        max_dispatch_lag_p99_ms: config.max_dispatch_lag_p99_ms,
        event_loop_delay_p99_ms: worstLoop,
        max_event_loop_delay_p99_ms: merged.max_event_loop_delay_p99_ms,
    };
}
/** The schedules of the nodes that shared the load (`load_from: all_nodes`), by node key. */
function sharedSchedules(nodes) {
    return nodes.flatMap((node) => node.document.schedule ? [{ node: nodeKey(node.document), schedule: node.document.schedule }] : []);
}
/** The records of the node whose key is `key`. */
function recordsOf(nodes, key) {
    return nodes.find((node) => nodeKey(node.document) === key)?.records ?? [];
}
/** The merged document's `merge.schedule`: tolerance, measured spread and each node's offset. */
function mergedSchedule(nodes) {
    const schedules = sharedSchedules(nodes);
    if (schedules.length === 0)
        return undefined;
    return {
        skew_tolerance_ms: Math.min(...schedules.map((n) => n.schedule.skew_tolerance_ms)),
        skew_ms: (0,schedule/* judgeSharedSchedule */.mE)(schedules).skewMs,
        clock_offsets_ms: Object.fromEntries(schedules.map((n) => [n.node, n.schedule.clock_offset_ms])),
    };
}
/** The nodes in matrix order, primary first; nodes outside the matrix (CLI runs without --label) after, as given. */
function inMatrixOrder(given, plan) {
    const order = new Map(plan.map((entry, index) => [entry.key, index]));
    return [...given].sort((a, b) => (order.get(nodeKey(a.document)) ?? plan.length) - (order.get(nodeKey(b.document)) ?? plan.length));
}
/**
 * The matrix entries with no node given (as `missing_nodes`), and a problem for each, for each
 * unreadable artifact outside the matrix, and for a merge without the primary.
 */
function absentNodeProblems(plan, nodes, missing) {
    const problems = [];
    const present = new Set(nodes.map((node) => nodeKey(node.document)));
    const missingNodes = plan.filter((entry) => !present.has(entry.key)).map((entry) => entry.key);
    for (const key of missingNodes) {
        const why = missing.find((absent) => absent.node === key)?.reason ?? 'no results were given for it';
        const primaryNote = plan.find((entry) => entry.key === key)?.isPrimary ? ' (the primary)' : '';
        problems.push(`node ${key}${primaryNote} is missing: ${why}`);
    }
    for (const absent of missing)
        if (!plan.some((entry) => entry.key === absent.node))
            problems.push(`${absent.node}: ${absent.reason}`);
    if (!nodes.some((node) => node.document.metadata.is_primary))
        problems.push('no node of the merge is the primary: the load and the run-level figures are not in it');
    return { missingNodes, problems };
}
/**
 * Every node's records tagged with the node, and for each stage the nodes' results of it (a node that
 * sent or recorded requests of it). Adds a problem for a node whose run failed and for records that
 * disagree with the node's results.json; throws InputError for a record of no stage of the config.
 */
function collectRecords(nodes, stageNames, problems) {
    const records = [];
    const ranBy = new Map();
    for (const node of nodes) {
        const key = nodeKey(node.document);
        if (node.document.error)
            problems.push(`node ${key}: its run failed (${node.document.error.kind}: ${node.document.error.message})`);
        const counts = new Map();
        for (const record of node.records) {
            if (!stageNames.includes(record.stage))
                throw new errors/* InputError */.dz(`${node.source}: request ${recordPlace(record)} belongs to no stage of the config`, 'Merge the folders of one run only.');
            counts.set(record.stage, (counts.get(record.stage) ?? 0) + 1);
            records.push({ ...record, node: key });
        }
        for (const stage of node.document.results.stages) {
            const recorded = counts.get(stage.name) ?? 0;
            if (recorded !== stage.fired_requests)
                problems.push(`node ${key}: requests.jsonl holds ${recorded} request(s) of stage ${stage.name}, its results.json counts ${stage.fired_requests} (a truncated or mixed-up artifact?)`);
            if (stage.fired_requests > 0 || recorded > 0) {
                const list = ranBy.get(stage.name) ?? [];
                list.push({ stage });
                ranBy.set(stage.name, list);
            }
        }
        for (const [stage, recorded] of counts)
            if (!node.document.results.stages.some((listed) => listed.name === stage))
                problems.push(`node ${key}: requests.jsonl holds ${recorded} request(s) of stage ${stage}, which its results.json does not list`);
    }
    records.sort((a, b) => a.sent_at_ms - b.sent_at_ms || a.node.localeCompare(b.node) || a.index - b.index);
    return { records, ranBy };
}
/** The stages some node ran, in config order, each merged; and how many nodes sent each. */
function mergeStages(stageNames, ranBy, records) {
    const stages = [];
    const stageSenders = new Map();
    for (const name of stageNames) {
        const ran = ranBy.get(name);
        if (!ran)
            continue;
        stageSenders.set(name, ran.length);
        stages.push(mergeStage(name, ran, records.filter((record) => record.stage === name)));
    }
    return { stages, stageSenders };
}
/** Each node's cluster facts, once per node id, the first document that has them winning. */
function clusterNodesOf(nodes) {
    const clusterNodes = new Map();
    for (const node of nodes)
        for (const facts of node.document.cluster.nodes)
            if (!clusterNodes.has(facts.node_id))
                clusterNodes.set(facts.node_id, facts);
    return clusterNodes;
}
/** One node's view for `merge.nodes`: its verdict, its own run-level counts and TTFT, its memory. */
function mergedNodeFacts(node, runStages, clusterNodes, documents) {
    const { document } = node;
    const own = (0,aggregate/* computeStatistics */.Dh)(node.records.filter((record) => runStages.includes(record.stage)));
    const runner = document.provenance?.runner?.name;
    return {
        node: nodeKey(document),
        ...(document.metadata.hardware_label !== undefined
            ? { hardware_label: document.metadata.hardware_label }
            : {}),
        ...(document.metadata.node_index !== undefined ? { node_index: document.metadata.node_index } : {}),
        is_primary: document.metadata.is_primary,
        ...(document.metadata.node_id !== undefined ? { node_id: document.metadata.node_id } : {}),
        source: node.source,
        verdict: document.verdict,
        validity_status: document.validity.status ?? (document.validity.valid ? 'valid' : 'invalid'),
        ...(document.error ? { error: document.error.message } : {}),
        fired_requests: node.records.length,
        requests: own.total_requests,
        successful_requests: own.successful_requests,
        failed_requests: own.failed_requests,
        ttft_p50_ms: own.ttft_ms.p50,
        ttft_p95_ms: own.ttft_ms.p95,
        ...nodeMemory(document.metadata.node_id, clusterNodes, documents),
        ...(runner !== undefined ? { runner } : {}),
    };
}
/** The primary's metadata over the whole run: the earliest start, the latest end, every hardware label. */
function mergedMetadata(base, documents) {
    const startedAt = documents.map((d) => d.metadata.started_at).sort()[0] ?? base.metadata.started_at;
    const endedAt = documents
        .map((d) => d.metadata.ended_at)
        .sort()
        .at(-1) ?? base.metadata.ended_at;
    return {
        ...base.metadata,
        started_at: startedAt,
        ended_at: endedAt,
        is_primary: true,
        benchmark_started_at: Math.min(...documents.map((d) => d.metadata.benchmark_started_at)),
        benchmark_completed_at: Math.max(...documents.map((d) => d.metadata.benchmark_completed_at)),
        total_duration_s: Math.max(...documents.map((d) => d.metadata.benchmark_completed_at * 1000)) / 1000 -
            Math.min(...documents.map((d) => d.metadata.benchmark_started_at * 1000)) / 1000,
        hardware_labels: [...new Set(documents.flatMap((d) => d.metadata.hardware_labels))],
    };
}
/** The merge's error: its first problem (and how many more), of a failed node's kind, else input; null without problems. */
function mergeError(nodes, problems) {
    const firstProblem = problems[0];
    if (!firstProblem)
        return null;
    return {
        kind: nodes.find((node) => node.document.error)?.document.error?.kind ?? 'input',
        message: problems.length > 1
            ? `${firstProblem} (and ${problems.length - 1} more: see merge.problems)`
            : firstProblem,
        hint: 'The merged figures cover the nodes that were merged. Re-run the failed or missing node jobs, or merge the folders of one complete run.',
    };
}
/**
 * Merges the nodes of one run. Throws InputError when they do not belong together (a node given twice,
 * different runs or configs). A node the matrix expects but that is absent, a node whose run failed or
 * whose records disagree with its results.json is a merge problem: the document is still written, with
 * an error saying which node and what to do.
 */
function mergeNodeResults(given, missing = []) {
    checkSameRun(given);
    const plan = expectedNodes(given[0].document.configuration);
    const nodes = inMatrixOrder(given, plan);
    const primary = nodes.find((node) => node.document.metadata.is_primary) ?? nodes[0];
    const config = primary.document.configuration;
    const { missingNodes, problems } = absentNodeProblems(plan, nodes, missing);
    const stageNames = config.stages.map((stage) => stage.name);
    const { records, ranBy } = collectRecords(nodes, stageNames, problems);
    const { stages, stageSenders } = mergeStages(stageNames, ranBy, records);
    // As on a node (judgeRun): warm-up stages and capacity searches (overloaded on purpose) are left out.
    const runStages = stages
        .filter((stage) => !stage.config.warmup && !stage.config.search)
        .map((stage) => stage.name);
    const runRecords = records.filter((record) => runStages.includes(record.stage));
    const clusterNodes = clusterNodesOf(nodes);
    const documents = nodes.map((node) => node.document);
    const mergedNodes = nodes.map((node) => mergedNodeFacts(node, runStages, clusterNodes, documents));
    const base = primary.document;
    const schedule = mergedSchedule(nodes);
    const document = {
        schema_version: results_document/* RESULTS_SCHEMA_VERSION */.q3,
        tool: { name: 'exo-bench', version: version/* VERSION */.x },
        metadata: mergedMetadata(base, documents),
        cluster: { ...base.cluster, nodes: [...clusterNodes.values()] },
        configuration: config,
        results: {
            stages,
            run: runRecords.length > 0 ? (0,aggregate/* computeStatistics */.Dh)(runRecords) : null,
            run_stages: runStages,
        },
        // The primary polls the cluster; a secondary's snapshots would repeat the same view.
        metrics: {
            snapshots: (base.metrics.snapshots.length > 0
                ? base.metrics.snapshots
                : nodes.find((node) => node.document.metrics.snapshots.length > 0)?.document.metrics.snapshots) ??
                [],
        },
        validity: mergeValidity(config, nodes, stages, stageSenders),
        verdict: 'error',
        error: mergeError(nodes, problems),
        ...(base.provenance ? { provenance: base.provenance } : {}),
        merge: {
            nodes: mergedNodes,
            missing_nodes: missingNodes,
            problems,
            requests: records.length,
            ...(schedule ? { schedule } : {}),
        },
    };
    return { document, records, runRecords };
}

;// CONCATENATED MODULE: ./src/merge/index.ts
/**
 * The merge use case both shells call (`exo-bench merge`, the action's `mode: merge`): the nodes of one
 * run → one results.json, requests.jsonl, summary.md and report.html for the whole run, with the
 * thresholds and the baseline comparison judged on the merged records, and a verdict. The result has
 * the shape of a node run's outcome, so the shells publish it the same way (outputs, artifact).
 */








/**
 * Merges the nodes and writes the run's files into `outputDir`. Throws InputError when the nodes do
 * not belong together (see mergeNodeResults); every other problem is in the verdict.
 */
function runMerge(nodes, options) {
    const { document, records, runRecords } = mergeNodeResults(nodes, options.missing);
    const { logger } = options;
    for (const node of document.merge?.nodes ?? [])
        logger.info(`node ${node.node}${node.is_primary ? ' (primary)' : ''}: ${node.fired_requests} request(s) from ${node.source}, verdict ${node.verdict}`);
    for (const problem of document.merge?.problems ?? [])
        logger.error(problem);
    Object.assign(document, (0,verdict/* evaluateGates */.ud)(document, runRecords, options.baseline, logger));
    document.verdict = (0,validity/* judgeVerdict */.Lp)(document);
    (0,external_node_fs_.mkdirSync)(options.outputDir, { recursive: true });
    const paths = (0,files/* outputPaths */.uk)(options.outputDir);
    (0,external_node_fs_.writeFileSync)(paths.requests, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    const written = (0,write/* writeReports */.L)(paths, options.outputDir, document, records);
    logger.info(`merged ${document.merge?.nodes.length ?? 0} node(s), ${records.length} request(s): verdict ${document.verdict}`);
    return written;
}


/***/ })

};
