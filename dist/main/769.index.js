export const id = 769;
export const ids = [769];
export const modules = {

/***/ 11769:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runMainStep: () => (/* binding */ runMainStep)
});

// EXTERNAL MODULE: ./src/util/markdown.ts
var markdown = __webpack_require__(17183);
;// CONCATENATED MODULE: ./src/report/html-escape.ts
/** Escaping for HTML built from user and server text (kept apart so every renderer can share it). */
/** Escapes text for HTML element content and attribute values. */
function escapeHtml(text) {
    return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

;// CONCATENATED MODULE: ./src/report/provenance.ts
/**
 * Provenance, rendered: one line for the summary's header and a table for report.html, plus the banner
 * a simulated run carries. Pure functions; every value is escaped (a workflow or runner name is user
 * text), and a link is made only of parts that look like what they claim to be.
 */


const SERVER = /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const SHA = /^[0-9a-f]{7,64}$/;
const RUN_URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?\/[A-Za-z0-9_./-]+$/;
/** The commit's page, when server, repository and SHA all look right. */
function commitUrl(provenance) {
    const { server_url: server, repository, commit } = provenance;
    if (!server || !repository || !commit)
        return undefined;
    if (!SERVER.test(server) || !REPOSITORY.test(repository) || !SHA.test(commit))
        return undefined;
    return `${server}/${repository}/commit/${commit}`;
}
/** The run's page, when it is a plain http(s) URL. */
function runUrl(provenance) {
    return provenance.run_url && RUN_URL.test(provenance.run_url) ? provenance.run_url : undefined;
}
function shortSha(commit) {
    return commit.slice(0, 7);
}
function runnerText(runner) {
    if (!runner)
        return undefined;
    const platform = [runner.os, runner.arch].filter(Boolean).join(' ');
    if (!runner.name && !platform)
        return undefined;
    return runner.name ? `${runner.name}${platform ? ` (${platform})` : ''}` : platform;
}
/** The banner of a simulated run, in Markdown: a quote block no reader skims past. */
function simulatedBannerMarkdown(provenance) {
    if (!provenance?.simulated)
        return undefined;
    const profile = provenance.simulator_profile
        ? ` (profile ${(0,markdown/* markdownInlineCode */.m2)(provenance.simulator_profile)})`
        : '';
    return `> 🧪 **SIMULATED RUN** — the server was exo-bench's built-in simulator${profile}, not EXO on real hardware. Node names, chips and every figure below are made up by the simulator's timing model.`;
}
/**
 * The provenance line of the summary's header: repository @ commit (linked), ref, event, run and
 * attempt (linked), workflow / job, runner, tool version, start time, config and its hash.
 */
function provenanceMarkdown(provenance) {
    if (!provenance)
        return undefined;
    const parts = [];
    if (provenance.repository || provenance.commit) {
        const repository = provenance.repository ? (0,markdown/* escapeMarkdownText */.m4)(provenance.repository) : '';
        const url = commitUrl(provenance);
        const sha = provenance.commit ? (0,markdown/* markdownInlineCode */.m2)(shortSha(provenance.commit)) : '';
        const commit = provenance.commit ? (url ? `[${sha}](${url})` : sha) : '';
        parts.push([repository, commit].filter(Boolean).join(' @ '));
    }
    if (provenance.ref)
        parts.push((0,markdown/* markdownInlineCode */.m2)(provenance.ref));
    if (provenance.event)
        parts.push((0,markdown/* escapeMarkdownText */.m4)(provenance.event));
    if (provenance.run_id) {
        const attempt = provenance.run_attempt !== undefined ? ` attempt ${provenance.run_attempt}` : '';
        const text = `run ${(0,markdown/* escapeMarkdownText */.m4)(provenance.run_id)}${attempt}`;
        const url = runUrl(provenance);
        parts.push(url ? `[${text}](${url})` : text);
    }
    if (provenance.workflow || provenance.job)
        parts.push([
            provenance.workflow ? `workflow ${(0,markdown/* escapeMarkdownText */.m4)(provenance.workflow)}` : '',
            provenance.job ? `job ${(0,markdown/* markdownInlineCode */.m2)(provenance.job)}` : '',
        ]
            .filter(Boolean)
            .join(' / '));
    const runner = runnerText(provenance.runner);
    if (runner)
        parts.push(`${provenance.source === 'cli' ? 'host' : 'runner'} ${(0,markdown/* escapeMarkdownText */.m4)(runner)}`);
    // A version is digits and dots: escaped as text, `0.` would read as the start of a list.
    parts.push(`exo-bench ${/^[0-9A-Za-z.+-]+$/.test(provenance.tool_version) ? provenance.tool_version : (0,markdown/* markdownInlineCode */.m2)(provenance.tool_version)}`);
    parts.push(`started ${(0,markdown/* escapeMarkdownText */.m4)(formatUtc(provenance.started_at))}`);
    parts.push(`config ${(0,markdown/* markdownInlineCode */.m2)(provenance.config_file)}${provenance.config_sha256 ? ` (sha256 ${(0,markdown/* markdownInlineCode */.m2)(provenance.config_sha256.slice(0, 12))})` : ''}`);
    return parts.join(' · ');
}
/** `2025-01-02T03:04:05.678Z` → `2025-01-02 03:04:05 UTC`; anything else as is. */
function formatUtc(iso) {
    const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
    return match ? `${match[1]} ${match[2]} UTC` : iso;
}
/** Provenance as rows of label and HTML (escaped; links only from checked parts). */
function provenanceHtmlRows(provenance) {
    if (!provenance)
        return [];
    const rows = [];
    const link = (text, url) => url ? `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>` : escapeHtml(text);
    if (provenance.repository)
        rows.push(['Repository', escapeHtml(provenance.repository)]);
    if (provenance.commit)
        rows.push(['Commit', `<code>${link(shortSha(provenance.commit), commitUrl(provenance))}</code>`]);
    if (provenance.ref)
        rows.push(['Ref', `<code>${escapeHtml(provenance.ref)}</code>`]);
    if (provenance.event)
        rows.push(['Event', escapeHtml(provenance.event)]);
    if (provenance.run_id)
        rows.push([
            'Run',
            link(`${provenance.run_id}${provenance.run_attempt !== undefined ? ` (attempt ${provenance.run_attempt})` : ''}`, runUrl(provenance)),
        ]);
    if (provenance.workflow)
        rows.push(['Workflow', escapeHtml(provenance.workflow)]);
    if (provenance.job)
        rows.push(['Job', escapeHtml(provenance.job)]);
    const runner = runnerText(provenance.runner);
    if (runner)
        rows.push([provenance.source === 'cli' ? 'Host' : 'Runner', escapeHtml(runner)]);
    rows.push(['exo-bench', escapeHtml(provenance.tool_version)]);
    rows.push(['Started', escapeHtml(formatUtc(provenance.started_at))]);
    rows.push([
        'Config',
        `<code>${escapeHtml(provenance.config_file)}</code>${provenance.config_sha256 ? ` (sha256 <code>${escapeHtml(provenance.config_sha256)}</code>)` : ''}`,
    ]);
    rows.push([
        'Server',
        provenance.simulated
            ? `<strong>simulated</strong>${provenance.simulator_profile ? ` (profile <code>${escapeHtml(provenance.simulator_profile)}</code>)` : ''}`
            : 'real',
    ]);
    return rows;
}

;// CONCATENATED MODULE: ./src/report/error-summary.ts
/**
 * The summary of a step that could not run: bad inputs, a config that does not load, a plan that
 * cannot be made, a node that failed before its run began. One shape for every such path: what could
 * not be done, each problem as a list item with its position, the hints that fit, and absolute links
 * to the documentation (a summary is read on github.com, not in a checkout). Pure; every text escaped.
 */


const SAFE_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d+)?\/[A-Za-z0-9_./#-]*$/;
/** Renders the error summary. */
function renderErrorSummary(summary) {
    const lines = ['## exo-bench: 💥 error', ''];
    const banner = simulatedBannerMarkdown(summary.provenance);
    if (banner)
        lines.push(banner, '');
    lines.push(`**${(0,markdown/* escapeMarkdownText */.m4)(summary.headline)}:**`, '');
    for (const problem of summary.problems) {
        const where = problem.where ? `${(0,markdown/* markdownInlineCode */.m2)(problem.where)} ` : '';
        lines.push(`- ${where}${(0,markdown/* escapeMarkdownText */.m4)(problem.message)}`);
    }
    if (summary.hints.length > 0) {
        lines.push('');
        for (const hint of summary.hints)
            lines.push(`**Hint:** ${(0,markdown/* escapeMarkdownText */.m4)(hint)}`, '');
        lines.pop();
    }
    const links = summary.links.filter((link) => SAFE_URL.test(link.url));
    if (links.length > 0) {
        lines.push('', links.map((link) => `${(0,markdown/* escapeMarkdownText */.m4)(link.label)}: <${link.url}>`).join(' · '));
    }
    const provenance = provenanceMarkdown(summary.provenance);
    if (provenance)
        lines.push('', `<sub>${provenance}</sub>`);
    return `${lines.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./src/action/constants.ts
/**
 * Names of the action's inputs and outputs: the one place they are spelled. action.yml must declare
 * exactly these (a test parses it and compares), and only src/action/inputs.ts reads inputs.
 */
/** Every input of action.yml. */
const Inputs = {
    Mode: 'mode',
    ConfigFile: 'config-file',
    IsPrimary: 'is-primary',
    ApiUrl: 'api-url',
    ApiPort: 'api-port',
    ExpectedNodes: 'expected-nodes',
    TimeoutSeconds: 'timeout-seconds',
    HardwareLabel: 'hardware-label',
    NodeIndex: 'node-index',
    ExoCommand: 'exo-command',
    Simulate: 'simulate',
    OutputDir: 'output-dir',
    UploadArtifact: 'upload-artifact',
    ArtifactName: 'artifact-name',
    GithubToken: 'github-token',
    RunnerScope: 'runner-scope',
    WaitForRunners: 'wait-for-runners',
    RequireRunners: 'require-runners',
    Baseline: 'baseline',
    FailOnThreshold: 'fail-on-threshold',
    CommentOnPr: 'comment-on-pr',
    ModelsDir: 'models-dir',
    ModelsReadOnlyDirs: 'models-read-only-dirs',
    NodeArtifacts: 'node-artifacts',
    ScheduleStartMs: 'schedule-start-ms',
};
/** Every output of action.yml. */
const Outputs = {
    Matrix: 'matrix',
    ScheduleStartMs: 'schedule-start-ms',
    ExpectedNodes: 'expected-nodes',
    TimeoutSeconds: 'timeout-seconds',
    Environment: 'environment',
    ConfigFile: 'config-file',
    RunnersReady: 'runners-ready',
    ExoHome: 'exo-home',
    Namespace: 'namespace',
    ApiPort: 'api-port',
    ExoArgs: 'exo-args',
    ModelsDir: 'models-dir',
    Verdict: 'verdict',
    ResultsPath: 'results-path',
    SummaryPath: 'summary-path',
    SuccessRate: 'success-rate',
    TotalRequests: 'total-requests',
    SuccessfulRequests: 'successful-requests',
    FailedRequests: 'failed-requests',
    TotalTokens: 'total-tokens',
    TtftP50Ms: 'ttft-p50-ms',
    TtftP95Ms: 'ttft-p95-ms',
    E2eP95Ms: 'e2e-p95-ms',
    OutputTokensPerSecond: 'output-tokens-per-second',
    ArtifactId: 'artifact-id',
    ArtifactUrl: 'artifact-url',
    BenchmarkSmallerPath: 'benchmark-smaller-path',
    BenchmarkBiggerPath: 'benchmark-bigger-path',
};
/** Names under which the main step leaves state for the post step (GITHUB_STATE). */
const State = {
    /** JSON: `{ apiUrl, instanceIds }` of instances this node placed and has not yet confirmed deleted. */
    PlacedInstances: 'placed-instances',
    /** Process group id of an EXO (or simulator) this step started. */
    ExoPid: 'exo-pid',
    /** Set once the main step finished its own cleanup, so the post step has nothing to do. */
    CleanedUp: 'cleaned-up',
    /** Output folder, so the post step can publish partial results if main died. */
    OutputDir: 'output-dir',
    /** Set when the main step ran to its end, whatever its outcome: the post step then claims no interruption. */
    MainFinished: 'main-finished',
    /** Artifact name main would upload under ('' = no upload), so the post step can upload partial results. */
    ArtifactName: 'artifact-name',
};

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 11 modules
var core = __webpack_require__(91659);
// EXTERNAL MODULE: ./src/config/describe.ts
var describe = __webpack_require__(59909);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(74296);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/run/node-options.ts
/**
 * Defaults and flag parsing shared by the action and the CLI, so both shells derive a node's options
 * the same way from a config.
 */


/** Derives a node's defaults from a config. */
function nodeDefaults(config) {
    return {
        expectedNodes: Object.values(config.hardware_plan).reduce((sum, count) => sum + count, 0),
        timeoutSeconds: config.timeout_seconds,
        runId: (0,external_node_crypto_.randomBytes)(4).toString('hex'),
    };
}
/** Parses a whole number ≥ 1, naming the flag or input in the error. */
function parsePositiveInteger(name, value) {
    const trimmed = value.trim();
    if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || !Number.isSafeInteger(Number(trimmed))) {
        throw new errors/* InputError */.dz(`${name} must be a whole number ≥ 1, got "${value}"`);
    }
    return Number(trimmed);
}
/** Parses a whole number ≥ 0 (a node index), naming the flag or input in the error. */
function parseNonNegativeInteger(name, value) {
    const trimmed = value.trim();
    if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed))) {
        throw new errors/* InputError */.dz(`${name} must be a whole number ≥ 0, got "${value}"`);
    }
    return Number(trimmed);
}
/**
 * Parses a schedule start (`schedule-start-ms`, `--schedule-start-ms`): epoch milliseconds, a whole
 * number as the plan printed it (`start_at_ms`). Seconds are refused by size (before 2001 as ms).
 */
function parseScheduleStartMs(name, value) {
    const startMs = parsePositiveInteger(name, value);
    if (startMs < 1e12)
        throw new errors/* InputError */.dz(`${name} must be epoch milliseconds (the plan's start_at_ms, 13 digits), got "${value}"`, 'Pass the start_at_ms of the plan (mode: plan, exo-bench plan) unchanged.');
    return startMs;
}
/** Parses true/false the way YAML 1.2 and @actions/core do (true|True|TRUE|false|False|FALSE). */
function parseBooleanFlag(name, value) {
    const trimmed = value.trim();
    if (['true', 'True', 'TRUE'].includes(trimmed))
        return true;
    if (['false', 'False', 'FALSE'].includes(trimmed))
        return false;
    throw new errors/* InputError */.dz(`${name} must be true or false, got "${value}"`);
}
/**
 * Accepts only http(s) URLs: the API URL is where requests (and nothing else) go, so `file:`, `data:`
 * or a typo must not reach undici. Returns the URL without a trailing slash. `name` is the flag or
 * input, for the message (`--api-url`, `input api-url`).
 */
function validateApiUrl(name, value) {
    const typed = value.trim();
    // `localhost:52415` parses as a URL of scheme `localhost:`: say what was typed, and what was meant.
    const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(typed) ? undefined : `http://${typed}`;
    const hint = `Use e.g. ${withScheme && URL.canParse(withScheme) ? withScheme : 'http://127.0.0.1:52415'}`;
    let url;
    try {
        url = new URL(typed);
    }
    catch {
        throw new errors/* InputError */.dz(`${name} is not a URL: got "${value}"`, hint);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new errors/* InputError */.dz(`${name} must be an http:// or https:// URL, got "${value}"`, hint);
    }
    return url.toString().replace(/\/+$/, '');
}

;// CONCATENATED MODULE: ./src/action/inputs.ts
/**
 * The action's inputs, read once from the runner into one typed object. Behaviour modules never call
 * core.getInput; they receive an ActionInputs.
 */





function optional(name) {
    const value = core.getInput(name);
    return value === '' ? undefined : value;
}
/**
 * Collects every bad input instead of stopping at the first: a step with `mode: bogus` and
 * `node-index: first` hears about both at once.
 */
class InputProblems {
    messages = [];
    hints = [];
    /** The parsed value, or `fallback` after recording why it could not be parsed. */
    take(parse, fallback) {
        try {
            return parse();
        }
        catch (error) {
            if (!(error instanceof errors/* InputError */.dz))
                throw error;
            this.messages.push(error.message);
            if (error.hint)
                this.hints.push(error.hint);
            return fallback;
        }
    }
    throwIfAny() {
        if (this.messages.length === 0)
            return;
        const hints = [...new Set(this.hints)];
        throw new errors/* InputError */.dz(this.messages.join('\n'), hints.length ? hints.join(' ') : undefined, this.messages);
    }
}
function booleanInput(problems, name, fallback) {
    const value = optional(name);
    return value === undefined
        ? fallback
        : problems.take(() => parseBooleanFlag(`input ${name}`, value), fallback);
}
function nonNegativeInteger(name, value) {
    return parseNonNegativeInteger(`input ${name}`, value);
}
function oneOf(name, allowed, fallback) {
    const value = optional(name) ?? fallback;
    if (allowed.includes(value))
        return value;
    const suggestion = (0,describe/* closestMatch */.h0)(value, allowed);
    throw new errors/* InputError */.dz(`input ${name} must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1) ?? ''}, got "${value}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
}
/** Reads and validates every input; throws one InputError naming every input at fault. */
function readInputs() {
    const problems = new InputProblems();
    const mode = problems.take(() => oneOf(Inputs.Mode, ['plan', 'provision', 'node', 'merge'], 'node'), 'node');
    const runnerScope = problems.take(() => oneOf(Inputs.RunnerScope, ['repo', 'org'], 'repo'), 'repo');
    const apiPort = problems.take(() => {
        const port = parsePositiveInteger(`input ${Inputs.ApiPort}`, optional(Inputs.ApiPort) ?? '52415');
        if (port > 65535)
            throw new errors/* InputError */.dz(`input api-port must be a TCP port (1-65535), got ${port}`);
        return port;
    }, 52415);
    const expectedNodes = optional(Inputs.ExpectedNodes);
    const timeoutSeconds = optional(Inputs.TimeoutSeconds);
    const nodeIndex = optional(Inputs.NodeIndex);
    const githubToken = optional(Inputs.GithubToken);
    if (githubToken)
        core.setSecret(githubToken);
    const requireRunners = optional(Inputs.RequireRunners);
    const apiUrl = optional(Inputs.ApiUrl);
    const scheduleStartMs = optional(Inputs.ScheduleStartMs);
    const inputs = {
        mode,
        configFile: optional(Inputs.ConfigFile) ?? '.github/configs/bench_simple.yaml',
        isPrimary: booleanInput(problems, Inputs.IsPrimary, true),
        apiUrl: apiUrl === undefined
            ? undefined
            : problems.take(() => validateApiUrl(`input ${Inputs.ApiUrl}`, apiUrl), undefined),
        apiPort,
        expectedNodes: expectedNodes === undefined
            ? undefined
            : problems.take(() => parsePositiveInteger(`input ${Inputs.ExpectedNodes}`, expectedNodes), undefined),
        timeoutSeconds: timeoutSeconds === undefined
            ? undefined
            : problems.take(() => parsePositiveInteger(`input ${Inputs.TimeoutSeconds}`, timeoutSeconds), undefined),
        hardwareLabel: optional(Inputs.HardwareLabel),
        nodeIndex: nodeIndex === undefined ? 0 : problems.take(() => nonNegativeInteger(Inputs.NodeIndex, nodeIndex), 0),
        exoCommand: optional(Inputs.ExoCommand),
        simulate: booleanInput(problems, Inputs.Simulate, false),
        outputDir: optional(Inputs.OutputDir),
        uploadArtifact: booleanInput(problems, Inputs.UploadArtifact, true),
        artifactName: optional(Inputs.ArtifactName),
        githubToken,
        runnerScope,
        waitForRunnersSeconds: problems.take(() => nonNegativeInteger(Inputs.WaitForRunners, optional(Inputs.WaitForRunners) ?? '0'), 0),
        requireRunners: requireRunners === undefined
            ? undefined
            : problems.take(() => parseBooleanFlag(`input ${Inputs.RequireRunners}`, requireRunners), undefined),
        baseline: optional(Inputs.Baseline)?.trim(),
        failOnThreshold: booleanInput(problems, Inputs.FailOnThreshold, true),
        commentOnPr: booleanInput(problems, Inputs.CommentOnPr, false),
        modelsDir: optional(Inputs.ModelsDir),
        readOnlyModelsDirs: optional(Inputs.ModelsReadOnlyDirs),
        nodeArtifacts: optional(Inputs.NodeArtifacts)?.trim(),
        scheduleStartMs: scheduleStartMs === undefined
            ? undefined
            : problems.take(() => parseScheduleStartMs(`input ${Inputs.ScheduleStartMs}`, scheduleStartMs), undefined),
    };
    problems.throwIfAny();
    return inputs;
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/core/docs.ts
var docs = __webpack_require__(22560);
;// CONCATENATED MODULE: ./src/action/error-report.ts
/**
 * What the action publishes when a step cannot do its work (bad inputs, a config that does not load,
 * a plan that cannot be made, a node that fails before its run): one summary and one annotation per
 * problem, with hints that fit the error and absolute links to the docs.
 */



function where(problem) {
    return problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
}
function plural(count, word) {
    return `${count} ${word}${count === 1 ? '' : 's'}`;
}
/** The error summary of a step that failed with `error`. */
function errorSummaryFor(error, context) {
    const withProvenance = context.provenance ? { provenance: context.provenance } : {};
    const readme = { label: 'exo-bench docs', url: (0,docs/* docsUrl */.fs)('README.md', context.env) };
    if (error instanceof errors/* ConfigError */.xL) {
        const missing = error.problems.find((problem) => problem.code === 'missing_file');
        if (missing) {
            return {
                headline: 'The config file was not found',
                problems: error.problems.map((problem) => ({ where: problem.file, message: problem.message })),
                hints: [
                    `config-file is read relative to the workspace ${context.workspace}: this step looked for ${(0,external_node_path_.resolve)(context.workspace, missing.file)}. ` +
                        'Check out the repository before this step (actions/checkout) and check the path and its spelling.',
                ],
                links: [readme],
                ...withProvenance,
            };
        }
        return {
            headline: `The config ${error.problems[0]?.file ?? context.configFile ?? ''} has ${plural(error.problems.length, 'problem')}`,
            problems: error.problems.map((problem) => ({
                where: where(problem),
                message: `${problem.path ? `${problem.path}: ` : ''}${problem.message}`,
            })),
            hints: ['Nothing ran. Fix the config (each problem is also annotated on its line) and run again.'],
            links: [{ label: 'Config reference', url: (0,docs/* docsUrl */.fs)('configs/README.md', context.env) }],
            ...withProvenance,
        };
    }
    if (error instanceof errors/* InputError */.dz) {
        return {
            headline: `The step's inputs have ${plural(error.problems.length, 'problem')}`,
            problems: error.problems.map((message) => ({ message })),
            hints: error.hint ? [error.hint] : [],
            links: [{ label: 'Inputs', url: (0,docs/* docsUrl */.fs)('action.yml', context.env) }, readme],
            ...withProvenance,
        };
    }
    const mode = context.mode ? `${context.mode} step` : 'step';
    if (error instanceof errors/* ExoBenchError */.Ll) {
        return {
            headline: `The ${mode} failed (${error.kind} error)`,
            problems: [{ message: error.message }],
            hints: error.hint ? [error.hint] : [],
            links: [readme],
            ...withProvenance,
        };
    }
    return {
        headline: `The ${mode} failed with an unexpected error`,
        problems: [{ message: error instanceof Error ? error.message : String(error) }],
        hints: ['This is a bug in exo-bench: please report it with the step log.'],
        links: [readme],
        ...withProvenance,
    };
}
/**
 * One annotation per problem: a config problem at its line (it shows in the PR's file view), any other
 * error once, with its hint and the link that documents it.
 */
function annotateError(error, ports, env) {
    if (error instanceof errors/* ConfigError */.xL) {
        for (const problem of error.problems) {
            ports.logger.error((0,errors/* formatConfigProblem */.fc)(problem), {
                title: 'exo-bench config',
                file: problem.file,
                ...(problem.line > 0 ? { startLine: problem.line, startColumn: problem.column } : {}),
            });
        }
        return;
    }
    if (error instanceof errors/* InputError */.dz) {
        const list = error.problems.length > 1 ? error.problems.map((p) => `- ${p}`).join('\n') : error.message;
        ports.logger.error(`${list}${error.hint ? `\nHint: ${error.hint}` : ''}\nInputs: ${(0,docs/* docsUrl */.fs)('action.yml', env)}`, { title: `exo-bench input${error.problems.length > 1 ? 's' : ''}` });
        return;
    }
    if (error instanceof errors/* ExoBenchError */.Ll) {
        ports.logger.error(error.hint ? `${error.message}\nHint: ${error.hint}` : error.message, {
            title: `exo-bench ${error.kind} error`,
        });
        return;
    }
    ports.logger.error(error instanceof Error ? error.message : String(error), { title: 'exo-bench' });
}
/** The one-line reason the step failed, for the log (the annotations already say what is wrong). */
function failureLine(error) {
    if (error instanceof errors/* ConfigError */.xL)
        return `exo-bench: the config has ${plural(error.problems.length, 'problem')} (see the annotations and the job summary)`;
    if (error instanceof errors/* InputError */.dz)
        return `exo-bench: the step's inputs have ${plural(error.problems.length, 'problem')} (see the annotation and the job summary)`;
    return `exo-bench: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
}

;// CONCATENATED MODULE: ./src/action/ports.ts
/**
 * The only module that implements ports with @actions/* (the preflight's runner source lives beside it
 * in runners.ts): logs and annotations, job summary, outputs, exported variables and masks, state for
 * the post step, and the artifact upload.
 */

/** A logger over @actions/core: groups fold in the log, warnings and errors become annotations. */
const actionsLogger = {
    info: (message) => core.info(message),
    warning: (message, annotation) => core.warning(message, annotation ?? {}),
    error: (message, annotation) => core.error(message, annotation ?? {}),
    debug: (message) => core.debug(message),
    group: (name, fn) => core.group(name, fn),
};
/** The artifact's page, built the way GitHub links artifacts of a run. */
function artifactUrl(id) {
    const server = process.env.GITHUB_SERVER_URL;
    const repository = process.env.GITHUB_REPOSITORY;
    const runId = process.env.GITHUB_RUN_ID;
    if (!server || !repository || !runId)
        return undefined;
    return `${server}/${repository}/actions/runs/${runId}/artifacts/${id}`;
}
/** What @actions/artifact prints on every upload, before anything useful: dropped from our log. */
const ARTIFACT_NOISE = /^(Artifact name is valid!|Root directory input is valid!)\r?\n?$/;
/**
 * Runs `fn` with the artifact client's chatter filtered out of stdout (those exact lines, nothing else):
 * in the log they came right before the warning that mattered ("could not upload …") and read as if
 * the upload had worked.
 */
async function withoutArtifactNoise(fn) {
    const write = process.stdout.write;
    process.stdout.write = function (chunk, ...rest) {
        const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
        if (ARTIFACT_NOISE.test(text))
            return true;
        return write.call(process.stdout, chunk, ...rest);
    };
    try {
        return await fn();
    }
    finally {
        process.stdout.write = write;
    }
}
/**
 * The run's artifacts through @actions/artifact's default client. Without `findBy` it lists and
 * downloads through the runner's artifact service (ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL), which
 * serves every job's artifacts of the same workflow run: no github-token is needed. `latest` keeps one
 * artifact per name (the newest upload).
 */
function createRunArtifactSource() {
    const client = Promise.all(/* import() */[__webpack_require__.e(351), __webpack_require__.e(645)]).then(__webpack_require__.bind(__webpack_require__, 9645)).then(({ DefaultArtifactClient }) => new DefaultArtifactClient());
    return {
        async list() {
            const { artifacts } = await (await client).listArtifacts({ latest: true });
            return artifacts.map(({ id, name }) => ({ id, name }));
        },
        async download(artifact, folder) {
            await (await client).downloadArtifact(artifact.id, { path: folder });
        },
    };
}
/** Ports backed by the runner. */
function createActionPorts() {
    return {
        logger: actionsLogger,
        summary: {
            async write(markdown) {
                if (!process.env.GITHUB_STEP_SUMMARY) {
                    // Outside a runner (a local dry run of the bundle): nowhere to write, and not worth failing for.
                    core.info('GITHUB_STEP_SUMMARY is not set: the job summary was not written.');
                    return;
                }
                // One write of the whole text, appended (other steps' summaries stay).
                await core.summary.addRaw(markdown, true).write();
            },
        },
        outputs: { set: (name, value) => core.setOutput(name, value) },
        env: {
            exportVariable: (name, value) => core.exportVariable(name, value),
            mask: (value) => core.setSecret(value),
        },
        state: {
            save: (name, value) => core.saveState(name, value),
            get: (name) => core.getState(name),
        },
        artifact: {
            async upload(name, files, rootDirectory) {
                // Loaded on use: @actions/artifact is most of the bundle's start-up time (bench/cold-start.mjs).
                const { DefaultArtifactClient } = await Promise.all(/* import() */[__webpack_require__.e(351), __webpack_require__.e(645)]).then(__webpack_require__.bind(__webpack_require__, 9645));
                const client = new DefaultArtifactClient();
                const response = await withoutArtifactNoise(() => client.uploadArtifact(name, files, rootDirectory));
                const result = {};
                if (response.id !== undefined) {
                    result.id = response.id;
                    const url = artifactUrl(response.id);
                    if (url)
                        result.url = url;
                }
                return result;
            },
        },
    };
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
;// CONCATENATED MODULE: ./src/core/version.ts
/** exo-bench's version; a test keeps it equal to package.json's. */
const VERSION = '1.0.0';

;// CONCATENATED MODULE: ./src/run/provenance.ts
/**
 * What both shells know about where a result came from: the tool, the config and its hash, the
 * simulator. The action adds the GitHub run (src/action/provenance.ts), the CLI git and the host
 * (src/cli/provenance.ts).
 */




/** SHA-256 of a file's bytes (hex), or undefined when it cannot be read. */
function fileSha256(path) {
    try {
        return (0,external_node_crypto_.createHash)('sha256').update((0,external_node_fs_.readFileSync)(path)).digest('hex');
    }
    catch {
        return undefined;
    }
}
/** The fields every shell fills; `started_at` is set by the engine when the node starts. */
function baseProvenance(source, configFile, simulation) {
    const sha = fileSha256(configFile);
    return {
        source,
        tool_version: VERSION,
        started_at: new Date().toISOString(),
        config_file: configFile,
        ...(sha ? { config_sha256: sha } : {}),
        simulated: simulation.simulated,
        ...(simulation.simulated
            ? { simulator_profile: simulation.profilePath ? (0,external_node_path_.basename)(simulation.profilePath) : 'default' }
            : {}),
    };
}

;// CONCATENATED MODULE: ./src/action/provenance.ts
/**
 * Provenance of an action run, from the variables the runner sets for every step (GITHUB_REPOSITORY,
 * GITHUB_SHA, GITHUB_REF, GITHUB_EVENT_NAME, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_WORKFLOW,
 * GITHUB_JOB, RUNNER_NAME, RUNNER_OS, RUNNER_ARCH, GITHUB_SERVER_URL).
 */

/** The run's provenance; a variable the runner did not set is left out. */
function githubProvenance(env, configFile, simulation) {
    const provenance = baseProvenance('github-actions', configFile, simulation);
    const set = (key, value) => {
        if (value !== undefined && value !== '')
            provenance[key] = value;
    };
    const server = env.GITHUB_SERVER_URL || 'https://github.com';
    set('repository', env.GITHUB_REPOSITORY);
    set('commit', env.GITHUB_SHA);
    set('ref', env.GITHUB_REF);
    set('event', env.GITHUB_EVENT_NAME);
    set('server_url', server);
    set('run_id', env.GITHUB_RUN_ID);
    const attempt = Number(env.GITHUB_RUN_ATTEMPT);
    if (Number.isInteger(attempt) && attempt > 0)
        provenance.run_attempt = attempt;
    if (env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID)
        provenance.run_url = `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt > 1 ? `/attempts/${attempt}` : ''}`;
    set('workflow', env.GITHUB_WORKFLOW);
    set('job', env.GITHUB_JOB);
    const runner = {};
    if (env.RUNNER_NAME)
        runner.name = env.RUNNER_NAME;
    if (env.RUNNER_OS)
        runner.os = env.RUNNER_OS;
    if (env.RUNNER_ARCH)
        runner.arch = env.RUNNER_ARCH;
    if (Object.keys(runner).length > 0)
        provenance.runner = runner;
    return provenance;
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
;// CONCATENATED MODULE: ./src/config/source.ts
/**
 * The parsed YAML document kept next to the plain value, so that every problem found in the value can be
 * pointed back at the line and column where the user wrote it.
 */

/** Parses one YAML document, keeping positions; duplicate keys are errors (`uniqueKeys`). */
function parseYaml(text) {
    const lineCounter = new dist/* LineCounter */.HN();
    const document = (0,dist/* parseDocument */.Tp)(text, {
        lineCounter,
        // Messages stay one line; the position is reported separately.
        prettyErrors: false,
        uniqueKeys: true,
        // `<<: *defaults` is a common way to share stage fields; supported as YAML 1.1 did.
        merge: true,
    });
    return { document, lineCounter };
}
/** Position of a character offset in the source text. */
function positionAtOffset(source, offset) {
    const { line, col } = source.lineCounter.linePos(offset);
    return { line, column: col };
}
function positionOfNode(source, node) {
    const range = node?.range;
    return range ? positionAtOffset(source, range[0]) : undefined;
}
function resolve(source, node) {
    return (0,dist/* isAlias */.Vj)(node) ? node.resolve(source.document) : node;
}
function findPair(map, key) {
    if (!(0,dist/* isMap */.jh)(map))
        return undefined;
    return map.items.find((pair) => (0,dist/* isScalar */.jn)(pair.key) && String(pair.key.value) === String(key));
}
/**
 * Where `path` was written: the value's node, or with `target: 'key'` the key's node. When the path
 * leads somewhere the file does not spell out (a default, a merged key), the deepest node on the way.
 */
function positionOfPath(source, path, target = 'value') {
    const root = source.document.contents;
    let deepest = positionOfNode(source, root) ?? { line: 1, column: 1 };
    let node = root;
    for (const [index, segment] of path.entries()) {
        node = resolve(source, node);
        const isLast = index === path.length - 1;
        if ((0,dist/* isSeq */.oP)(node) && typeof segment === 'number') {
            node = node.items[segment];
        }
        else {
            const pair = findPair(node, segment);
            if (!pair)
                return deepest;
            const keyPosition = positionOfNode(source, pair.key);
            if (isLast && target === 'key' && keyPosition)
                return keyPosition;
            // `key:` with nothing after it has no value node; point at the key.
            node = pair.value ?? pair.key;
            if (pair.value === null && keyPosition)
                return keyPosition;
        }
        const here = positionOfNode(source, node);
        if (!here)
            return deepest;
        deepest = here;
    }
    return deepest;
}
/**
 * How the scalar at `path` is spelled in the file (`1e400`, `99999999999999999999`), when the path
 * leads exactly to a scalar written there; undefined for defaults, merged keys and collections.
 */
function scalarSourceAt(source, path) {
    let node = source.document.contents;
    for (const segment of path) {
        node = resolve(source, node);
        if ((0,dist/* isSeq */.oP)(node) && typeof segment === 'number')
            node = node.items[segment];
        else
            node = findPair(node, segment)?.value;
    }
    node = resolve(source, node);
    return (0,dist/* isScalar */.jn)(node) ? node.source : undefined;
}
/** The config path of the node that covers `offset` (deepest first), for problems the parser reports. */
function pathAtOffset(source, offset) {
    const path = [];
    let node = source.document.contents;
    const covers = (candidate) => {
        const range = candidate?.range;
        return (range !== undefined && range !== null && range[0] <= offset && offset < Math.max(range[1], range[0] + 1));
    };
    for (;;) {
        if ((0,dist/* isMap */.jh)(node)) {
            // A pair spans from its key to the end of its value, tags and anchors in between included.
            const pair = node.items.find((item) => {
                const start = item.key?.range?.[0];
                const end = item.value?.range?.[1] ?? item.key?.range?.[1];
                return (start !== undefined && end !== undefined && start <= offset && offset < Math.max(end, start + 1));
            });
            if (!pair || !(0,dist/* isScalar */.jn)(pair.key))
                return path;
            path.push(String(pair.key.value));
            if (covers(pair.key))
                return path;
            node = pair.value;
        }
        else if ((0,dist/* isSeq */.oP)(node)) {
            const index = node.items.findIndex((item) => covers(item));
            if (index < 0)
                return path;
            path.push(index);
            node = node.items[index];
        }
        else {
            return path;
        }
    }
}
/**
 * Finds keys that are not plain text (`? [a, b]`, `{a: 1}: x`, a missing key) and aliases without an
 * anchor. Converting such a document would either fail with a bare exception or silently invent keys.
 */
function findStructureProblems(source) {
    const problems = [];
    (0,dist/* visit */.YR)(source.document, {
        Pair(_key, pair) {
            if (!(0,dist/* isPair */.tO)(pair))
                return;
            const key = pair.key;
            if ((0,dist/* isScalar */.jn)(key) && key.value !== null && typeof key.value !== 'object')
                return;
            const offset = key?.range?.[0] ?? pair.value?.range?.[0] ?? 0;
            problems.push({
                offset,
                message: (0,dist/* isAlias */.Vj)(key)
                    ? 'expected a plain key, found an alias (*name) as a key'
                    : (0,dist/* isScalar */.jn)(key) && key.value !== null
                        ? 'expected a plain key, found a non-text key'
                        : key === null || ((0,dist/* isScalar */.jn)(key) && key.value === null)
                            ? 'expected a key before ":", found none'
                            : 'expected a plain key, found a list or a mapping used as a key',
            });
        },
        Alias(_key, alias) {
            if (alias.resolve(source.document) === undefined) {
                problems.push({
                    offset: alias.range?.[0] ?? 0,
                    message: `alias *${alias.source} refers to no anchor; define "&${alias.source}" before it`,
                });
            }
        },
    });
    return problems;
}

// EXTERNAL MODULE: ./src/config/schema.ts
var config_schema = __webpack_require__(90131);
;// CONCATENATED MODULE: ./src/config/substitute.ts
/**
 * `${VAR}` references in config strings, so one file can serve several clusters or branches
 * (`model_ids: ["${MODEL}"]`). Deliberately small: no defaults (`${VAR:-x}`), no nesting, no
 * re-expansion of substituted text, so a value can never expand into another reference.
 */

const variableName = new RegExp(config_schema/* ENVIRONMENT_NAME_PATTERN */.VG);
/**
 * Replaces each `${NAME}` in `text` by `variables[NAME]`; `$${` stands for a literal `${`.
 * A reference to an unset variable, an invalid name or an unclosed `${` is a problem; the reference is
 * then left as written so the rest of the string can still be checked.
 */
function substituteVariables(text, variables) {
    // Fast path: most strings have no `$` at all.
    if (!text.includes('${'))
        return { text, problems: [] };
    const problems = [];
    let output = '';
    let index = 0;
    while (index < text.length) {
        if (text.startsWith('$${', index)) {
            output += '${';
            index += 3;
            continue;
        }
        if (!text.startsWith('${', index)) {
            output += text[index];
            index += 1;
            continue;
        }
        const close = text.indexOf('}', index + 2);
        if (close < 0) {
            problems.push('unclosed "${": expected "${NAME}"; write "$${" for a literal "${"');
            output += text.slice(index);
            break;
        }
        const reference = text.slice(index, close + 1);
        const name = text.slice(index + 2, close);
        // Own properties only: `${toString}` must not find Object.prototype.toString.
        const value = variableName.test(name) && Object.hasOwn(variables, name) ? variables[name] : undefined;
        if (!variableName.test(name)) {
            problems.push(`invalid reference "${reference}": expected "\${NAME}" with NAME made of letters, digits and "_", not starting with a digit; write "$\${" for a literal "\${"`);
            output += reference;
        }
        else if (typeof value !== 'string') {
            problems.push(`environment variable ${name} is not set (referenced as "${reference}")`);
            output += reference;
        }
        else {
            output += value;
        }
        index = close + 1;
    }
    return { text: output, problems };
}

// EXTERNAL MODULE: ./src/util/number-format.ts
var number_format = __webpack_require__(72827);
;// CONCATENATED MODULE: ./src/config/trace.ts
/**
 * Trace replay (stage field `trace:`): a JSONL file in the shape of Mooncake's traces, one request per
 * line — `{"timestamp": 0, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47, …]}` —
 * where `timestamp` is milliseconds from the trace's start, `input_length` the prompt's tokens,
 * `output_length` the tokens to generate (the request's `max_tokens`), and `hash_ids` (optional) names
 * the prompt's blocks of `trace_block_tokens` tokens (Mooncake: 512): two requests whose hash_ids start
 * alike share that many leading blocks of prompt text, so the server's prefix cache can hit.
 *
 * The parser reports every problem with the trace file's line, the field and what is wrong; lines must
 * be in timestamp order (equal timestamps are fine): an unsorted trace is an error, not silently sorted,
 * because the order of the lines is the order of the requests' indices (and of their cache effects).
 * Blank lines are skipped; anything else that is not a JSON object is an error.
 * Fields other than these four are ignored, unless one looks like a misspelling of them.
 */


/** Caps: a trace is data read into memory and replayed, not a dump of a cluster's year. */
const TRACE_LIMITS = {
    /** Bytes of a trace file. */
    maxFileBytes: 64 * 1024 * 1024,
    /** Requests (non-blank lines) of a trace. */
    maxRequests: 1_000_000,
    /** A timestamp: 30 days in milliseconds (the stage duration cap). */
    maxTimestampMs: 30 * 86_400_000,
    /** Tokens of one prompt or one output (the config's own caps). */
    maxTokens: 10_000_000,
    /** Entries of one `hash_ids` list. */
    maxHashIds: 100_000,
    /** Problems listed before the rest are summarised. */
    maxProblems: 20,
};
const KNOWN_FIELDS = new Set(['timestamp', 'input_length', 'output_length', 'hash_ids']);
/** The JSON object of one non-blank line, or undefined after reporting why the line is not one. */
function lineObject(raw, line, report) {
    let parsed;
    try {
        parsed = JSON.parse(raw);
    }
    catch (error) {
        report(line, '', `expected one JSON object per line, found invalid JSON (${error instanceof Error ? error.message : String(error)})`);
        return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        report(line, '', `expected a JSON object, found ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`);
        return undefined;
    }
    return parsed;
}
/** A required number field in [min, max]; 0 when absent or not a number (the problem is reported). */
function numberField(record, field, limits, report) {
    const { min, max, integer } = limits;
    const value = record[field];
    if (value === undefined) {
        report(field, `missing required field "${field}"`);
        return 0;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
        report(field, `expected ${integer ? 'an integer' : 'a number'}, found ${JSON.stringify(value)}`);
        return 0;
    }
    if (value < min || value > max)
        report(field, `expected ${min} ≤ ${field} ≤ ${(0,number_format/* formatGrouped */.O)(max, 0)}, found ${value}`);
    return value;
}
/** The optional `hash_ids`: an array of non-negative safe integers (the first bad entry is reported). */
function hashIdsField(rawIds, report) {
    const hashIds = [];
    if (rawIds === undefined)
        return hashIds;
    if (!Array.isArray(rawIds)) {
        report('hash_ids', `expected an array of integers, found ${JSON.stringify(rawIds)}`);
        return hashIds;
    }
    if (rawIds.length > TRACE_LIMITS.maxHashIds) {
        report('hash_ids', `expected at most ${TRACE_LIMITS.maxHashIds} ids, found ${rawIds.length}`);
        return hashIds;
    }
    for (let position = 0; position < rawIds.length; position += 1) {
        const id = rawIds[position];
        if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
            report(`hash_ids[${position}]`, `expected a non-negative integer, found ${JSON.stringify(id)}`);
            break;
        }
        hashIds.push(id);
    }
    return hashIds;
}
/**
 * Other fields (a session id, a model name) are ignored; one that looks like a misspelt known field
 * is an error, or the request would silently lose what it meant to say.
 */
function misspeltFields(record, report) {
    for (const key of Object.keys(record)) {
        if (KNOWN_FIELDS.has(key))
            continue;
        const suggestion = (0,describe/* closestMatch */.h0)(key, [...KNOWN_FIELDS]);
        if (suggestion === undefined)
            continue;
        report(key, `unknown field; did you mean "${suggestion}"?`);
    }
}
/** The request of one line's object, or undefined when any of its fields has a problem (each reported). */
function traceRequest(record, line, report) {
    let ok = true;
    const reportLine = (field, message) => {
        report(line, field, message);
        ok = false;
    };
    const timestamp = numberField(record, 'timestamp', { min: 0, max: TRACE_LIMITS.maxTimestampMs, integer: false }, reportLine);
    const tokens = { min: 1, max: TRACE_LIMITS.maxTokens, integer: true };
    const inputLength = numberField(record, 'input_length', tokens, reportLine);
    const outputLength = numberField(record, 'output_length', tokens, reportLine);
    const hashIds = hashIdsField(record.hash_ids, reportLine);
    misspeltFields(record, reportLine);
    if (!ok)
        return undefined;
    return { timestamp, input_length: inputLength, output_length: outputLength, hash_ids: hashIds, line };
}
/** Parses trace text; returns the requests, or every problem found (at most `maxProblems`, then a count). */
function parseTrace(text) {
    const requests = [];
    const problems = [];
    let dropped = 0;
    const report = (line, field, message) => {
        if (problems.length < TRACE_LIMITS.maxProblems)
            problems.push({ line, field, message });
        else
            dropped += 1;
    };
    const lines = text.split('\n');
    let previous;
    for (let index = 0; index < lines.length; index += 1) {
        const line = index + 1;
        const raw = lines[index].trim();
        if (raw === '')
            continue;
        if (requests.length >= TRACE_LIMITS.maxRequests) {
            report(line, '', `expected at most ${(0,number_format/* formatGrouped */.O)(TRACE_LIMITS.maxRequests, 0)} requests in a trace; cut the trace (iterations: N replays the first N lines only after parsing all of them)`);
            break;
        }
        const record = lineObject(raw, line, report);
        if (record === undefined)
            continue;
        const request = traceRequest(record, line, report);
        if (request === undefined)
            continue;
        if (previous && request.timestamp < previous.timestamp)
            report(line, 'timestamp', `expected timestamps in ascending order, found ${request.timestamp} after ${previous.timestamp} (line ${previous.line}); sort the trace by timestamp`);
        requests.push(request);
        previous = request;
    }
    if (requests.length === 0 && problems.length === 0)
        report(0, '', 'the trace has no request (every line is blank)');
    if (dropped > 0)
        problems.push({ line: 0, field: '', message: `and ${dropped} more problem${dropped === 1 ? '' : 's'}` });
    return { requests, problems };
}
/**
 * The send offsets of a trace's first `count` requests, milliseconds from the stage's start: the
 * timestamps relative to the first one, divided by `speed` (2 = twice as fast).
 */
function traceOffsetsMs(requests, speed, count = requests.length) {
    const first = requests[0]?.timestamp ?? 0;
    const offsets = [];
    for (let index = 0; index < Math.min(count, requests.length); index += 1)
        offsets.push((requests[index].timestamp - first) / speed);
    return offsets;
}

;// CONCATENATED MODULE: ./src/config/trace-file.ts
/**
 * The trace files of a config's trace stages: read (relative to the config file, or absolute), parsed
 * (src/config/trace.ts) and checked against the stage, and the stage's derived fields filled in. Problems
 * inside a trace point at the trace file's line; problems with the file itself at the config's `trace`.
 */




/** Where a trace path written in a config points: relative to the config file's folder. */
function traceFilePath(configFile, trace) {
    return (0,external_node_path_.isAbsolute)(trace) ? trace : (0,external_node_path_.join)((0,external_node_path_.dirname)(configFile), trace);
}
/** The text of a trace file, or why it cannot be read (a directory, too big, missing, unreadable). */
function readTraceFile(file) {
    try {
        const info = (0,external_node_fs_.statSync)(file);
        if (info.isDirectory())
            return { problem: `${file} is a directory; expected a JSONL trace file` };
        if (info.size > TRACE_LIMITS.maxFileBytes) {
            return {
                problem: `expected a trace of at most ${TRACE_LIMITS.maxFileBytes / 1024 / 1024} MiB, found ${(0,describe/* formatNumber */.ZV)(info.size)} bytes in ${file}; cut the trace`,
            };
        }
        return (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch (error) {
        const code = error?.code;
        return {
            problem: code === 'ENOENT'
                ? `no such trace file: looked for ${file} (a trace path is relative to the config file's folder)`
                : `cannot read the trace file ${file}: ${error instanceof Error ? error.message : String(error)}`,
        };
    }
}
/**
 * Reads the trace of every trace stage of `config` (mutated: each trace stage gets its iterations,
 * prompt_length, generation_length and time_between_requests). Returns the traces by stage name and
 * every problem found.
 */
function loadStageTraces(config, configFile, 
/** Wrote `iterations` explicitly in stage `index`. */
iterationsWritten, positionOf) {
    const traces = new Map();
    const problems = [];
    config.stages.forEach((stage, index) => {
        if (stage.trace === undefined)
            return;
        const atConfig = (key, message) => {
            const path = ['stages', index, key];
            return { file: configFile, ...positionOf(path, 'value'), path: (0,describe/* formatPath */.jV)(path), message };
        };
        const file = traceFilePath(configFile, stage.trace);
        const text = readTraceFile(file);
        if (typeof text !== 'string') {
            problems.push(atConfig('trace', text.problem));
            return;
        }
        const parsed = parseTrace(text);
        for (const problem of parsed.problems) {
            problems.push({
                file,
                line: problem.line,
                column: problem.line > 0 ? 1 : 0,
                path: problem.field,
                message: `${problem.message} (trace of stages[${index}])`,
            });
        }
        if (parsed.problems.length > 0)
            return;
        const available = parsed.requests.length;
        if (iterationsWritten(index) && stage.iterations > available) {
            problems.push(atConfig('iterations', `expected at most ${(0,describe/* formatNumber */.ZV)(available)} (the requests of the trace ${stage.trace}), found ${(0,describe/* formatNumber */.ZV)(stage.iterations)}; iterations replays the first N requests of a trace`));
            return;
        }
        const count = iterationsWritten(index) ? stage.iterations : available;
        const requests = parsed.requests.slice(0, count);
        if (stage.warmup_requests >= count) {
            problems.push(atConfig('warmup_requests', `expected an integer < the requests replayed (${(0,describe/* formatNumber */.ZV)(count)}), found ${(0,describe/* formatNumber */.ZV)(stage.warmup_requests)}; at least one request of the stage must be measured`));
            return;
        }
        deriveTraceStage(stage, requests.length, requests, stage.trace_speed ?? 1);
        traces.set(stage.name, { file, requests });
    });
    return { traces, problems };
}
/** A trace stage's config figures from its requests: rounded mean lengths, the mean gap (seconds). */
function deriveTraceStage(stage, count, requests, speed) {
    const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const offsets = traceOffsetsMs(requests, speed);
    stage.iterations = count;
    stage.prompt_length = Math.max(1, Math.round(mean(requests.map((request) => request.input_length))));
    stage.generation_length = Math.max(1, Math.round(mean(requests.map((request) => request.output_length))));
    const spanMs = offsets[offsets.length - 1] ?? 0;
    stage.time_between_requests = count > 1 ? spanMs / (count - 1) / 1000 : 0;
}

;// CONCATENATED MODULE: ./src/config/schema-validator.generated.ts
/* eslint-disable */
// Generated from src/config/schema.ts by scripts/config-validator.mjs (`npm run schema`): do not edit.
// ajv's standalone validator of the config schema (options: CONFIG_AJV_OPTIONS there).
// @ts-nocheck
// Code generated by ajv 8.20.0, and its ucs2length (ajv/dist/runtime/ucs2length.js), under ajv's licence:
//   The MIT License (MIT)
//
//   Copyright (c) 2015-2021 Evgeny Poberezkin
//
//   Permission is hereby granted, free of charge, to any person obtaining a copy
//   of this software and associated documentation files (the "Software"), to deal
//   in the Software without restriction, including without limitation the rights
//   to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
//   copies of the Software, and to permit persons to whom the Software is
//   furnished to do so, subject to the following conditions:
//
//   The above copyright notice and this permission notice shall be included in all
//   copies or substantial portions of the Software.
//
//   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
//   IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
//   FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
//   AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
//   LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
//   OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
//   SOFTWARE.
function ucs2length(str) {
    const len = str.length;
    let length = 0;
    let pos = 0;
    let value;
    while (pos < len) {
        length++;
        value = str.charCodeAt(pos++);
        if (value >= 0xd800 && value <= 0xdbff && pos < len) {
            // high surrogate, and there is a next character
            value = str.charCodeAt(pos);
            if ((value & 0xfc00) === 0xdc00)
                pos++; // low surrogate
        }
    }
    return length;
}
const validate = validate10;
/* harmony default export */ const schema_validator_generated = ((/* unused pure expression or super */ null && (validate10)));
const schema11 = { "$schema": "http://json-schema.org/draft-07/schema#", "title": "exo-bench config", "description": "A staged load benchmark for an EXO cluster or an OpenAI-compatible server. configs/README.md documents every field.", "type": "object", "additionalProperties": false, "required": ["stages"], "properties": { "hardware_plan": { "description": "Runner label → number of nodes with that label. Plan mode makes one matrix job per node; the first node is the primary. Required for EXO targets. openai targets: optional with load_from: primary (at most 1 node: the job that sends the load); required with load_from: all_nodes (the runners that share the load against the one server).", "type": "object", "minProperties": 1, "propertyNames": { "title": "runner label", "type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$" }, "additionalProperties": { "type": "integer", "minimum": 1, "maximum": 256 }, "examples": [{ "M3ULTRA_GPU80_512GB": 4 }] }, "environment": { "description": "Variables set on every node; numbers and booleans are exported as their text.", "type": "object", "propertyNames": { "title": "variable name", "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" }, "additionalProperties": { "type": ["string", "number", "boolean"], "minimum": -9007199254740991, "maximum": 9007199254740991 }, "default": {}, "examples": [{ "OVERRIDE_MEMORY_MB": 512 }] }, "timeout_seconds": { "description": "Deadline for nodes to join, instances to be placed and runners to be ready (seconds).", "type": "number", "exclusiveMinimum": 0, "maximum": 604800, "default": 600 }, "model_ids": { "description": "Models to run, one instance per entry; repeat an id to run several instances of it. Required for EXO targets; openai targets name their model in target.model instead.", "type": "array", "minItems": 1, "items": { "title": "model id", "type": "string", "minLength": 1, "pattern": "\\S" }, "examples": [["mlx-community/Llama-3.2-1B-Instruct-4bit"]] }, "stages": { "description": "The stages of load, run one after another in this order.", "type": "array", "minItems": 1, "items": { "title": "stage", "description": "One stage of load: `iterations` requests, the i-th fired at stage start + i × time_between_requests (by default; `arrival`, `ramp_to_rate` and `concurrency` change the shape).", "type": "object", "additionalProperties": false, "required": ["name"], "properties": { "name": { "description": "Name of the stage, unique within the config; used in logs, summaries and results.", "type": "string", "minLength": 1, "pattern": "\\S" }, "prompt_length": { "description": "Target prompt length in tokens. Required, except in a trace stage (the trace gives each request its own).", "type": "integer", "minimum": 1, "maximum": 10000000 }, "generation_length": { "description": "Maximum tokens to generate per request (`max_tokens`). Required, except in a trace stage (each request generates its own output_length).", "type": "integer", "minimum": 1, "maximum": 10000000 }, "time_between_requests": { "description": "Seconds between firing consecutive requests (open loop: a request does not wait for the previous one); the mean gap with `arrival: poisson` or `gamma`, the starting gap of a `ramp_to_rate`. With `no_overlap` or `concurrency`, the pause after each completion before that slot sends again. Required, except with `concurrency` (then default 0), in a trace stage (the trace's timestamps schedule it) and in a search stage (each probe sets its own).", "type": "number", "minimum": 0, "maximum": 86400 }, "iterations": { "description": "Number of requests in this stage. Required, except in a trace stage, where it is optional and replays only the first N requests of the trace.", "type": "integer", "minimum": 1, "maximum": 10000000 }, "no_overlap": { "description": "Send one request at a time in this stage; overrides the top-level `no_overlap`.", "type": "boolean" }, "arrival": { "description": "How open-loop arrivals are spread: `constant` (every time_between_requests), `poisson` (exponential gaps of mean time_between_requests) or `gamma` (gamma gaps of that mean, shape `burstiness`). Random arrivals are drawn up front from the run's `seed`.", "type": "string", "enum": ["constant", "poisson", "gamma"], "default": "constant" }, "burstiness": { "description": "Shape of the gamma gaps (`arrival: gamma` only; default 1 = Poisson). Lower is burstier: the gaps' coefficient of variation is 1/√burstiness.", "type": "number", "exclusiveMinimum": 0, "maximum": 1000000 }, "concurrency": { "description": "Closed loop: keep this many requests in flight until `iterations` have been sent; each slot sends its next request time_between_requests (default 0) after its previous one completes. Not with `arrival`, `ramp_to_rate` or `no_overlap`; at most `iterations`.", "type": "integer", "minimum": 1, "maximum": 100000 }, "ramp_to_rate": { "description": "Requests per second the rate reaches at the stage's last request, moving linearly in time from 1/time_between_requests (which must then be > 0). Works with every `arrival` (random arrivals follow the rate by time-rescaling).", "type": "number", "exclusiveMinimum": 0, "maximum": 1000000 }, "warmup_requests": { "description": "The first N requests of the stage are fired and recorded but left out of its statistics; must be less than `iterations`.", "type": "integer", "minimum": 0, "maximum": 10000000, "default": 0 }, "warmup": { "description": "A warm-up stage: run, recorded and shown like any other, but left out of the run-level figures (the `all stages` row, the action outputs total-requests, ttft-p50-ms, …), the run thresholds, the validity gate and the baseline comparison. It takes no thresholds of its own. Typically the first stage, which loads weights and fills caches.", "type": "boolean", "default": false }, "thresholds": { "description": "Gates on this stage's statistics (ITL metrics are only known per stage). Each is \"<metric> <comparator> <number>\", e.g. \"ttft_p95_ms <= 800\"; a failed threshold makes the verdict fail.", "type": "array", "items": { "title": "threshold", "type": "string", "minLength": 1, "pattern": "\\S" }, "examples": [["success_rate >= 0.99", "ttft_p95_ms <= 800"]] }, "trace": { "description": "Replay a request trace: a JSONL file (Mooncake format), one request per line with `timestamp` (ms from the trace's start), `input_length` (prompt tokens), `output_length` (max_tokens) and optionally `hash_ids` (the prompt's blocks of trace_block_tokens tokens; equal leading ids = shared prompt prefix). Each request is sent at its timestamp, with its own lengths; prompt_length, generation_length and time_between_requests come from the trace. The path is relative to the config file.", "type": "string", "minLength": 1, "pattern": "\\S", "examples": ["traces/mooncake-sample.jsonl"] }, "trace_speed": { "description": "Time scale of a trace replay: 2 replays it twice as fast (timestamps divided by 2), 0.5 half as fast. Default 1. Only with `trace`.", "type": "number", "exclusiveMinimum": 0, "maximum": 1000 }, "trace_block_tokens": { "description": "Tokens of one `hash_ids` block of the trace (Mooncake: 512, the default). Only with `trace`.", "type": "integer", "minimum": 1, "maximum": 1000000 }, "shared_prefix": { "title": "shared prefix", "description": "Every prompt opens with one of `groups` shared prefixes of `tokens` prompt tokens (chat template included), request i using prefix i mod groups; the rest of the prompt (the nonce, with unique_prompts) is its own. For prefix-cache benchmarks: results report the cache hit rate expected from this against the one the server reports.", "type": "object", "additionalProperties": false, "required": ["tokens"], "properties": { "tokens": { "description": "Prompt tokens of each shared prefix, chat template included; less than prompt_length.", "type": "integer", "minimum": 1, "maximum": 10000000 }, "groups": { "description": "Number of distinct prefixes (default 1: every prompt shares the same prefix).", "type": "integer", "minimum": 1, "maximum": 1000000, "default": 1 } }, "examples": [{ "tokens": 1024, "groups": 4 }] }, "search": { "title": "search", "description": "Makes the stage a capacity search: it probes loads (short sub-stages) from `min` up, doubling until the metric crosses its bound, then bisects until the bracket [last pass, first fail] is narrower than `tolerance` or `max_probes` are spent. Give `max` for metrics where smaller is better (latencies), `min` for the others (success_rate, throughput), and exactly one of `rate` or `concurrency`. The stage then takes no `time_between_requests`, `iterations`, `no_overlap` or `warmup_requests`.", "type": "object", "additionalProperties": false, "required": ["metric"], "properties": { "metric": { "description": "The metric judged on each probe, a name thresholds use: ttft_p95_ms, e2e_p99_ms, tpot_p50_ms, itl_p95_ms, success_rate, output_tokens_per_second, …", "type": "string", "minLength": 1 }, "max": { "description": "A probe passes when the metric is ≤ max (latencies; the unit is in the metric name).", "type": "number", "exclusiveMinimum": 0 }, "min": { "description": "A probe passes when the metric is ≥ min (metrics where bigger is better).", "type": "number", "minimum": 0 }, "rate": { "description": "Search the open-loop request rate, in requests per second.", "type": "object", "additionalProperties": false, "required": ["min", "max"], "properties": { "min": { "description": "The least load probed (the search starts here).", "type": "number", "exclusiveMinimum": 0, "maximum": 100000 }, "max": { "description": "The most load probed; at least `min`.", "type": "number", "exclusiveMinimum": 0, "maximum": 100000 } } }, "concurrency": { "description": "Search the closed-loop concurrency, in requests kept in flight (integers).", "type": "object", "additionalProperties": false, "required": ["min", "max"], "properties": { "min": { "description": "The least load probed (the search starts here).", "type": "integer", "minimum": 1, "maximum": 100000 }, "max": { "description": "The most load probed; at least `min`.", "type": "integer", "minimum": 1, "maximum": 100000 } } }, "probe_requests": { "description": "Requests per probe. Default: twice the metric's sample minimum for a conclusive value, at least 20 (p95: 40, p99: 200).", "type": "integer", "minimum": 1, "maximum": 10000000 }, "tolerance": { "description": "Relative width at which the search stops: (first fail − last pass) ÷ last pass ≤ tolerance (concurrency also stops at a width of 1).", "type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.05 }, "max_probes": { "description": "Most probes the search may run; it reports what it bracketed when they are spent.", "type": "integer", "minimum": 2, "maximum": 100, "default": 12 }, "max_failure_rate": { "description": "A probe whose failed requests exceed this share of its requests fails, whatever its metric (0 to 1).", "type": "number", "minimum": 0, "maximum": 1, "default": 0.01 } } } } } }, "seed": { "description": "Seeds the random arrivals (`arrival: poisson` or `gamma`): the same seed gives the same schedule. Each stage draws from its own stream (seed and stage position), so adding a stage does not change the others. Default 0, so runs are reproducible unless you change it.", "type": "integer", "minimum": 0, "maximum": 9007199254740991, "default": 0 }, "sharding": { "description": "EXO sharding strategy for every instance.", "type": "string", "enum": ["Pipeline", "Tensor"], "default": "Pipeline" }, "instance_meta": { "description": "EXO instance kind. `MlxIbv` is the old name of `MlxJaccl` (accepted with a warning).", "type": "string", "enum": ["MlxRing", "MlxJaccl", "MlxIbv"], "default": "MlxRing" }, "no_overlap": { "description": "Send one request at a time (each after the previous completes); a stage may override it.", "type": "boolean", "default": false }, "endpoint": { "description": "`chat`: /v1/chat/completions. `bench`: EXO's /bench/chat/completions, which bans EOS so every request generates exactly generation_length tokens.", "type": "string", "enum": ["chat", "bench"], "default": "chat" }, "unique_prompts": { "description": "Start each prompt with a unique nonce so that no two requests share a cached prefix.", "type": "boolean", "default": true }, "target": { "title": "target", "description": "What the load is aimed at: `exo` (default) brings up an EXO cluster from hardware_plan and model_ids; `openai` uses an already running OpenAI-compatible server (vLLM, llama.cpp, SGLang, Ollama…) at base_url.", "type": "object", "additionalProperties": false, "properties": { "kind": { "description": "`exo`: an EXO cluster orchestrated by exo-bench. `openai`: any OpenAI-compatible server.", "type": "string", "enum": ["exo", "openai"], "default": "exo" }, "base_url": { "description": "openai only, required: the server root, http or https (a trailing /v1 is accepted). The action input api-url or the CLI flag --api-url overrides it.", "type": "string", "pattern": "^https?://[^\\s/?#]+[^\\s]*$", "examples": ["http://127.0.0.1:8000/v1"] }, "model": { "description": "openai only, required: the model every request names (`model` of the request body).", "type": "string", "minLength": 1, "pattern": "\\S", "examples": ["Qwen/Qwen3-0.6B"] }, "api_key_env": { "description": "openai only: name of the environment variable holding the API key, sent as `Authorization: Bearer`; masked in logs, never written to results.", "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "examples": ["OPENAI_API_KEY"] }, "force_output_length": { "description": "openai only: make the server generate exactly generation_length tokens where it supports it: `ignore_eos` (vLLM) or `min_tokens` (vLLM, SGLang). `none` (default) sends neither.", "type": "string", "enum": ["none", "ignore_eos", "min_tokens"], "default": "none" } } }, "calibrate_prompts": { "description": "Before each stage, probe the server (a few max_tokens: 1 requests, excluded from the results) to find the prompt text whose usage.prompt_tokens, chat template and nonce included, equals prompt_length.", "type": "boolean", "default": true }, "request_timeout_seconds": { "description": "Deadline of one request, from its send to the end of its stream (seconds).", "type": "number", "exclusiveMinimum": 0, "maximum": 604800, "default": 600 }, "stream_idle_timeout_seconds": { "description": "A stream that sends no byte (not even a keep-alive) for this long fails (seconds).", "type": "number", "exclusiveMinimum": 0, "maximum": 604800, "default": 60 }, "max_dispatch_lag_p99_ms": { "description": "A run whose p99 dispatch lag (actual send time − scheduled send time) exceeds this is flagged invalid (milliseconds).", "type": "number", "exclusiveMinimum": 0, "maximum": 3600000, "default": 5 }, "load_from": { "description": "`primary`: the primary node alone sends the load (the seed's behaviour). `all_nodes`: every node sends its share of each stage (request i of a stage from node i mod N, N = the nodes of hardware_plan in plan order) on one schedule (docs/load-from.md): with an EXO target to its own node's API, on stage starts the primary publishes through the cluster state; with an openai target to the one server, on stage starts fixed at plan time (all_nodes_start_delay_seconds, all_nodes_drain_seconds). A closed loop (concurrency, no_overlap) or capacity search stage is the primary's alone on an EXO target (the other nodes send nothing in it; the next stage starts once it has drained) and refused with an openai target (a plan-time schedule cannot know where it ends).", "type": "string", "enum": ["primary", "all_nodes"], "default": "primary" }, "clock_skew_tolerance_ms": { "description": "With load_from: all_nodes, the clock skew between runners the shared schedule tolerates (milliseconds): recorded in results, and a run whose nodes report a larger spread of clock offsets, or whose stage started later than this on a node, is flagged invalid.", "type": "number", "exclusiveMinimum": 0, "maximum": 60000, "default": 20 }, "all_nodes_start_delay_seconds": { "description": "With load_from: all_nodes and an openai target: how long after the plan job the first stage starts (seconds). The plan job writes that start (its clock + this delay) into every matrix entry (start_at_ms), and every node derives each stage's start from it. Give the time the matrix's jobs need to be picked up, checked out and started and to size their prompts: a node that begins a stage more than clock_skew_tolerance_ms after its start is late, and the run invalid. Not for EXO targets (the primary publishes each start through the cluster state) nor load_from: primary.", "type": "number", "exclusiveMinimum": 0, "maximum": 604800, "default": 120 }, "all_nodes_drain_seconds": { "description": "With load_from: all_nodes and an openai target: the drain bound between stages (seconds). Stage k+1 starts at stage k's start + its planned span (the last request's offset) + this + clock_skew_tolerance_ms, on every node's clock. Default request_timeout_seconds, which every request of stage k has ended by; lower it to what the stage's requests need. A node whose requests of stage k are still in flight at stage k+1's start lets them end, records the overrun, and the run is invalid. Not for EXO targets (a stage ends when the cluster has drained) nor load_from: primary.", "type": "number", "exclusiveMinimum": 0, "maximum": 604800 }, "snapshot_interval_seconds": { "description": "Period of cluster state snapshots during the load (seconds).", "type": "number", "exclusiveMinimum": 0, "maximum": 86400, "default": 2 }, "thresholds": { "description": "Gates on the statistics of the whole run (all stages together). Each is \"<metric> <comparator> <number>\", e.g. \"ttft_p95_ms <= 800\"; a failed threshold makes the verdict fail.", "type": "array", "items": { "title": "threshold", "type": "string", "minLength": 1, "pattern": "\\S" }, "examples": [["success_rate >= 0.99", "ttft_p95_ms <= 800"]] }, "regression": { "description": "Metric → tolerance (a percentage) for the comparison with a baseline run: the metrics compared and how much worse each may get before it is a regression. Replaces the default set.", "type": "object", "propertyNames": { "title": "metric name", "type": "string" }, "additionalProperties": { "title": "tolerance", "type": "string", "pattern": "^\\s*(\\d+(\\.\\d+)?)\\s*%\\s*$" }, "examples": [{ "ttft_p95_ms": "10%", "output_tokens_per_second": "5%" }] } } };
const func2 = Object.prototype.hasOwnProperty;
const func3 = ucs2length;
const pattern0 = new RegExp("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", "u");
const pattern1 = new RegExp("^[A-Za-z_][A-Za-z0-9_]*$", "u");
const pattern2 = new RegExp("\\S", "u");
const pattern6 = new RegExp("^https?://[^\\s/?#]+[^\\s]*$", "u");
const pattern10 = new RegExp("^\\s*(\\d+(\\.\\d+)?)\\s*%\\s*$", "u");
function validate10(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) { let vErrors = null; let errors = 0; if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.environment === undefined) {
        data.environment = {};
    }
    if (data.timeout_seconds === undefined) {
        data.timeout_seconds = 600;
    }
    if (data.seed === undefined) {
        data.seed = 0;
    }
    if (data.sharding === undefined) {
        data.sharding = "Pipeline";
    }
    if (data.instance_meta === undefined) {
        data.instance_meta = "MlxRing";
    }
    if (data.no_overlap === undefined) {
        data.no_overlap = false;
    }
    if (data.endpoint === undefined) {
        data.endpoint = "chat";
    }
    if (data.unique_prompts === undefined) {
        data.unique_prompts = true;
    }
    if (data.calibrate_prompts === undefined) {
        data.calibrate_prompts = true;
    }
    if (data.request_timeout_seconds === undefined) {
        data.request_timeout_seconds = 600;
    }
    if (data.stream_idle_timeout_seconds === undefined) {
        data.stream_idle_timeout_seconds = 60;
    }
    if (data.max_dispatch_lag_p99_ms === undefined) {
        data.max_dispatch_lag_p99_ms = 5;
    }
    if (data.load_from === undefined) {
        data.load_from = "primary";
    }
    if (data.clock_skew_tolerance_ms === undefined) {
        data.clock_skew_tolerance_ms = 20;
    }
    if (data.all_nodes_start_delay_seconds === undefined) {
        data.all_nodes_start_delay_seconds = 120;
    }
    if (data.snapshot_interval_seconds === undefined) {
        data.snapshot_interval_seconds = 2;
    }
    if (data.stages === undefined) {
        const err0 = { instancePath, schemaPath: "#/required", keyword: "required", params: { missingProperty: "stages" }, message: "must have required property '" + "stages" + "'" };
        if (vErrors === null) {
            vErrors = [err0];
        }
        else {
            vErrors.push(err0);
        }
        errors++;
    }
    for (const key0 in data) {
        if (!(func2.call(schema11.properties, key0))) {
            const err1 = { instancePath, schemaPath: "#/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key0 }, message: "must NOT have additional properties" };
            if (vErrors === null) {
                vErrors = [err1];
            }
            else {
                vErrors.push(err1);
            }
            errors++;
        }
    }
    if (data.hardware_plan !== undefined) {
        let data0 = data.hardware_plan;
        if (data0 && typeof data0 == "object" && !Array.isArray(data0)) {
            if (Object.keys(data0).length < 1) {
                const err2 = { instancePath: instancePath + "/hardware_plan", schemaPath: "#/properties/hardware_plan/minProperties", keyword: "minProperties", params: { limit: 1 }, message: "must NOT have fewer than 1 properties" };
                if (vErrors === null) {
                    vErrors = [err2];
                }
                else {
                    vErrors.push(err2);
                }
                errors++;
            }
            for (const key1 in data0) {
                const _errs4 = errors;
                if (typeof key1 === "string") {
                    if (!pattern0.test(key1)) {
                        const err3 = { instancePath: instancePath + "/hardware_plan", schemaPath: "#/properties/hardware_plan/propertyNames/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$" }, message: "must match pattern \"" + "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$" + "\"", propertyName: key1 };
                        if (vErrors === null) {
                            vErrors = [err3];
                        }
                        else {
                            vErrors.push(err3);
                        }
                        errors++;
                    }
                }
                else {
                    const err4 = { instancePath: instancePath + "/hardware_plan", schemaPath: "#/properties/hardware_plan/propertyNames/type", keyword: "type", params: { type: "string" }, message: "must be string", propertyName: key1 };
                    if (vErrors === null) {
                        vErrors = [err4];
                    }
                    else {
                        vErrors.push(err4);
                    }
                    errors++;
                }
                var valid1 = _errs4 === errors;
                if (!valid1) {
                    const err5 = { instancePath: instancePath + "/hardware_plan", schemaPath: "#/properties/hardware_plan/propertyNames", keyword: "propertyNames", params: { propertyName: key1 }, message: "property name must be valid" };
                    if (vErrors === null) {
                        vErrors = [err5];
                    }
                    else {
                        vErrors.push(err5);
                    }
                    errors++;
                }
            }
            for (const key2 in data0) {
                let data1 = data0[key2];
                if (!(((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1))) && (isFinite(data1)))) {
                    const err6 = { instancePath: instancePath + "/hardware_plan/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"), schemaPath: "#/properties/hardware_plan/additionalProperties/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
                    if (vErrors === null) {
                        vErrors = [err6];
                    }
                    else {
                        vErrors.push(err6);
                    }
                    errors++;
                }
                if ((typeof data1 == "number") && (isFinite(data1))) {
                    if (data1 > 256 || isNaN(data1)) {
                        const err7 = { instancePath: instancePath + "/hardware_plan/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"), schemaPath: "#/properties/hardware_plan/additionalProperties/maximum", keyword: "maximum", params: { comparison: "<=", limit: 256 }, message: "must be <= 256" };
                        if (vErrors === null) {
                            vErrors = [err7];
                        }
                        else {
                            vErrors.push(err7);
                        }
                        errors++;
                    }
                    if (data1 < 1 || isNaN(data1)) {
                        const err8 = { instancePath: instancePath + "/hardware_plan/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"), schemaPath: "#/properties/hardware_plan/additionalProperties/minimum", keyword: "minimum", params: { comparison: ">=", limit: 1 }, message: "must be >= 1" };
                        if (vErrors === null) {
                            vErrors = [err8];
                        }
                        else {
                            vErrors.push(err8);
                        }
                        errors++;
                    }
                }
            }
        }
        else {
            const err9 = { instancePath: instancePath + "/hardware_plan", schemaPath: "#/properties/hardware_plan/type", keyword: "type", params: { type: "object" }, message: "must be object" };
            if (vErrors === null) {
                vErrors = [err9];
            }
            else {
                vErrors.push(err9);
            }
            errors++;
        }
    }
    let data2 = data.environment;
    if (data2 && typeof data2 == "object" && !Array.isArray(data2)) {
        for (const key3 in data2) {
            const _errs11 = errors;
            if (typeof key3 === "string") {
                if (!pattern1.test(key3)) {
                    const err10 = { instancePath: instancePath + "/environment", schemaPath: "#/properties/environment/propertyNames/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z_][A-Za-z0-9_]*$" }, message: "must match pattern \"" + "^[A-Za-z_][A-Za-z0-9_]*$" + "\"", propertyName: key3 };
                    if (vErrors === null) {
                        vErrors = [err10];
                    }
                    else {
                        vErrors.push(err10);
                    }
                    errors++;
                }
            }
            else {
                const err11 = { instancePath: instancePath + "/environment", schemaPath: "#/properties/environment/propertyNames/type", keyword: "type", params: { type: "string" }, message: "must be string", propertyName: key3 };
                if (vErrors === null) {
                    vErrors = [err11];
                }
                else {
                    vErrors.push(err11);
                }
                errors++;
            }
            var valid3 = _errs11 === errors;
            if (!valid3) {
                const err12 = { instancePath: instancePath + "/environment", schemaPath: "#/properties/environment/propertyNames", keyword: "propertyNames", params: { propertyName: key3 }, message: "property name must be valid" };
                if (vErrors === null) {
                    vErrors = [err12];
                }
                else {
                    vErrors.push(err12);
                }
                errors++;
            }
        }
        for (const key4 in data2) {
            let data3 = data2[key4];
            if (((typeof data3 !== "string") && (!((typeof data3 == "number") && (isFinite(data3))))) && (typeof data3 !== "boolean")) {
                const err13 = { instancePath: instancePath + "/environment/" + key4.replace(/~/g, "~0").replace(/\//g, "~1"), schemaPath: "#/properties/environment/additionalProperties/type", keyword: "type", params: { type: schema11.properties.environment.additionalProperties.type }, message: "must be string,number,boolean" };
                if (vErrors === null) {
                    vErrors = [err13];
                }
                else {
                    vErrors.push(err13);
                }
                errors++;
            }
            if ((typeof data3 == "number") && (isFinite(data3))) {
                if (data3 > 9007199254740991 || isNaN(data3)) {
                    const err14 = { instancePath: instancePath + "/environment/" + key4.replace(/~/g, "~0").replace(/\//g, "~1"), schemaPath: "#/properties/environment/additionalProperties/maximum", keyword: "maximum", params: { comparison: "<=", limit: 9007199254740991 }, message: "must be <= 9007199254740991" };
                    if (vErrors === null) {
                        vErrors = [err14];
                    }
                    else {
                        vErrors.push(err14);
                    }
                    errors++;
                }
                if (data3 < -9007199254740991 || isNaN(data3)) {
                    const err15 = { instancePath: instancePath + "/environment/" + key4.replace(/~/g, "~0").replace(/\//g, "~1"), schemaPath: "#/properties/environment/additionalProperties/minimum", keyword: "minimum", params: { comparison: ">=", limit: -9007199254740991 }, message: "must be >= -9007199254740991" };
                    if (vErrors === null) {
                        vErrors = [err15];
                    }
                    else {
                        vErrors.push(err15);
                    }
                    errors++;
                }
            }
        }
    }
    else {
        const err16 = { instancePath: instancePath + "/environment", schemaPath: "#/properties/environment/type", keyword: "type", params: { type: "object" }, message: "must be object" };
        if (vErrors === null) {
            vErrors = [err16];
        }
        else {
            vErrors.push(err16);
        }
        errors++;
    }
    let data4 = data.timeout_seconds;
    if ((typeof data4 == "number") && (isFinite(data4))) {
        if (data4 > 604800 || isNaN(data4)) {
            const err17 = { instancePath: instancePath + "/timeout_seconds", schemaPath: "#/properties/timeout_seconds/maximum", keyword: "maximum", params: { comparison: "<=", limit: 604800 }, message: "must be <= 604800" };
            if (vErrors === null) {
                vErrors = [err17];
            }
            else {
                vErrors.push(err17);
            }
            errors++;
        }
        if (data4 <= 0 || isNaN(data4)) {
            const err18 = { instancePath: instancePath + "/timeout_seconds", schemaPath: "#/properties/timeout_seconds/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
            if (vErrors === null) {
                vErrors = [err18];
            }
            else {
                vErrors.push(err18);
            }
            errors++;
        }
    }
    else {
        const err19 = { instancePath: instancePath + "/timeout_seconds", schemaPath: "#/properties/timeout_seconds/type", keyword: "type", params: { type: "number" }, message: "must be number" };
        if (vErrors === null) {
            vErrors = [err19];
        }
        else {
            vErrors.push(err19);
        }
        errors++;
    }
    if (data.model_ids !== undefined) {
        let data5 = data.model_ids;
        if (Array.isArray(data5)) {
            if (data5.length < 1) {
                const err20 = { instancePath: instancePath + "/model_ids", schemaPath: "#/properties/model_ids/minItems", keyword: "minItems", params: { limit: 1 }, message: "must NOT have fewer than 1 items" };
                if (vErrors === null) {
                    vErrors = [err20];
                }
                else {
                    vErrors.push(err20);
                }
                errors++;
            }
            const len0 = data5.length;
            for (let i0 = 0; i0 < len0; i0++) {
                let data6 = data5[i0];
                if (typeof data6 === "string") {
                    if (func3(data6) < 1) {
                        const err21 = { instancePath: instancePath + "/model_ids/" + i0, schemaPath: "#/properties/model_ids/items/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
                        if (vErrors === null) {
                            vErrors = [err21];
                        }
                        else {
                            vErrors.push(err21);
                        }
                        errors++;
                    }
                    if (!pattern2.test(data6)) {
                        const err22 = { instancePath: instancePath + "/model_ids/" + i0, schemaPath: "#/properties/model_ids/items/pattern", keyword: "pattern", params: { pattern: "\\S" }, message: "must match pattern \"" + "\\S" + "\"" };
                        if (vErrors === null) {
                            vErrors = [err22];
                        }
                        else {
                            vErrors.push(err22);
                        }
                        errors++;
                    }
                }
                else {
                    const err23 = { instancePath: instancePath + "/model_ids/" + i0, schemaPath: "#/properties/model_ids/items/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                    if (vErrors === null) {
                        vErrors = [err23];
                    }
                    else {
                        vErrors.push(err23);
                    }
                    errors++;
                }
            }
        }
        else {
            const err24 = { instancePath: instancePath + "/model_ids", schemaPath: "#/properties/model_ids/type", keyword: "type", params: { type: "array" }, message: "must be array" };
            if (vErrors === null) {
                vErrors = [err24];
            }
            else {
                vErrors.push(err24);
            }
            errors++;
        }
    }
    if (data.stages !== undefined) {
        let data7 = data.stages;
        if (Array.isArray(data7)) {
            if (data7.length < 1) {
                const err25 = { instancePath: instancePath + "/stages", schemaPath: "#/properties/stages/minItems", keyword: "minItems", params: { limit: 1 }, message: "must NOT have fewer than 1 items" };
                if (vErrors === null) {
                    vErrors = [err25];
                }
                else {
                    vErrors.push(err25);
                }
                errors++;
            }
            const len1 = data7.length;
            for (let i1 = 0; i1 < len1; i1++) {
                let data8 = data7[i1];
                if (data8 && typeof data8 == "object" && !Array.isArray(data8)) {
                    if (data8.arrival === undefined) {
                        data8.arrival = "constant";
                    }
                    if (data8.warmup_requests === undefined) {
                        data8.warmup_requests = 0;
                    }
                    if (data8.warmup === undefined) {
                        data8.warmup = false;
                    }
                    if (data8.name === undefined) {
                        const err26 = { instancePath: instancePath + "/stages/" + i1, schemaPath: "#/properties/stages/items/required", keyword: "required", params: { missingProperty: "name" }, message: "must have required property '" + "name" + "'" };
                        if (vErrors === null) {
                            vErrors = [err26];
                        }
                        else {
                            vErrors.push(err26);
                        }
                        errors++;
                    }
                    for (const key5 in data8) {
                        if (!(func2.call(schema11.properties.stages.items.properties, key5))) {
                            const err27 = { instancePath: instancePath + "/stages/" + i1, schemaPath: "#/properties/stages/items/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key5 }, message: "must NOT have additional properties" };
                            if (vErrors === null) {
                                vErrors = [err27];
                            }
                            else {
                                vErrors.push(err27);
                            }
                            errors++;
                        }
                    }
                    if (data8.name !== undefined) {
                        let data9 = data8.name;
                        if (typeof data9 === "string") {
                            if (func3(data9) < 1) {
                                const err28 = { instancePath: instancePath + "/stages/" + i1 + "/name", schemaPath: "#/properties/stages/items/properties/name/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
                                if (vErrors === null) {
                                    vErrors = [err28];
                                }
                                else {
                                    vErrors.push(err28);
                                }
                                errors++;
                            }
                            if (!pattern2.test(data9)) {
                                const err29 = { instancePath: instancePath + "/stages/" + i1 + "/name", schemaPath: "#/properties/stages/items/properties/name/pattern", keyword: "pattern", params: { pattern: "\\S" }, message: "must match pattern \"" + "\\S" + "\"" };
                                if (vErrors === null) {
                                    vErrors = [err29];
                                }
                                else {
                                    vErrors.push(err29);
                                }
                                errors++;
                            }
                        }
                        else {
                            const err30 = { instancePath: instancePath + "/stages/" + i1 + "/name", schemaPath: "#/properties/stages/items/properties/name/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                            if (vErrors === null) {
                                vErrors = [err30];
                            }
                            else {
                                vErrors.push(err30);
                            }
                            errors++;
                        }
                    }
                    if (data8.prompt_length !== undefined) {
                        let data10 = data8.prompt_length;
                        if (!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))) {
                            const err31 = { instancePath: instancePath + "/stages/" + i1 + "/prompt_length", schemaPath: "#/properties/stages/items/properties/prompt_length/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
                            if (vErrors === null) {
                                vErrors = [err31];
                            }
                            else {
                                vErrors.push(err31);
                            }
                            errors++;
                        }
                        if ((typeof data10 == "number") && (isFinite(data10))) {
                            if (data10 > 10000000 || isNaN(data10)) {
                                const err32 = { instancePath: instancePath + "/stages/" + i1 + "/prompt_length", schemaPath: "#/properties/stages/items/properties/prompt_length/maximum", keyword: "maximum", params: { comparison: "<=", limit: 10000000 }, message: "must be <= 10000000" };
                                if (vErrors === null) {
                                    vErrors = [err32];
                                }
                                else {
                                    vErrors.push(err32);
                                }
                                errors++;
                            }
                            if (data10 < 1 || isNaN(data10)) {
                                const err33 = { instancePath: instancePath + "/stages/" + i1 + "/prompt_length", schemaPath: "#/properties/stages/items/properties/prompt_length/minimum", keyword: "minimum", params: { comparison: ">=", limit: 1 }, message: "must be >= 1" };
                                if (vErrors === null) {
                                    vErrors = [err33];
                                }
                                else {
                                    vErrors.push(err33);
                                }
                                errors++;
                            }
                        }
                    }
                    if (data8.generation_length !== undefined) {
                        let data11 = data8.generation_length;
                        if (!(((typeof data11 == "number") && (!(data11 % 1) && !isNaN(data11))) && (isFinite(data11)))) {
                            const err34 = { instancePath: instancePath + "/stages/" + i1 + "/generation_length", schemaPath: "#/properties/stages/items/properties/generation_length/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
                            if (vErrors === null) {
                                vErrors = [err34];
                            }
                            else {
                                vErrors.push(err34);
                            }
                            errors++;
                        }
                        if ((typeof data11 == "number") && (isFinite(data11))) {
                            if (data11 > 10000000 || isNaN(data11)) {
                                const err35 = { instancePath: instancePath + "/stages/" + i1 + "/generation_length", schemaPath: "#/properties/stages/items/properties/generation_length/maximum", keyword: "maximum", params: { comparison: "<=", limit: 10000000 }, message: "must be <= 10000000" };
                                if (vErrors === null) {
                                    vErrors = [err35];
                                }
                                else {
                                    vErrors.push(err35);
                                }
                                errors++;
                            }
                            if (data11 < 1 || isNaN(data11)) {
                                const err36 = { instancePath: instancePath + "/stages/" + i1 + "/generation_length", schemaPath: "#/properties/stages/items/properties/generation_length/minimum", keyword: "minimum", params: { comparison: ">=", limit: 1 }, message: "must be >= 1" };
                                if (vErrors === null) {
                                    vErrors = [err36];
                                }
                                else {
                                    vErrors.push(err36);
                                }
                                errors++;
                            }
                        }
                    }
                    if (data8.time_between_requests !== undefined) {
                        let data12 = data8.time_between_requests;
                        if ((typeof data12 == "number") && (isFinite(data12))) {
                            if (data12 > 86400 || isNaN(data12)) {
                                const err37 = { instancePath: instancePath + "/stages/" + i1 + "/time_between_requests", schemaPath: "#/properties/stages/items/properties/time_between_requests/maximum", keyword: "maximum", params: { comparison: "<=", limit: 86400 }, message: "must be <= 86400" };
                                if (vErrors === null) {
                                    vErrors = [err37];
                                }
                                else {
                                    vErrors.push(err37);
                                }
                                errors++;
                            }
                            if (data12 < 0 || isNaN(data12)) {
                                const err38 = { instancePath: instancePath + "/stages/" + i1 + "/time_between_requests", schemaPath: "#/properties/stages/items/properties/time_between_requests/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" };
                                if (vErrors === null) {
                                    vErrors = [err38];
                                }
                                else {
                                    vErrors.push(err38);
                                }
                                errors++;
                            }
                        }
                        else {
                            const err39 = { instancePath: instancePath + "/stages/" + i1 + "/time_between_requests", schemaPath: "#/properties/stages/items/properties/time_between_requests/type", keyword: "type", params: { type: "number" }, message: "must be number" };
                            if (vErrors === null) {
                                vErrors = [err39];
                            }
                            else {
                                vErrors.push(err39);
                            }
                            errors++;
                        }
                    }
                    if (data8.iterations !== undefined) {
                        let data13 = data8.iterations;
                        if (!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))) {
                            const err40 = { instancePath: instancePath + "/stages/" + i1 + "/iterations", schemaPath: "#/properties/stages/items/properties/iterations/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
                            if (vErrors === null) {
                                vErrors = [err40];
                            }
                            else {
                                vErrors.push(err40);
                            }
                            errors++;
                        }
                        if ((typeof data13 == "number") && (isFinite(data13))) {
                            if (data13 > 10000000 || isNaN(data13)) {
                                const err41 = { instancePath: instancePath + "/stages/" + i1 + "/iterations", schemaPath: "#/properties/stages/items/properties/iterations/maximum", keyword: "maximum", params: { comparison: "<=", limit: 10000000 }, message: "must be <= 10000000" };
                                if (vErrors === null) {
                                    vErrors = [err41];
                                }
                                else {
                                    vErrors.push(err41);
                                }
                                errors++;
                            }
                            if (data13 < 1 || isNaN(data13)) {
                                const err42 = { instancePath: instancePath + "/stages/" + i1 + "/iterations", schemaPath: "#/properties/stages/items/properties/iterations/minimum", keyword: "minimum", params: { comparison: ">=", limit: 1 }, message: "must be >= 1" };
                                if (vErrors === null) {
                                    vErrors = [err42];
                                }
                                else {
                                    vErrors.push(err42);
                                }
                                errors++;
                            }
                        }
                    }
                    if (data8.no_overlap !== undefined) {
                        if (typeof data8.no_overlap !== "boolean") {
                            const err43 = { instancePath: instancePath + "/stages/" + i1 + "/no_overlap", schemaPath: "#/properties/stages/items/properties/no_overlap/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean" };
                            if (vErrors === null) {
                                vErrors = [err43];
                            }
                            else {
                                vErrors.push(err43);
                            }
                            errors++;
                        }
                    }
                    let data15 = data8.arrival;
                    if (typeof data15 !== "string") {
                        const err44 = { instancePath: instancePath + "/stages/" + i1 + "/arrival", schemaPath: "#/properties/stages/items/properties/arrival/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                        if (vErrors === null) {
                            vErrors = [err44];
                        }
                        else {
                            vErrors.push(err44);
                        }
                        errors++;
                    }
                    if (!(((data15 === "constant") || (data15 === "poisson")) || (data15 === "gamma"))) {
                        const err45 = { instancePath: instancePath + "/stages/" + i1 + "/arrival", schemaPath: "#/properties/stages/items/properties/arrival/enum", keyword: "enum", params: { allowedValues: schema11.properties.stages.items.properties.arrival.enum }, message: "must be equal to one of the allowed values" };
                        if (vErrors === null) {
                            vErrors = [err45];
                        }
                        else {
                            vErrors.push(err45);
                        }
                        errors++;
                    }
                    if (data8.burstiness !== undefined) {
                        let data16 = data8.burstiness;
                        if ((typeof data16 == "number") && (isFinite(data16))) {
                            if (data16 > 1000000 || isNaN(data16)) {
                                const err46 = { instancePath: instancePath + "/stages/" + i1 + "/burstiness", schemaPath: "#/properties/stages/items/properties/burstiness/maximum", keyword: "maximum", params: { comparison: "<=", limit: 1000000 }, message: "must be <= 1000000" };
                                if (vErrors === null) {
                                    vErrors = [err46];
                                }
                                else {
                                    vErrors.push(err46);
                                }
                                errors++;
                            }
                            if (data16 <= 0 || isNaN(data16)) {
                                const err47 = { instancePath: instancePath + "/stages/" + i1 + "/burstiness", schemaPath: "#/properties/stages/items/properties/burstiness/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
                                if (vErrors === null) {
                                    vErrors = [err47];
                                }
                                else {
                                    vErrors.push(err47);
                                }
                                errors++;
                            }
                        }
                        else {
                            const err48 = { instancePath: instancePath + "/stages/" + i1 + "/burstiness", schemaPath: "#/properties/stages/items/properties/burstiness/type", keyword: "type", params: { type: "number" }, message: "must be number" };
                            if (vErrors === null) {
                                vErrors = [err48];
                            }
                            else {
                                vErrors.push(err48);
                            }
                            errors++;
                        }
                    }
                    if (data8.concurrency !== undefined) {
                        let data17 = data8.concurrency;
                        if (!(((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17))) && (isFinite(data17)))) {
                            const err49 = { instancePath: instancePath + "/stages/" + i1 + "/concurrency", schemaPath: "#/properties/stages/items/properties/concurrency/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
                            if (vErrors === null) {
                                vErrors = [err49];
                            }
                            else {
                                vErrors.push(err49);
                            }
                            errors++;
                        }
                        if ((typeof data17 == "number") && (isFinite(data17))) {
                            if (data17 > 100000 || isNaN(data17)) {
                                const err50 = { instancePath: instancePath + "/stages/" + i1 + "/concurrency", schemaPath: "#/properties/stages/items/properties/concurrency/maximum", keyword: "maximum", params: { comparison: "<=", limit: 100000 }, message: "must be <= 100000" };
                                if (vErrors === null) {
                                    vErrors = [err50];
                                }
                                else {
                                    vErrors.push(err50);
                                }
                                errors++;
                            }
                            if (data17 < 1 || isNaN(data17)) {
                                const err51 = { instancePath: instancePath + "/stages/" + i1 + "/concurrency", schemaPath: "#/properties/stages/items/properties/concurrency/minimum", keyword: "minimum", params: { comparison: ">=", limit: 1 }, message: "must be >= 1" };
                                if (vErrors === null) {
                                    vErrors = [err51];
                                }
                                else {
                                    vErrors.push(err51);
                                }
                                errors++;
                            }
                        }
                    }
                    if (data8.ramp_to_rate !== undefined) {
                        let data18 = data8.ramp_to_rate;
                        if ((typeof data18 == "number") && (isFinite(data18))) {
                            if (data18 > 1000000 || isNaN(data18)) {
                                const err52 = { instancePath: instancePath + "/stages/" + i1 + "/ramp_to_rate", schemaPath: "#/properties/stages/items/properties/ramp_to_rate/maximum", keyword: "maximum", params: { comparison: "<=", limit: 1000000 }, message: "must be <= 1000000" };
                                if (vErrors === null) {
                                    vErrors = [err52];
                                }
                                else {
                                    vErrors.push(err52);
                                }
                                errors++;
                            }
                            if (data18 <= 0 || isNaN(data18)) {
                                const err53 = { instancePath: instancePath + "/stages/" + i1 + "/ramp_to_rate", schemaPath: "#/properties/stages/items/properties/ramp_to_rate/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
                                if (vErrors === null) {
                                    vErrors = [err53];
                                }
                                else {
                                    vErrors.push(err53);
                                }
                                errors++;
                            }
                        }
                        else {
                            const err54 = { instancePath: instancePath + "/stages/" + i1 + "/ramp_to_rate", schemaPath: "#/properties/stages/items/properties/ramp_to_rate/type", keyword: "type", params: { type: "number" }, message: "must be number" };
                            if (vErrors === null) {
                                vErrors = [err54];
                            }
                            else {
                                vErrors.push(err54);
                            }
                            errors++;
                        }
                    }
                    let data19 = data8.warmup_requests;
                    if (!(((typeof data19 == "number") && (!(data19 % 1) && !isNaN(data19))) && (isFinite(data19)))) {
                        const err55 = { instancePath: instancePath + "/stages/" + i1 + "/warmup_requests", schemaPath: "#/properties/stages/items/properties/warmup_requests/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
                        if (vErrors === null) {
                            vErrors = [err55];
                        }
                        else {
                            vErrors.push(err55);
                        }
                        errors++;
                    }
                    if ((typeof data19 == "number") && (isFinite(data19))) {
                        if (data19 > 10000000 || isNaN(data19)) {
                            const err56 = { instancePath: instancePath + "/stages/" + i1 + "/warmup_requests", schemaPath: "#/properties/stages/items/properties/warmup_requests/maximum", keyword: "maximum", params: { comparison: "<=", limit: 10000000 }, message: "must be <= 10000000" };
                            if (vErrors === null) {
                                vErrors = [err56];
                            }
                            else {
                                vErrors.push(err56);
                            }
                            errors++;
                        }
                        if (data19 < 0 || isNaN(data19)) {
                            const err57 = { instancePath: instancePath + "/stages/" + i1 + "/warmup_requests", schemaPath: "#/properties/stages/items/properties/warmup_requests/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" };
                            if (vErrors === null) {
                                vErrors = [err57];
                            }
                            else {
                                vErrors.push(err57);
                            }
                            errors++;
                        }
                    }
                    if (typeof data8.warmup !== "boolean") {
                        const err58 = { instancePath: instancePath + "/stages/" + i1 + "/warmup", schemaPath: "#/properties/stages/items/properties/warmup/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean" };
                        if (vErrors === null) {
                            vErrors = [err58];
                        }
                        else {
                            vErrors.push(err58);
                        }
                        errors++;
                    }
                    if (data8.thresholds !== undefined) {
                        let data21 = data8.thresholds;
                        if (Array.isArray(data21)) {
                            const len2 = data21.length;
                            for (let i2 = 0; i2 < len2; i2++) {
                                let data22 = data21[i2];
                                if (typeof data22 === "string") {
                                    if (func3(data22) < 1) {
                                        const err59 = { instancePath: instancePath + "/stages/" + i1 + "/thresholds/" + i2, schemaPath: "#/properties/stages/items/properties/thresholds/items/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
                                        if (vErrors === null) {
                                            vErrors = [err59];
                                        }
                                        else {
                                            vErrors.push(err59);
                                        }
                                        errors++;
                                    }
                                    if (!pattern2.test(data22)) {
                                        const err60 = { instancePath: instancePath + "/stages/" + i1 + "/thresholds/" + i2, schemaPath: "#/properties/stages/items/properties/thresholds/items/pattern", keyword: "pattern", params: { pattern: "\\S" }, message: "must match pattern \"" + "\\S" + "\"" };
                                        if (vErrors === null) {
                                            vErrors = [err60];
                                        }
                                        else {
                                            vErrors.push(err60);
                                        }
                                        errors++;
                                    }
                                }
                                else {
                                    const err61 = { instancePath: instancePath + "/stages/" + i1 + "/thresholds/" + i2, schemaPath: "#/properties/stages/items/properties/thresholds/items/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                                    if (vErrors === null) {
                                        vErrors = [err61];
                                    }
                                    else {
                                        vErrors.push(err61);
                                    }
                                    errors++;
                                }
                            }
                        }
                        else {
                            const err62 = { instancePath: instancePath + "/stages/" + i1 + "/thresholds", schemaPath: "#/properties/stages/items/properties/thresholds/type", keyword: "type", params: { type: "array" }, message: "must be array" };
                            if (vErrors === null) {
                                vErrors = [err62];
                            }
                            else {
                                vErrors.push(err62);
                            }
                            errors++;
                        }
                    }
                    if (data8.trace !== undefined) {
                        let data23 = data8.trace;
                        if (typeof data23 === "string") {
                            if (func3(data23) < 1) {
                                const err63 = { instancePath: instancePath + "/stages/" + i1 + "/trace", schemaPath: "#/properties/stages/items/properties/trace/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
                                if (vErrors === null) {
                                    vErrors = [err63];
                                }
                                else {
                                    vErrors.push(err63);
                                }
                                errors++;
                            }
                            if (!pattern2.test(data23)) {
                                const err64 = { instancePath: instancePath + "/stages/" + i1 + "/trace", schemaPath: "#/properties/stages/items/properties/trace/pattern", keyword: "pattern", params: { pattern: "\\S" }, message: "must match pattern \"" + "\\S" + "\"" };
                                if (vErrors === null) {
                                    vErrors = [err64];
                                }
                                else {
                                    vErrors.push(err64);
                                }
                                errors++;
                            }
                        }
                        else {
                            const err65 = { instancePath: instancePath + "/stages/" + i1 + "/trace", schemaPath: "#/properties/stages/items/properties/trace/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                            if (vErrors === null) {
                                vErrors = [err65];
                            }
                            else {
                                vErrors.push(err65);
                            }
                            errors++;
                        }
                    }
                    if (data8.trace_speed !== undefined) {
                        let data24 = data8.trace_speed;
                        if ((typeof data24 == "number") && (isFinite(data24))) {
                            if (data24 > 1000 || isNaN(data24)) {
                                const err66 = { instancePath: instancePath + "/stages/" + i1 + "/trace_speed", schemaPath: "#/properties/stages/items/properties/trace_speed/maximum", keyword: "maximum", params: { comparison: "<=", limit: 1000 }, message: "must be <= 1000" };
                                if (vErrors === null) {
                                    vErrors = [err66];
                                }
                                else {
                                    vErrors.push(err66);
                                }
                                errors++;
                            }
                            if (data24 <= 0 || isNaN(data24)) {
                                const err67 = { instancePath: instancePath + "/stages/" + i1 + "/trace_speed", schemaPath: "#/properties/stages/items/properties/trace_speed/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
                                if (vErrors === null) {
                                    vErrors = [err67];
                                }
                                else {
                                    vErrors.push(err67);
                                }
                                errors++;
                            }
                        }
                        else {
                            const err68 = { instancePath: instancePath + "/stages/" + i1 + "/trace_speed", schemaPath: "#/properties/stages/items/properties/trace_speed/type", keyword: "type", params: { type: "number" }, message: "must be number" };
                            if (vErrors === null) {
                                vErrors = [err68];
                            }
                            else {
                                vErrors.push(err68);
                            }
                            errors++;
                        }
                    }
                    if (data8.trace_block_tokens !== undefined) {
                        let data25 = data8.trace_block_tokens;
                        if (!(((typeof data25 == "number") && (!(data25 % 1) && !isNaN(data25))) && (isFinite(data25)))) {
                            const err69 = { instancePath: instancePath + "/stages/" + i1 + "/trace_block_tokens", schemaPath: "#/properties/stages/items/properties/trace_block_tokens/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
                            if (vErrors === null) {
                                vErrors = [err69];
                            }
                            else {
                                vErrors.push(err69);
                            }
                            errors++;
                        }
                        if ((typeof data25 == "number") && (isFinite(data25))) {
                            if (data25 > 1000000 || isNaN(data25)) {
                                const err70 = { instancePath: instancePath + "/stages/" + i1 + "/trace_block_tokens", schemaPath: "#/properties/stages/items/properties/trace_block_tokens/maximum", keyword: "maximum", params: { comparison: "<=", limit: 1000000 }, message: "must be <= 1000000" };
                                if (vErrors === null) {
                                    vErrors = [err70];
                                }
                                else {
                                    vErrors.push(err70);
                                }
                                errors++;
                            }
                            if (data25 < 1 || isNaN(data25)) {
                                const err71 = { instancePath: instancePath + "/stages/" + i1 + "/trace_block_tokens", schemaPath: "#/properties/stages/items/properties/trace_block_tokens/minimum", keyword: "minimum", params: { comparison: ">=", limit: 1 }, message: "must be >= 1" };
                                if (vErrors === null) {
                                    vErrors = [err71];
                                }
                                else {
                                    vErrors.push(err71);
                                }
                                errors++;
                            }
                        }
                    }
                    if (data8.shared_prefix !== undefined) {
                        let data26 = data8.shared_prefix;
                        if (data26 && typeof data26 == "object" && !Array.isArray(data26)) {
                            if (data26.groups === undefined) {
                                data26.groups = 1;
                            }
                            if (data26.tokens === undefined) {
                                const err72 = { instancePath: instancePath + "/stages/" + i1 + "/shared_prefix", schemaPath: "#/properties/stages/items/properties/shared_prefix/required", keyword: "required", params: { missingProperty: "tokens" }, message: "must have required property '" + "tokens" + "'" };
                                if (vErrors === null) {
                                    vErrors = [err72];
                                }
                                else {
                                    vErrors.push(err72);
                                }
                                errors++;
                            }
                            for (const key6 in data26) {
                                if (!((key6 === "tokens") || (key6 === "groups"))) {
                                    const err73 = { instancePath: instancePath + "/stages/" + i1 + "/shared_prefix", schemaPath: "#/properties/stages/items/properties/shared_prefix/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key6 }, message: "must NOT have additional properties" };
                                    if (vErrors === null) {
                                        vErrors = [err73];
                                    }
                                    else {
                                        vErrors.push(err73);
                                    }
                                    errors++;
                                }
                            }
                            if (data26.tokens !== undefined) {
                                let data27 = data26.tokens;
                                if (!(((typeof data27 == "number") && (!(data27 % 1) && !isNaN(data27))) && (isFinite(data27)))) {
                                    const err74 = { instancePath: instancePath + "/stages/" + i1 + "/shared_prefix/tokens", schemaPath: "#/properties/stages/items/properties/shared_prefix/properties/tokens/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
                                    if (vErrors === null) {
                                        vErrors = [err74];
                                    }
                                    else {
                                        vErrors.push(err74);
                                    }
                                    errors++;
                                }
                                if ((typeof data27 == "number") && (isFinite(data27))) {
                                    if (data27 > 10000000 || isNaN(data27)) {
                                        const err75 = { instancePath: instancePath + "/stages/" + i1 + "/shared_prefix/tokens", schemaPath: "#/properties/stages/items/properties/shared_prefix/properties/tokens/maximum", keyword: "maximum", params: { comparison: "<=", limit: 10000000 }, message: "must be <= 10000000" };
                                        if (vErrors === null) {
                                            vErrors = [err75];
                                        }
                                        else {
                                            vErrors.push(err75);
                                        }
                                        errors++;
                                    }
                                    if (data27 < 1 || isNaN(data27)) {
                                        const err76 = { instancePath: instancePath + "/stages/" + i1 + "/shared_prefix/tokens", schemaPath: "#/properties/stages/items/properties/shared_prefix/properties/tokens/minimum", keyword: "minimum", params: { comparison: ">=", limit: 1 }, message: "must be >= 1" };
                                        if (vErrors === null) {
                                            vErrors = [err76];
                                        }
                                        else {
                                            vErrors.push(err76);
                                        }
                                        errors++;
                                    }
                                }
                            }
                            let data28 = data26.groups;
                            if (!(((typeof data28 == "number") && (!(data28 % 1) && !isNaN(data28))) && (isFinite(data28)))) {
                                const err77 = { instancePath: instancePath + "/stages/" + i1 + "/shared_prefix/groups", schemaPath: "#/properties/stages/items/properties/shared_prefix/properties/groups/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
                                if (vErrors === null) {
                                    vErrors = [err77];
                                }
                                else {
                                    vErrors.push(err77);
                                }
                                errors++;
                            }
                            if ((typeof data28 == "number") && (isFinite(data28))) {
                                if (data28 > 1000000 || isNaN(data28)) {
                                    const err78 = { instancePath: instancePath + "/stages/" + i1 + "/shared_prefix/groups", schemaPath: "#/properties/stages/items/properties/shared_prefix/properties/groups/maximum", keyword: "maximum", params: { comparison: "<=", limit: 1000000 }, message: "must be <= 1000000" };
                                    if (vErrors === null) {
                                        vErrors = [err78];
                                    }
                                    else {
                                        vErrors.push(err78);
                                    }
                                    errors++;
                                }
                                if (data28 < 1 || isNaN(data28)) {
                                    const err79 = { instancePath: instancePath + "/stages/" + i1 + "/shared_prefix/groups", schemaPath: "#/properties/stages/items/properties/shared_prefix/properties/groups/minimum", keyword: "minimum", params: { comparison: ">=", limit: 1 }, message: "must be >= 1" };
                                    if (vErrors === null) {
                                        vErrors = [err79];
                                    }
                                    else {
                                        vErrors.push(err79);
                                    }
                                    errors++;
                                }
                            }
                        }
                        else {
                            const err80 = { instancePath: instancePath + "/stages/" + i1 + "/shared_prefix", schemaPath: "#/properties/stages/items/properties/shared_prefix/type", keyword: "type", params: { type: "object" }, message: "must be object" };
                            if (vErrors === null) {
                                vErrors = [err80];
                            }
                            else {
                                vErrors.push(err80);
                            }
                            errors++;
                        }
                    }
                    if (data8.search !== undefined) {
                        let data29 = data8.search;
                        if (data29 && typeof data29 == "object" && !Array.isArray(data29)) {
                            if (data29.tolerance === undefined) {
                                data29.tolerance = 0.05;
                            }
                            if (data29.max_probes === undefined) {
                                data29.max_probes = 12;
                            }
                            if (data29.max_failure_rate === undefined) {
                                data29.max_failure_rate = 0.01;
                            }
                            if (data29.metric === undefined) {
                                const err81 = { instancePath: instancePath + "/stages/" + i1 + "/search", schemaPath: "#/properties/stages/items/properties/search/required", keyword: "required", params: { missingProperty: "metric" }, message: "must have required property '" + "metric" + "'" };
                                if (vErrors === null) {
                                    vErrors = [err81];
                                }
                                else {
                                    vErrors.push(err81);
                                }
                                errors++;
                            }
                            for (const key7 in data29) {
                                if (!(func2.call(schema11.properties.stages.items.properties.search.properties, key7))) {
                                    const err82 = { instancePath: instancePath + "/stages/" + i1 + "/search", schemaPath: "#/properties/stages/items/properties/search/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key7 }, message: "must NOT have additional properties" };
                                    if (vErrors === null) {
                                        vErrors = [err82];
                                    }
                                    else {
                                        vErrors.push(err82);
                                    }
                                    errors++;
                                }
                            }
                            if (data29.metric !== undefined) {
                                let data30 = data29.metric;
                                if (typeof data30 === "string") {
                                    if (func3(data30) < 1) {
                                        const err83 = { instancePath: instancePath + "/stages/" + i1 + "/search/metric", schemaPath: "#/properties/stages/items/properties/search/properties/metric/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
                                        if (vErrors === null) {
                                            vErrors = [err83];
                                        }
                                        else {
                                            vErrors.push(err83);
                                        }
                                        errors++;
                                    }
                                }
                                else {
                                    const err84 = { instancePath: instancePath + "/stages/" + i1 + "/search/metric", schemaPath: "#/properties/stages/items/properties/search/properties/metric/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                                    if (vErrors === null) {
                                        vErrors = [err84];
                                    }
                                    else {
                                        vErrors.push(err84);
                                    }
                                    errors++;
                                }
                            }
                            if (data29.max !== undefined) {
                                let data31 = data29.max;
                                if ((typeof data31 == "number") && (isFinite(data31))) {
                                    if (data31 <= 0 || isNaN(data31)) {
                                        const err85 = { instancePath: instancePath + "/stages/" + i1 + "/search/max", schemaPath: "#/properties/stages/items/properties/search/properties/max/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
                                        if (vErrors === null) {
                                            vErrors = [err85];
                                        }
                                        else {
                                            vErrors.push(err85);
                                        }
                                        errors++;
                                    }
                                }
                                else {
                                    const err86 = { instancePath: instancePath + "/stages/" + i1 + "/search/max", schemaPath: "#/properties/stages/items/properties/search/properties/max/type", keyword: "type", params: { type: "number" }, message: "must be number" };
                                    if (vErrors === null) {
                                        vErrors = [err86];
                                    }
                                    else {
                                        vErrors.push(err86);
                                    }
                                    errors++;
                                }
                            }
                            if (data29.min !== undefined) {
                                let data32 = data29.min;
                                if ((typeof data32 == "number") && (isFinite(data32))) {
                                    if (data32 < 0 || isNaN(data32)) {
                                        const err87 = { instancePath: instancePath + "/stages/" + i1 + "/search/min", schemaPath: "#/properties/stages/items/properties/search/properties/min/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" };
                                        if (vErrors === null) {
                                            vErrors = [err87];
                                        }
                                        else {
                                            vErrors.push(err87);
                                        }
                                        errors++;
                                    }
                                }
                                else {
                                    const err88 = { instancePath: instancePath + "/stages/" + i1 + "/search/min", schemaPath: "#/properties/stages/items/properties/search/properties/min/type", keyword: "type", params: { type: "number" }, message: "must be number" };
                                    if (vErrors === null) {
                                        vErrors = [err88];
                                    }
                                    else {
                                        vErrors.push(err88);
                                    }
                                    errors++;
                                }
                            }
                            if (data29.rate !== undefined) {
                                let data33 = data29.rate;
                                if (data33 && typeof data33 == "object" && !Array.isArray(data33)) {
                                    if (data33.min === undefined) {
                                        const err89 = { instancePath: instancePath + "/stages/" + i1 + "/search/rate", schemaPath: "#/properties/stages/items/properties/search/properties/rate/required", keyword: "required", params: { missingProperty: "min" }, message: "must have required property '" + "min" + "'" };
                                        if (vErrors === null) {
                                            vErrors = [err89];
                                        }
                                        else {
                                            vErrors.push(err89);
                                        }
                                        errors++;
                                    }
                                    if (data33.max === undefined) {
                                        const err90 = { instancePath: instancePath + "/stages/" + i1 + "/search/rate", schemaPath: "#/properties/stages/items/properties/search/properties/rate/required", keyword: "required", params: { missingProperty: "max" }, message: "must have required property '" + "max" + "'" };
                                        if (vErrors === null) {
                                            vErrors = [err90];
                                        }
                                        else {
                                            vErrors.push(err90);
                                        }
                                        errors++;
                                    }
                                    for (const key8 in data33) {
                                        if (!((key8 === "min") || (key8 === "max"))) {
                                            const err91 = { instancePath: instancePath + "/stages/" + i1 + "/search/rate", schemaPath: "#/properties/stages/items/properties/search/properties/rate/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key8 }, message: "must NOT have additional properties" };
                                            if (vErrors === null) {
                                                vErrors = [err91];
                                            }
                                            else {
                                                vErrors.push(err91);
                                            }
                                            errors++;
                                        }
                                    }
                                    if (data33.min !== undefined) {
                                        let data34 = data33.min;
                                        if ((typeof data34 == "number") && (isFinite(data34))) {
                                            if (data34 > 100000 || isNaN(data34)) {
                                                const err92 = { instancePath: instancePath + "/stages/" + i1 + "/search/rate/min", schemaPath: "#/properties/stages/items/properties/search/properties/rate/properties/min/maximum", keyword: "maximum", params: { comparison: "<=", limit: 100000 }, message: "must be <= 100000" };
                                                if (vErrors === null) {
                                                    vErrors = [err92];
                                                }
                                                else {
                                                    vErrors.push(err92);
                                                }
                                                errors++;
                                            }
                                            if (data34 <= 0 || isNaN(data34)) {
                                                const err93 = { instancePath: instancePath + "/stages/" + i1 + "/search/rate/min", schemaPath: "#/properties/stages/items/properties/search/properties/rate/properties/min/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
                                                if (vErrors === null) {
                                                    vErrors = [err93];
                                                }
                                                else {
                                                    vErrors.push(err93);
                                                }
                                                errors++;
                                            }
                                        }
                                        else {
                                            const err94 = { instancePath: instancePath + "/stages/" + i1 + "/search/rate/min", schemaPath: "#/properties/stages/items/properties/search/properties/rate/properties/min/type", keyword: "type", params: { type: "number" }, message: "must be number" };
                                            if (vErrors === null) {
                                                vErrors = [err94];
                                            }
                                            else {
                                                vErrors.push(err94);
                                            }
                                            errors++;
                                        }
                                    }
                                    if (data33.max !== undefined) {
                                        let data35 = data33.max;
                                        if ((typeof data35 == "number") && (isFinite(data35))) {
                                            if (data35 > 100000 || isNaN(data35)) {
                                                const err95 = { instancePath: instancePath + "/stages/" + i1 + "/search/rate/max", schemaPath: "#/properties/stages/items/properties/search/properties/rate/properties/max/maximum", keyword: "maximum", params: { comparison: "<=", limit: 100000 }, message: "must be <= 100000" };
                                                if (vErrors === null) {
                                                    vErrors = [err95];
                                                }
                                                else {
                                                    vErrors.push(err95);
                                                }
                                                errors++;
                                            }
                                            if (data35 <= 0 || isNaN(data35)) {
                                                const err96 = { instancePath: instancePath + "/stages/" + i1 + "/search/rate/max", schemaPath: "#/properties/stages/items/properties/search/properties/rate/properties/max/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
                                                if (vErrors === null) {
                                                    vErrors = [err96];
                                                }
                                                else {
                                                    vErrors.push(err96);
                                                }
                                                errors++;
                                            }
                                        }
                                        else {
                                            const err97 = { instancePath: instancePath + "/stages/" + i1 + "/search/rate/max", schemaPath: "#/properties/stages/items/properties/search/properties/rate/properties/max/type", keyword: "type", params: { type: "number" }, message: "must be number" };
                                            if (vErrors === null) {
                                                vErrors = [err97];
                                            }
                                            else {
                                                vErrors.push(err97);
                                            }
                                            errors++;
                                        }
                                    }
                                }
                                else {
                                    const err98 = { instancePath: instancePath + "/stages/" + i1 + "/search/rate", schemaPath: "#/properties/stages/items/properties/search/properties/rate/type", keyword: "type", params: { type: "object" }, message: "must be object" };
                                    if (vErrors === null) {
                                        vErrors = [err98];
                                    }
                                    else {
                                        vErrors.push(err98);
                                    }
                                    errors++;
                                }
                            }
                            if (data29.concurrency !== undefined) {
                                let data36 = data29.concurrency;
                                if (data36 && typeof data36 == "object" && !Array.isArray(data36)) {
                                    if (data36.min === undefined) {
                                        const err99 = { instancePath: instancePath + "/stages/" + i1 + "/search/concurrency", schemaPath: "#/properties/stages/items/properties/search/properties/concurrency/required", keyword: "required", params: { missingProperty: "min" }, message: "must have required property '" + "min" + "'" };
                                        if (vErrors === null) {
                                            vErrors = [err99];
                                        }
                                        else {
                                            vErrors.push(err99);
                                        }
                                        errors++;
                                    }
                                    if (data36.max === undefined) {
                                        const err100 = { instancePath: instancePath + "/stages/" + i1 + "/search/concurrency", schemaPath: "#/properties/stages/items/properties/search/properties/concurrency/required", keyword: "required", params: { missingProperty: "max" }, message: "must have required property '" + "max" + "'" };
                                        if (vErrors === null) {
                                            vErrors = [err100];
                                        }
                                        else {
                                            vErrors.push(err100);
                                        }
                                        errors++;
                                    }
                                    for (const key9 in data36) {
                                        if (!((key9 === "min") || (key9 === "max"))) {
                                            const err101 = { instancePath: instancePath + "/stages/" + i1 + "/search/concurrency", schemaPath: "#/properties/stages/items/properties/search/properties/concurrency/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key9 }, message: "must NOT have additional properties" };
                                            if (vErrors === null) {
                                                vErrors = [err101];
                                            }
                                            else {
                                                vErrors.push(err101);
                                            }
                                            errors++;
                                        }
                                    }
                                    if (data36.min !== undefined) {
                                        let data37 = data36.min;
                                        if (!(((typeof data37 == "number") && (!(data37 % 1) && !isNaN(data37))) && (isFinite(data37)))) {
                                            const err102 = { instancePath: instancePath + "/stages/" + i1 + "/search/concurrency/min", schemaPath: "#/properties/stages/items/properties/search/properties/concurrency/properties/min/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
                                            if (vErrors === null) {
                                                vErrors = [err102];
                                            }
                                            else {
                                                vErrors.push(err102);
                                            }
                                            errors++;
                                        }
                                        if ((typeof data37 == "number") && (isFinite(data37))) {
                                            if (data37 > 100000 || isNaN(data37)) {
                                                const err103 = { instancePath: instancePath + "/stages/" + i1 + "/search/concurrency/min", schemaPath: "#/properties/stages/items/properties/search/properties/concurrency/properties/min/maximum", keyword: "maximum", params: { comparison: "<=", limit: 100000 }, message: "must be <= 100000" };
                                                if (vErrors === null) {
                                                    vErrors = [err103];
                                                }
                                                else {
                                                    vErrors.push(err103);
                                                }
                                                errors++;
                                            }
                                            if (data37 < 1 || isNaN(data37)) {
                                                const err104 = { instancePath: instancePath + "/stages/" + i1 + "/search/concurrency/min", schemaPath: "#/properties/stages/items/properties/search/properties/concurrency/properties/min/minimum", keyword: "minimum", params: { comparison: ">=", limit: 1 }, message: "must be >= 1" };
                                                if (vErrors === null) {
                                                    vErrors = [err104];
                                                }
                                                else {
                                                    vErrors.push(err104);
                                                }
                                                errors++;
                                            }
                                        }
                                    }
                                    if (data36.max !== undefined) {
                                        let data38 = data36.max;
                                        if (!(((typeof data38 == "number") && (!(data38 % 1) && !isNaN(data38))) && (isFinite(data38)))) {
                                            const err105 = { instancePath: instancePath + "/stages/" + i1 + "/search/concurrency/max", schemaPath: "#/properties/stages/items/properties/search/properties/concurrency/properties/max/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
                                            if (vErrors === null) {
                                                vErrors = [err105];
                                            }
                                            else {
                                                vErrors.push(err105);
                                            }
                                            errors++;
                                        }
                                        if ((typeof data38 == "number") && (isFinite(data38))) {
                                            if (data38 > 100000 || isNaN(data38)) {
                                                const err106 = { instancePath: instancePath + "/stages/" + i1 + "/search/concurrency/max", schemaPath: "#/properties/stages/items/properties/search/properties/concurrency/properties/max/maximum", keyword: "maximum", params: { comparison: "<=", limit: 100000 }, message: "must be <= 100000" };
                                                if (vErrors === null) {
                                                    vErrors = [err106];
                                                }
                                                else {
                                                    vErrors.push(err106);
                                                }
                                                errors++;
                                            }
                                            if (data38 < 1 || isNaN(data38)) {
                                                const err107 = { instancePath: instancePath + "/stages/" + i1 + "/search/concurrency/max", schemaPath: "#/properties/stages/items/properties/search/properties/concurrency/properties/max/minimum", keyword: "minimum", params: { comparison: ">=", limit: 1 }, message: "must be >= 1" };
                                                if (vErrors === null) {
                                                    vErrors = [err107];
                                                }
                                                else {
                                                    vErrors.push(err107);
                                                }
                                                errors++;
                                            }
                                        }
                                    }
                                }
                                else {
                                    const err108 = { instancePath: instancePath + "/stages/" + i1 + "/search/concurrency", schemaPath: "#/properties/stages/items/properties/search/properties/concurrency/type", keyword: "type", params: { type: "object" }, message: "must be object" };
                                    if (vErrors === null) {
                                        vErrors = [err108];
                                    }
                                    else {
                                        vErrors.push(err108);
                                    }
                                    errors++;
                                }
                            }
                            if (data29.probe_requests !== undefined) {
                                let data39 = data29.probe_requests;
                                if (!(((typeof data39 == "number") && (!(data39 % 1) && !isNaN(data39))) && (isFinite(data39)))) {
                                    const err109 = { instancePath: instancePath + "/stages/" + i1 + "/search/probe_requests", schemaPath: "#/properties/stages/items/properties/search/properties/probe_requests/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
                                    if (vErrors === null) {
                                        vErrors = [err109];
                                    }
                                    else {
                                        vErrors.push(err109);
                                    }
                                    errors++;
                                }
                                if ((typeof data39 == "number") && (isFinite(data39))) {
                                    if (data39 > 10000000 || isNaN(data39)) {
                                        const err110 = { instancePath: instancePath + "/stages/" + i1 + "/search/probe_requests", schemaPath: "#/properties/stages/items/properties/search/properties/probe_requests/maximum", keyword: "maximum", params: { comparison: "<=", limit: 10000000 }, message: "must be <= 10000000" };
                                        if (vErrors === null) {
                                            vErrors = [err110];
                                        }
                                        else {
                                            vErrors.push(err110);
                                        }
                                        errors++;
                                    }
                                    if (data39 < 1 || isNaN(data39)) {
                                        const err111 = { instancePath: instancePath + "/stages/" + i1 + "/search/probe_requests", schemaPath: "#/properties/stages/items/properties/search/properties/probe_requests/minimum", keyword: "minimum", params: { comparison: ">=", limit: 1 }, message: "must be >= 1" };
                                        if (vErrors === null) {
                                            vErrors = [err111];
                                        }
                                        else {
                                            vErrors.push(err111);
                                        }
                                        errors++;
                                    }
                                }
                            }
                            let data40 = data29.tolerance;
                            if ((typeof data40 == "number") && (isFinite(data40))) {
                                if (data40 > 1 || isNaN(data40)) {
                                    const err112 = { instancePath: instancePath + "/stages/" + i1 + "/search/tolerance", schemaPath: "#/properties/stages/items/properties/search/properties/tolerance/maximum", keyword: "maximum", params: { comparison: "<=", limit: 1 }, message: "must be <= 1" };
                                    if (vErrors === null) {
                                        vErrors = [err112];
                                    }
                                    else {
                                        vErrors.push(err112);
                                    }
                                    errors++;
                                }
                                if (data40 <= 0 || isNaN(data40)) {
                                    const err113 = { instancePath: instancePath + "/stages/" + i1 + "/search/tolerance", schemaPath: "#/properties/stages/items/properties/search/properties/tolerance/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
                                    if (vErrors === null) {
                                        vErrors = [err113];
                                    }
                                    else {
                                        vErrors.push(err113);
                                    }
                                    errors++;
                                }
                            }
                            else {
                                const err114 = { instancePath: instancePath + "/stages/" + i1 + "/search/tolerance", schemaPath: "#/properties/stages/items/properties/search/properties/tolerance/type", keyword: "type", params: { type: "number" }, message: "must be number" };
                                if (vErrors === null) {
                                    vErrors = [err114];
                                }
                                else {
                                    vErrors.push(err114);
                                }
                                errors++;
                            }
                            let data41 = data29.max_probes;
                            if (!(((typeof data41 == "number") && (!(data41 % 1) && !isNaN(data41))) && (isFinite(data41)))) {
                                const err115 = { instancePath: instancePath + "/stages/" + i1 + "/search/max_probes", schemaPath: "#/properties/stages/items/properties/search/properties/max_probes/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
                                if (vErrors === null) {
                                    vErrors = [err115];
                                }
                                else {
                                    vErrors.push(err115);
                                }
                                errors++;
                            }
                            if ((typeof data41 == "number") && (isFinite(data41))) {
                                if (data41 > 100 || isNaN(data41)) {
                                    const err116 = { instancePath: instancePath + "/stages/" + i1 + "/search/max_probes", schemaPath: "#/properties/stages/items/properties/search/properties/max_probes/maximum", keyword: "maximum", params: { comparison: "<=", limit: 100 }, message: "must be <= 100" };
                                    if (vErrors === null) {
                                        vErrors = [err116];
                                    }
                                    else {
                                        vErrors.push(err116);
                                    }
                                    errors++;
                                }
                                if (data41 < 2 || isNaN(data41)) {
                                    const err117 = { instancePath: instancePath + "/stages/" + i1 + "/search/max_probes", schemaPath: "#/properties/stages/items/properties/search/properties/max_probes/minimum", keyword: "minimum", params: { comparison: ">=", limit: 2 }, message: "must be >= 2" };
                                    if (vErrors === null) {
                                        vErrors = [err117];
                                    }
                                    else {
                                        vErrors.push(err117);
                                    }
                                    errors++;
                                }
                            }
                            let data42 = data29.max_failure_rate;
                            if ((typeof data42 == "number") && (isFinite(data42))) {
                                if (data42 > 1 || isNaN(data42)) {
                                    const err118 = { instancePath: instancePath + "/stages/" + i1 + "/search/max_failure_rate", schemaPath: "#/properties/stages/items/properties/search/properties/max_failure_rate/maximum", keyword: "maximum", params: { comparison: "<=", limit: 1 }, message: "must be <= 1" };
                                    if (vErrors === null) {
                                        vErrors = [err118];
                                    }
                                    else {
                                        vErrors.push(err118);
                                    }
                                    errors++;
                                }
                                if (data42 < 0 || isNaN(data42)) {
                                    const err119 = { instancePath: instancePath + "/stages/" + i1 + "/search/max_failure_rate", schemaPath: "#/properties/stages/items/properties/search/properties/max_failure_rate/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" };
                                    if (vErrors === null) {
                                        vErrors = [err119];
                                    }
                                    else {
                                        vErrors.push(err119);
                                    }
                                    errors++;
                                }
                            }
                            else {
                                const err120 = { instancePath: instancePath + "/stages/" + i1 + "/search/max_failure_rate", schemaPath: "#/properties/stages/items/properties/search/properties/max_failure_rate/type", keyword: "type", params: { type: "number" }, message: "must be number" };
                                if (vErrors === null) {
                                    vErrors = [err120];
                                }
                                else {
                                    vErrors.push(err120);
                                }
                                errors++;
                            }
                        }
                        else {
                            const err121 = { instancePath: instancePath + "/stages/" + i1 + "/search", schemaPath: "#/properties/stages/items/properties/search/type", keyword: "type", params: { type: "object" }, message: "must be object" };
                            if (vErrors === null) {
                                vErrors = [err121];
                            }
                            else {
                                vErrors.push(err121);
                            }
                            errors++;
                        }
                    }
                }
                else {
                    const err122 = { instancePath: instancePath + "/stages/" + i1, schemaPath: "#/properties/stages/items/type", keyword: "type", params: { type: "object" }, message: "must be object" };
                    if (vErrors === null) {
                        vErrors = [err122];
                    }
                    else {
                        vErrors.push(err122);
                    }
                    errors++;
                }
            }
        }
        else {
            const err123 = { instancePath: instancePath + "/stages", schemaPath: "#/properties/stages/type", keyword: "type", params: { type: "array" }, message: "must be array" };
            if (vErrors === null) {
                vErrors = [err123];
            }
            else {
                vErrors.push(err123);
            }
            errors++;
        }
    }
    let data43 = data.seed;
    if (!(((typeof data43 == "number") && (!(data43 % 1) && !isNaN(data43))) && (isFinite(data43)))) {
        const err124 = { instancePath: instancePath + "/seed", schemaPath: "#/properties/seed/type", keyword: "type", params: { type: "integer" }, message: "must be integer" };
        if (vErrors === null) {
            vErrors = [err124];
        }
        else {
            vErrors.push(err124);
        }
        errors++;
    }
    if ((typeof data43 == "number") && (isFinite(data43))) {
        if (data43 > 9007199254740991 || isNaN(data43)) {
            const err125 = { instancePath: instancePath + "/seed", schemaPath: "#/properties/seed/maximum", keyword: "maximum", params: { comparison: "<=", limit: 9007199254740991 }, message: "must be <= 9007199254740991" };
            if (vErrors === null) {
                vErrors = [err125];
            }
            else {
                vErrors.push(err125);
            }
            errors++;
        }
        if (data43 < 0 || isNaN(data43)) {
            const err126 = { instancePath: instancePath + "/seed", schemaPath: "#/properties/seed/minimum", keyword: "minimum", params: { comparison: ">=", limit: 0 }, message: "must be >= 0" };
            if (vErrors === null) {
                vErrors = [err126];
            }
            else {
                vErrors.push(err126);
            }
            errors++;
        }
    }
    let data44 = data.sharding;
    if (typeof data44 !== "string") {
        const err127 = { instancePath: instancePath + "/sharding", schemaPath: "#/properties/sharding/type", keyword: "type", params: { type: "string" }, message: "must be string" };
        if (vErrors === null) {
            vErrors = [err127];
        }
        else {
            vErrors.push(err127);
        }
        errors++;
    }
    if (!((data44 === "Pipeline") || (data44 === "Tensor"))) {
        const err128 = { instancePath: instancePath + "/sharding", schemaPath: "#/properties/sharding/enum", keyword: "enum", params: { allowedValues: schema11.properties.sharding.enum }, message: "must be equal to one of the allowed values" };
        if (vErrors === null) {
            vErrors = [err128];
        }
        else {
            vErrors.push(err128);
        }
        errors++;
    }
    let data45 = data.instance_meta;
    if (typeof data45 !== "string") {
        const err129 = { instancePath: instancePath + "/instance_meta", schemaPath: "#/properties/instance_meta/type", keyword: "type", params: { type: "string" }, message: "must be string" };
        if (vErrors === null) {
            vErrors = [err129];
        }
        else {
            vErrors.push(err129);
        }
        errors++;
    }
    if (!(((data45 === "MlxRing") || (data45 === "MlxJaccl")) || (data45 === "MlxIbv"))) {
        const err130 = { instancePath: instancePath + "/instance_meta", schemaPath: "#/properties/instance_meta/enum", keyword: "enum", params: { allowedValues: schema11.properties.instance_meta.enum }, message: "must be equal to one of the allowed values" };
        if (vErrors === null) {
            vErrors = [err130];
        }
        else {
            vErrors.push(err130);
        }
        errors++;
    }
    if (typeof data.no_overlap !== "boolean") {
        const err131 = { instancePath: instancePath + "/no_overlap", schemaPath: "#/properties/no_overlap/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean" };
        if (vErrors === null) {
            vErrors = [err131];
        }
        else {
            vErrors.push(err131);
        }
        errors++;
    }
    let data47 = data.endpoint;
    if (typeof data47 !== "string") {
        const err132 = { instancePath: instancePath + "/endpoint", schemaPath: "#/properties/endpoint/type", keyword: "type", params: { type: "string" }, message: "must be string" };
        if (vErrors === null) {
            vErrors = [err132];
        }
        else {
            vErrors.push(err132);
        }
        errors++;
    }
    if (!((data47 === "chat") || (data47 === "bench"))) {
        const err133 = { instancePath: instancePath + "/endpoint", schemaPath: "#/properties/endpoint/enum", keyword: "enum", params: { allowedValues: schema11.properties.endpoint.enum }, message: "must be equal to one of the allowed values" };
        if (vErrors === null) {
            vErrors = [err133];
        }
        else {
            vErrors.push(err133);
        }
        errors++;
    }
    if (typeof data.unique_prompts !== "boolean") {
        const err134 = { instancePath: instancePath + "/unique_prompts", schemaPath: "#/properties/unique_prompts/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean" };
        if (vErrors === null) {
            vErrors = [err134];
        }
        else {
            vErrors.push(err134);
        }
        errors++;
    }
    if (data.target !== undefined) {
        let data49 = data.target;
        if (data49 && typeof data49 == "object" && !Array.isArray(data49)) {
            if (data49.kind === undefined) {
                data49.kind = "exo";
            }
            if (data49.force_output_length === undefined) {
                data49.force_output_length = "none";
            }
            for (const key10 in data49) {
                if (!(((((key10 === "kind") || (key10 === "base_url")) || (key10 === "model")) || (key10 === "api_key_env")) || (key10 === "force_output_length"))) {
                    const err135 = { instancePath: instancePath + "/target", schemaPath: "#/properties/target/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: key10 }, message: "must NOT have additional properties" };
                    if (vErrors === null) {
                        vErrors = [err135];
                    }
                    else {
                        vErrors.push(err135);
                    }
                    errors++;
                }
            }
            let data50 = data49.kind;
            if (typeof data50 !== "string") {
                const err136 = { instancePath: instancePath + "/target/kind", schemaPath: "#/properties/target/properties/kind/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                if (vErrors === null) {
                    vErrors = [err136];
                }
                else {
                    vErrors.push(err136);
                }
                errors++;
            }
            if (!((data50 === "exo") || (data50 === "openai"))) {
                const err137 = { instancePath: instancePath + "/target/kind", schemaPath: "#/properties/target/properties/kind/enum", keyword: "enum", params: { allowedValues: schema11.properties.target.properties.kind.enum }, message: "must be equal to one of the allowed values" };
                if (vErrors === null) {
                    vErrors = [err137];
                }
                else {
                    vErrors.push(err137);
                }
                errors++;
            }
            if (data49.base_url !== undefined) {
                let data51 = data49.base_url;
                if (typeof data51 === "string") {
                    if (!pattern6.test(data51)) {
                        const err138 = { instancePath: instancePath + "/target/base_url", schemaPath: "#/properties/target/properties/base_url/pattern", keyword: "pattern", params: { pattern: "^https?://[^\\s/?#]+[^\\s]*$" }, message: "must match pattern \"" + "^https?://[^\\s/?#]+[^\\s]*$" + "\"" };
                        if (vErrors === null) {
                            vErrors = [err138];
                        }
                        else {
                            vErrors.push(err138);
                        }
                        errors++;
                    }
                }
                else {
                    const err139 = { instancePath: instancePath + "/target/base_url", schemaPath: "#/properties/target/properties/base_url/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                    if (vErrors === null) {
                        vErrors = [err139];
                    }
                    else {
                        vErrors.push(err139);
                    }
                    errors++;
                }
            }
            if (data49.model !== undefined) {
                let data52 = data49.model;
                if (typeof data52 === "string") {
                    if (func3(data52) < 1) {
                        const err140 = { instancePath: instancePath + "/target/model", schemaPath: "#/properties/target/properties/model/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
                        if (vErrors === null) {
                            vErrors = [err140];
                        }
                        else {
                            vErrors.push(err140);
                        }
                        errors++;
                    }
                    if (!pattern2.test(data52)) {
                        const err141 = { instancePath: instancePath + "/target/model", schemaPath: "#/properties/target/properties/model/pattern", keyword: "pattern", params: { pattern: "\\S" }, message: "must match pattern \"" + "\\S" + "\"" };
                        if (vErrors === null) {
                            vErrors = [err141];
                        }
                        else {
                            vErrors.push(err141);
                        }
                        errors++;
                    }
                }
                else {
                    const err142 = { instancePath: instancePath + "/target/model", schemaPath: "#/properties/target/properties/model/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                    if (vErrors === null) {
                        vErrors = [err142];
                    }
                    else {
                        vErrors.push(err142);
                    }
                    errors++;
                }
            }
            if (data49.api_key_env !== undefined) {
                let data53 = data49.api_key_env;
                if (typeof data53 === "string") {
                    if (!pattern1.test(data53)) {
                        const err143 = { instancePath: instancePath + "/target/api_key_env", schemaPath: "#/properties/target/properties/api_key_env/pattern", keyword: "pattern", params: { pattern: "^[A-Za-z_][A-Za-z0-9_]*$" }, message: "must match pattern \"" + "^[A-Za-z_][A-Za-z0-9_]*$" + "\"" };
                        if (vErrors === null) {
                            vErrors = [err143];
                        }
                        else {
                            vErrors.push(err143);
                        }
                        errors++;
                    }
                }
                else {
                    const err144 = { instancePath: instancePath + "/target/api_key_env", schemaPath: "#/properties/target/properties/api_key_env/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                    if (vErrors === null) {
                        vErrors = [err144];
                    }
                    else {
                        vErrors.push(err144);
                    }
                    errors++;
                }
            }
            let data54 = data49.force_output_length;
            if (typeof data54 !== "string") {
                const err145 = { instancePath: instancePath + "/target/force_output_length", schemaPath: "#/properties/target/properties/force_output_length/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                if (vErrors === null) {
                    vErrors = [err145];
                }
                else {
                    vErrors.push(err145);
                }
                errors++;
            }
            if (!(((data54 === "none") || (data54 === "ignore_eos")) || (data54 === "min_tokens"))) {
                const err146 = { instancePath: instancePath + "/target/force_output_length", schemaPath: "#/properties/target/properties/force_output_length/enum", keyword: "enum", params: { allowedValues: schema11.properties.target.properties.force_output_length.enum }, message: "must be equal to one of the allowed values" };
                if (vErrors === null) {
                    vErrors = [err146];
                }
                else {
                    vErrors.push(err146);
                }
                errors++;
            }
        }
        else {
            const err147 = { instancePath: instancePath + "/target", schemaPath: "#/properties/target/type", keyword: "type", params: { type: "object" }, message: "must be object" };
            if (vErrors === null) {
                vErrors = [err147];
            }
            else {
                vErrors.push(err147);
            }
            errors++;
        }
    }
    if (typeof data.calibrate_prompts !== "boolean") {
        const err148 = { instancePath: instancePath + "/calibrate_prompts", schemaPath: "#/properties/calibrate_prompts/type", keyword: "type", params: { type: "boolean" }, message: "must be boolean" };
        if (vErrors === null) {
            vErrors = [err148];
        }
        else {
            vErrors.push(err148);
        }
        errors++;
    }
    let data56 = data.request_timeout_seconds;
    if ((typeof data56 == "number") && (isFinite(data56))) {
        if (data56 > 604800 || isNaN(data56)) {
            const err149 = { instancePath: instancePath + "/request_timeout_seconds", schemaPath: "#/properties/request_timeout_seconds/maximum", keyword: "maximum", params: { comparison: "<=", limit: 604800 }, message: "must be <= 604800" };
            if (vErrors === null) {
                vErrors = [err149];
            }
            else {
                vErrors.push(err149);
            }
            errors++;
        }
        if (data56 <= 0 || isNaN(data56)) {
            const err150 = { instancePath: instancePath + "/request_timeout_seconds", schemaPath: "#/properties/request_timeout_seconds/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
            if (vErrors === null) {
                vErrors = [err150];
            }
            else {
                vErrors.push(err150);
            }
            errors++;
        }
    }
    else {
        const err151 = { instancePath: instancePath + "/request_timeout_seconds", schemaPath: "#/properties/request_timeout_seconds/type", keyword: "type", params: { type: "number" }, message: "must be number" };
        if (vErrors === null) {
            vErrors = [err151];
        }
        else {
            vErrors.push(err151);
        }
        errors++;
    }
    let data57 = data.stream_idle_timeout_seconds;
    if ((typeof data57 == "number") && (isFinite(data57))) {
        if (data57 > 604800 || isNaN(data57)) {
            const err152 = { instancePath: instancePath + "/stream_idle_timeout_seconds", schemaPath: "#/properties/stream_idle_timeout_seconds/maximum", keyword: "maximum", params: { comparison: "<=", limit: 604800 }, message: "must be <= 604800" };
            if (vErrors === null) {
                vErrors = [err152];
            }
            else {
                vErrors.push(err152);
            }
            errors++;
        }
        if (data57 <= 0 || isNaN(data57)) {
            const err153 = { instancePath: instancePath + "/stream_idle_timeout_seconds", schemaPath: "#/properties/stream_idle_timeout_seconds/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
            if (vErrors === null) {
                vErrors = [err153];
            }
            else {
                vErrors.push(err153);
            }
            errors++;
        }
    }
    else {
        const err154 = { instancePath: instancePath + "/stream_idle_timeout_seconds", schemaPath: "#/properties/stream_idle_timeout_seconds/type", keyword: "type", params: { type: "number" }, message: "must be number" };
        if (vErrors === null) {
            vErrors = [err154];
        }
        else {
            vErrors.push(err154);
        }
        errors++;
    }
    let data58 = data.max_dispatch_lag_p99_ms;
    if ((typeof data58 == "number") && (isFinite(data58))) {
        if (data58 > 3600000 || isNaN(data58)) {
            const err155 = { instancePath: instancePath + "/max_dispatch_lag_p99_ms", schemaPath: "#/properties/max_dispatch_lag_p99_ms/maximum", keyword: "maximum", params: { comparison: "<=", limit: 3600000 }, message: "must be <= 3600000" };
            if (vErrors === null) {
                vErrors = [err155];
            }
            else {
                vErrors.push(err155);
            }
            errors++;
        }
        if (data58 <= 0 || isNaN(data58)) {
            const err156 = { instancePath: instancePath + "/max_dispatch_lag_p99_ms", schemaPath: "#/properties/max_dispatch_lag_p99_ms/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
            if (vErrors === null) {
                vErrors = [err156];
            }
            else {
                vErrors.push(err156);
            }
            errors++;
        }
    }
    else {
        const err157 = { instancePath: instancePath + "/max_dispatch_lag_p99_ms", schemaPath: "#/properties/max_dispatch_lag_p99_ms/type", keyword: "type", params: { type: "number" }, message: "must be number" };
        if (vErrors === null) {
            vErrors = [err157];
        }
        else {
            vErrors.push(err157);
        }
        errors++;
    }
    let data59 = data.load_from;
    if (typeof data59 !== "string") {
        const err158 = { instancePath: instancePath + "/load_from", schemaPath: "#/properties/load_from/type", keyword: "type", params: { type: "string" }, message: "must be string" };
        if (vErrors === null) {
            vErrors = [err158];
        }
        else {
            vErrors.push(err158);
        }
        errors++;
    }
    if (!((data59 === "primary") || (data59 === "all_nodes"))) {
        const err159 = { instancePath: instancePath + "/load_from", schemaPath: "#/properties/load_from/enum", keyword: "enum", params: { allowedValues: schema11.properties.load_from.enum }, message: "must be equal to one of the allowed values" };
        if (vErrors === null) {
            vErrors = [err159];
        }
        else {
            vErrors.push(err159);
        }
        errors++;
    }
    let data60 = data.clock_skew_tolerance_ms;
    if ((typeof data60 == "number") && (isFinite(data60))) {
        if (data60 > 60000 || isNaN(data60)) {
            const err160 = { instancePath: instancePath + "/clock_skew_tolerance_ms", schemaPath: "#/properties/clock_skew_tolerance_ms/maximum", keyword: "maximum", params: { comparison: "<=", limit: 60000 }, message: "must be <= 60000" };
            if (vErrors === null) {
                vErrors = [err160];
            }
            else {
                vErrors.push(err160);
            }
            errors++;
        }
        if (data60 <= 0 || isNaN(data60)) {
            const err161 = { instancePath: instancePath + "/clock_skew_tolerance_ms", schemaPath: "#/properties/clock_skew_tolerance_ms/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
            if (vErrors === null) {
                vErrors = [err161];
            }
            else {
                vErrors.push(err161);
            }
            errors++;
        }
    }
    else {
        const err162 = { instancePath: instancePath + "/clock_skew_tolerance_ms", schemaPath: "#/properties/clock_skew_tolerance_ms/type", keyword: "type", params: { type: "number" }, message: "must be number" };
        if (vErrors === null) {
            vErrors = [err162];
        }
        else {
            vErrors.push(err162);
        }
        errors++;
    }
    let data61 = data.all_nodes_start_delay_seconds;
    if ((typeof data61 == "number") && (isFinite(data61))) {
        if (data61 > 604800 || isNaN(data61)) {
            const err163 = { instancePath: instancePath + "/all_nodes_start_delay_seconds", schemaPath: "#/properties/all_nodes_start_delay_seconds/maximum", keyword: "maximum", params: { comparison: "<=", limit: 604800 }, message: "must be <= 604800" };
            if (vErrors === null) {
                vErrors = [err163];
            }
            else {
                vErrors.push(err163);
            }
            errors++;
        }
        if (data61 <= 0 || isNaN(data61)) {
            const err164 = { instancePath: instancePath + "/all_nodes_start_delay_seconds", schemaPath: "#/properties/all_nodes_start_delay_seconds/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
            if (vErrors === null) {
                vErrors = [err164];
            }
            else {
                vErrors.push(err164);
            }
            errors++;
        }
    }
    else {
        const err165 = { instancePath: instancePath + "/all_nodes_start_delay_seconds", schemaPath: "#/properties/all_nodes_start_delay_seconds/type", keyword: "type", params: { type: "number" }, message: "must be number" };
        if (vErrors === null) {
            vErrors = [err165];
        }
        else {
            vErrors.push(err165);
        }
        errors++;
    }
    if (data.all_nodes_drain_seconds !== undefined) {
        let data62 = data.all_nodes_drain_seconds;
        if ((typeof data62 == "number") && (isFinite(data62))) {
            if (data62 > 604800 || isNaN(data62)) {
                const err166 = { instancePath: instancePath + "/all_nodes_drain_seconds", schemaPath: "#/properties/all_nodes_drain_seconds/maximum", keyword: "maximum", params: { comparison: "<=", limit: 604800 }, message: "must be <= 604800" };
                if (vErrors === null) {
                    vErrors = [err166];
                }
                else {
                    vErrors.push(err166);
                }
                errors++;
            }
            if (data62 <= 0 || isNaN(data62)) {
                const err167 = { instancePath: instancePath + "/all_nodes_drain_seconds", schemaPath: "#/properties/all_nodes_drain_seconds/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
                if (vErrors === null) {
                    vErrors = [err167];
                }
                else {
                    vErrors.push(err167);
                }
                errors++;
            }
        }
        else {
            const err168 = { instancePath: instancePath + "/all_nodes_drain_seconds", schemaPath: "#/properties/all_nodes_drain_seconds/type", keyword: "type", params: { type: "number" }, message: "must be number" };
            if (vErrors === null) {
                vErrors = [err168];
            }
            else {
                vErrors.push(err168);
            }
            errors++;
        }
    }
    let data63 = data.snapshot_interval_seconds;
    if ((typeof data63 == "number") && (isFinite(data63))) {
        if (data63 > 86400 || isNaN(data63)) {
            const err169 = { instancePath: instancePath + "/snapshot_interval_seconds", schemaPath: "#/properties/snapshot_interval_seconds/maximum", keyword: "maximum", params: { comparison: "<=", limit: 86400 }, message: "must be <= 86400" };
            if (vErrors === null) {
                vErrors = [err169];
            }
            else {
                vErrors.push(err169);
            }
            errors++;
        }
        if (data63 <= 0 || isNaN(data63)) {
            const err170 = { instancePath: instancePath + "/snapshot_interval_seconds", schemaPath: "#/properties/snapshot_interval_seconds/exclusiveMinimum", keyword: "exclusiveMinimum", params: { comparison: ">", limit: 0 }, message: "must be > 0" };
            if (vErrors === null) {
                vErrors = [err170];
            }
            else {
                vErrors.push(err170);
            }
            errors++;
        }
    }
    else {
        const err171 = { instancePath: instancePath + "/snapshot_interval_seconds", schemaPath: "#/properties/snapshot_interval_seconds/type", keyword: "type", params: { type: "number" }, message: "must be number" };
        if (vErrors === null) {
            vErrors = [err171];
        }
        else {
            vErrors.push(err171);
        }
        errors++;
    }
    if (data.thresholds !== undefined) {
        let data64 = data.thresholds;
        if (Array.isArray(data64)) {
            const len3 = data64.length;
            for (let i3 = 0; i3 < len3; i3++) {
                let data65 = data64[i3];
                if (typeof data65 === "string") {
                    if (func3(data65) < 1) {
                        const err172 = { instancePath: instancePath + "/thresholds/" + i3, schemaPath: "#/properties/thresholds/items/minLength", keyword: "minLength", params: { limit: 1 }, message: "must NOT have fewer than 1 characters" };
                        if (vErrors === null) {
                            vErrors = [err172];
                        }
                        else {
                            vErrors.push(err172);
                        }
                        errors++;
                    }
                    if (!pattern2.test(data65)) {
                        const err173 = { instancePath: instancePath + "/thresholds/" + i3, schemaPath: "#/properties/thresholds/items/pattern", keyword: "pattern", params: { pattern: "\\S" }, message: "must match pattern \"" + "\\S" + "\"" };
                        if (vErrors === null) {
                            vErrors = [err173];
                        }
                        else {
                            vErrors.push(err173);
                        }
                        errors++;
                    }
                }
                else {
                    const err174 = { instancePath: instancePath + "/thresholds/" + i3, schemaPath: "#/properties/thresholds/items/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                    if (vErrors === null) {
                        vErrors = [err174];
                    }
                    else {
                        vErrors.push(err174);
                    }
                    errors++;
                }
            }
        }
        else {
            const err175 = { instancePath: instancePath + "/thresholds", schemaPath: "#/properties/thresholds/type", keyword: "type", params: { type: "array" }, message: "must be array" };
            if (vErrors === null) {
                vErrors = [err175];
            }
            else {
                vErrors.push(err175);
            }
            errors++;
        }
    }
    if (data.regression !== undefined) {
        let data66 = data.regression;
        if (data66 && typeof data66 == "object" && !Array.isArray(data66)) {
            for (const key11 in data66) {
                const _errs148 = errors;
                if (typeof key11 !== "string") {
                    const err176 = { instancePath: instancePath + "/regression", schemaPath: "#/properties/regression/propertyNames/type", keyword: "type", params: { type: "string" }, message: "must be string", propertyName: key11 };
                    if (vErrors === null) {
                        vErrors = [err176];
                    }
                    else {
                        vErrors.push(err176);
                    }
                    errors++;
                }
                var valid19 = _errs148 === errors;
                if (!valid19) {
                    const err177 = { instancePath: instancePath + "/regression", schemaPath: "#/properties/regression/propertyNames", keyword: "propertyNames", params: { propertyName: key11 }, message: "property name must be valid" };
                    if (vErrors === null) {
                        vErrors = [err177];
                    }
                    else {
                        vErrors.push(err177);
                    }
                    errors++;
                }
            }
            for (const key12 in data66) {
                let data67 = data66[key12];
                if (typeof data67 === "string") {
                    if (!pattern10.test(data67)) {
                        const err178 = { instancePath: instancePath + "/regression/" + key12.replace(/~/g, "~0").replace(/\//g, "~1"), schemaPath: "#/properties/regression/additionalProperties/pattern", keyword: "pattern", params: { pattern: "^\\s*(\\d+(\\.\\d+)?)\\s*%\\s*$" }, message: "must match pattern \"" + "^\\s*(\\d+(\\.\\d+)?)\\s*%\\s*$" + "\"" };
                        if (vErrors === null) {
                            vErrors = [err178];
                        }
                        else {
                            vErrors.push(err178);
                        }
                        errors++;
                    }
                }
                else {
                    const err179 = { instancePath: instancePath + "/regression/" + key12.replace(/~/g, "~0").replace(/\//g, "~1"), schemaPath: "#/properties/regression/additionalProperties/type", keyword: "type", params: { type: "string" }, message: "must be string" };
                    if (vErrors === null) {
                        vErrors = [err179];
                    }
                    else {
                        vErrors.push(err179);
                    }
                    errors++;
                }
            }
        }
        else {
            const err180 = { instancePath: instancePath + "/regression", schemaPath: "#/properties/regression/type", keyword: "type", params: { type: "object" }, message: "must be object" };
            if (vErrors === null) {
                vErrors = [err180];
            }
            else {
                vErrors.push(err180);
            }
            errors++;
        }
    }
}
else {
    const err181 = { instancePath, schemaPath: "#/type", keyword: "type", params: { type: "object" }, message: "must be object" };
    if (vErrors === null) {
        vErrors = [err181];
    }
    else {
        vErrors.push(err181);
    }
    errors++;
} validate10.errors = vErrors; return errors === 0; }

// EXTERNAL MODULE: ./src/config/target.ts
var config_target = __webpack_require__(35165);
// EXTERNAL MODULE: ./src/metrics/catalog.ts
var catalog = __webpack_require__(77414);
;// CONCATENATED MODULE: ./src/config/thresholds.ts
/**
 * Threshold expressions as a config writes them: `<metric> <comparator> <number>`, e.g.
 * `ttft_p95_ms <= 800`. Parsed when the config is validated (errors carry the config position) and again
 * when judged (src/verdict/thresholds.ts); the metric names come from the one table, src/metrics/catalog.ts.
 */


const EXPRESSION = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|!=|<|>|=)?\s*(.*?)\s*$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const FORM = 'write "<metric> <comparator> <number>", e.g. "ttft_p95_ms <= 800"';
/** Parses one threshold; returns the reason in the user's terms when it cannot. */
function parseThreshold(text, scope) {
    const match = EXPRESSION.exec(text);
    if (!match || text.trim() === '')
        return { error: `expected a threshold; ${FORM}, found ${JSON.stringify(text)}` };
    const [, name = '', comparatorText, limitText = ''] = match;
    const metric = catalog/* METRICS */.Cb.get(name);
    if (!metric) {
        const suggestion = (0,describe/* closestMatch */.h0)(name, catalog/* METRIC_NAMES */.Uw);
        const hint = suggestion
            ? `did you mean "${suggestion}"?`
            : 'configs/README.md lists the metrics (the unit is part of the name: _ms, _s)';
        return { error: `unknown metric "${name}"; ${hint}` };
    }
    if (metric.stageOnly && scope === 'run') {
        return { error: `"${name}" is only measured per stage; put this threshold under a stage's thresholds` };
    }
    if (comparatorText === undefined) {
        return { error: `expected a comparator (<, <=, >, >=, == or !=) after "${name}"; ${FORM}` };
    }
    if (comparatorText === '=')
        return { error: `"=" is not a comparator; did you mean "=="?` };
    if (limitText.endsWith('%')) {
        return {
            error: `expected a number, found "${limitText}"; ${metric.name === 'success_rate' ? 'success_rate is a ratio from 0 to 1 (write 0.99 for 99%)' : 'percentages are not numbers here'}`,
        };
    }
    if (!NUMBER.test(limitText)) {
        return {
            error: `expected a number after "${name} ${comparatorText}", found ${limitText === '' ? 'nothing' : JSON.stringify(limitText)}${/^\d/.test(limitText) ? ' (no unit: it is in the metric name)' : ''}`,
        };
    }
    const limit = Number(limitText);
    if (!Number.isFinite(limit))
        return { error: `expected a finite number, found "${limitText}"` };
    return { threshold: { expression: text.trim(), metric, comparator: comparatorText, limit } };
}

// EXTERNAL MODULE: ./src/config/regression.ts
var regression = __webpack_require__(93277);
;// CONCATENATED MODULE: ./src/config/validate.ts








/**
 * The schema's validator, generated ahead of time (scripts/config-validator.mjs, `npm run schema`) with
 * the options of CONFIG_AJV_OPTIONS there: all errors, defaults filled in (they live in the schema only),
 * YAML `.inf`/`.nan` refused as numbers, union types for `environment`. Compiling the schema at start-up
 * instead cost 70–90 ms of CPU per run.
 */
const schemaValidator = validate;
function pathFromPointer(pointer, data) {
    if (pointer === '')
        return [];
    const path = [];
    let node = data;
    for (const raw of pointer.slice(1).split('/')) {
        const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        const segment = Array.isArray(node) ? Number(key) : key;
        path.push(segment);
        node = node?.[segment];
    }
    return path;
}
function valueAt(data, path) {
    let node = data;
    for (const segment of path)
        node = node?.[segment];
    return node;
}
function schemaAt(path) {
    let schema = config_schema/* configSchema */.Qn;
    for (const segment of path) {
        const next = typeof segment === 'number'
            ? schema.items
            : (schema.properties?.[segment] ??
                (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined));
        if (!next)
            return {};
        schema = next;
    }
    return schema;
}
const KEY_PATTERN_WORDS = {
    [config_schema/* RUNNER_LABEL_PATTERN */.T4]: 'a runner label: a letter or digit, then letters, digits, ".", "_" or "-" (at most 100 characters, no spaces)',
    [config_schema/* ENVIRONMENT_NAME_PATTERN */.VG]: 'a variable name: letters, digits and "_", not starting with a digit',
};
function unknownKeyMessage(key, parentPath) {
    if (parentPath.length === 1 && parentPath[0] === 'target') {
        const suggestion = (0,describe/* closestMatch */.h0)(key, config_target/* TARGET_KEYS */.X5);
        return suggestion
            ? `unknown key; did you mean "${suggestion}"?`
            : `unknown key; expected one of ${config_target/* TARGET_KEYS */.X5.join(', ')}`;
    }
    if (parentPath.length === 3 && parentPath[0] === 'stages' && parentPath[2] === 'shared_prefix') {
        const suggestion = (0,describe/* closestMatch */.h0)(key, config_schema/* SHARED_PREFIX_KEYS */.aj);
        return suggestion
            ? `unknown key; did you mean "${suggestion}"?`
            : `unknown key; expected one of ${config_schema/* SHARED_PREFIX_KEYS */.aj.join(', ')}`;
    }
    if (parentPath.length >= 3 && parentPath[0] === 'stages' && parentPath[2] === 'search') {
        const known = parentPath.length === 3 ? config_schema/* SEARCH_KEYS */.UY : ['min', 'max'];
        const suggestion = (0,describe/* closestMatch */.h0)(key, known);
        return suggestion
            ? `unknown key; did you mean "${suggestion}"?`
            : `unknown key; expected one of ${known.join(', ')}`;
    }
    const inStage = parentPath.length === 2 && parentPath[0] === 'stages';
    const known = inStage ? config_schema/* STAGE_KEYS */.Wf : config_schema/* TOP_LEVEL_KEYS */.Uw;
    const other = inStage ? config_schema/* TOP_LEVEL_KEYS */.Uw : config_schema/* STAGE_KEYS */.Wf;
    const suggestion = (0,describe/* closestMatch */.h0)(key, known);
    if (suggestion)
        return `unknown key; did you mean "${suggestion}"?`;
    if (other.includes(key)) {
        return inStage
            ? `unknown stage key; "${key}" is a top-level key`
            : `unknown top-level key; "${key}" belongs in each stage`;
    }
    if (key === '<<')
        return 'unknown key "<<"; a merge key needs an alias after it, e.g. "<<: *defaults"';
    return `unknown key; expected one of ${known.join(', ')}`;
}
const VALUE_KEYWORDS = new Set([
    'type',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'enum',
    'minLength',
    'pattern',
    'minItems',
    'minProperties',
]);
/** Turns ajv's errors (several per bad value) into one problem per value, in the user's terms. */
function schemaProblems(errors, data, writtenAs) {
    const problems = [];
    const failedKeywordsByPointer = new Map();
    const missingKeysAt = new Map();
    for (const error of errors) {
        const path = pathFromPointer(error.instancePath, data);
        const params = error.params;
        if (error.propertyName !== undefined) {
            // An error inside `propertyNames`: the key itself is wrong.
            if (error.keyword !== 'pattern')
                continue;
            const pattern = String(params.pattern);
            problems.push({
                path: [...path, error.propertyName],
                message: `expected ${KEY_PATTERN_WORDS[pattern] ?? `a key matching ${pattern}`}, found ${JSON.stringify(error.propertyName)}`,
                at: 'key',
            });
        }
        else if (error.keyword === 'additionalProperties') {
            const key = String(params.additionalProperty);
            problems.push({ path: [...path, key], message: unknownKeyMessage(key, path), at: 'key' });
        }
        else if (error.keyword === 'required') {
            const key = String(params.missingProperty);
            const expected = (0,describe/* describeExpectation */.uN)(schemaAt([...path, key]), new Set(), hiddenEnumValues(key));
            // The stage schema asks for the gap only where `concurrency` is not set: say so.
            const unless = key === 'time_between_requests' ? '; required unless the stage sets concurrency' : '';
            const problem = {
                path,
                message: `missing required key "${key}" (${expected})${unless}`,
                at: 'value',
            };
            problems.push(problem);
            const siblings = missingKeysAt.get(error.instancePath) ?? [];
            siblings.push({ key, problem });
            missingKeysAt.set(error.instancePath, siblings);
        }
        else if (VALUE_KEYWORDS.has(error.keyword)) {
            const failed = failedKeywordsByPointer.get(error.instancePath) ?? new Set();
            failed.add(error.keyword);
            failedKeywordsByPointer.set(error.instancePath, failed);
        }
    }
    // A conditional requirement (`else`) is reported before the plain ones: put the missing keys of one
    // mapping back in the schema's order, in the places they took.
    for (const [pointer, siblings] of missingKeysAt) {
        const keys = Object.keys(schemaAt(pathFromPointer(pointer, data)).properties ?? {});
        const positions = siblings.map((entry) => problems.indexOf(entry.problem)).sort((a, b) => a - b);
        const sorted = [...siblings].sort((a, b) => keys.indexOf(a.key) - keys.indexOf(b.key));
        positions.forEach((position, index) => (problems[position] = sorted[index].problem));
    }
    for (const [pointer, failed] of failedKeywordsByPointer) {
        const path = pathFromPointer(pointer, data);
        const schema = schemaAt(path);
        const value = valueAt(data, path);
        const lastKey = path[path.length - 1];
        const hidden = typeof lastKey === 'string' ? hiddenEnumValues(lastKey) : [];
        let message = `expected ${(0,describe/* describeExpectation */.uN)(schema, failed, hidden)}, found ${(0,describe/* describeValue */.bp)(value, schema, writtenAs(path))}`;
        if (path[0] === 'environment' && (failed.has('maximum') || failed.has('minimum'))) {
            message += '; quote the value to export it as text, digit for digit';
        }
        if (path[0] === 'target' && path[1] === 'base_url' && failed.has('pattern')) {
            message = `expected an http:// or https:// URL, found ${(0,describe/* describeValue */.bp)(value, schema, writtenAs(path))}`;
        }
        if (path[0] === 'regression' && path.length === 2) {
            message = `expected a tolerance as a percentage, e.g. 10%, found ${(0,describe/* describeValue */.bp)(value, schema, writtenAs(path))}`;
        }
        if (failed.has('enum') && typeof value === 'string' && schema.enum) {
            const suggestion = (0,describe/* closestMatch */.h0)(value, schema.enum.filter((option) => !hidden.includes(option)));
            if (suggestion)
                message += `; did you mean "${suggestion}"?`;
        }
        problems.push({ path, message, at: 'value' });
    }
    return problems;
}
function hiddenEnumValues(key) {
    return Object.keys(config_schema/* DEPRECATED_ALIASES */.dH[key] ?? {});
}
/** The keys an ordinary stage requires and a search stage must leave out (it sets its own load). */
const SCHEDULE_KEYS = ['time_between_requests', 'iterations'];
/** Requests per probe when `probe_requests` is not given: twice the metric's sample minimum, ≥ 20. */
function defaultProbeRequests(metric) {
    return Math.max(20, 2 * (catalog/* METRICS */.Cb.get(metric)?.requiredSamples ?? 0));
}
const isRecord = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isFiniteNumber = (value) => typeof value === 'number' && Number.isFinite(value);
/**
 * Variables the config must not set. `environment` is exported to later steps (GITHUB_ENV) and to
 * `exo-command`, and a config can come from a pull request: these names would let it load code or files
 * from anywhere (BASH_ENV, LD_PRELOAD, NODE_OPTIONS, …), redirect the runner (GITHUB_*, RUNNER_*,
 * ACTIONS_*), or move EXO off the node's provisioned home and namespace.
 */
const RESERVED_VARIABLES = new Set([
    'PATH',
    'HOME',
    'SHELL',
    'BASH_ENV',
    'ENV',
    'CDPATH',
    'IFS',
    'PS4',
    'PROMPT_COMMAND',
    'NODE_OPTIONS',
    'NODE_PATH',
    'PYTHONPATH',
    'PYTHONSTARTUP',
    'PERL5LIB',
    'PERL5OPT',
    'RUBYOPT',
    'GIT_SSH_COMMAND',
    'EXO_HOME',
    'EXO_ZENOH_NAMESPACE',
    'EXO_LIBP2P_NAMESPACE',
    'EXO_BOOTSTRAP_PEERS',
]);
const RESERVED_PREFIXES = [
    'LD_',
    'DYLD_',
    'GITHUB_',
    'RUNNER_',
    'ACTIONS_',
    'INPUT_',
    'STATE_',
    'EXO_BENCH_',
];
/** Why `name` may not be set by the config, or undefined when it may. */
function reservedVariableReason(name) {
    const upper = name.toUpperCase();
    const prefix = RESERVED_PREFIXES.find((p) => upper.startsWith(p));
    if (!RESERVED_VARIABLES.has(upper) && !prefix)
        return undefined;
    return `expected a variable the benchmark may set, found ${JSON.stringify(name)}: ${prefix ? `names starting with ${prefix} are` : 'it is'} reserved (it would change how the runner, the shell or EXO itself behaves, not the benchmark)`;
}
/**
 * Rules across fields. Each runs only where the fields it reads passed the schema, so one mistake is
 * reported once (a huge `iterations` is not also a too-long stage).
 */
function crossFieldProblems(data, badPaths, written) {
    const ok = (...path) => !badPaths.some((bad) => path.every((segment, index) => bad[index] === segment));
    const problems = [
        ...planSizeProblems(data, ok),
        ...environmentProblems(data),
        ...gateProblems(data, ok),
        ...loadFromProblems(data, ok),
        ...plannedScheduleProblems(data, ok, written),
    ];
    const stages = data.stages;
    if (!Array.isArray(stages))
        return problems;
    const firstIndexByName = new Map();
    stages.forEach((stage, index) => {
        if (!isRecord(stage))
            return;
        problems.push(...duplicateNameProblems(stage, index, firstIndexByName, ok), ...stageShapeProblems(stage, index, ok), ...searchStageProblems(stage, index, ok), ...warmupProblems(stage, index, ok), ...shapeProblems(stage, index, data.no_overlap === true, ok), ...stageDurationProblems(stage, index, ok));
    });
    if (stages.length > 0 &&
        stages.every((stage, index) => isRecord(stage) && stage.warmup === true && ok('stages', index, 'warmup'))) {
        problems.push({
            path: ['stages'],
            message: 'every stage is a warm-up stage (warmup: true): nothing would be measured; keep warmup: true on the first stages only',
            at: 'key',
        });
    }
    return problems;
}
/** A GitHub Actions matrix runs at most LIMITS.maxNodesTotal jobs, one per node. */
function planSizeProblems(data, ok) {
    const plan = data.hardware_plan;
    if (!isRecord(plan) || !ok('hardware_plan'))
        return [];
    const counts = Object.values(plan).filter(isFiniteNumber);
    const totalNodes = counts.reduce((sum, count) => sum + count, 0);
    if (counts.length !== Object.keys(plan).length || totalNodes <= config_schema/* LIMITS */.b1.maxNodesTotal)
        return [];
    return [
        {
            path: ['hardware_plan'],
            message: `expected at most ${config_schema/* LIMITS */.b1.maxNodesTotal} nodes in total (a GitHub Actions matrix runs at most ${config_schema/* LIMITS */.b1.maxNodesTotal} jobs), found ${(0,describe/* formatNumber */.ZV)(totalNodes)}`,
            at: 'value',
        },
    ];
}
/** Variables the config may not set (reservedVariableReason). */
function environmentProblems(data) {
    const environment = data.environment;
    if (!isRecord(environment))
        return [];
    return Object.keys(environment).flatMap((name) => {
        const reason = reservedVariableReason(name);
        return reason ? [{ path: ['environment', name], message: reason, at: 'key' }] : [];
    });
}
/** A stage name used before (`firstIndexByName` remembers the first use of each). */
function duplicateNameProblems(stage, index, firstIndexByName, ok) {
    const name = stage.name;
    if (typeof name !== 'string' || !ok('stages', index, 'name'))
        return [];
    const first = firstIndexByName.get(name);
    if (first === undefined) {
        firstIndexByName.set(name, index);
        return [];
    }
    return [
        {
            path: ['stages', index, 'name'],
            message: `expected a unique stage name, found ${JSON.stringify(name)} again (the name of stages[${first}])`,
            at: 'value',
        },
    ];
}
/** At least one request of a stage is measured; a warm-up stage is not judged, so takes no thresholds. */
function warmupProblems(stage, index, ok) {
    const problems = [];
    const { iterations, warmup_requests: warmup } = stage;
    if (isFiniteNumber(iterations) &&
        ok('stages', index, 'iterations') &&
        isFiniteNumber(warmup) &&
        ok('stages', index, 'warmup_requests') &&
        warmup >= iterations) {
        problems.push({
            path: ['stages', index, 'warmup_requests'],
            message: `expected an integer < iterations (${(0,describe/* formatNumber */.ZV)(iterations)}), found ${(0,describe/* formatNumber */.ZV)(warmup)}; at least one request of the stage must be measured`,
            at: 'value',
        });
    }
    if (stage.warmup === true && ok('stages', index, 'warmup') && Array.isArray(stage.thresholds)) {
        problems.push({
            path: ['stages', index, 'thresholds'],
            message: 'a warm-up stage (warmup: true) is not judged, so it takes no thresholds; remove them, or remove warmup: true',
            at: 'key',
        });
    }
    return problems;
}
/**
 * A stage lasts at most LIMITS.maxStageDurationSeconds: iterations × time_between_requests, or a ramp's
 * 2(N − 1)/(r0 + R) (src/load/arrivals.ts).
 */
function stageDurationProblems(stage, index, ok) {
    const { iterations, time_between_requests: gapSeconds, ramp_to_rate: ramp } = stage;
    if (!isFiniteNumber(iterations) || !ok('stages', index, 'iterations') || !isFiniteNumber(gapSeconds))
        return [];
    const rampOk = isFiniteNumber(ramp) && ok('stages', index, 'ramp_to_rate');
    if (rampOk && gapSeconds > 0) {
        const durationSeconds = (2 * Math.max(0, iterations - 1)) / (1 / gapSeconds + ramp);
        if (durationSeconds <= config_schema/* LIMITS */.b1.maxStageDurationSeconds)
            return [];
        return [
            {
                path: ['stages', index],
                message: `expected a ramp of at most ${(0,describe/* formatNumber */.ZV)(config_schema/* LIMITS */.b1.maxStageDurationSeconds)} s (30 days), found 2 × (iterations − 1) ÷ (1/time_between_requests + ramp_to_rate) = ${(0,describe/* formatNumber */.ZV)(durationSeconds)} s`,
                at: 'value',
            },
        ];
    }
    if (rampOk || !ok('stages', index, 'time_between_requests'))
        return [];
    const durationSeconds = iterations * gapSeconds;
    if (durationSeconds <= config_schema/* LIMITS */.b1.maxStageDurationSeconds)
        return [];
    return [
        {
            path: ['stages', index],
            message: `expected iterations × time_between_requests ≤ ${(0,describe/* formatNumber */.ZV)(config_schema/* LIMITS */.b1.maxStageDurationSeconds)} s (30 days), found ${(0,describe/* formatNumber */.ZV)(iterations)} × ${(0,describe/* formatNumber */.ZV)(gapSeconds)} = ${(0,describe/* formatNumber */.ZV)(durationSeconds)} s`,
            at: 'value',
        },
    ];
}
/**
 * The fields of a stage that depend on whether it replays a trace: a trace gives the lengths and the
 * times (so they are required elsewhere, and contradictions here), and trace_speed / trace_block_tokens
 * mean nothing without one. shared_prefix needs room after its prefix for the request's own tokens.
 */
function stageShapeProblems(stage, index, ok) {
    const problems = [];
    const path = ['stages', index];
    const isTrace = stage.trace !== undefined;
    if (isTrace) {
        for (const key of config_schema/* TRACE_DERIVED_KEYS */.ft) {
            if (stage[key] === undefined)
                continue;
            problems.push({
                path: [...path, key],
                message: `a trace stage takes ${key} from its trace (${key === 'time_between_requests' ? 'the timestamps' : key === 'prompt_length' ? "each request's input_length" : "each request's output_length"}); remove it, or remove trace`,
                at: 'key',
            });
        }
        if (stage.no_overlap === true)
            problems.push({
                path: [...path, 'no_overlap'],
                message: 'a trace stage sends each request at its timestamp; no_overlap cannot apply: remove it, or remove trace',
                at: 'key',
            });
        // `arrival` is always there (the schema's default, constant): only another process contradicts a trace.
        for (const key of ['arrival', 'burstiness', 'concurrency', 'ramp_to_rate'])
            if (stage[key] !== undefined && !(key === 'arrival' && stage[key] === 'constant'))
                problems.push({
                    path: [...path, key],
                    message: `a trace stage sends each request at its timestamp; ${key} cannot apply: remove it, or remove trace`,
                    at: 'key',
                });
        if (stage.shared_prefix !== undefined)
            problems.push({
                path: [...path, 'shared_prefix'],
                message: "a trace stage's prompts share what its hash_ids say; shared_prefix cannot apply: remove it, or remove trace",
                at: 'key',
            });
    }
    else {
        // A search stage sets its own schedule (searchStageProblems): it needs only the lengths.
        // A closed loop (concurrency) has no gap: time_between_requests is then its optional pause.
        const required = config_schema/* STAGE_LOAD_KEYS */.w4.filter((key) => stage.search !== undefined
            ? !SCHEDULE_KEYS.includes(key)
            : key !== 'time_between_requests' || stage.concurrency === undefined);
        const missing = required.filter((key) => stage[key] === undefined);
        for (const key of missing) {
            const expected = (0,describe/* describeExpectation */.uN)(schemaAt([...path, key]), new Set());
            const unless = key === 'time_between_requests' ? '; required unless the stage sets concurrency' : '';
            problems.push({ path, message: `missing required key "${key}" (${expected})${unless}`, at: 'value' });
        }
        for (const key of ['trace_speed', 'trace_block_tokens'])
            if (stage[key] !== undefined)
                problems.push({
                    path: [...path, key],
                    message: `${key} applies to a trace replay only; add trace: FILE, or remove it`,
                    at: 'key',
                });
    }
    const prefix = stage.shared_prefix;
    if (isRecord(prefix) &&
        isFiniteNumber(prefix.tokens) &&
        isFiniteNumber(stage.prompt_length) &&
        ok(...path, 'shared_prefix') &&
        ok(...path, 'prompt_length') &&
        prefix.tokens >= stage.prompt_length) {
        problems.push({
            path: [...path, 'shared_prefix', 'tokens'],
            message: `expected an integer < prompt_length (${(0,describe/* formatNumber */.ZV)(stage.prompt_length)}), found ${(0,describe/* formatNumber */.ZV)(prefix.tokens)}; each prompt needs tokens of its own after the shared prefix`,
            at: 'value',
        });
    }
    return problems;
}
/** A search stage sets its own load: the fields of a schedule or a shape have no meaning there. */
function searchOwnLoadProblems(stage, index) {
    const problems = [];
    const setsLoad = (key, why) => {
        problems.push({
            path: ['stages', index, key],
            message: `a search stage sets its own load, so it takes no ${key} (${why}); remove it, or remove search`,
            at: 'key',
        });
    };
    if (stage.time_between_requests !== undefined)
        setsLoad('time_between_requests', 'each probe has its rate');
    if (stage.iterations !== undefined)
        setsLoad('iterations', 'search.probe_requests sizes each probe');
    if (stage.no_overlap !== undefined)
        setsLoad('no_overlap', 'search.concurrency: {min: 1, max: 1} probes one at a time');
    if (isFiniteNumber(stage.warmup_requests) && stage.warmup_requests > 0)
        setsLoad('warmup_requests', 'every request of a probe counts');
    if (stage.warmup === true)
        setsLoad('warmup', 'a search stage is already left out of the run-level figures');
    if (stage.trace !== undefined)
        setsLoad('trace', 'a trace has its own times');
    for (const key of ['arrival', 'burstiness', 'concurrency', 'ramp_to_rate'])
        if (stage[key] !== undefined && !(key === 'arrival' && stage[key] === 'constant'))
            setsLoad(key, 'its probes send at a constant rate or keep search.concurrency in flight');
    return problems;
}
/** A search stage's thresholds judge its capacity: its probes are overloaded on purpose. */
function searchThresholdProblems(stage, index) {
    const problems = [];
    if (Array.isArray(stage.thresholds)) {
        stage.thresholds.forEach((text, thresholdIndex) => {
            if (typeof text !== 'string')
                return;
            const parsed = parseThreshold(text, 'stage');
            if ('threshold' in parsed && !parsed.threshold.metric.capacity) {
                problems.push({
                    path: ['stages', index, 'thresholds', thresholdIndex],
                    message: `a search stage's thresholds judge its capacity (capacity_rps, capacity_concurrency), not "${parsed.threshold.metric.name}": its probes are overloaded on purpose; the search's own bound is search.max`,
                    at: 'value',
                });
            }
        });
    }
    return problems;
}
/**
 * A search stage (`search:`) sets its own load, so it takes no `time_between_requests` or `iterations`
 * (nor `no_overlap`, `warmup_requests`, `warmup` or a trace), and its search must name a metric a search
 * can judge, with the bound on the metric's good side, and one range.
 */
function searchStageProblems(stage, index, ok) {
    const search = stage.search;
    if (search === undefined)
        return [];
    if (!isRecord(search) || !ok('stages', index, 'search'))
        return [];
    const problems = [
        ...searchOwnLoadProblems(stage, index),
        ...searchThresholdProblems(stage, index),
    ];
    const path = ['stages', index, 'search'];
    const { metric, max, min, rate, concurrency, probe_requests: probeRequests } = search;
    const definition = typeof metric === 'string' ? catalog/* METRICS */.Cb.get(metric) : undefined;
    if (typeof metric === 'string' && !catalog/* SEARCHABLE_METRIC_NAMES */.Nw.includes(metric)) {
        const suggestion = (0,describe/* closestMatch */.h0)(metric, catalog/* SEARCHABLE_METRIC_NAMES */.Nw);
        problems.push({
            path: [...path, 'metric'],
            message: definition
                ? `"${metric}" cannot be searched (the load does not move it); search a latency such as ttft_p95_ms, or success_rate, output_tokens_per_second`
                : `unknown metric "${metric}"; ${suggestion ? `did you mean "${suggestion}"?` : 'configs/README.md lists the metrics a search can judge'}`,
            at: 'value',
        });
    }
    else if (definition) {
        const side = definition.better === 'smaller' ? 'max' : 'min';
        const other = side === 'max' ? 'min' : 'max';
        if (search[other] !== undefined) {
            problems.push({
                path: [...path, other],
                message: `${metric} is better ${definition.better}, so its bound is "${side}" (a probe passes at ${side === 'max' ? '≤' : '≥'} it), not "${other}"`,
                at: 'key',
            });
        }
        else if (search[side] === undefined) {
            problems.push({
                path,
                message: `missing required key "${side}" (the bound of ${metric}: a probe passes at ${side === 'max' ? '≤' : '≥'} it)`,
                at: 'value',
            });
        }
        if (isFiniteNumber(probeRequests) &&
            ok(...path, 'probe_requests') &&
            probeRequests < definition.requiredSamples) {
            problems.push({
                path: [...path, 'probe_requests'],
                message: `expected at least ${definition.requiredSamples} (the samples ${metric} needs to be judged), found ${(0,describe/* formatNumber */.ZV)(probeRequests)}`,
                at: 'value',
            });
        }
    }
    else if (max === undefined && min === undefined) {
        problems.push({ path, message: 'missing required key "max" (the bound of the metric)', at: 'value' });
    }
    if ((rate === undefined) === (concurrency === undefined)) {
        problems.push({
            path,
            message: rate === undefined
                ? 'missing the range: give "rate: {min, max}" (requests per second) or "concurrency: {min, max}" (requests in flight)'
                : 'give either "rate" or "concurrency", not both: a search varies one load',
            at: 'value',
        });
    }
    for (const key of ['rate', 'concurrency']) {
        const range = search[key];
        if (!isRecord(range) || !ok(...path, key))
            continue;
        if (isFiniteNumber(range.min) && isFiniteNumber(range.max) && range.min > range.max) {
            problems.push({
                path: [...path, key, 'max'],
                message: `expected max ≥ min (${(0,describe/* formatNumber */.ZV)(range.min)}), found ${(0,describe/* formatNumber */.ZV)(range.max)}`,
                at: 'value',
            });
        }
    }
    return problems;
}
/**
 * The load-shape fields of a stage that only make sense together: `burstiness` with `gamma`, a closed
 * loop (`concurrency`, `no_overlap`) without open-loop shapes, a ramp from a finite starting rate.
 */
function shapeProblems(stage, index, topLevelNoOverlap, ok) {
    const problems = [];
    const usable = (key) => stage[key] !== undefined && ok('stages', index, key);
    const arrival = usable('arrival') ? stage.arrival : 'constant';
    if (usable('burstiness') && arrival !== 'gamma') {
        problems.push({
            path: ['stages', index, 'burstiness'],
            message: `burstiness is the shape of gamma gaps: it needs arrival: gamma, found arrival: ${String(arrival)}`,
            at: 'key',
        });
    }
    const openShapes = [
        ...(arrival !== 'constant' ? [`arrival: ${String(arrival)}`] : []),
        ...(usable('ramp_to_rate') ? ['ramp_to_rate'] : []),
    ];
    const noOverlapWritten = stage.no_overlap === true && ok('stages', index, 'no_overlap');
    const noOverlapInherited = stage.no_overlap === undefined && topLevelNoOverlap;
    const noOverlapWhere = noOverlapWritten
        ? 'no_overlap: true'
        : 'no_overlap: true (inherited from the top level; write no_overlap: false in this stage)';
    if (usable('concurrency')) {
        const concurrency = stage.concurrency;
        const closedConflicts = [
            ...openShapes,
            ...(noOverlapWritten || noOverlapInherited ? [noOverlapWhere] : []),
        ];
        if (closedConflicts.length > 0) {
            problems.push({
                path: ['stages', index, 'concurrency'],
                message: `concurrency is a closed loop (a request is sent when one completes), so it does not combine with ${closedConflicts.join(' or ')}; remove one of them`,
                at: 'key',
            });
        }
        const iterations = stage.iterations;
        if (isFiniteNumber(iterations) && ok('stages', index, 'iterations') && concurrency > iterations) {
            problems.push({
                path: ['stages', index, 'concurrency'],
                message: `expected an integer ≤ iterations (${(0,describe/* formatNumber */.ZV)(iterations)}), found ${(0,describe/* formatNumber */.ZV)(concurrency)}; no more than iterations requests are ever in flight`,
                at: 'value',
            });
        }
    }
    else if (openShapes.length > 0 && (noOverlapWritten || noOverlapInherited)) {
        problems.push({
            path: ['stages', index, usable('ramp_to_rate') && arrival === 'constant' ? 'ramp_to_rate' : 'arrival'],
            message: `${openShapes.join(' and ')} shape(s) open-loop arrivals, but the stage has ${noOverlapWhere}, which sends one request at a time`,
            at: 'key',
        });
    }
    if (usable('ramp_to_rate') &&
        stage.time_between_requests === 0 &&
        ok('stages', index, 'time_between_requests')) {
        problems.push({
            path: ['stages', index, 'time_between_requests'],
            message: 'expected a number > 0 with ramp_to_rate (the ramp starts at 1/time_between_requests requests per second), found 0',
            at: 'value',
        });
    }
    return problems;
}
/** Threshold expressions and `regression` metric names: the grammar lives in src/verdict/. */
function gateProblems(data, ok) {
    const problems = [];
    const checkThresholds = (list, path, scope) => {
        if (!Array.isArray(list) || !ok(...path))
            return;
        list.forEach((text, index) => {
            if (typeof text !== 'string')
                return;
            const parsed = parseThreshold(text, scope);
            if ('error' in parsed)
                problems.push({ path: [...path, index], message: parsed.error, at: 'value' });
        });
    };
    checkThresholds(data.thresholds, ['thresholds'], 'run');
    const modes = new Set((Array.isArray(data.stages) ? data.stages : []).flatMap((stage) => {
        if (!isRecord(stage) || !isRecord(stage.search))
            return [];
        return [stage.search.concurrency !== undefined ? 'concurrency' : 'rate'];
    }));
    const checkCapacity = (list, path, stageModes) => {
        if (!Array.isArray(list) || !ok(...path))
            return;
        list.forEach((text, index) => {
            if (typeof text !== 'string')
                return;
            const parsed = parseThreshold(text, 'stage');
            if (!('threshold' in parsed))
                return;
            const mode = parsed.threshold.metric.capacity;
            if (mode && !stageModes.has(mode)) {
                problems.push({
                    path: [...path, index],
                    message: `${parsed.threshold.metric.name} is measured by a ${mode} search only (a stage with search.${mode}); ${path.length === 1 ? 'no stage has one' : 'this stage has none'}`,
                    at: 'value',
                });
            }
        });
    };
    checkCapacity(data.thresholds, ['thresholds'], modes);
    if (Array.isArray(data.stages)) {
        data.stages.forEach((stage, index) => {
            if (!isRecord(stage))
                return;
            const own = isRecord(stage.search)
                ? new Set([stage.search.concurrency !== undefined ? 'concurrency' : 'rate'])
                : new Set();
            checkCapacity(stage.thresholds, ['stages', index, 'thresholds'], own);
        });
    }
    if (Array.isArray(data.stages)) {
        data.stages.forEach((stage, index) => {
            if (isRecord(stage))
                checkThresholds(stage.thresholds, ['stages', index, 'thresholds'], 'stage');
        });
    }
    if (isRecord(data.regression)) {
        for (const name of Object.keys(data.regression)) {
            const problem = (0,regression/* regressionMetricProblem */.Fh)(name);
            if (problem)
                problems.push({ path: ['regression', name], message: problem, at: 'key' });
        }
    }
    return problems;
}
function aliasWarnings(data) {
    const warnings = [];
    for (const [key, aliases] of Object.entries(config_schema/* DEPRECATED_ALIASES */.dH)) {
        const value = data[key];
        if (typeof value !== 'string')
            continue;
        const current = aliases[value];
        if (current === undefined)
            continue;
        warnings.push({
            path: [key],
            message: `"${value}" is the old name of "${current}"; it still works, but write "${current}"`,
            at: 'value',
        });
        data[key] = current;
    }
    return warnings;
}
function buildSearch(search) {
    return {
        metric: search.metric,
        ...(search.max !== undefined ? { max: search.max } : {}),
        ...(search.min !== undefined ? { min: search.min } : {}),
        ...(search.rate ? { rate: { ...search.rate } } : {}),
        ...(search.concurrency ? { concurrency: { ...search.concurrency } } : {}),
        probe_requests: search.probe_requests ?? defaultProbeRequests(search.metric),
        tolerance: search.tolerance,
        max_probes: search.max_probes,
        max_failure_rate: search.max_failure_rate,
    };
}
function buildConfig(checked) {
    const stages = checked.stages.map((stage) => {
        const search = stage.search ? buildSearch(stage.search) : undefined;
        return {
            name: stage.name,
            // A trace stage's lengths, gap and (when not given) iterations are filled in once its trace is read
            // (src/config/trace-file.ts); until then they are 0.
            prompt_length: stage.prompt_length ?? 0,
            generation_length: stage.generation_length ?? 0,
            // A search stage: no schedule of its own (each probe sets one); iterations = its request budget.
            // A concurrency stage may leave its pause out: none.
            time_between_requests: stage.time_between_requests ?? 0,
            iterations: stage.iterations ?? (search ? search.max_probes * search.probe_requests : 0),
            // A trace stage sends at its timestamps, a search stage sets its own load: never one at a time.
            no_overlap: search || stage.trace !== undefined ? false : (stage.no_overlap ?? checked.no_overlap),
            arrival: stage.arrival,
            ...(stage.arrival === 'gamma' ? { burstiness: stage.burstiness ?? config_schema/* DEFAULT_BURSTINESS */.Tj } : {}),
            ...(stage.concurrency !== undefined ? { concurrency: stage.concurrency } : {}),
            ...(stage.ramp_to_rate !== undefined ? { ramp_to_rate: stage.ramp_to_rate } : {}),
            warmup_requests: stage.warmup_requests,
            warmup: stage.warmup,
            ...(stage.thresholds ? { thresholds: [...stage.thresholds] } : {}),
            ...(stage.trace !== undefined
                ? {
                    trace: stage.trace,
                    trace_speed: stage.trace_speed ?? 1,
                    trace_block_tokens: stage.trace_block_tokens ?? config_schema/* DEFAULT_TRACE_BLOCK_TOKENS */.d_,
                }
                : {}),
            ...(stage.shared_prefix
                ? { shared_prefix: { tokens: stage.shared_prefix.tokens, groups: stage.shared_prefix.groups } }
                : {}),
            ...(search ? { search } : {}),
        };
    });
    const environment = {};
    // Numbers and booleans become the text a shell would see: 512 → "512", true → "true".
    for (const [name, value] of Object.entries(checked.environment))
        environment[name] = String(value);
    const target = (0,config_target/* buildTarget */.k0)(checked.target);
    return {
        hardware_plan: { ...(checked.hardware_plan ?? {}) },
        environment,
        timeout_seconds: checked.timeout_seconds,
        // An openai target's one model stands in model_ids, so every reader of the config sees what ran.
        model_ids: target.kind === 'openai' ? [target.model] : [...(checked.model_ids ?? [])],
        stages,
        seed: checked.seed,
        sharding: checked.sharding,
        instance_meta: checked.instance_meta === 'MlxIbv' ? 'MlxJaccl' : checked.instance_meta,
        no_overlap: checked.no_overlap,
        endpoint: checked.endpoint,
        unique_prompts: checked.unique_prompts,
        target,
        calibrate_prompts: checked.calibrate_prompts,
        request_timeout_seconds: checked.request_timeout_seconds,
        stream_idle_timeout_seconds: checked.stream_idle_timeout_seconds,
        max_dispatch_lag_p99_ms: checked.max_dispatch_lag_p99_ms,
        snapshot_interval_seconds: checked.snapshot_interval_seconds,
        // The default (primary) leaves both out, so existing configs and their documents are unchanged.
        ...(checked.load_from === 'all_nodes'
            ? { load_from: 'all_nodes', clock_skew_tolerance_ms: checked.clock_skew_tolerance_ms }
            : {}),
        // Only where they apply (openai + all_nodes): every other config and its documents are unchanged.
        ...(checked.load_from === 'all_nodes' && target.kind === 'openai'
            ? {
                all_nodes_start_delay_seconds: checked.all_nodes_start_delay_seconds,
                all_nodes_drain_seconds: checked.all_nodes_drain_seconds ?? checked.request_timeout_seconds,
            }
            : {}),
        ...(checked.thresholds ? { thresholds: [...checked.thresholds] } : {}),
        ...(checked.regression ? { regression: { ...checked.regression } } : {}),
    };
}
/**
 * Validates a top-level mapping (mutated: ajv writes the defaults into it) and builds the config.
 * `writtenAs` gives a number's spelling in the file, so messages quote what the user wrote.
 * Returns every problem found; `config` is set only when there are none.
 */
function validateConfig(data, writtenAs = () => undefined) {
    const validate = schemaValidator;
    // The keys as written: ajv writes the defaults into `data`, and a field given where it does not apply
    // is an error only when the user wrote it.
    const written = new Set(Object.keys(data));
    const valid = validate(data);
    const errors = valid ? [] : schemaProblems(validate.errors ?? [], data, writtenAs);
    // First, so that a missing hardware_plan or model_ids reads before the schema's own missing keys.
    errors.unshift(...(0,config_target/* targetProblems */.Ke)(data, errors.map((problem) => problem.path), (key) => (0,describe/* describeExpectation */.uN)(schemaAt([key]), new Set(), hiddenEnumValues(key))));
    errors.push(...crossFieldProblems(data, errors.map((problem) => problem.path), written));
    const warnings = aliasWarnings(data);
    if (errors.length > 0)
        return { config: undefined, errors, warnings };
    return { config: buildConfig(data), errors, warnings };
}
/** The fields of a schedule fixed at plan time (load_from: all_nodes with an openai target). */
const PLANNED_SCHEDULE_KEYS = ['all_nodes_start_delay_seconds', 'all_nodes_drain_seconds'];
/**
 * `all_nodes_start_delay_seconds` and `all_nodes_drain_seconds` fix an openai target's shared schedule
 * at plan time. Written anywhere else they would do nothing: a positioned error at the key, as for the
 * other fields of one target kind or one load shape (`base_url` on an EXO target, `burstiness` without
 * gamma). `written`: the keys the user wrote (ajv has since filled in the defaults).
 */
function plannedScheduleProblems(data, ok, written) {
    if (!ok('load_from') || !ok('target'))
        return [];
    const openai = isRecord(data.target) && data.target.kind === 'openai';
    if (data.load_from === 'all_nodes' && openai)
        return [];
    const why = data.load_from !== 'all_nodes'
        ? 'with load_from: primary one node sends the load, each stage once the previous one has ended'
        : "an EXO target's nodes read each stage's start from the cluster state, published once the previous stage has drained";
    return PLANNED_SCHEDULE_KEYS.filter((key) => written.has(key) && ok(key)).map((key) => ({
        path: [key],
        message: `${key} is for load_from: all_nodes with target kind "openai" (stage starts fixed at plan time); ${why}: remove it`,
        at: 'key',
    }));
}
/**
 * `load_from: all_nodes` shares each stage's open-loop schedule between the nodes (src/load/schedule.ts).
 * A closed loop (`concurrency`, `no_overlap`) and a capacity search adapt to the server's answers, so no
 * node can derive where the stage ends. On an EXO target that needs no deriving: the primary sends such
 * a stage alone and publishes the next stage's start once the cluster has drained, so they are allowed.
 * An openai target's starts are fixed at plan time, and a plan cannot know where such a stage ends:
 * refused there, at the stage key.
 */
function loadFromProblems(data, ok) {
    if (data.load_from !== 'all_nodes' || !ok('load_from'))
        return [];
    const problems = [];
    const openai = isRecord(data.target) && data.target.kind === 'openai';
    // An openai target's nodes are the runners of hardware_plan: without one there is nobody to share with.
    if (openai && data.hardware_plan === undefined)
        problems.push({
            path: [],
            message: 'missing required key "hardware_plan" for load_from: all_nodes with target kind "openai" (the runners that share the load, e.g. {LOADGEN: 4}: one matrix job each, all sending to the one server)',
            at: 'value',
        });
    // EXO targets: a closed loop or capacity search is the primary's alone (isPrimaryOnlyStage).
    if (!openai)
        return problems;
    let inheritedReported = false;
    const why = 'load_from: all_nodes with target kind "openai" shares open-loop stages only (its stage starts are fixed at plan time, and a plan-time schedule cannot know where a closed loop or capacity search ends, so no stage after it could be given a start; an EXO target runs such a stage on the primary alone)';
    const stages = Array.isArray(data.stages) ? data.stages : [];
    stages.forEach((stage, index) => {
        if (!isRecord(stage))
            return;
        if (stage.search !== undefined && ok('stages', index, 'search'))
            problems.push({
                path: ['stages', index, 'search'],
                message: `${why}: run a capacity search with load_from: primary`,
                at: 'key',
            });
        if (stage.concurrency !== undefined && ok('stages', index, 'concurrency'))
            problems.push({
                path: ['stages', index, 'concurrency'],
                message: `${why}: give this stage time_between_requests instead, or use load_from: primary`,
                at: 'key',
            });
        const inherited = stage.no_overlap === undefined && stage.trace === undefined && stage.search === undefined;
        const noOverlap = inherited ? data.no_overlap : stage.no_overlap;
        if (noOverlap === true && ok('stages', index) && !(inherited && inheritedReported)) {
            inheritedReported ||= inherited;
            problems.push({
                path: stage.no_overlap === true ? ['stages', index, 'no_overlap'] : ['no_overlap'],
                message: `${why}: one request at a time is one client's loop; use load_from: primary${stage.no_overlap === true ? '' : ' (no_overlap is inherited from the top level)'}`,
                at: 'key',
            });
        }
    });
    return problems;
}

;// CONCATENATED MODULE: ./src/config/load.ts
/**
 * Loading a config: read the file, parse YAML with positions, substitute `${VAR}`, validate, apply
 * defaults. Every problem is collected and thrown once as a `ConfigError`, each with file, line,
 * column and config path; nothing here lets a bare exception or a stack trace reach the user.
 */








/** Configs are a few kilobytes; a larger file is a mistake (a log, a binary) and must not eat memory. */
const MAX_CONFIG_FILE_BYTES = 1024 * 1024;
/** Same as YAML's default; a document expanding aliases more than this is an attack, not a config. */
const MAX_ALIAS_COUNT = 100;
function unpositioned(file, message) {
    return { file, line: 0, column: 0, path: '', message };
}
function describeTopLevel(value) {
    if (Array.isArray(value))
        return 'a list';
    if (typeof value === 'string')
        return `${JSON.stringify(value)} (a string)`;
    return `${String(value)} (a ${typeof value})`;
}
/** Problems are reported in file order so they read top to bottom, like the file. */
function byPosition(a, b) {
    return a.line - b.line || a.column - b.column;
}
function yamlSyntaxProblems(source, file) {
    return source.document.errors.map((error) => {
        const offset = error.pos[0];
        const { line, column } = positionAtOffset(source, offset);
        const firstLine = error.message.split('\n')[0] ?? error.message;
        const path = error.code === 'DUPLICATE_KEY' ? (0,describe/* formatPath */.jV)(pathAtOffset(source, offset)) : '';
        const message = error.code === 'DUPLICATE_KEY'
            ? 'duplicate key; a key may appear only once in a mapping'
            : error.code === 'MULTIPLE_DOCS'
                ? 'expected one YAML document, found a second one (after "---"); put the whole config in one document'
                : `invalid YAML: ${firstLine}`;
        return { file, line, column, path, message };
    });
}
/** Replaces `${VAR}` in every string value (not keys), in place; returns a problem per failed reference. */
function substituteAll(value, variables, path) {
    if (typeof value !== 'object' || value === null)
        return [];
    const container = value;
    const keys = Array.isArray(value) ? value.map((_, index) => index) : Object.keys(value);
    const problems = [];
    for (const key of keys) {
        const item = container[key];
        const itemPath = [...path, key];
        if (typeof item === 'string') {
            const result = substituteVariables(item, variables);
            container[key] = result.text;
            for (const message of result.problems)
                problems.push({ path: itemPath, message, at: 'value' });
        }
        else {
            problems.push(...substituteAll(item, variables, itemPath));
        }
    }
    return problems;
}
/**
 * The document as a plain object, once its syntax and structure passed: throws a positioned
 * ConfigError for an alias bomb, an empty file or a top level that is not a mapping.
 */
function topLevelMapping(source, file) {
    let value;
    try {
        value = source.document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    }
    catch (error) {
        // Alias bombs and the like; the parser has already accepted the syntax.
        const reason = error instanceof Error ? error.message : String(error);
        throw new errors/* ConfigError */.xL([
            { file, ...positionOfPath(source, []), path: '', message: `invalid YAML: ${reason}` },
        ]);
    }
    if (value === null || value === undefined) {
        throw new errors/* ConfigError */.xL([
            unpositioned(file, 'the file is empty; expected a mapping with at least hardware_plan, model_ids and stages'),
        ]);
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
        throw new errors/* ConfigError */.xL([
            {
                file,
                ...positionOfPath(source, []),
                path: '',
                message: `expected a mapping of config keys (hardware_plan, model_ids, stages, …) at the top level, found ${describeTopLevel(value)}`,
            },
        ]);
    }
    return value;
}
/**
 * Parses and validates config text. `file` is used in messages, and to find the trace files of trace
 * stages (relative to its folder; they are read here). `variables` resolves `${VAR}`
 * references (default: `process.env`). Throws `ConfigError` holding every problem found.
 */
function parseConfigText(text, file, variables = process.env) {
    const source = parseYaml(text);
    const syntaxProblems = yamlSyntaxProblems(source, file);
    // After a syntax error the tree is a guess; validating it would report phantom problems.
    if (syntaxProblems.length > 0)
        throw new errors/* ConfigError */.xL(syntaxProblems.sort(byPosition));
    const positioned = (problem) => ({
        file,
        ...positionOfPath(source, problem.path, problem.at),
        path: (0,describe/* formatPath */.jV)(problem.path),
        message: problem.message,
    });
    const yamlWarnings = source.document.warnings.map((warning) => ({
        file,
        ...positionAtOffset(source, warning.pos[0]),
        path: (0,describe/* formatPath */.jV)(pathAtOffset(source, warning.pos[0])),
        message: `YAML: ${warning.message.split('\n')[0] ?? warning.message}`,
    }));
    const structureProblems = findStructureProblems(source).map(({ offset, message }) => ({
        file,
        ...positionAtOffset(source, offset),
        path: (0,describe/* formatPath */.jV)(pathAtOffset(source, offset)),
        message,
    }));
    if (structureProblems.length > 0)
        throw new errors/* ConfigError */.xL(structureProblems.sort(byPosition));
    const data = topLevelMapping(source, file);
    const substitutionProblems = substituteAll(data, variables, []);
    const result = validateConfig(data, (path) => scalarSourceAt(source, path));
    const problems = [...substitutionProblems, ...result.errors].map(positioned).sort(byPosition);
    if (problems.length > 0 || result.config === undefined)
        throw new errors/* ConfigError */.xL(problems);
    // Trace stages: their files are read now (relative to this file), so a bad trace fails the load.
    const rawStages = Array.isArray(data.stages) ? data.stages : [];
    const { traces, problems: traceProblems } = loadStageTraces(result.config, file, (index) => {
        const raw = rawStages[index];
        return typeof raw === 'object' && raw !== null && 'iterations' in raw;
    }, (path, at) => positionOfPath(source, path, at));
    if (traceProblems.length > 0)
        throw new errors/* ConfigError */.xL(traceProblems);
    return {
        config: result.config,
        file,
        warnings: [...yamlWarnings, ...result.warnings.map(positioned)].sort(byPosition),
        ...(traces.size > 0 ? { traces } : {}),
    };
}
/** A YAML file beside the missing one whose name is close (`bench-simple.yml` for `bench_simple.yaml`). */
async function similarConfigFile(path) {
    try {
        const names = (await (0,promises_.readdir)((0,external_node_path_.dirname)((0,external_node_path_.resolve)(path)))).filter((name) => /\.ya?ml$/i.test(name));
        const match = (0,describe/* closestMatch */.h0)((0,external_node_path_.basename)(path), names);
        return match === undefined ? undefined : (0,external_node_path_.join)((0,external_node_path_.dirname)(path), match);
    }
    catch {
        return undefined;
    }
}
function readProblem(path, error, similar) {
    const code = error?.code;
    switch (code) {
        case 'ENOENT':
            return {
                ...unpositioned(path, `no such file: looked for ${(0,external_node_path_.resolve)(path)} (the path is relative to the working directory ${process.cwd()})` +
                    (similar ? `; did you mean ${similar}?` : '')),
                code: 'missing_file',
            };
        case 'EISDIR':
            return unpositioned(path, 'is a directory; expected a YAML config file');
        case 'EACCES':
        case 'EPERM':
            return unpositioned(path, 'permission denied; the config file must be readable');
        default:
            return unpositioned(path, `cannot read the file: ${error instanceof Error ? error.message : String(error)}`);
    }
}
/**
 * Reads, parses and validates the config file at `path` (relative to the working directory).
 * `variables` resolves `${VAR}` references (default: `process.env`). Throws `ConfigError`, also for a
 * missing file, a directory or a file too large to be a config.
 */
async function loadConfigFile(path, variables = process.env) {
    let text;
    try {
        const info = await (0,promises_.stat)(path);
        if (info.isDirectory())
            throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
        if (info.size > MAX_CONFIG_FILE_BYTES) {
            throw new errors/* ConfigError */.xL([
                unpositioned(path, `expected a config of at most 1 MiB, found ${(0,describe/* formatNumber */.ZV)(info.size)} bytes; is this the right file?`),
            ]);
        }
        text = await (0,promises_.readFile)(path, 'utf8');
    }
    catch (error) {
        if (error instanceof errors/* ConfigError */.xL)
            throw error;
        const missing = error?.code === 'ENOENT';
        throw new errors/* ConfigError */.xL([readProblem(path, error, missing ? await similarConfigFile(path) : undefined)]);
    }
    return parseConfigText(text, path, variables);
}

;// CONCATENATED MODULE: ./src/config/index.ts
/**
 * The config module's public face: load a config file (or text) into a validated `BenchConfig`,
 * and the schema it is checked against.
 */



;// CONCATENATED MODULE: ./src/util/signals.ts
/**
 * SIGINT/SIGTERM as an AbortSignal. Both shells stop a run the same way (abort, then clean up and
 * publish what was measured); they differ in what a second signal does and in what they tell the user.
 */
/** Installs SIGINT/SIGTERM handlers that abort the returned signal with `cancelled by <SIGNAL>`. */
function abortOnSignals(handling) {
    const controller = new AbortController();
    const onSignal = (name) => {
        if (handling.onRepeat && controller.signal.aborted) {
            handling.onRepeat(name);
            return;
        }
        handling.onSignal(name);
        controller.abort(new Error(`cancelled by ${name}`));
    };
    const listen = handling.onRepeat ? process.on.bind(process) : process.once.bind(process);
    listen('SIGINT', onSignal);
    listen('SIGTERM', onSignal);
    return {
        signal: controller.signal,
        dispose() {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
        },
    };
}

;// CONCATENATED MODULE: ./src/action/mode-common.ts
/**
 * What the modes of the main step share: the config as every mode loads it, this node's identity and
 * default artifact name, the runner's cancellation signal, and how a mode says the step fails.
 */





/** Loads the config and sets the outputs every mode reports (config file, node count, timeout, environment). */
async function loadConfig(inputs, ports, outputs) {
    outputs[Outputs.ConfigFile] = inputs.configFile;
    const loaded = await loadConfigFile(inputs.configFile, process.env);
    for (const warning of loaded.warnings) {
        ports.logger.warning((0,errors/* formatConfigProblem */.fc)(warning), {
            title: 'exo-bench config',
            file: warning.file,
            ...(warning.line > 0 ? { startLine: warning.line, startColumn: warning.column } : {}),
        });
    }
    const defaults = nodeDefaults(loaded.config);
    outputs[Outputs.ExpectedNodes] = String(inputs.expectedNodes ?? defaults.expectedNodes);
    outputs[Outputs.TimeoutSeconds] = String(inputs.timeoutSeconds ?? defaults.timeoutSeconds);
    outputs[Outputs.Environment] = JSON.stringify(loaded.config.environment);
    return loaded;
}
/** Who this node is in the matrix and the workflow run. */
function nodeIdentity(inputs) {
    return {
        runId: process.env.GITHUB_RUN_ID ?? 'local',
        runAttempt: process.env.GITHUB_RUN_ATTEMPT ?? '1',
        hardwareLabel: inputs.hardwareLabel ?? 'node',
        nodeIndex: inputs.nodeIndex,
    };
}
/** The artifact name when none is given: hardware label, node index and run attempt (no collisions in a matrix). */
function defaultArtifactName(inputs) {
    const id = nodeIdentity(inputs);
    return `exo-bench-${id.hardwareLabel}-${id.nodeIndex}-${id.runAttempt}`.replace(/[^A-Za-z0-9_.-]+/g, '_');
}
let signalAbort;
/** One AbortSignal for SIGINT/SIGTERM (the runner sends them on cancellation), shared by every mode. */
function abortOnRunnerSignals(ports) {
    signalAbort ??= abortOnSignals({
        onSignal: (name) => ports.logger.warning(`${name}: stopping the run; partial results will be published`),
    });
    return signalAbort.signal;
}

;// CONCATENATED MODULE: ./src/plan/plan.ts
/** all_nodes_start_delay_seconds when a config has none (the schema writes it). */
const DEFAULT_START_DELAY_SECONDS = 120;
/**
 * The first stage's start a plan made at `nowMs` fixes (epoch ms, rounded up to a whole millisecond):
 * `nowMs` + all_nodes_start_delay_seconds for `load_from: all_nodes` with an openai target, which has
 * no shared state to publish a start through (docs/load-from.md); undefined for any other config.
 */
function planStartAtMs(config, nowMs) {
    if (config.load_from !== 'all_nodes' || config.target.kind !== 'openai')
        return undefined;
    return Math.ceil(nowMs + (config.all_nodes_start_delay_seconds ?? DEFAULT_START_DELAY_SECONDS) * 1000);
}
/**
 * One entry per node, labels in config order, indices counting from 0 within each label; the very
 * first entry is the primary. `{a: 2, b: 1}` → a/0 (primary), a/1, b/0, each expecting 3 nodes.
 * `sends_load`: the primary only, or every entry with `load_from: all_nodes`. `startAtMs` (planStartAtMs)
 * goes into every entry as `start_at_ms` when given.
 */
function buildPlan(config, startAtMs) {
    const counts = Object.entries(config.hardware_plan);
    const expectedNodes = counts.reduce((total, [, count]) => total + count, 0);
    const include = [];
    for (const [label, count] of counts) {
        for (let index = 0; index < count; index += 1) {
            const isPrimary = include.length === 0;
            include.push({
                label,
                index,
                is_primary: isPrimary,
                expected_nodes: expectedNodes,
                sends_load: isPrimary || config.load_from === 'all_nodes',
                ...(startAtMs !== undefined ? { start_at_ms: startAtMs } : {}),
            });
        }
    }
    return { include };
}
/**
 * A node's position in the plan's matrix order (src/plan/plan.ts: labels in config order, indices
 * within each label): what `i mod N` is counted against. Undefined when the label or index is unknown
 * to the plan.
 */
function planPosition(config, label, indexInLabel) {
    let position = 0;
    for (const [planLabel, count] of Object.entries(config.hardware_plan)) {
        if (planLabel === label)
            return indexInLabel < count ? position + indexInLabel : undefined;
        position += count;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/plan/markdown.ts
/** The plan as a short job-summary section: what will run where, readable before any node starts. */

/**
 * Renders the plan: a heading, one line with the node count and the config file (and, when the plan
 * fixed the schedule, when the first stage starts), and a table of label | index | primary | sends
 * load. Labels and the file name come from the user and are escaped.
 */
function renderPlanMarkdown(plan, configFile) {
    const nodeCount = plan.include.length;
    const startAtMs = plan.include[0]?.start_at_ms;
    const lines = [
        '### exo-bench plan',
        '',
        `${nodeCount} ${nodeCount === 1 ? 'node' : 'nodes'} from ${(0,markdown/* markdownInlineCode */.m2)(configFile)}.`,
        ...(startAtMs !== undefined
            ? [
                '',
                `The first stage starts at ${new Date(startAtMs).toISOString()} (\`start_at_ms\` ${startAtMs}, this job's clock + \`all_nodes_start_delay_seconds\`): every node sends its share of each stage to the one server on starts derived from it.`,
            ]
            : []),
        '',
        '| label | index | primary | sends load |',
        '| --- | ---: | --- | --- |',
        ...plan.include.map((entry) => `| ${(0,markdown/* escapeMarkdownCell */.Vf)(entry.label)} | ${entry.index} | ${entry.is_primary ? 'yes' : 'no'} | ${entry.sends_load ? 'yes' : 'no'} |`),
    ];
    return `${lines.join('\n')}\n`;
}

// EXTERNAL MODULE: ./src/util/clock.ts
var util_clock = __webpack_require__(97110);
// EXTERNAL MODULE: ./src/preflight/runners.ts
var runners = __webpack_require__(780);
;// CONCATENATED MODULE: ./src/action/plan-mode.ts
/**
 * `mode: plan`: the matrix from hardware_plan, and (with a token) whether the self-hosted runners are
 * online.
 */






/** Builds the matrix and checks the runners; a shortfall fails the step when runners are required. */
async function planMode(inputs, ports, outputs) {
    const loaded = await loadConfig(inputs, ports, outputs);
    // load_from: all_nodes with an openai target: the schedule is fixed here, from this job's clock.
    const startAtMs = planStartAtMs(loaded.config, util_clock/* systemClock */.ml.nowMs());
    const plan = buildPlan(loaded.config, startAtMs);
    outputs[Outputs.Matrix] = JSON.stringify(plan);
    outputs[Outputs.ScheduleStartMs] = startAtMs === undefined ? '' : String(startAtMs);
    ports.logger.info(`matrix: ${plan.include.length} node${plan.include.length === 1 ? '' : 's'}${startAtMs === undefined ? '' : `; the first stage starts at ${new Date(startAtMs).toISOString()} (start_at_ms ${startAtMs})`}`);
    // Set first: building the source can throw (an empty token), and every output must have a value.
    outputs[Outputs.RunnersReady] = 'unknown';
    if (inputs.waitForRunnersSeconds > 0 && !inputs.githubToken)
        ports.logger.warning(`wait-for-runners: ${inputs.waitForRunnersSeconds} has no effect without github-token: the runners are not checked (give a token that may read self-hosted runners)`);
    // @actions/github loads only when used: it is most of the bundle's start-up time (bench/cold-start.mjs).
    const source = inputs.githubToken
        ? (await Promise.all(/* import() */[__webpack_require__.e(351), __webpack_require__.e(505)]).then(__webpack_require__.bind(__webpack_require__, 23505))).createGitHubRunnerSource(inputs.githubToken, inputs.runnerScope, {
            logger: ports.logger,
        })
        : undefined;
    const preflight = await (0,runners/* runPreflight */.hg)(source, {
        hardwarePlan: loaded.config.hardware_plan,
        waitSeconds: inputs.waitForRunnersSeconds,
        signal: abortOnRunnerSignals(ports),
    }, ports.logger);
    outputs[Outputs.RunnersReady] = preflight.runnersReady;
    await ports.summary.write(`${renderPlanMarkdown(plan, inputs.configFile)}\n${(0,runners/* renderPreflightMarkdown */.zH)(preflight)}`);
    const requireRunners = inputs.requireRunners ?? Boolean(inputs.githubToken);
    const shortfall = requireRunners ? (0,runners/* preflightError */.s2)(preflight) : undefined;
    return shortfall ? { message: (0,errors/* describeError */.Uc)(shortfall), annotated: false } : undefined;
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
;// CONCATENATED MODULE: ./src/run/provision.ts
/**
 * Per-node provisioning: the environment an EXO launch needs on this node (exo-api.md §1.2-1.3).
 * Every node of one run and attempt shares a discovery namespace derived from the run, so concurrent
 * runs (or a re-run) never see each other; each node gets a fresh EXO_HOME under the runner's temp dir.
 * On current EXO the namespace is the `--namespace` flag (plus EXO_ZENOH_NAMESPACE); the old
 * EXO_LIBP2P_NAMESPACE is fatal there, so it is never set. Models live outside the fresh EXO_HOME, in a
 * persistent models dir (EXO_DEFAULT_MODELS_DIR, default ~/.exo/models as the seed workflow kept them),
 * so a run does not download every model again (§12.3). EXO_BENCH_EXO_ARGS holds the flags EXO needs
 * on this node, `--force-master` on the primary only, so that a late joiner's election never hands the
 * cluster to a node that starts from an empty state (§12.2).
 */



/** Names our own exported variables use, for commands that start EXO (`--api-port $EXO_BENCH_API_PORT`). */
const ProvisionVariables = {
    ExoHome: 'EXO_HOME',
    ZenohNamespace: 'EXO_ZENOH_NAMESPACE',
    Namespace: 'EXO_BENCH_NAMESPACE',
    ApiPort: 'EXO_BENCH_API_PORT',
    ExoArgs: 'EXO_BENCH_EXO_ARGS',
    ModelsDir: 'EXO_DEFAULT_MODELS_DIR',
    ReadOnlyModelsDirs: 'EXO_MODELS_READ_ONLY_DIRS',
};
/** Where models stay between runs unless told otherwise: EXO's own default on macOS, as the seed kept it. */
function defaultModelsDir(homeDir = (0,external_node_os_.homedir)()) {
    return (0,external_node_path_.join)(homeDir, '.exo', 'models');
}
/** A label made safe for a folder or namespace name. */
function safeName(text) {
    return text.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80) || 'node';
}
/** Computes this node's provision without touching the disk. */
function planProvision(config, node) {
    const namespace = `exo-bench-${safeName(node.runId)}-${safeName(node.runAttempt)}`;
    const base = node.tempDir ?? (0,external_node_os_.tmpdir)();
    const exoHome = (0,external_node_path_.join)(base, 'exo-bench', `${safeName(node.hardwareLabel)}-${node.nodeIndex}-${safeName(node.runAttempt)}`, 'exo-home');
    const variables = { ...config.environment };
    const modelsDir = node.modelsDir ?? config.environment[ProvisionVariables.ModelsDir] ?? defaultModelsDir(node.homeDir);
    // Every word is plain (a port, a safeName namespace, flags), so `exo $EXO_BENCH_EXO_ARGS` splits it right.
    const exoArgs = [
        '--api-port',
        String(node.apiPort),
        '--namespace',
        namespace,
        ...(node.isPrimary ? ['--force-master'] : []),
    ].join(' ');
    // Ours last: the config cannot move EXO_HOME or the namespace out from under the cluster.
    variables[ProvisionVariables.ExoHome] = exoHome;
    variables[ProvisionVariables.ZenohNamespace] = namespace;
    variables[ProvisionVariables.Namespace] = namespace;
    variables[ProvisionVariables.ApiPort] = String(node.apiPort);
    variables[ProvisionVariables.ExoArgs] = exoArgs;
    variables[ProvisionVariables.ModelsDir] = modelsDir;
    if (node.readOnlyModelsDirs)
        variables[ProvisionVariables.ReadOnlyModelsDirs] = node.readOnlyModelsDirs;
    return { exoHome, namespace, apiPort: node.apiPort, modelsDir, exoArgs, variables };
}
/**
 * Creates a fresh, empty EXO_HOME (a previous attempt's leftovers would hold its exo.pid and logs) and
 * the models dir if it is missing (never emptied: what is in it is what spares the next download).
 */
function prepareExoHome(provision) {
    (0,external_node_fs_.rmSync)(provision.exoHome, { recursive: true, force: true });
    (0,external_node_fs_.mkdirSync)(provision.exoHome, { recursive: true });
    (0,external_node_fs_.mkdirSync)(provision.modelsDir, { recursive: true });
}

;// CONCATENATED MODULE: ./src/action/provision-mode.ts
/**
 * `mode: provision`: this node's EXO environment (EXO_HOME, namespace, port, arguments) exported for
 * the steps that start EXO; `mode: node` provisions the same way first.
 */




/** Plans and prepares this node's EXO environment, exports it and sets its outputs. */
function provision(loaded, inputs, ports, outputs) {
    const tempDir = process.env.RUNNER_TEMP;
    const provisioned = planProvision(loaded.config, {
        ...nodeIdentity(inputs),
        apiPort: inputs.apiPort,
        isPrimary: inputs.isPrimary,
        ...(inputs.modelsDir ? { modelsDir: (0,external_node_path_.resolve)(inputs.modelsDir) } : {}),
        ...(inputs.readOnlyModelsDirs ? { readOnlyModelsDirs: inputs.readOnlyModelsDirs } : {}),
        ...(tempDir ? { tempDir } : {}),
    });
    prepareExoHome(provisioned);
    for (const [name, value] of Object.entries(provisioned.variables))
        ports.env.exportVariable(name, value);
    outputs[Outputs.ExoHome] = provisioned.exoHome;
    outputs[Outputs.Namespace] = provisioned.namespace;
    outputs[Outputs.ApiPort] = String(provisioned.apiPort);
    outputs[Outputs.ExoArgs] = provisioned.exoArgs;
    outputs[Outputs.ModelsDir] = provisioned.modelsDir;
    ports.logger.info(`EXO_HOME=${provisioned.exoHome}, models in ${provisioned.modelsDir}, EXO_BENCH_EXO_ARGS=${provisioned.exoArgs}`);
    return provisioned;
}

// EXTERNAL MODULE: ./src/cluster/client.ts
var cluster_client = __webpack_require__(74931);
// EXTERNAL MODULE: ./src/cluster/orchestrate.ts
var orchestrate = __webpack_require__(85734);
;// CONCATENATED MODULE: ./src/util/redact.ts
/** A URL fit for results and logs: user name and password removed (also from text that does not parse). */
function withoutUserInfo(url) {
    try {
        const parsed = new URL(url);
        parsed.username = '';
        parsed.password = '';
        return parsed.toString().replace(/\/+$/, '');
    }
    catch {
        return url.replace(/\/\/[^/?#]*@/, '//');
    }
}
/** Secrets shorter than this are not redacted from text: replacing a 1-3 character string would garble it. */
const MIN_REDACTED_SECRET_CHARS = 4;
/**
 * Replaces each secret in text that came from a server: an error body can echo the API key it refused
 * ("Incorrect API key provided: sk-…"), and records and results are files anyone with the artifact reads.
 */
function redactSecrets(text, secrets) {
    let redacted = text;
    for (const secret of secrets)
        redacted = redacted.split(secret).join('***');
    return redacted;
}
/** The password of a URL's user info, if any (it is a credential like the API key). */
function urlPassword(url) {
    try {
        const password = decodeURIComponent(new URL(url).password);
        return password === '' ? undefined : password;
    }
    catch {
        return undefined;
    }
}
/** The secrets of one run: each is masked as it is learnt and redacted from server text afterwards. */
class SecretRedactor {
    masks;
    secrets = [];
    constructor(masks) {
        this.masks = masks;
    }
    /** Learns a secret (nothing for undefined or empty): masked in logs at once, redacted from now on. */
    add(secret) {
        if (secret === undefined || secret === '')
            return;
        this.masks.mask?.(secret);
        this.masks.env?.mask(secret);
        if (secret.length >= MIN_REDACTED_SECRET_CHARS)
            this.secrets.push(secret);
    }
    /** True when there is something to redact (callers skip the work otherwise). */
    get any() {
        return this.secrets.length > 0;
    }
    /** The text with every known secret replaced by `***`. */
    redact(text) {
        return redactSecrets(text, this.secrets);
    }
}

// EXTERNAL MODULE: ./src/cluster/state.ts
var cluster_state = __webpack_require__(44299);
;// CONCATENATED MODULE: ./src/cluster/snapshots.ts


/**
 * The seed's task keys: per (instance, node) of the run's instances, and per node the sums over its
 * instances (a request occupies every node of its instance).
 */
function addSeedTasks(snapshot, counts, instances) {
    const byNode = new Map();
    const nodeEntry = (nodeId) => {
        let entry = byNode.get(nodeId);
        if (!entry) {
            entry = {
                node_id: nodeId,
                pending_tasks: 0,
                running_tasks: 0,
                total_active_tasks: 0,
                instance_count: 0,
            };
            byNode.set(nodeId, entry);
        }
        return entry;
    };
    for (const nodeId of Object.keys(snapshot.node_memory))
        nodeEntry(nodeId);
    for (const instance of instances) {
        const { pending, running } = counts.get(instance.instanceId) ?? { pending: 0, running: 0 };
        for (const nodeId of instance.nodeIds) {
            snapshot.instance_tasks.push({
                instance_id: instance.instanceId,
                node_id: nodeId,
                pending_tasks: pending,
                running_tasks: running,
                total_active_tasks: pending + running,
            });
            const node = nodeEntry(nodeId);
            node.pending_tasks += pending;
            node.running_tasks += running;
            node.total_active_tasks += pending + running;
            node.instance_count += 1;
        }
    }
    snapshot.node_tasks.push(...byNode.values());
}
/** Most snapshots kept; older ones are thinned, not dropped wholesale. */
const MAX_SNAPSHOTS = 1000;
/**
 * Collects snapshots until stopped. Reads the first source; when it stops answering (that node left),
 * the next one, once, so that the run still sees what happens to its instances.
 */
class SnapshotRecorder {
    sources;
    clock;
    logger;
    instances;
    onInstancesLost;
    snapshots = [];
    periodMs;
    timer;
    inProgress = false;
    stopped = false;
    warned = false;
    /** `/state` requests sent so far. */
    requests = 0;
    /** Index in `sources` of the node being read. */
    sourceIndex = 0;
    /** Resets the current source had seen before it was first read for this run. */
    resetsBefore;
    constructor(sources, clock, logger, periodMs, 
    /** Instances of this run, to map in-flight requests to nodes. */
    instances, 
    /**
     * Told when a poll shows some of the run's instances gone, with `reset` true when the polled node's
     * event counter fell since the snapshots began (a new master started from an empty state).
     */
    onInstancesLost) {
        this.sources = sources;
        this.clock = clock;
        this.logger = logger;
        this.instances = instances;
        this.onInstancesLost = onInstancesLost;
        if (sources.length === 0)
            throw new Error('SnapshotRecorder needs a node to read');
        this.periodMs = periodMs;
        this.resetsBefore = sources[0].resets.resets.length;
    }
    /** The node being read now. */
    get source() {
        return this.sources[this.sourceIndex];
    }
    /** Starts polling (the first snapshot is taken at once). */
    start() {
        this.stopped = false;
        void this.tick();
    }
    /** Stops polling; the last snapshot in progress is still kept. */
    stop() {
        this.stopped = true;
        if (this.timer !== undefined)
            clearTimeout(this.timer);
        this.timer = undefined;
    }
    schedule() {
        if (this.stopped)
            return;
        this.timer = setTimeout(() => void this.tick(), this.periodMs);
        this.timer.unref();
    }
    async tick() {
        if (this.inProgress || this.stopped)
            return;
        this.inProgress = true;
        try {
            this.add(await this.take());
        }
        catch (error) {
            if (error instanceof cluster_client/* ExoConnectionError */.DN && this.sourceIndex + 1 < this.sources.length) {
                this.sourceIndex++;
                this.resetsBefore = this.source.resets.resets.length;
                this.logger.warning(`cluster snapshots: ${error.message}; reading node ${this.source.nodeId} from now on`);
                return;
            }
            // A failed poll loses one point, not the run; say so once.
            if (!this.warned) {
                this.logger.warning(`cluster snapshot failed: ${error instanceof Error ? error.message : String(error)}`);
                this.warned = true;
            }
        }
        finally {
            this.inProgress = false;
            this.schedule();
        }
    }
    /** Takes one snapshot now. */
    async take() {
        this.requests++;
        const source = this.source;
        const state = (await source.client.state());
        const view = (0,cluster_state/* readClusterView */.Ou)(state);
        const atMs = this.clock.nowMs();
        const snapshot = {
            at_ms: atMs,
            memory_used_bytes_by_node: {},
            memory_available_bytes_by_node: {},
            in_flight_by_instance: {},
            in_flight_by_node: {},
            in_flight_total: view.inFlightTotal,
            timestamp: atMs / 1000,
            node_memory: {},
            instance_tasks: [],
            node_tasks: [],
        };
        const memory = (state?.nodeMemory ?? {});
        for (const [nodeId, { totalBytes, availableBytes }] of view.memory) {
            snapshot.memory_used_bytes_by_node[nodeId] = totalBytes - availableBytes;
            snapshot.memory_available_bytes_by_node[nodeId] = availableBytes;
            const swapTotal = (0,cluster_state/* bytesOf */.$$)(memory[nodeId]?.swapTotal) ?? 0;
            const swapAvailable = (0,cluster_state/* bytesOf */.$$)(memory[nodeId]?.swapAvailable) ?? 0;
            snapshot.node_memory[nodeId] = {
                ram_total_bytes: totalBytes,
                ram_available_bytes: availableBytes,
                ram_used_bytes: totalBytes - availableBytes,
                swap_total_bytes: swapTotal,
                swap_available_bytes: swapAvailable,
                swap_used_bytes: swapTotal - swapAvailable,
            };
        }
        const instances = new Map(this.instances().map((instance) => [instance.instanceId, instance]));
        for (const [instanceId, count] of view.inFlightByInstance) {
            snapshot.in_flight_by_instance[instanceId] = count;
            // A request occupies every node of its instance (pipeline/tensor shards all work on it).
            for (const nodeId of instances.get(instanceId)?.nodeIds ?? []) {
                snapshot.in_flight_by_node[nodeId] = (snapshot.in_flight_by_node[nodeId] ?? 0) + count;
            }
        }
        addSeedTasks(snapshot, (0,cluster_state/* countTasksByStatus */.dS)(state?.tasks ?? {}), [...instances.values()]);
        source.resets.observe(view.lastEventAppliedIdx, atMs);
        const lost = [...instances.keys()].filter((id) => !view.instances.has(id));
        if (lost.length > 0)
            this.onInstancesLost?.(lost, source.resets.resets.length > this.resetsBefore);
        return snapshot;
    }
    add(snapshot) {
        this.snapshots.push(snapshot);
        if (this.snapshots.length >= MAX_SNAPSHOTS) {
            const kept = this.snapshots.filter((_, i) => i % 2 === 0);
            this.snapshots.length = 0;
            this.snapshots.push(...kept);
            this.periodMs *= 2;
        }
    }
}

;// CONCATENATED MODULE: ./src/cluster/phase.ts




/**
 * Least period of the cluster snapshots when the only node they can read is the one serving the load,
 * seconds. Each read keeps that node busy for a serialisation of the whole state (exo-api.md §12.4):
 * bench/state-polling.mjs measured TTFT p99 37 → 78.5 ms (medians of 3 rounds) with a 2 MiB state read
 * every 2 s; once per 10 s it was within noise of no polling.
 */
const SERVING_NODE_MIN_POLL_SECONDS = 10;
/** How long a probe of another node's API may take before the snapshots stay on this node, ms. */
const POLL_TARGET_PROBE_MS = 3_000;
/**
 * The node whose `/state` the snapshots poll (exo-api.md §12.4): every `/state` read serialises the
 * whole state in the Python process that also relays the load's tokens, so the snapshots go to another
 * node of the cluster when one answers at the address the topology gives for it (its API port; the
 * scheme of this node's URL), and to this node only when none does.
 */
async function chooseStatePollTarget(view, ownNodeId, apiUrl, dispatcher, signal, logger, policy) {
    const protocol = new URL(apiUrl).protocol;
    for (const nodeId of policy === 'self' ? [] : view.nodeIds) {
        const address = view.apiAddresses.get(nodeId);
        if (nodeId === ownNodeId || !address)
            continue;
        const host = address.ip.includes(':') ? `[${address.ip}]` : address.ip;
        const client = new cluster_client/* ExoClient */.Gp(`${protocol}//${host}:${address.port}`, {
            dispatcher,
            callTimeoutMs: POLL_TARGET_PROBE_MS,
        });
        try {
            if ((await client.nodeId(signal)) === nodeId)
                return { client: new cluster_client/* ExoClient */.Gp(client.baseUrl, { dispatcher }), nodeId, servesLoad: false };
        }
        catch {
            // Unreachable from here (another network, a firewall): try the next node.
        }
    }
    if (view.nodeIds.length > 1 && policy === 'auto')
        logger.warning("cluster snapshots poll this node's /state: no other node's API answered at the address the topology gives");
    return { client: new cluster_client/* ExoClient */.Gp(apiUrl, { dispatcher }), nodeId: ownNodeId, servesLoad: true };
}
/**
 * The EXO cluster phase: waits for the API and the nodes, then places the instances (primary) or waits
 * for the primary's (secondary), until they are ready.
 */
async function prepareExoCluster(config, options, context, state, deadlineMs) {
    const { logger } = context;
    state.nodeId = await (0,orchestrate/* waitForApi */.Pz)(context, deadlineMs);
    logger.info(`connected to node ${state.nodeId} at ${options.apiUrl}`);
    let view = await (0,orchestrate/* waitForNodes */.iw)(context, options.expectedNodes, deadlineMs);
    state.view = view;
    logger.info(`cluster has ${view.nodeIds.length} node${view.nodeIds.length === 1 ? '' : 's'}`);
    let ids;
    if (options.isPrimary) {
        const plan = {
            sharding: config.sharding,
            instanceMeta: config.instance_meta,
            nodeCount: options.expectedNodes,
        };
        for (const modelId of config.model_ids) {
            state.placedIds.push((await (0,orchestrate/* placeInstance */.b_)(context, modelId, plan, deadlineMs)).instanceId);
            options.onInstancesPlaced?.([...state.placedIds]);
        }
        view = await (0,orchestrate/* waitForInstancesReady */.s7)(context, state.placedIds, deadlineMs, state.downloads);
        for (const download of state.downloads.times())
            logger.info(`downloaded ${download.model_id} (${Math.round(download.bytes / 1e6)} MB) in ${download.seconds} s, before the benchmark`);
        ids = state.placedIds;
    }
    else {
        ids = await (0,orchestrate/* waitForModelInstancesReady */.Tg)(context, config.model_ids, deadlineMs);
        view = await (0,orchestrate/* readView */.Ml)(context);
    }
    state.view = view;
    state.instances = ids.flatMap((id) => {
        const instance = view.instances.get(id);
        return instance ? [instance] : [];
    });
    logger.info(`instances ready: ${state.instances.map((i) => `${i.modelId} (${i.instanceId})`).join(', ')}`);
}
/**
 * Starts the cluster snapshots of a primary's run on the node chosen by chooseStatePollTarget. Instances
 * that vanish are warned about once (a node left: the requests account for it); a state reset (a new
 * master started from an empty state) is handed to `onStateReset` once, which aborts the run.
 */
async function startClusterSnapshots(config, options, context, cluster, pollResets, dispatcher, onStateReset) {
    const { logger } = context;
    const { view, nodeId } = cluster;
    let lostWarned = false;
    let lostReported = false;
    const target = await chooseStatePollTarget(view, nodeId, options.apiUrl, dispatcher, context.signal, logger, options.statePollNode ?? 'auto');
    const ownNode = { client: context.client, nodeId, resets: context.resetWatch };
    // Reading the serving node's /state stalls its token writes (§12.4): only rarely, then.
    const intervalSeconds = target.servesLoad
        ? Math.max(config.snapshot_interval_seconds, options.servingNodeMinPollSeconds ?? SERVING_NODE_MIN_POLL_SECONDS)
        : config.snapshot_interval_seconds;
    const snapshots = new SnapshotRecorder(
    // When the other node stops answering (it left), this node's own state still shows a reset.
    target.servesLoad
        ? [ownNode]
        : [{ client: target.client, nodeId: target.nodeId, resets: pollResets }, ownNode], context.clock, logger, intervalSeconds * 1000, () => cluster.instances, (lost, reset) => {
        const which = `instance${lost.length === 1 ? '' : 's'} ${lost.join(', ')}`;
        if (!reset) {
            // A node of the instance left (EXO deletes its instances): the requests say so one by
            // one as connection or 404 errors, and the run still accounts for every one of them.
            if (!lostWarned)
                logger.warning(`${which} vanished from the cluster state during the stage`);
            lostWarned = true;
            return;
        }
        // A new master started from an empty state: nothing of this run is left to measure.
        if (lostReported)
            return;
        lostReported = true;
        onStateReset((snapshots.source.resets ?? pollResets).error(which));
    });
    const statePolling = {
        node_id: target.nodeId,
        api_url: withoutUserInfo(target.client.baseUrl),
        serves_load: target.servesLoad,
        interval_seconds: intervalSeconds,
        requests: 0,
    };
    logger.info(`cluster snapshots: /state of ${target.servesLoad ? 'this node' : `node ${target.nodeId}`} every ${intervalSeconds} s`);
    snapshots.start();
    return { snapshots, statePolling };
}
/**
 * A secondary's part once the instances are ready: wait until the primary has run the stages and
 * deleted its instances (bounded by the timeout, the scheduled load and one request timeout).
 */
async function waitForPrimaryToFinish(config, options, context, cluster, load) {
    const ids = cluster.instances.map((instance) => instance.instanceId);
    context.logger.info('secondary: waiting for the primary to run the stages and delete its instances');
    const secondaryDeadlineMs = context.clock.nowMs() +
        options.timeoutSeconds * 1000 +
        load.scheduledMs +
        load.unscheduledMs +
        config.request_timeout_seconds * 1000;
    const view = cluster.view;
    await (0,orchestrate/* waitForInstancesGone */.Uw)(context, ids, secondaryDeadlineMs, {
        earliestFinishMs: context.clock.nowMs() + load.scheduledMs,
        watchedNodeIds: view?.nodeIds ?? [],
        nodeNames: new Map([...(view?.identities ?? [])].map(([nodeId, identity]) => [nodeId, identity.friendlyName])),
    });
    context.logger.info('the primary deleted its instances; done');
}
/** True once the phase has connected and seen the cluster (the snapshots need both). */
function isConnected(cluster) {
    return Boolean(cluster.view) && Boolean(cluster.nodeId);
}

// EXTERNAL MODULE: ./src/stream/index.ts + 4 modules
var stream = __webpack_require__(99046);
;// CONCATENATED MODULE: ./src/cluster/beacon.ts
/**
 * The schedule beacon of `load_from: all_nodes` (src/load/schedule.ts, docs/load-from.md): how the
 * primary tells every node when a stage starts without a side channel. EXO replicates `/state` to
 * every node, and a chat request's task carries its prompt there (exo-api.md §2.2); a request whose
 * client went away stays in `/state.tasks` as `Cancelled` for good, prompt included (§12.5). So the
 * primary sends one streamed request whose prompt is the start time, holds it open while the
 * secondaries poll (it is Running then, on any EXO version), and closes it before the start; every
 * node reads the same number.
 */


/** The marker every beacon prompt starts with (and secondaries search the tasks' prompts for). */
const BEACON_MARKER = 'exo-bench schedule';
/** The prompt of the beacon that publishes stage `stageIndex`'s start for run `runId`. */
function beaconText(runId, stageIndex, startMs) {
    // String() of a number reads back as exactly that number: every node gets the primary's value.
    return `${BEACON_MARKER} run=${runId} stage=${stageIndex} start_ms=${String(startMs)}`;
}
const BEACON_PATTERN = /exo-bench schedule run=(\S+) stage=(\d+) start_ms=(\d+(?:\.\d+)?)/;
/** Reads a beacon prompt: the run, stage and start it publishes, or undefined for any other text. */
function parseBeacon(text) {
    const match = BEACON_PATTERN.exec(text);
    if (!match)
        return undefined;
    return { runId: match[1], stageIndex: Number(match[2]), startMs: Number(match[3]) };
}
/**
 * The beacon a task of EXO's `/state.tasks` carries for (runId, stageIndex), if any: TextGeneration
 * tasks whose prompt (any message's content) is a beacon. Never throws on unexpected shapes.
 */
function findBeacon(tasks, runId, stageIndex) {
    if (typeof tasks !== 'object' || tasks === null)
        return undefined;
    for (const value of Object.values(tasks)) {
        const body = value?.TextGeneration;
        if (typeof body !== 'object' || body === null)
            continue;
        const params = body.taskParams ??
            body.task_params;
        const input = params?.input;
        for (const text of promptTexts(input)) {
            const beacon = parseBeacon(text);
            if (beacon && beacon.runId === runId && beacon.stageIndex === stageIndex)
                return beacon.startMs;
        }
    }
    return undefined;
}
/** The text contents of a chat request's messages (a string, or parts with `text`). */
function promptTexts(input) {
    if (typeof input === 'string')
        return [input];
    if (!Array.isArray(input))
        return [];
    const texts = [];
    for (const message of input) {
        const content = message?.content;
        if (typeof content === 'string')
            texts.push(content);
        else if (Array.isArray(content))
            for (const part of content) {
                const text = part?.text;
                if (typeof text === 'string')
                    texts.push(text);
            }
    }
    return texts;
}
/**
 * How far ahead of now the primary schedules a stage's start, ms: the secondaries poll `/state.tasks`
 * every `pollIntervalMs`, so four polls, and at least a second, leave each of them time to read the
 * beacon and be waiting before the start. `preparationMs` is what the primary's own preparation of the
 * stage took (its prompt calibration, which every secondary does too, on a machine as busy): twice that
 * is added, so that a slower secondary is still ready when the start comes (measured: on two shared
 * cores a secondary's calibration ran 38 ms past a one-second lead).
 */
function beaconLeadMs(pollIntervalMs, preparationMs = 0) {
    return Math.max(1_000, 4 * pollIntervalMs) + 2 * Math.max(0, preparationMs);
}
/** Tokens the beacon asks for: enough to still be generating when it is closed (EOS is banned). */
const BEACON_MAX_TOKENS = 4096;
/**
 * The primary's part: publishes `stageIndex`'s start, `beaconLeadMs` from now (the primary's clock),
 * and returns it. The beacon request is open until its task is seen in this node's `/state` and a
 * quarter of the lead is left; it is then closed, so the instance is idle again before the start.
 */
async function publishStageStart(context, target, runId, stageIndex, preparationMs = 0) {
    const { clock } = context;
    const leadMs = beaconLeadMs(context.pollIntervalMs, preparationMs);
    // A whole millisecond: the start reads the same in logs, prompts and results.
    const startMs = Math.ceil(clock.nowMs() + leadMs);
    const close = new AbortController();
    const signal = context.signal ? AbortSignal.any([context.signal, close.signal]) : close.signal;
    // EXO's bench endpoint bans EOS: the beacon cannot end by itself before it is closed.
    const sent = (0,stream/* httpRequest */.aj)(`${target.baseUrl}/bench/chat/completions`, {
        method: 'POST',
        dispatcher: target.dispatcher,
        headers: { ...target.headers, 'content-type': 'application/json' },
        body: JSON.stringify({
            model: target.model,
            messages: [{ role: 'user', content: beaconText(runId, stageIndex, startMs) }],
            stream: true,
            max_tokens: BEACON_MAX_TOKENS,
        }),
        signal,
    }).then(async (response) => {
        // Read until closed: the body is discarded, only the task in /state matters.
        await response.body.done();
        return response.statusCode;
    }, (error) => (close.signal.aborted ? 0 : Promise.reject(error)));
    const failed = sent.then((status) => (close.signal.aborted ? undefined : status), (error) => (close.signal.aborted ? undefined : error));
    try {
        const closeAtMs = startMs - leadMs / 4;
        let seen = false;
        while (!seen && clock.nowMs() < closeAtMs) {
            const tasks = await context.client.statePath('tasks', context.signal).catch(() => undefined);
            seen = findBeacon(tasks, runId, stageIndex) !== undefined;
            if (!seen)
                await clock.sleep(Math.min(context.pollIntervalMs / 4, 100), context.signal);
        }
        if (!seen)
            context.logger.warning(`stage ${stageIndex}: the schedule beacon did not show in this node's /state before the start; secondaries may miss it`);
        // Held open until a quarter of the lead is left: the secondaries poll meanwhile.
        if (clock.nowMs() < closeAtMs)
            await clock.sleepUntil(closeAtMs, context.signal);
    }
    finally {
        close.abort();
    }
    const outcome = await failed.catch((error) => error);
    if (outcome !== undefined)
        context.logger.warning(`the schedule beacon ended before it was closed (${outcome instanceof Error ? outcome.message : `HTTP ${String(outcome)}`})`);
    return startMs;
}
/**
 * A secondary's part: waits (polling this node's `/state.tasks`) for the primary's beacon of
 * `stageIndex` and returns the start it publishes. Throws a ClusterError past `deadlineMs`, or as soon
 * as none of `instanceIds` (the run's instances) is left in the state: the primary's run has ended
 * (it deletes them on every path) and no start will come.
 */
async function awaitStageStart(context, runId, stageIndex, deadlineMs, instanceIds = []) {
    const { clock } = context;
    const read = (path) => context.client.statePath(path, context.signal).catch((error) => {
        if (context.signal?.aborted)
            throw error;
        return null; // a poll that failed: the next one may not
    });
    for (;;) {
        const tasks = await read('tasks');
        const startMs = findBeacon(tasks, runId, stageIndex);
        if (startMs !== undefined)
            return startMs;
        if (instanceIds.length > 0) {
            // undefined: EXO answered 404 (no instances at all); null: the read failed, which proves nothing.
            const instances = await read('instances');
            const left = instances === undefined
                ? []
                : typeof instances === 'object' && instances !== null
                    ? instanceIds.filter((id) => id in instances)
                    : instanceIds;
            if (left.length === 0)
                throw new errors/* ClusterError */.b$(`The run's instances are gone before the primary published the start of stage ${stageIndex} (load_from: all_nodes): the primary's run ended`, "The primary's log and results say why it stopped.");
        }
        if (clock.nowMs() >= deadlineMs)
            throw new errors/* ClusterError */.b$(`Timed out waiting for the primary's start of stage ${stageIndex} (load_from: all_nodes)`, "The primary publishes each stage's start in the cluster state once the previous stage drained; its log says why it did not.");
        await clock.sleep(context.pollIntervalMs, context.signal);
    }
}

;// CONCATENATED MODULE: ./src/load/prompt.ts
/**
 * Prompt text of a given number of tokens, without a tokenizer. A prompt is an optional nonce followed
 * by a body of filler words; its shape (how many words, whether a final `.` follows) is what
 * calibration (./calibrate.ts) searches so that the server's own `usage.prompt_tokens`, chat template
 * included, equals the requested length. Without calibration the shape is an estimate.
 *
 * Why the pieces look the way they do:
 * - Filler words are short (≤ 4 letters), lower-case and common: one token each, with their leading
 *   space, in the BPE vocabularies of Llama, Qwen, Mistral and GPT models, and in the simulator's
 *   stand-in tokenizer (which splits longer words every 4 characters). One more word is one more token,
 *   so every length is reachable and the search converges in two or three probes.
 * - The nonce is a fixed number of decimal digits. Every mainstream pre-tokenizer splits digit runs by
 *   position alone (Llama 3 / GPT-4: groups of three; Qwen, Llama 2, Mistral: one digit each), never
 *   by value, so every nonce of a run has the same token count and a length calibrated with one nonce
 *   holds for all of them. Hex or base-36 text would not: letters merge into tokens of varying length.
 * - The nonce's first digits are a hash of the request's identity, so two requests differ from the very
 *   first token after the chat template: nothing of theirs (not even a bracket) extends the template's
 *   shared, cacheable preamble into a further cache block.
 * - Bodies are identical across the requests of a stage; only the nonce differs. It comes first, so no
 *   two prompts share a cacheable prefix beyond the chat template's own preamble.
 */
/** Short, common words: one token each with a leading space, in real vocabularies and the simulator's. */
const FILLER_WORDS = ('the of and to in is was for on are with as be at by this had not but from or have an they one you ' +
    'were all we her she been if more when will who so no out up into do than can its time only new some ' +
    'may then any like our over such make most also did many well much your way down very each just how ' +
    'said back use').split(' ');
/** Tokens a chat template typically adds around one user message (role markers, BOS, header). */
const ESTIMATED_TEMPLATE_OVERHEAD_TOKENS = 8;
/** Decimal digits in a nonce: 8 identify the run and stage, 8 the request (iterations ≤ 10^7). */
const NONCE_DIGITS = 16;
/** Tokens a nonce is assumed to take before calibration (Llama 3: 6 groups of up to 3 digits). */
const ESTIMATED_NONCE_TOKENS = 6;
/** FNV-1a of a string, 32 bits: a stable scatter of the run and stage identity into digits. */
function fnv1a(text) {
    let hash = 0x811c9dc5;
    for (let index = 0; index < text.length; index += 1) {
        hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
    }
    return hash >>> 0;
}
/**
 * The unique opening of one request's prompt: 16 decimal digits. The first 8 scatter the run, the scope
 * (a stage name, or a calibration scope) and the index, so prompts diverge at their first token; the
 * last 8 are the index itself, so two requests of a scope never share a nonce. Always the same width.
 */
function promptNonce(runId, scope, index) {
    const half = NONCE_DIGITS / 2;
    const position = Math.max(0, Math.floor(index)) % 10 ** half;
    const scatter = String(fnv1a(`${runId}\u0000${scope}\u0000${position}`) % 10 ** half).padStart(half, '0');
    return `${scatter}${String(position).padStart(half, '0')}`;
}
/** The body of a prompt of this shape: the first `words` filler words, then `.` if asked. */
function promptBody(shape) {
    const words = new Array(shape.words);
    for (let index = 0; index < shape.words; index += 1)
        words[index] = FILLER_WORDS[index % FILLER_WORDS.length];
    const body = words.join(' ');
    return shape.period ? `${body}.` : body;
}
/** A whole prompt: the nonce (when given), a space, the body. */
function composePrompt(nonce, body) {
    if (nonce === undefined)
        return body;
    return body === '' ? nonce : `${nonce} ${body}`;
}
/** The shape calibration starts from: one token per word after an assumed template and nonce. */
function estimatePromptShape(promptLengthTokens, withNonce) {
    const words = promptLengthTokens - ESTIMATED_TEMPLATE_OVERHEAD_TOKENS - (withNonce ? ESTIMATED_NONCE_TOKENS : 0);
    return { words: Math.max(1, words), period: false };
}
/**
 * Prompt text of about `promptLengthTokens` tokens (an estimate, uncalibrated), opened by `nonce` when
 * given. Kept for callers that do not calibrate.
 */
function buildPromptText(promptLengthTokens, nonce) {
    return composePrompt(nonce, promptBody(estimatePromptShape(promptLengthTokens, nonce !== undefined)));
}

;// CONCATENATED MODULE: ./src/load/workload.ts

/** The workload of a stage with `shared_prefix` or `trace`; undefined for a plain stage. */
function stageWorkload(stage, trace) {
    if (stage.trace !== undefined) {
        if (!trace)
            throw new Error(`stage ${stage.name}: its trace was not loaded`);
        const requests = trace.requests;
        const blockTokens = stage.trace_block_tokens ?? 512;
        return {
            source: 'trace',
            count: Math.min(stage.iterations, requests.length),
            inputTokens: (index) => requests[index]?.input_length ?? 0,
            outputTokens: (index) => requests[index]?.output_length ?? 0,
            sharedBlocks: (index) => {
                const request = requests[index];
                if (!request)
                    return [];
                const blocks = [];
                // Blocks are identified by their chain (every id up to them), as a prefix cache sees them; the
                // last one, cut short by input_length, also by where it ends.
                let chain = '';
                for (let k = 0; k < request.hash_ids.length; k += 1) {
                    const start = k * blockTokens;
                    if (start >= request.input_length)
                        break;
                    const end = Math.min(request.input_length, start + blockTokens);
                    chain += `${chain === '' ? '' : '/'}${request.hash_ids[k]}`;
                    blocks.push({ seed: end - start < blockTokens ? `${chain}:${end - start}` : chain, endToken: end });
                }
                return blocks;
            },
        };
    }
    const prefix = stage.shared_prefix;
    if (prefix === undefined)
        return undefined;
    return {
        source: 'shared_prefix',
        count: stage.iterations,
        inputTokens: () => stage.prompt_length,
        outputTokens: () => stage.generation_length,
        sharedBlocks: (index) => [{ seed: `group ${index % prefix.groups}`, endToken: prefix.tokens }],
    };
}
/** FNV-1a of a string, 32 bits. */
function workload_fnv1a(text) {
    let hash = 0x811c9dc5;
    for (let index = 0; index < text.length; index += 1)
        hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
    return hash >>> 0;
}
/** `count` filler words drawn by a generator seeded with `seed` (mulberry32): the same seed, the same text. */
function seededWords(seed, count) {
    let state = workload_fnv1a(seed);
    const words = new Array(Math.max(0, count));
    for (let index = 0; index < count; index += 1) {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        words[index] = FILLER_WORDS[((t ^ (t >>> 14)) >>> 0) % FILLER_WORDS.length];
    }
    return words.join(' ');
}
/**
 * Drawn block texts, so that composing a request (at its send time, on the dispatch path) does not draw
 * the same block again: measured 0.8 ms for a 16,000-token prompt of 32 blocks drawn afresh.
 */
class BlockTextCache {
    maxEntries;
    texts = new Map();
    constructor(maxEntries = 4096) {
        this.maxEntries = maxEntries;
    }
    get(key, draw) {
        let text = this.texts.get(key);
        if (text === undefined) {
            text = draw();
            // Full: start over (a trace's sharing is mostly between requests close in time).
            if (this.texts.size >= this.maxEntries)
                this.texts.clear();
            this.texts.set(key, text);
        }
        return text;
    }
}
function blockText(seed, words, cache) {
    return cache
        ? cache.get(`${words}\u0000${seed}`, () => seededWords(seed, words))
        : seededWords(seed, words);
}
/**
 * The prompt of request `index`: its shared blocks (seeded by `scope` and each block's identity), then
 * the nonce (when given) and filler words up to the request's input length.
 */
function composeWorkloadPrompt(workload, index, offsets, scope, nonce, 
/** Block texts already drawn (by seed and length): a block shared by many requests is drawn once. */
cache) {
    const target = workload.inputTokens(index);
    const template = offsets.templateTokens;
    const parts = [];
    let tokens = template;
    let previousEnd = 0;
    for (const block of workload.sharedBlocks(index)) {
        // Words of the block: the tokens it spans, less the template's where the template overlaps it.
        const words = Math.max(0, block.endToken - template) - Math.max(0, previousEnd - template);
        if (words > 0)
            parts.push(blockText(`${scope}\u0000${block.seed}`, words, cache));
        tokens += words;
        previousEnd = block.endToken;
    }
    const hasWords = parts.length > 0;
    let remaining = target - tokens;
    const nonceCost = hasWords ? offsets.nonceAfterWordsTokens : offsets.nonceAtStartTokens;
    // A nonce that would not fit makes the prompt too long: then the request's own tokens are words only.
    if (nonce !== undefined && remaining >= nonceCost) {
        parts.push(nonce);
        tokens += nonceCost;
        remaining -= nonceCost;
    }
    if (remaining > 0) {
        parts.push(promptBody({ words: remaining, period: false }));
        tokens += remaining;
    }
    return { text: parts.join(' '), expectedTokens: tokens };
}
/**
 * What an unbounded prefix cache, filled by each request before the next one arrives, would serve:
 * request by request, the tokens of its leading shared blocks already seen in an earlier request (a
 * block counts only when every block before it hit too), at most its prompt tokens − 1 (the last
 * token is always computed). Without nonces (unique_prompts off), a request identical to an earlier
 * one (same blocks, same length) is served whole. Warm-up requests fill the cache but are not counted.
 */
function expectedCache(workload, uniquePrompts, warmupRequests) {
    const served = expectedCachedTokens(workload, uniquePrompts);
    let cached = 0;
    let prompt = 0;
    let hits = 0;
    let requests = 0;
    for (let index = warmupRequests; index < workload.count; index += 1) {
        requests += 1;
        prompt += workload.inputTokens(index);
        cached += served[index];
        if (served[index] > 0)
            hits += 1;
    }
    return {
        cached_tokens: cached,
        prompt_tokens: prompt,
        hit_rate: prompt > 0 ? cached / prompt : 0,
        hit_requests: hits,
        requests,
        request_hit_share: requests > 0 ? hits / requests : 0,
    };
}
/** Tokens each request of the workload should find in the prefix cache (see {@link expectedCache}). */
function expectedCachedTokens(workload, uniquePrompts) {
    const seen = new Set();
    const prompts = new Set();
    const served = [];
    for (let index = 0; index < workload.count; index += 1) {
        const input = workload.inputTokens(index);
        const blocks = workload.sharedBlocks(index);
        let tokens = 0;
        let matching = true;
        for (const block of blocks) {
            if (matching && seen.has(block.seed))
                tokens = Math.min(block.endToken, input);
            else
                matching = false;
            seen.add(block.seed);
        }
        if (!uniquePrompts) {
            const key = `${blocks.map((block) => block.seed).join('|')}#${input}`;
            if (prompts.has(key))
                tokens = input;
            prompts.add(key);
        }
        served.push(Math.min(tokens, Math.max(0, input - 1)));
    }
    return served;
}

;// CONCATENATED MODULE: ./src/load/calibrate.ts
/**
 * Prompt calibration: before a stage, a few short probe requests (`max_tokens: 1`, not streamed) ask the
 * server itself how many prompt tokens a candidate text makes — chat template, BOS and nonce included —
 * and a search over the prompt's shape (./prompt.ts) finds the text whose `usage.prompt_tokens` equals
 * the stage's `prompt_length`. Results are cached per model, length and nonce use, so later stages of
 * the same length probe nothing. Probes are not stage requests: they are left out of every statistic,
 * and their count is reported with the stage.
 *
 * The search: T(words) — prompt tokens for a body of `words` filler words — rises by about one per word.
 * 1. Probe the estimate. 2. Step by the remaining difference, divided by the slope measured so far
 *    (1 until two points exist). 3. Once the target is bracketed, interpolate inside the bracket.
 * 4. If adjacent word counts jump over the target (a word worth two tokens), try the lower one with a
 *    final `.`. 5. With a nonce, one more probe with another nonce checks that the count does not
 *    depend on the nonce's digits. Real tokenizers converge in 2–3 probes; the cap is 12.
 * A server that reports no `prompt_tokens` ends the search at once: the stage uses the estimate and is
 * flagged `estimate` (approximate).
 */



/** Highest number of probes one calibration may send. */
const MAX_PROBES = 12;
/** The probes of one calibration: sends them, each with its nonce, and counts them for the result. */
class CalibrationProbes {
    input;
    /** Probes sent so far. */
    sent = 0;
    constructor(input) {
        this.input = input;
    }
    /** Prompt tokens of a body of this shape (undefined: the server reported none); rejects on failure. */
    async measure(shape) {
        const nonce = this.input.withNonce ? this.input.probeNonce(this.sent) : undefined;
        this.sent += 1;
        return (await this.input.probe(composePrompt(nonce, promptBody(shape)))).promptTokens;
    }
    /** The calibration with the probes sent until now. */
    result(status, shape, measured, nonceStable, note) {
        return {
            model: this.input.model,
            requested_tokens: this.input.promptLengthTokens,
            measured_tokens: measured,
            status,
            shape,
            probes: this.sent,
            nonce_stable: nonceStable,
            ...(note === undefined ? {} : { note }),
        };
    }
}
/**
 * Steps 1–3 of the search (module comment), from `words`, until the target is hit, bracketed by adjacent
 * counts, out of reach or out of probes. Undefined when the server reported no prompt tokens.
 */
async function searchWordCount(probes, target, words) {
    const search = { measured: new Map() };
    while (probes.sent < MAX_PROBES) {
        const tokens = await probes.measure({ words, period: false });
        if (tokens === undefined)
            return undefined;
        search.measured.set(words, tokens);
        if (tokens === target) {
            search.found = { words, tokens };
            break;
        }
        const { below, above } = search;
        if (tokens < target && (!below || words > below.words))
            search.below = { words, tokens };
        if (tokens > target && (!above || words < above.words))
            search.above = { words, tokens };
        if (search.above && search.above.words === 0)
            break; // even an empty body is too long
        if (search.below && search.above && search.above.words - search.below.words <= 1)
            break; // adjacent: the target is skipped
        words = nextGuess(search.below, search.above, { words, tokens }, target);
        if (search.measured.has(words))
            break;
    }
    return search;
}
/** The closest measured length; ties go to the shorter prompt. */
function closestMeasured(measured, target) {
    let best;
    for (const [candidateWords, tokens] of measured) {
        const distance = Math.abs(tokens - target);
        if (!best ||
            distance < Math.abs(best.tokens - target) ||
            (distance === Math.abs(best.tokens - target) && tokens < best.tokens))
            best = { words: candidateWords, tokens };
    }
    return best;
}
/** Step 5: with nonces, one more probe with another nonce must give the same count. */
async function verifyNonce(probes, withNonce, shape, tokens) {
    if (!withNonce)
        return probes.result('exact', shape, tokens, null);
    const again = await probes.measure(shape);
    if (again === tokens)
        return probes.result('exact', shape, tokens, true);
    return probes.result('approximate', shape, tokens, false, `the prompt token count changed with the nonce (${tokens} then ${again ?? 'not reported'})`);
}
/** Why a prompt failed to calibrate, for the note of an `estimate`. */
function probeFailureNote(error, what) {
    return `calibration probe failed (${error instanceof Error ? error.message : String(error)}); ${what}`;
}
/**
 * Finds the prompt shape whose measured prompt tokens equal the requested length (see the module
 * comment for the search). Never throws: a failing probe ends in status `estimate` with its message.
 */
async function calibratePrompt(input) {
    const target = input.promptLengthTokens;
    const estimate = estimatePromptShape(target, input.withNonce);
    const probes = new CalibrationProbes(input);
    try {
        const search = await searchWordCount(probes, target, estimate.words);
        if (search === undefined)
            return probes.result('estimate', estimate, null, null, 'the server reported no usage.prompt_tokens; the prompt length is an estimate');
        const { measured, below, above, found } = search;
        if (!found && below && above && above.words - below.words <= 1 && probes.sent < MAX_PROBES) {
            // Step 4. One word too few, one word too many: a final period is one token on every common tokenizer.
            const withPeriod = await probes.measure({ words: below.words, period: true });
            if (withPeriod === target) {
                return await verifyNonce(probes, input.withNonce, { words: below.words, period: true }, target);
            }
        }
        // Awaited inside the try: a failing nonce probe ends in `estimate`, like every other failing probe.
        if (found)
            return await verifyNonce(probes, input.withNonce, { words: found.words, period: false }, target);
        const best = closestMeasured(measured, target);
        if (!best)
            return probes.result('estimate', estimate, null, null, 'calibration sent no probe');
        const floor = above && above.words === 0 ? above.tokens : undefined;
        const note = floor !== undefined
            ? `the shortest possible prompt already has ${floor} tokens (chat template${input.withNonce ? ' and nonce' : ''}); ${target} cannot be reached`
            : `no prompt text measured exactly ${target} tokens; the closest has ${best.tokens}`;
        return probes.result('approximate', { words: best.words, period: false }, best.tokens, null, note);
    }
    catch (error) {
        return probes.result('estimate', estimate, null, null, probeFailureNote(error, 'the prompt length is an estimate'));
    }
}
/** The next word count to try: interpolate inside a bracket, else step by the measured slope. */
function nextGuess(below, above, last, target) {
    if (below && above) {
        const slope = (above.tokens - below.tokens) / (above.words - below.words);
        const guess = below.words + Math.round((target - below.tokens) / slope);
        return Math.min(above.words - 1, Math.max(below.words + 1, guess));
    }
    const anchor = below ?? above ?? last;
    // Slope from the two measured points when there are two, else one token per word.
    const other = below && anchor !== below ? below : above && anchor !== above ? above : undefined;
    const slope = other && other.words !== anchor.words
        ? Math.max(0.25, (other.tokens - anchor.tokens) / (other.words - anchor.words))
        : 1;
    const step = Math.round((target - anchor.tokens) / slope);
    const guess = anchor.words + (step === 0 ? Math.sign(target - anchor.tokens) : step);
    return Math.max(0, guess);
}
/** A calibration cache and the probe sender for one run. */
class PromptCalibrator {
    probeFor;
    probeNonce;
    cache = new Map();
    /** Probes sent by this calibrator so far: each gets its own nonce. */
    probesSent = 0;
    /**
     * @param probeFor sends probes for one model.
     * @param probeNonce the k-th probe nonce (a scope no stage uses, so probes never warm a request's prefix).
     */
    constructor(probeFor, probeNonce) {
        this.probeFor = probeFor;
        this.probeNonce = probeNonce;
    }
    /** Prompt tokens of one probe of this content (undefined: the server reported none); rejects on failure. */
    async measure(model, content) {
        return (await this.probeFor(model)(content)).promptTokens;
    }
    /** A probe nonce no other probe or request uses. */
    nextNonce() {
        return this.probeNonce(this.probesSent++);
    }
    /** The calibration of a model and length: from the cache (0 probes) or measured now. */
    async calibrate(model, promptLengthTokens, withNonce) {
        const key = `${model}\u0000${promptLengthTokens}\u0000${withNonce ? 'nonce' : 'plain'}`;
        const cached = this.cache.get(key);
        if (cached)
            return { ...cached, probes: 0 };
        const calibration = await calibratePrompt({
            model,
            promptLengthTokens,
            withNonce,
            probeNonce: () => this.probeNonce(this.probesSent++),
            probe: this.probeFor(model),
        });
        // Failed probes are not cached: the next stage tries again.
        if (calibration.status !== 'estimate' || calibration.measured_tokens !== null)
            this.cache.set(key, calibration);
        return calibration;
    }
}
/** The uncalibrated prompt of a model and length (`calibrate_prompts: false`). */
function uncalibratedPrompt(model, promptLengthTokens, withNonce) {
    return {
        model,
        requested_tokens: promptLengthTokens,
        measured_tokens: null,
        status: 'off',
        shape: estimatePromptShape(promptLengthTokens, withNonce),
        probes: 0,
        nonce_stable: null,
    };
}
/**
 * A probe over HTTP. Reads `usage.prompt_tokens`, or EXO's `generation_stats.prompt_tokens` (its bench
 * endpoint answers with `usage: null`). A non-2xx answer rejects with the status and an excerpt.
 */
function httpPromptProbe(options, model) {
    return async (content) => {
        const response = await (0,stream/* httpRequest */.aj)(`${options.origin}${options.path}`, {
            method: 'POST',
            dispatcher: options.dispatcher,
            headers: { ...options.headers, accept: 'application/json' },
            body: JSON.stringify({
                model,
                messages: [{ role: 'user', content }],
                max_tokens: 1,
                stream: false,
            }),
            headersTimeout: options.timeoutMs,
            bodyTimeout: options.timeoutMs,
            ...(options.signal ? { signal: options.signal } : {}),
        });
        const text = await response.body.text();
        if (response.statusCode < 200 || response.statusCode >= 300) {
            // EXO's bench endpoint answers a failed generation with 500 text/plain (exo-api.md §12.6).
            throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200).replace(/\s+/g, ' ')}`);
        }
        if (text.trim() === '') {
            // EXO's chat endpoint answers a generation that failed after the headers with 200 and no body
            // (§12.6): that is a failed probe, not a server that reports no usage.
            throw new Error(`HTTP ${response.statusCode} with an empty body (the server's generation failed)`);
        }
        return { promptTokens: promptTokensOf(text) };
    };
}
/** `usage.prompt_tokens`, else `generation_stats.prompt_tokens`, of a non-streamed chat completion. */
function promptTokensOf(body) {
    let parsed;
    try {
        parsed = JSON.parse(body);
    }
    catch {
        return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null)
        return undefined;
    const record = parsed;
    const fromUsage = record.usage?.prompt_tokens;
    if (typeof fromUsage === 'number' && Number.isFinite(fromUsage))
        return fromUsage;
    const fromStats = record.generation_stats?.prompt_tokens;
    if (typeof fromStats === 'number' && Number.isFinite(fromStats))
        return fromStats;
    return undefined;
}
/** The probe nonce scope of a run: distinct from every stage's, so probes share no prefix with requests. */
function calibrationNonce(runId) {
    return (probeIndex) => promptNonce(runId, '\u0000calibration', probeIndex);
}
/** Offsets before (or without) calibration: the same estimates as the plain prompts'. */
const ESTIMATED_OFFSETS = {
    templateTokens: ESTIMATED_TEMPLATE_OVERHEAD_TOKENS,
    nonceAtStartTokens: ESTIMATED_NONCE_TOKENS,
    nonceAfterWordsTokens: ESTIMATED_NONCE_TOKENS,
};
/** Words of the first calibration probe of a workload, and how many more the second one has. */
const WORKLOAD_PROBE_WORDS = 16;
const WORKLOAD_SLOPE_WORDS = 32;
/**
 * Calibrates the prompts of a trace or shared_prefix stage without one probe per request: for each
 * model, two probes of filler words measure the chat template's tokens (and that a word is a token),
 * two more (with unique_prompts) a nonce's cost at the start and after words; the request lengths
 * follow from these by addition (./workload.ts). One last probe measures the longest request's prompt
 * as composed, with a fresh nonce: `exact` when it is the requested length. 5 probes per model at most.
 */
async function prepareWorkloadPrompts(calibrator, models, workload, withNonce, scope) {
    let longest = 0;
    for (let index = 1; index < workload.count; index += 1)
        if (workload.inputTokens(index) > workload.inputTokens(longest))
            longest = index;
    const offsets = new Map();
    const calibrations = [];
    for (const model of new Set(models)) {
        const { calibration, offsets: measured } = calibrator
            ? await calibrateWorkloadModel(calibrator, model, workload, longest, withNonce, scope)
            : {
                calibration: {
                    model,
                    requested_tokens: workload.inputTokens(longest),
                    measured_tokens: null,
                    status: 'off',
                    shape: {
                        words: Math.max(0, workload.inputTokens(longest) - ESTIMATED_OFFSETS.templateTokens),
                        period: false,
                    },
                    probes: 0,
                    nonce_stable: null,
                },
                offsets: ESTIMATED_OFFSETS,
            };
        offsets.set(model, measured);
        calibrations.push(calibration);
    }
    let status = calibrator ? 'exact' : 'off';
    for (const calibration of calibrations)
        if (STATUS_RANK[calibration.status] > STATUS_RANK[status])
            status = calibration.status;
    return {
        bodies: new Map(),
        calibration: {
            status,
            probes: calibrations.reduce((sum, calibration) => sum + calibration.probes, 0),
            models: calibrations,
        },
        workload: { workload, offsets, scope },
    };
}
/** Filler words for a workload's probes, seeded apart from every stage's blocks: they warm no request's prefix. */
function probeText(words) {
    return seededWords('\u0000calibration', words);
}
/**
 * The chat template's tokens from a short filler text (and a longer one, whose difference checks that a
 * word is a token); with nonces, a nonce's cost at the start and after words. Undefined when the server
 * reported no prompt tokens.
 */
async function measureWorkloadOffsets(calibrator, measure, withNonce) {
    const short = await measure(probeText(WORKLOAD_PROBE_WORDS));
    if (short === undefined)
        return undefined;
    const long = await measure(probeText(WORKLOAD_PROBE_WORDS + WORKLOAD_SLOPE_WORDS));
    const templateTokens = short - WORKLOAD_PROBE_WORDS;
    let nonceAtStartTokens = ESTIMATED_OFFSETS.nonceAtStartTokens;
    let nonceAfterWordsTokens = ESTIMATED_OFFSETS.nonceAfterWordsTokens;
    if (withNonce) {
        const atStart = await measure(`${calibrator.nextNonce()} ${probeText(WORKLOAD_PROBE_WORDS)}`);
        const afterWords = await measure(`${probeText(WORKLOAD_PROBE_WORDS)} ${calibrator.nextNonce()} ${promptBody({ words: WORKLOAD_PROBE_WORDS, period: false })}`);
        if (atStart !== undefined)
            nonceAtStartTokens = atStart - short;
        if (afterWords !== undefined)
            nonceAfterWordsTokens = afterWords - short - WORKLOAD_PROBE_WORDS;
    }
    return { short, long, offsets: { templateTokens, nonceAtStartTokens, nonceAfterWordsTokens } };
}
/** The calibration of a workload as results.json reports it: the shape is the longest request's words. */
function workloadCalibration(model, requested, probes, ...[status, offsets, measured, nonceStable, note]) {
    return {
        calibration: {
            model,
            requested_tokens: requested,
            measured_tokens: measured,
            status,
            shape: { words: Math.max(0, requested - offsets.templateTokens), period: false },
            probes,
            nonce_stable: nonceStable,
            note,
        },
        offsets,
    };
}
/** One model's calibration of a workload (prepareWorkloadPrompts): its offsets, and how exact they are. */
async function calibrateWorkloadModel(calibrator, model, workload, longest, withNonce, scope) {
    const requested = workload.inputTokens(longest);
    let probes = 0;
    const measure = async (content) => {
        probes += 1;
        return calibrator.measure(model, content);
    };
    const result = (...outcome) => workloadCalibration(model, requested, probes, ...outcome);
    try {
        const first = await measureWorkloadOffsets(calibrator, measure, withNonce);
        if (first === undefined)
            return result('estimate', ESTIMATED_OFFSETS, null, null, 'the server reported no usage.prompt_tokens; the prompt lengths are estimates');
        const { short, long, offsets } = first;
        const described = `chat template ${offsets.templateTokens} tokens${withNonce ? `, nonce ${offsets.nonceAtStartTokens} at the start and ${offsets.nonceAfterWordsTokens} after words` : ''}`;
        if (long !== short + WORKLOAD_SLOPE_WORDS)
            return result('approximate', offsets, long ?? null, null, `${WORKLOAD_SLOPE_WORDS} more filler words measured ${long === undefined ? 'nothing' : long - short} more tokens, not ${WORKLOAD_SLOPE_WORDS}: the lengths composed from the offsets (${described}) are approximate`);
        // The longest prompt's layout with blocks of its own (another scope: the same lengths, other words),
        // so the check leaves nothing in the server's prefix cache that a request of the stage could hit.
        const composed = composeWorkloadPrompt(workload, longest, offsets, `${scope}\u0000calibration`, withNonce ? calibrator.nextNonce() : undefined);
        const check = await measure(composed.text);
        const exact = check === requested && composed.expectedTokens === requested;
        return result(exact ? 'exact' : 'approximate', offsets, check ?? null, withNonce ? check === composed.expectedTokens : null, exact
            ? `per-request lengths composed from the measured offsets (${described}); the longest prompt measured exactly`
            : `the longest prompt (request ${longest}) measured ${check ?? 'nothing'} tokens for ${requested} requested, with offsets ${described}`);
    }
    catch (error) {
        return result('estimate', ESTIMATED_OFFSETS, null, null, probeFailureNote(error, 'the prompt lengths are estimates'));
    }
}
const STATUS_RANK = { exact: 0, approximate: 1, estimate: 2, off: 3 };
/**
 * Calibrates (or estimates, without a calibrator) the prompt of every model of a stage. One model at a
 * time: probes are few and short, and running them one by one keeps them off each other's timing.
 */
async function prepareStagePrompts(calibrator, models, promptLengthTokens, withNonce) {
    const bodies = new Map();
    const calibrations = [];
    for (const model of new Set(models)) {
        const calibration = calibrator
            ? await calibrator.calibrate(model, promptLengthTokens, withNonce)
            : uncalibratedPrompt(model, promptLengthTokens, withNonce);
        calibrations.push(calibration);
        bodies.set(model, promptBody(calibration.shape));
    }
    let status = calibrator ? 'exact' : 'off';
    for (const calibration of calibrations)
        if (STATUS_RANK[calibration.status] > STATUS_RANK[status])
            status = calibration.status;
    return {
        bodies,
        calibration: {
            status,
            probes: calibrations.reduce((sum, calibration) => sum + calibration.probes, 0),
            models: calibrations,
        },
    };
}
/** One log line about a model's calibration; `warn` when the prompt length is not exact. */
function describeCalibration(calibration) {
    const what = `prompt of ${calibration.requested_tokens} tokens for ${calibration.model}`;
    const probes = `${calibration.probes === 0 ? 'cached' : `${calibration.probes} probe${calibration.probes === 1 ? '' : 's'}`}`;
    switch (calibration.status) {
        case 'exact':
            return {
                text: `${what}: calibrated exactly (${probes}, ${calibration.shape.words} filler words)`,
                warn: false,
            };
        case 'off':
            return { text: `${what}: estimated (calibrate_prompts is off)`, warn: false };
        default:
            return {
                text: `${what}: ${calibration.status} (${probes}${calibration.measured_tokens === null ? '' : `, measured ${calibration.measured_tokens}`}) — ${calibration.note ?? ''}`,
                warn: true,
            };
    }
}

;// CONCATENATED MODULE: ./src/target/target.ts

/** The target server did not become usable (not reachable, refused the key, no such model). */
class TargetError extends errors/* ExoBenchError */.Ll {
    constructor(message, hint, options) {
        super('cluster', message, hint, options);
        this.name = 'TargetError';
    }
}
/**
 * Normalises a server URL: no trailing slash, and a trailing `/v1` removed, because OpenAI clients
 * conventionally take `http://host:8000/v1` while the paths here start with `/v1`.
 */
function normaliseBaseUrl(url) {
    return url.replace(/\/+$/, '').replace(/\/v1$/, '');
}
/** Reads the API key named by `api_key_env`; an unset or empty variable is an input error. */
function readApiKey(target, env) {
    if (target.kind !== 'openai' || target.api_key_env === undefined)
        return undefined;
    const value = env[target.api_key_env];
    if (value === undefined || value.trim() === '') {
        throw new errors/* InputError */.dz(`target.api_key_env names ${target.api_key_env}, but that environment variable is ${value === undefined ? 'not set' : 'empty'}`, `Export it before the run (in a workflow: env: ${target.api_key_env}: \${{ secrets.${target.api_key_env} }}), or remove api_key_env if the server needs no key.`);
    }
    return value.trim();
}
/**
 * Resolves the config's target against the URL the shell chose (`--api-url` / `api-url`, the config's
 * `base_url`, or EXO's local port) and the environment that holds the API key.
 */
function resolveTarget(config, apiUrl, env) {
    const target = config.target;
    const apiKey = readApiKey(target, env);
    const baseUrl = normaliseBaseUrl(apiUrl);
    const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
    const endpointPath = target.kind === 'exo' && config.endpoint === 'bench' ? '/bench/chat/completions' : '/v1/chat/completions';
    const headers = { 'content-type': 'application/json' };
    if (apiKey !== undefined)
        headers.authorization = `Bearer ${apiKey}`;
    return {
        kind: target.kind,
        baseUrl,
        models: target.kind === 'openai' ? [target.model] : [...config.model_ids],
        chatPath: `${basePath}${endpointPath}`,
        headers,
        apiKey,
        forceOutputLength: target.kind === 'openai' ? target.force_output_length : 'none',
    };
}
/**
 * The URL a node run talks to: the shell's explicit URL wins; else an openai target's `base_url`;
 * else EXO on this machine at `fallbackUrl`.
 */
function targetApiUrl(config, explicitUrl, fallbackUrl) {
    if (explicitUrl !== undefined)
        return explicitUrl;
    if (config.target.kind === 'openai')
        return config.target.base_url;
    return fallbackUrl;
}
/**
 * Request fields that make a server generate exactly `max_tokens` (where it supports them):
 * vLLM's `ignore_eos`, or `min_tokens` (vLLM, SGLang). Servers that do not know them ignore them.
 */
function forceOutputFields(mode, generationLength) {
    if (mode === 'ignore_eos')
        return { ignore_eos: true };
    if (mode === 'min_tokens')
        return { min_tokens: generationLength };
    return {};
}

// EXTERNAL MODULE: ./src/util/poll.ts
var poll = __webpack_require__(66451);
;// CONCATENATED MODULE: ./src/target/readiness.ts
/**
 * Waiting for an OpenAI-compatible server: `GET /v1/models` until it answers 200, with back-off, up to
 * the config's `timeout_seconds`. Servers answer 503 while loading (llama.cpp) or refuse connections
 * while starting (vLLM): both are waited out. 401/403 end the wait at once with an auth error.
 */




/** Upper bound of the back-off between two `/v1/models` attempts. */
const MAX_RETRY_DELAY_MS = 5_000;
/** Longest a single `/v1/models` call may take, ms. */
const CALL_TIMEOUT_MS = 10_000;
async function attempt(target, context, url) {
    try {
        const response = await (0,stream/* httpRequest */.aj)(url, {
            method: 'GET',
            dispatcher: context.dispatcher,
            headers: { ...target.headers, accept: 'application/json' },
            headersTimeout: CALL_TIMEOUT_MS,
            bodyTimeout: CALL_TIMEOUT_MS,
            ...(context.signal ? { signal: context.signal } : {}),
        });
        const text = await response.body.text();
        const excerpt = text.slice(0, 200).replace(/\s+/g, ' ').trim();
        if (response.statusCode === 401 || response.statusCode === 403)
            return { kind: 'auth', status: response.statusCode, excerpt };
        if (response.statusCode !== 200)
            return { kind: 'retry', reason: `HTTP ${response.statusCode}${excerpt ? `: ${excerpt}` : ''}` };
        return { kind: 'ready', ids: modelIds(text) };
    }
    catch (error) {
        (0,util_clock/* throwIfAborted */.Te)(context.signal);
        const code = error.code;
        return {
            kind: 'retry',
            reason: `${code ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`,
        };
    }
}
/** `data[].id` of a `/v1/models` answer (OpenAI shape; Ollama and llama.cpp use it too). */
function modelIds(body) {
    try {
        const parsed = JSON.parse(body);
        if (!Array.isArray(parsed.data))
            return [];
        return parsed.data.flatMap((entry) => typeof entry === 'object' && entry !== null && typeof entry.id === 'string'
            ? [entry.id]
            : []);
    }
    catch {
        return [];
    }
}
/**
 * Waits until the server lists its models. Throws {@link TargetError} on 401/403 (at once) or when the
 * deadline passes (with the last reason). A model that is not listed draws a warning, not an error:
 * llama.cpp and some proxies serve whatever name the request gives.
 */
async function waitForOpenAiServer(target, context, deadlineMs) {
    const url = `${target.baseUrl}/v1/models`;
    const initialDelayMs = context.initialRetryDelayMs ?? 250;
    return (0,poll/* pollUntil */.g)({
        clock: context.clock,
        signal: context.signal,
        deadlineMs,
        probe: async () => {
            const outcome = await attempt(target, context, url);
            if (outcome.kind === 'ready') {
                warnAboutUnlistedModels(target, outcome.ids, context.logger);
                return { done: true, value: { ids: outcome.ids } };
            }
            if (outcome.kind === 'auth') {
                throw new TargetError(`${url} refused the request: HTTP ${outcome.status}${outcome.excerpt ? ` (${outcome.excerpt})` : ''}`, target.apiKey === undefined
                    ? 'The server wants an API key: set target.api_key_env to the name of an environment variable that holds it.'
                    : 'The API key was rejected: check the value of the variable named by target.api_key_env.');
            }
            return { done: false, progress: outcome.reason };
        },
        // Doubling back-off: initial, 2×, 4×, … up to MAX_RETRY_DELAY_MS.
        delayMs: (attemptNumber) => Math.min(MAX_RETRY_DELAY_MS, initialDelayMs * 2 ** (attemptNumber - 1)),
        progressIntervalMs: context.progressIntervalMs,
        announceAtOnce: false,
        report: ({ progress, startedMs, nowMs }) => context.logger.info(`waiting for ${url}: ${progress} (${(0,util_clock/* formatDuration */.a3)(nowMs - startedMs)})`),
        timeout: ({ progress, startedMs }) => new TargetError(`${url} did not answer 200 within ${(0,util_clock/* formatDuration */.a3)(deadlineMs - startedMs)} (last: ${progress})`, 'Is the server running at that address? Check target.base_url (or --api-url / api-url), and raise timeout_seconds if it loads the model slowly.'),
    });
}
/** A model the server does not list draws a warning: llama.cpp and some proxies serve any name. */
function warnAboutUnlistedModels(target, ids, logger) {
    const missing = target.models.filter((model) => !ids.includes(model));
    if (missing.length > 0 && ids.length > 0) {
        logger.warning(`the server does not list ${missing.join(', ')} (it lists ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}); requests name it anyway`);
    }
}

;// CONCATENATED MODULE: ./src/target/index.ts
/** Targets: EXO clusters or any OpenAI-compatible server. */



;// CONCATENATED MODULE: ./src/load/request-builder.ts



/**
 * Builds the request body of each index of a stage once per request (no shared mutable state). Prompts
 * are the stage's calibrated bodies, each opened by the request's nonce when unique_prompts is on;
 * bodies are the same for every request of a model, so only the nonce tells prompts apart. A trace or
 * shared_prefix stage composes each request's prompt instead (./workload.ts): shared blocks first, then
 * the nonce, then filler up to the request's own length; and a trace request asks for its own max_tokens.
 */
function requestBuilder(config, target, runId, stage, prompts) {
    const origin = new URL(target.baseUrl).origin;
    const headers = { ...target.headers, accept: 'text/event-stream' };
    const models = target.models;
    const composed = prompts.workload;
    const blockTexts = new BlockTextCache();
    return (index) => {
        // Requests rotate over the models, so every instance of a multi-model config gets load.
        const model = models[index % models.length];
        // Identical prompts when unique_prompts is off, so users can study prefix-cache effects.
        const nonce = config.unique_prompts ? promptNonce(runId, stage.name, index) : undefined;
        const maxTokens = composed ? composed.workload.outputTokens(index) : stage.generation_length;
        const promptTokens = composed ? composed.workload.inputTokens(index) : stage.prompt_length;
        const content = composed
            ? composeWorkloadPrompt(composed.workload, index, composed.offsets.get(model), composed.scope, nonce, blockTexts).text
            : composePrompt(nonce, prompts.bodies.get(model) ?? '');
        const body = {
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

;// CONCATENATED MODULE: ./src/load/search.ts
/** `rate` or `concurrency`: which range the config gives. */
function searchMode(search) {
    return search.concurrency ? 'concurrency' : 'rate';
}
/** The range of a search (the one of `rate` or `concurrency` it has). */
function searchRange(search) {
    const range = search.concurrency ?? search.rate;
    if (!range)
        throw new Error('a search has a rate or a concurrency range');
    return range;
}
/** Judges a probe's figures against the search's bounds. */
function judgeProbe(search, requiredSamples, measured) {
    if (measured.requests > 0 && measured.failures > search.max_failure_rate * measured.requests)
        return { passed: false, failed_on: 'failures' };
    if (measured.value === null || measured.samples < Math.max(1, requiredSamples))
        return { passed: false, failed_on: 'samples' };
    const within = search.max !== undefined
        ? measured.value <= search.max
        : search.min !== undefined
            ? measured.value >= search.min
            : true;
    return within ? { passed: true } : { passed: false, failed_on: 'metric' };
}
/** True when the bracket [low, high] is narrow enough to stop. */
function bracketNarrow(mode, low, high, tolerance) {
    if (mode === 'concurrency' && high - low <= 1)
        return true;
    return (high - low) / low <= tolerance * (1 + 1e-9);
}
/** The next load inside (low, high): the geometric mean, an integer strictly inside for concurrency. */
function bisectLoad(mode, low, high) {
    const middle = Math.sqrt(low * high);
    if (mode === 'rate')
        return middle;
    return Math.min(high - 1, Math.max(low + 1, Math.round(middle)));
}
/** Rounds a rate to 4 significant digits for display and records (the probe ran at exactly it). */
function roundLoad(mode, load) {
    return mode === 'concurrency' ? Math.round(load) : Number(load.toPrecision(4));
}
/** A search in progress: its probes, the bracket [low, high] found so far, and why it stopped. */
class CapacitySearch {
    search;
    requiredSamples;
    probe;
    mode;
    range;
    probes = [];
    /** Highest load that passed. */
    low = null;
    /** Lowest load that failed. */
    high = null;
    reason;
    constructor(search, requiredSamples, probe) {
        this.search = search;
        this.requiredSamples = requiredSamples;
        this.probe = probe;
        this.mode = searchMode(search);
        this.range = searchRange(search);
    }
    /** Runs one probe at `load` (rounded), records it and narrows the bracket; undefined when interrupted. */
    async run(load, phase) {
        const rounded = roundLoad(this.mode, load);
        const measured = await this.probe(rounded, this.probes.length);
        const judged = judgeProbe(this.search, this.requiredSamples, measured);
        const record = {
            index: this.probes.length,
            phase,
            load: rounded,
            requests: measured.requests,
            failures: measured.failures,
            value: measured.value,
            samples: measured.samples,
            ...judged,
            started_at_ms: measured.started_at_ms,
            ended_at_ms: measured.ended_at_ms,
            achieved_rps: measured.achieved_rps,
        };
        this.probes.push(record);
        if (measured.interrupted) {
            this.reason = 'interrupted';
            return undefined;
        }
        if (record.passed)
            this.low = this.low === null ? rounded : Math.max(this.low, rounded);
        else
            this.high = this.high === null ? rounded : Math.min(this.high, rounded);
        return record;
    }
    /** 1. Bracket: min, 2·min, 4·min, … capped at max, until one fails or max passes. */
    async bracket() {
        let load = this.range.min;
        for (;;) {
            if (this.probes.length >= this.search.max_probes) {
                this.reason = 'budget';
                return;
            }
            const result = await this.run(load, 'bracket');
            if (!result)
                return;
            if (!result.passed) {
                if (this.low === null)
                    this.reason = 'below_range';
                return;
            }
            if (result.load >= this.range.max) {
                this.reason = 'above_range';
                return;
            }
            load = Math.min(this.range.max, load * 2);
        }
    }
    /** 2. Bisect [low, high] until narrow or out of probes. */
    async bisect() {
        while (this.reason === undefined && this.low !== null && this.high !== null) {
            if (bracketNarrow(this.mode, this.low, this.high, this.search.tolerance)) {
                this.reason = 'converged';
                return;
            }
            if (this.probes.length >= this.search.max_probes) {
                this.reason = 'budget';
                return;
            }
            if (!(await this.run(bisectLoad(this.mode, this.low, this.high), 'bisect')))
                return;
        }
    }
    /** The search as results.json reports it. */
    results() {
        const { search, mode, range, low, high, reason } = this;
        const converged = low !== null && high !== null && bracketNarrow(mode, low, high, search.tolerance);
        return {
            metric: search.metric,
            ...(search.max !== undefined ? { max: search.max } : {}),
            ...(search.min !== undefined ? { min: search.min } : {}),
            mode,
            range_min: range.min,
            range_max: range.max,
            tolerance: search.tolerance,
            capacity: low,
            capacity_low: low ?? 0,
            capacity_high: high,
            converged: reason !== 'interrupted' && converged,
            reason: reason ?? 'budget',
            probes: this.probes,
        };
    }
}
/**
 * Runs the search: brackets from `min` by doubling, then bisects. `requiredSamples` is the metric's
 * sample minimum (src/verdict/metrics.ts): a probe with fewer fails (`failed_on: samples`).
 */
async function searchCapacity(search, requiredSamples, probe) {
    const capacitySearch = new CapacitySearch(search, requiredSamples, probe);
    await capacitySearch.bracket();
    await capacitySearch.bisect();
    return capacitySearch.results();
}

// EXTERNAL MODULE: ./src/load/arrivals.ts
var arrivals = __webpack_require__(324);
;// CONCATENATED MODULE: ./src/load/schedule.ts
/** True when request `index` of a stage is this node's to send. */
function isMine(share, index) {
    return index % share.nodes === share.node;
}
/**
 * True when a stage is sent by the primary alone under `load_from: all_nodes` (EXO targets; an openai
 * target refuses such stages): a closed loop (`concurrency`, `no_overlap`) or a capacity search reacts to
 * the server's answers, so it is one client's loop, and no node could derive where another's share ends.
 */
function isPrimaryOnlyStage(stage) {
    return stage.search !== undefined || stage.concurrency !== undefined || stage.no_overlap === true;
}
/** How many of a stage's `iterations` requests are this node's. */
function shareCount(share, iterations) {
    if (share.node >= iterations)
        return 0;
    return Math.floor((iterations - 1 - share.node) / share.nodes) + 1;
}
/**
 * The stage starts of a schedule fixed at plan time, epoch ms on each node's own clock: stage 0 at
 * `startAtMs`, stage k+1 at start_k + `spansMs[k]` (its planned span: the last send's offset) +
 * `drainMs` + `skewToleranceMs`, each rounded up to a whole millisecond. `drainMs` defaults to the
 * request timeout, by which every request of stage k has ended on its sender's clock; the tolerance
 * covers the other senders' clocks, up to that much behind this one's. Pure, from the config alone, so
 * every node computes the same numbers.
 */
function plannedStageStarts(startAtMs, spansMs, drainMs, skewToleranceMs) {
    const starts = [];
    let start = startAtMs;
    for (const [index, span] of spansMs.entries()) {
        starts.push(start);
        if (index < spansMs.length - 1)
            start = Math.ceil(start + span + drainMs + skewToleranceMs);
    }
    return starts;
}
/**
 * A stage's overrun: of its requests' end times (this node's share), those after the next stage's
 * start `nextStartMs`: how many, and how long after it the last ended.
 */
function stageOverrun(endedAtMs, nextStartMs) {
    const late = endedAtMs.filter((ended) => ended > nextStartMs);
    return {
        requests: late.length,
        ms: late.length > 0 ? Math.max(...late) - nextStartMs : 0,
    };
}
/**
 * Why a node's part of a shared schedule is not to be trusted: a stage it began later than the skew
 * tolerance after the shared start, and (planned starts) a stage whose requests were still in flight
 * at the next stage's start. One line per finding, stage by stage, for `validity.reasons`.
 */
function scheduleReasons(facts) {
    const reasons = [];
    facts.stages.forEach((stage, index) => {
        if (stage.late_ms > facts.skew_tolerance_ms)
            reasons.push(`stage ${stage.name}: node ${facts.node} began ${stage.late_ms.toFixed(1)} ms after the shared start, more than the clock skew tolerance of ${facts.skew_tolerance_ms} ms (the nodes did not send on one schedule)`);
        if (stage.overrun && stage.overrun.requests > 0) {
            const next = facts.stages[index + 1]?.name;
            const drain = facts.planned ? ` (now ${formatSeconds(facts.planned.drain_ms)} s)` : '';
            reasons.push(`stage ${stage.name} still had ${stage.overrun.requests} request${stage.overrun.requests === 1 ? '' : 's'} in flight on node ${facts.node} at ${next === undefined ? "the next stage's" : `stage ${next}'s`} start (the last ended ${stage.overrun.ms.toFixed(1)} ms after it): the stages overlapped; raise all_nodes_drain_seconds${drain}`);
        }
    });
    return reasons;
}
/** Milliseconds as seconds, without trailing zeros: 1500 → "1.5". */
function formatSeconds(ms) {
    return Number((ms / 1000).toFixed(3)).toString();
}
/**
 * What the merge finds wrong with the nodes' shared schedule: nodes that disagree on a stage's start
 * (they read different beacons), and a spread of measured clock offsets beyond the tolerance. Returns
 * the invalidity reasons, the notes, and the measured spread (null when some offset is unknown).
 */
function judgeSharedSchedule(nodes) {
    const reasons = [];
    const notes = [];
    if (nodes.length === 0)
        return { reasons, notes, skewMs: null };
    const tolerance = Math.min(...nodes.map((n) => n.schedule.skew_tolerance_ms));
    const stageNames = new Set(nodes.flatMap((n) => n.schedule.stages.map((s) => s.name)));
    for (const name of stageNames) {
        const starts = new Map();
        for (const n of nodes) {
            const stage = n.schedule.stages.find((s) => s.name === name);
            if (!stage)
                continue;
            starts.set(stage.start_ms, [...(starts.get(stage.start_ms) ?? []), n.node]);
        }
        if (starts.size > 1)
            reasons.push(`stage ${name}: the nodes followed different starts (${[...starts]
                .map(([start, who]) => `${who.join(', ')}: ${start.toFixed(0)}`)
                .join('; ')})`);
    }
    const offsets = nodes.map((n) => n.schedule.clock_offset_ms);
    const unknown = nodes.filter((n) => n.schedule.clock_offset_ms === null).map((n) => n.node);
    let skewMs = null;
    if (unknown.length > 0) {
        notes.push(`clock offset not measured on ${unknown.join(', ')}: the skew tolerance of ${tolerance} ms is assumed, not verified`);
    }
    else {
        const known = offsets;
        skewMs = Math.max(...known) - Math.min(...known);
        if (skewMs > tolerance)
            reasons.push(`clock skew between the nodes ${skewMs.toFixed(1)} ms > the tolerance of ${tolerance} ms (clock_skew_tolerance_ms): their shares were not sent on one schedule`);
    }
    return { reasons, notes, skewMs };
}
/** At most this many request indices are named in one reason. */
const MAX_NAMED_INDICES = 6;
/** Request indices for a reason: `3, 7, 11` or `3, 7, … (9 in all)`. */
function namedIndices(indices) {
    const shown = indices.slice(0, MAX_NAMED_INDICES).join(', ');
    return indices.length > MAX_NAMED_INDICES ? `${shown}, … (${indices.length} in all)` : shown;
}
/**
 * What the merge finds wrong with who sent what (`load_from: all_nodes`): in a shared stage, a node whose
 * records are not exactly its share (request i when i mod nodes = its position: none outside it, and
 * none missing from a stage it began); in a stage the primary sent alone (isPrimaryOnlyStage), any request from another node. One
 * reason per finding, for `validity.reasons`: the union of the nodes' records would not be the config's
 * schedule.
 */
function judgeShares(nodes, stages) {
    const reasons = [];
    for (const stage of stages) {
        const primaryOnly = isPrimaryOnlyStage(stage);
        for (const n of nodes) {
            const { node, nodes: count } = n.schedule;
            const indices = n.records.filter((record) => record.stage === stage.name).map((r) => r.index);
            if (primaryOnly) {
                if (node !== 0 && indices.length > 0)
                    reasons.push(`stage ${stage.name} is the primary's alone (a closed loop or capacity search), yet node ${n.node} sent ${indices.length} of its requests`);
                continue;
            }
            const share = { node, nodes: count };
            const outside = indices.filter((index) => !isMine(share, index)).sort((a, b) => a - b);
            // Missing requests count in a stage the node began (it lists it): one it never reached is its failure.
            const began = n.schedule.stages.some((listed) => listed.name === stage.name);
            const sent = new Set(indices);
            const missing = [];
            if (began)
                for (let index = node; index < stage.iterations; index += count)
                    if (!sent.has(index))
                        missing.push(index);
            if (outside.length > 0)
                reasons.push(`stage ${stage.name}: node ${n.node} sent request${outside.length === 1 ? '' : 's'} ${namedIndices(outside)}, outside its share (i mod ${count} = ${node})`);
            if (missing.length > 0)
                reasons.push(`stage ${stage.name}: node ${n.node} did not send request${missing.length === 1 ? '' : 's'} ${namedIndices(missing)} of its share (i mod ${count} = ${node})`);
        }
    }
    return reasons;
}

;// CONCATENATED MODULE: ./src/load/request.ts


/** How much of a non-2xx body is kept for the error message. */
const ERROR_BODY_LIMIT_BYTES = 2048;
class RequestTimeoutError extends Error {
    constructor(timeoutMs, headersArrived) {
        super(headersArrived
            ? `no complete response within ${timeoutMs} ms (request_timeout_seconds)`
            : `no response headers within ${timeoutMs} ms (request_timeout_seconds)`);
        this.name = 'RequestTimeoutError';
    }
}
class CancelledRequestError extends Error {
    constructor(reason) {
        super(reason);
        this.name = 'CancelledRequestError';
    }
}
/** Chooses the most trustworthy output token count: server usage, then EXO stats, then chunks. */
function outputTokenCount(reader) {
    const usageTokens = reader.usage?.completion_tokens;
    if (typeof usageTokens === 'number')
        return { tokens: usageTokens, source: 'usage' };
    const statsTokens = reader.generationStats?.generation_tokens;
    if (typeof statsTokens === 'number')
        return { tokens: statsTokens, source: 'generation_stats' };
    return { tokens: reader.contentChunks + reader.reasoningChunks, source: 'chunks' };
}
/**
 * Handles one response. Implements both the dispatch handler and the stream reader's observer, so a
 * token chunk costs one timestamp and no allocation beyond the reader's own.
 */
class StreamingRequest {
    spec;
    meta;
    options;
    done;
    resolve;
    controller;
    pendingAbort;
    reader = new stream/* ChatStreamReader */.cB(this);
    decoder = new stream/* SseDecoder */.G5(this.reader);
    dispatchedAtMs;
    sentAtMs;
    headersAtMs;
    readAtMs = 0;
    firstTokenAtMs;
    firstContentAtMs;
    lastTokenAtMs;
    maxGapMs = 0;
    statusCode;
    errorBody;
    errorBodyBytes = 0;
    finished = false;
    deadline;
    constructor(spec, meta, options) {
        this.spec = spec;
        this.meta = meta;
        this.options = options;
        this.done = new Promise((resolve) => (this.resolve = resolve));
        this.deadline = setTimeout(() => this.abort(new RequestTimeoutError(options.requestTimeoutMs, this.headersAtMs !== undefined)), options.requestTimeoutMs);
        this.dispatchedAtMs = (0,util_clock/* preciseNowMs */.no)();
        try {
            this.dispatch();
        }
        catch (error) {
            this.finish('connection', error instanceof Error ? error.message : String(error));
        }
    }
    dispatch() {
        const { spec, options } = this;
        options.dispatcher.dispatch({
            origin: spec.origin,
            path: spec.path,
            method: 'POST',
            headers: spec.headers,
            body: spec.body,
            headersTimeout: options.requestTimeoutMs,
            bodyTimeout: options.idleTimeoutMs,
        }, this);
    }
    cancel(reason) {
        this.abort(new CancelledRequestError(reason));
    }
    abort(error) {
        if (this.finished)
            return;
        if (this.controller)
            this.controller.abort(error);
        else
            this.pendingAbort = error;
    }
    // --- dispatch handler -----------------------------------------------------------------------
    onRequestStart(controller) {
        // Called on a connected socket, right before the request is written: the moment the server
        // can start its clock. Connection setup before it is the client's share, kept apart.
        this.sentAtMs = (0,util_clock/* preciseNowMs */.no)();
        this.controller = controller;
        if (this.pendingAbort)
            controller.abort(this.pendingAbort);
    }
    onResponseStart(_controller, statusCode, headers) {
        this.headersAtMs = (0,util_clock/* preciseNowMs */.no)();
        this.statusCode = statusCode;
        if (statusCode < 200 || statusCode >= 300) {
            this.errorBody = [];
            return;
        }
        const contentType = String(headers['content-type'] ?? '');
        if (!contentType.includes('text/event-stream')) {
            // A 200 that is not a stream (e.g. a server that ignores `stream: true`): keep the body for the message.
            this.errorBody = [];
        }
    }
    onResponseData(_controller, chunk) {
        if (this.errorBody) {
            if (this.errorBodyBytes < ERROR_BODY_LIMIT_BYTES) {
                // A copy: the chunk may be a view of a read buffer that the next read overwrites.
                const kept = Buffer.from(chunk.subarray(0, ERROR_BODY_LIMIT_BYTES - this.errorBodyBytes));
                this.errorBody.push(kept);
                this.errorBodyBytes += kept.length;
            }
            return;
        }
        // One timestamp per read: every token decoded from this chunk arrived at this moment.
        this.readAtMs = (0,util_clock/* preciseNowMs */.no)();
        this.decoder.push(chunk);
    }
    onResponseEnd() {
        if (this.errorBody) {
            this.finish(this.statusCode !== undefined && this.statusCode >= 200 && this.statusCode < 300
                ? 'protocol'
                : 'http_status', this.errorBodyText());
            return;
        }
        this.decoder.end();
        const reader = this.reader;
        if (reader.streamError) {
            this.finish('error_chunk', reader.streamError.message);
        }
        else if (!reader.sawDone) {
            this.finish('eof_without_done', 'the stream ended without data: [DONE]');
        }
        else if (this.firstTokenAtMs === undefined) {
            this.finish('zero_tokens', `the stream carried no token (finish_reason ${reader.finishReason ?? 'none'})`);
        }
        else {
            this.finish(undefined, undefined);
        }
    }
    onResponseError(_controller, error) {
        if (error instanceof CancelledRequestError)
            this.finish('cancelled', error.message);
        else if (error instanceof RequestTimeoutError)
            this.finish('request_timeout', error.message);
        else {
            const code = error.code;
            if (code === 'UND_ERR_HEADERS_TIMEOUT')
                this.finish('request_timeout', `no response headers within ${this.options.requestTimeoutMs} ms (request_timeout_seconds)`);
            else if (code === 'UND_ERR_BODY_TIMEOUT')
                this.finish('idle_timeout', `no byte for ${this.options.idleTimeoutMs} ms (stream_idle_timeout_seconds)`);
            else if (this.statusCode !== undefined &&
                this.statusCode >= 200 &&
                this.statusCode < 300 &&
                !this.errorBody)
                // The connection broke after a 200: for the user this is a stream cut short.
                this.finish(this.reader.streamError ? 'error_chunk' : 'eof_without_done', `stream broken: ${error.message}`);
            else
                this.finish('connection', `${code ? `${code}: ` : ''}${error.message}`);
        }
    }
    // --- stream observer ------------------------------------------------------------------------
    onToken(kind) {
        const atMs = this.readAtMs;
        if (this.firstTokenAtMs === undefined) {
            this.firstTokenAtMs = atMs;
            this.options.onFirstToken?.();
        }
        else if (this.lastTokenAtMs !== undefined) {
            const gapMs = atMs - this.lastTokenAtMs;
            if (gapMs > this.maxGapMs)
                this.maxGapMs = gapMs;
            this.options.onTokenGap?.(gapMs);
        }
        if (kind === 'content' && this.firstContentAtMs === undefined)
            this.firstContentAtMs = atMs;
        this.lastTokenAtMs = atMs;
    }
    onDone() {
        // [DONE] is checked at the end through reader.sawDone; nothing to time here.
    }
    // --- ending ---------------------------------------------------------------------------------
    errorBodyText() {
        const text = Buffer.concat(this.errorBody ?? []).toString('utf8');
        const excerpt = text.length > 300 ? `${text.slice(0, 300)}…` : text;
        const status = this.statusCode ?? 0;
        if (status >= 200 && status < 300)
            return `HTTP ${status} but not an event stream: ${excerpt.replace(/\s+/g, ' ')}`;
        return `HTTP ${status}: ${excerpt.replace(/\s+/g, ' ')}`;
    }
    finish(errorClass, message) {
        if (this.finished)
            return;
        this.finished = true;
        clearTimeout(this.deadline);
        const endedAtMs = (0,util_clock/* preciseNowMs */.no)();
        const reader = this.reader;
        const count = outputTokenCount(reader);
        const record = {
            stage: this.meta.stage,
            index: this.meta.index,
            warmup: this.meta.warmup,
            scheduled_at_ms: this.meta.scheduledAtMs,
            dispatched_at_ms: this.dispatchedAtMs,
            sent_at_ms: this.sentAtMs ?? this.dispatchedAtMs,
            ended_at_ms: endedAtMs,
            ok: errorClass === undefined,
            output_tokens: count.tokens,
            output_tokens_source: count.source,
            token_chunks: reader.contentChunks + reader.reasoningChunks,
            reasoning_chunks: reader.reasoningChunks,
            keep_alives: reader.keepAlives,
        };
        if (this.spec.targets) {
            record.target_prompt_tokens = this.spec.targets.promptTokens;
            record.max_tokens = this.spec.targets.maxTokens;
        }
        if (reader.responseId !== undefined)
            record.response_id = reader.responseId;
        if (reader.invalidEvents > 0)
            record.invalid_events = reader.invalidEvents;
        if (this.headersAtMs !== undefined)
            record.headers_at_ms = this.headersAtMs;
        if (this.firstTokenAtMs !== undefined)
            record.first_token_at_ms = this.firstTokenAtMs;
        if (this.firstContentAtMs !== undefined)
            record.first_content_at_ms = this.firstContentAtMs;
        if (this.lastTokenAtMs !== undefined)
            record.last_token_at_ms = this.lastTokenAtMs;
        if (this.statusCode !== undefined)
            record.http_status = this.statusCode;
        if (errorClass !== undefined)
            record.error_class = errorClass;
        if (message !== undefined)
            record.error_message = message;
        const usage = reader.usage;
        const stats = reader.generationStats;
        const promptTokens = usage?.prompt_tokens ?? (typeof stats?.prompt_tokens === 'number' ? stats.prompt_tokens : undefined);
        if (promptTokens !== undefined)
            record.prompt_tokens = promptTokens;
        if (usage?.cached_tokens !== undefined)
            record.cached_tokens = usage.cached_tokens;
        if (usage?.reasoning_tokens !== undefined)
            record.reasoning_tokens = usage.reasoning_tokens;
        if (typeof stats?.prefix_cache_hit === 'string')
            record.prefix_cache_hit = stats.prefix_cache_hit;
        if (typeof stats?.prompt_tps === 'number')
            record.server_prompt_tps = stats.prompt_tps;
        if (typeof stats?.generation_tps === 'number')
            record.server_generation_tps = stats.generation_tps;
        if (reader.finishReason !== undefined)
            record.finish_reason = reader.finishReason;
        if (this.maxGapMs > 0)
            record.max_token_gap_ms = this.maxGapMs;
        this.resolve(record);
    }
}
/** Sends one streaming chat request; never rejects (every failure becomes a classified record). */
function startRequest(spec, meta, options) {
    return new StreamingRequest(spec, meta, options);
}
/** A short stream of every kind of event a request reads: role, content, usage, [DONE]. */
const WARM_UP_STREAM = Buffer.from('data: {"id":"w","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"a"}}]}\n\n' +
    'data: {"id":"w","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}\n\n' +
    ': keep-alive\n\ndata: [DONE]\n\n');
/** Answers one request in memory with WARM_UP_STREAM: nothing leaves the process. */
const warmUpDispatcher = {
    dispatch(_options, handler) {
        const controller = { abort() { } };
        handler.onRequestStart(controller, {});
        handler.onResponseStart(controller, 200, { 'content-type': 'text/event-stream' }, 'OK');
        handler.onResponseData(controller, WARM_UP_STREAM.subarray(0, 40));
        handler.onResponseData(controller, WARM_UP_STREAM.subarray(40));
        handler.onResponseEnd(controller, {});
        return true;
    },
};
/**
 * Runs the whole request path once — the request object, its timers, the SSE decoder, the chat stream
 * reader, the record — on `spec` against an in-memory stream, so the stage's first scheduled request
 * does not pay first-use costs (lazy compilation, inline caches) as dispatch lag. Sends nothing and
 * records nothing: its record is thrown away.
 */
async function warmUpRequestPath(spec) {
    const request = new StreamingRequest(spec, { stage: '(warm-up)', index: -1, warmup: true, scheduledAtMs: (0,util_clock/* preciseNowMs */.no)() }, { dispatcher: warmUpDispatcher, requestTimeoutMs: 60_000, idleTimeoutMs: 60_000 });
    await request.done;
}

;// CONCATENATED MODULE: ./src/load/stage.ts




/** At most this many in-flight samples per stage; the period is derived from the stage's length. */
const MAX_IN_FLIGHT_SAMPLES = 400;
/**
 * Runs a stage to its end (or to cancellation) and returns every record.
 *
 * Longer than the ~80 lines the rest of src/ keeps to, on purpose: this is the scheduler's hot path, and
 * its send loops, in-flight sampler and drain share their counters as locals. A split into named steps
 * (one record of counters passed around) measured the same at 1,000 req/s but a TTFT error p99 of 3.60
 * against 1.83 ms at 10 req/s (medians of 6 alternating rounds of bench/load.mjs, 2026-11-30), which was
 * not explained; the function stays whole until a split measures the same.
 */
async function runStage(stage, options) {
    const { clock, logger, signal } = options;
    const seed = options.seed ?? arrivals/* DEFAULT_SEED */.KP;
    const plan = options.plan ?? (0,arrivals/* planArrivals */.MP)(stage, seed, options.stageIndex ?? 0);
    const records = [];
    const inFlight = new Set();
    const inFlightSamples = [];
    let peakInFlight = 0;
    let sent = 0;
    let failed = 0;
    let interrupted = false;
    // Before the schedule starts: build a request and run it through the request path in memory, once.
    // The first scheduled request would otherwise pay for the first use of that code (measured: 3–5 ms of
    // dispatch lag at 10 req/s, against 0.1 ms for the next ones). Nothing is sent.
    await warmUpRequestPath(options.buildRequest(0));
    const startedAtMs = options.startAtMs ?? clock.nowMs() + (options.leadTimeMs ?? 5);
    const share = options.share;
    if (share && plan.kind === 'closed')
        throw new Error(`stage ${stage.name}: a closed loop cannot be shared between nodes`);
    // The requests this node sends: all of them, or its share.
    const planned = share ? shareCount(share, stage.iterations) : stage.iterations;
    // A closed loop's length depends on the server: no ETA, and the shortest sampling period.
    const expectedDurationMs = plan.kind === 'open' ? plan.durationMs : 0;
    const samplePeriodMs = Math.max(50, expectedDurationMs / MAX_IN_FLIGHT_SAMPLES);
    let onDrained;
    let lastProgressMs = clock.nowMs();
    const progress = (force) => {
        const nowMs = clock.nowMs();
        if (!force && nowMs - lastProgressMs < options.progressIntervalMs)
            return;
        lastProgressMs = nowMs;
        const remainingMs = plan.kind === 'closed' ? undefined : Math.max(0, startedAtMs + expectedDurationMs - nowMs);
        logger.info(`stage ${stage.name}: ${sent}/${planned} sent, ${records.length} done, ${failed} failed, ` +
            `${inFlight.size} in flight${remainingMs === undefined ? '' : `, eta ${(0,util_clock/* formatDuration */.a3)(remainingMs)}`}`);
    };
    // The in-flight sampler waits on the injected clock, so a driven clock drives it too.
    const stopSampler = new AbortController();
    const sampler = (async () => {
        for (;;) {
            try {
                await clock.sleep(samplePeriodMs, stopSampler.signal);
            }
            catch {
                return; // the stage is over
            }
            if (inFlightSamples.length < MAX_IN_FLIGHT_SAMPLES * 2)
                inFlightSamples.push({ at_ms: clock.nowMs(), in_flight: inFlight.size });
            progress(false);
        }
    })();
    const onAbort = () => {
        interrupted = true;
        for (const request of inFlight)
            request.cancel('cancelled: the run was stopped');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // An open loop builds a request (its prompt, its JSON) before waiting for its send time, so the idle wait
    // absorbs that work instead of the dispatch lag; a closed loop's slots take the next index only once
    // their wait is over, so they build it then.
    const fire = (index, scheduledAtMs, spec) => {
        const request = startRequest(spec, { stage: stage.name, index, warmup: index < stage.warmup_requests, scheduledAtMs }, options.request);
        sent += 1;
        inFlight.add(request);
        if (inFlight.size > peakInFlight)
            peakInFlight = inFlight.size;
        void request.done.then((record) => {
            inFlight.delete(request);
            records.push(record);
            if (!record.ok)
                failed += 1;
            options.onRecord(record);
            if (inFlight.size === 0)
                onDrained?.();
        });
        return request;
    };
    /** Waits until `targetMs`; false when the run was stopped meanwhile. */
    const waitUntil = async (targetMs) => {
        if (signal?.aborted)
            return false;
        if (clock.nowMs() >= targetMs)
            return true;
        try {
            await clock.sleepUntil(targetMs, signal);
            return true;
        }
        catch {
            return false; // aborted while waiting: stop firing
        }
    };
    try {
        if (plan.kind === 'open') {
            const first = share ? share.node : 0;
            const step = share ? share.nodes : 1;
            for (let index = first; index < stage.iterations; index += step) {
                if (share && !isMine(share, index))
                    continue;
                const scheduledAtMs = startedAtMs + plan.offsetMs(index);
                const spec = options.buildRequest(index);
                if (!(await waitUntil(scheduledAtMs)))
                    break;
                fire(index, scheduledAtMs, spec);
            }
        }
        else {
            // Closed loop: the slots start together (one wait, not one spinning wait per slot), then each
            // sends its next request `pauseMs` after its previous one ended; indices go out in order.
            let nextIndex = 0;
            const runSlot = async () => {
                let scheduledAtMs = startedAtMs;
                while (nextIndex < stage.iterations) {
                    if (!(await waitUntil(scheduledAtMs)))
                        return;
                    if (nextIndex >= stage.iterations)
                        return;
                    const index = nextIndex++;
                    const record = await fire(index, scheduledAtMs, options.buildRequest(index)).done;
                    scheduledAtMs = record.ended_at_ms + plan.pauseMs;
                }
            };
            if (await waitUntil(startedAtMs))
                await Promise.all(Array.from({ length: plan.concurrency }, () => runSlot()));
        }
        // Drain: every request ends by itself (completion, its own deadline or cancellation).
        if (inFlight.size > 0)
            await new Promise((resolve) => (onDrained = resolve));
    }
    finally {
        stopSampler.abort();
        await sampler;
        signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted)
        interrupted = true;
    progress(true);
    records.sort((a, b) => a.index - b.index);
    const endedAtMs = records.reduce((latest, record) => Math.max(latest, record.ended_at_ms), startedAtMs);
    return { stage, records, startedAtMs, endedAtMs, peakInFlight, inFlightSamples, interrupted, plan, seed };
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
;// CONCATENATED MODULE: ./src/run/clock-offset.ts
/**
 * A node's clock offset, for `load_from: all_nodes` (docs/load-from.md): the nodes send their shares
 * on one published schedule, each on its own clock, so the spread of their clocks is the spread of the
 * schedule. Each node records its offset; the merge compares the spread with `clock_skew_tolerance_ms`.
 *
 * - Measured on Linux: `chronyc tracking` (GitHub's Linux runners sync with chrony), `System time : X
 *   seconds fast|slow of NTP time`.
 * - Measured on macOS (EXO's machines): `sntp <server>` (/usr/bin/sntp; without -s/-S it only queries
 *   the server and prints), server `time.apple.com` unless `EXO_BENCH_NTP_SERVER` names another.
 * - Elsewhere, or when the command is missing, fails or takes more than 3 s: unmeasured (`none`).
 * - Simulated: `EXO_BENCH_SIMULATED_CLOCK_OFFSET_MS` shifts every clock read of this process (the
 *   engine's clock and the request timestamps alike read `performance.now()`), as a runner whose clock
 *   is that far ahead (or behind, negative) would; the offset is then known exactly. For the tests of
 *   the shared schedule, in node processes of their own: never set it on a real run.
 */


/** The variable that gives a node process a simulated clock offset, ms. */
const SIMULATED_CLOCK_OFFSET_ENV = 'EXO_BENCH_SIMULATED_CLOCK_OFFSET_MS';
/** The variable that names the NTP server sntp asks on macOS (default DEFAULT_NTP_SERVER). */
const NTP_SERVER_ENV = 'EXO_BENCH_NTP_SERVER';
/** The server macOS itself syncs with by default. */
const DEFAULT_NTP_SERVER = 'time.apple.com';
/** The simulated offset the environment asks for, or undefined. Throws InputError on a bad value. */
function simulatedClockOffsetMs(env) {
    const raw = env[SIMULATED_CLOCK_OFFSET_ENV];
    if (raw === undefined || raw.trim() === '')
        return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || Math.abs(value) > 3_600_000)
        throw new errors/* InputError */.dz(`${SIMULATED_CLOCK_OFFSET_ENV} must be a number of milliseconds, got "${raw}"`);
    return value;
}
let appliedOffsetMs = 0;
/**
 * Shifts this process's clock by `offsetMs` (once: a second call replaces the first). Only the shells
 * call it, at the start of a node process, when the environment asks for a simulated offset.
 */
function applySimulatedClockOffset(offsetMs) {
    const perf = globalThis.performance;
    const original = Object.getPrototypeOf(perf).now;
    appliedOffsetMs = offsetMs;
    perf.now = () => original.call(perf) + appliedOffsetMs;
}
/** Reads chrony's offset from its `tracking` report: `System time : 0.000012 seconds slow of NTP time`. */
function parseChronyTracking(text) {
    const match = /System time\s*:\s*([\d.]+)\s+seconds\s+(fast|slow)\s+of NTP time/.exec(text);
    if (!match)
        return undefined;
    const seconds = Number(match[1]);
    if (!Number.isFinite(seconds))
        return undefined;
    return (match[2] === 'fast' ? 1 : -1) * seconds * 1000;
}
/**
 * Reads the offset from sntp's output, ms (node clock − server), or undefined when no line has one.
 *
 * Formats: macOS's sntp (ntp 4.2.8's, as shipped since 10.14) prints `+0.015404 +/- 0.024780
 * time.apple.com 17.253.4.125`; older builds prefix the local date and time zone,
 * `2018-09-29 19:42:41.448103 (-0200) +1087.742403 +/- 725.183462 pool.ntp.org 188.68.36.203 s2
 * no-leap`, and the oldest wrote `1996 Oct 15 20:17:25.123 + 4.567 +/- 0.089 secs`. Either way the
 * offset is the signed number right before `+/-` (the time zone's `(-0200)` is not: it is parenthesised).
 *
 * Sign, relied on from the NTP project's sntp documentation (4.2.7+): "`+4.567 +/- 0.089 secs`
 * indicates the local clock is 4.567 seconds behind the correct time (so 4.567 seconds must be added
 * to the local clock to get it to be correct)". The printed number is the correction, server − local;
 * this node's offset (node − reference, chrony's `fast` positive) is its negation.
 */
function parseSntpOutput(text) {
    const match = /(?:^|\s)([+-])\s?(\d+(?:\.\d+)?)\s+\+\/-\s+\d/m.exec(text);
    if (!match)
        return undefined;
    const seconds = Number(match[2]);
    if (!Number.isFinite(seconds))
        return undefined;
    // Correction server − local → offset local − server; `|| 0` keeps a zero offset from reading -0.
    return -(match[1] === '-' ? -seconds : seconds) * 1000 || 0;
}
/** The NTP server sntp asks: EXO_BENCH_NTP_SERVER, else time.apple.com. Throws InputError on a bad name. */
function ntpServer(env) {
    const raw = env[NTP_SERVER_ENV]?.trim();
    if (raw === undefined || raw === '')
        return DEFAULT_NTP_SERVER;
    // A host name or address, never an option of sntp's.
    if (!/^[A-Za-z0-9.:[\]][A-Za-z0-9._:[\]-]*$/.test(raw) || raw.length > 253)
        throw new errors/* InputError */.dz(`${NTP_SERVER_ENV} must be a host name or address, got "${raw}"`);
    return raw;
}
/** How long chronyc or sntp may take before the offset counts as unmeasured, ms. */
const CLOCK_OFFSET_TIMEOUT_MS = 3_000;
/**
 * A command's standard output, or undefined when it cannot be started, fails, or has not ended within
 * `timeoutMs` (it is then killed, and its output streams closed: a child of it that still holds them
 * does not hold the answer). `env` is the command's environment (and its PATH, where it is looked up).
 */
function commandOutput(command, args, env, timeoutMs) {
    return new Promise((resolve) => {
        (0,external_node_child_process_.execFile)(command, args, { env, timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout) => resolve(error ? undefined : stdout));
    });
}
/**
 * This node's clock offset: the simulated one when the environment sets it; else measured — on Linux
 * by chrony (`chronyc tracking`), on macOS by sntp (`sntp <server>`, a query that changes nothing) —
 * each bounded by 3 s; else unknown (`none`: the tolerance is then assumed, and the merge says so).
 */
async function measureClockOffset(env, options = {}) {
    const simulated = simulatedClockOffsetMs(env);
    if (simulated !== undefined)
        return { offsetMs: simulated, source: 'simulated' };
    const platform = options.platform ?? process.platform;
    const timeoutMs = options.timeoutMs ?? CLOCK_OFFSET_TIMEOUT_MS;
    if (platform === 'linux') {
        const text = await commandOutput('chronyc', ['tracking'], env, timeoutMs);
        const offsetMs = text === undefined ? undefined : parseChronyTracking(text);
        if (offsetMs !== undefined)
            return { offsetMs, source: 'chrony' };
    }
    else if (platform === 'darwin') {
        const text = await commandOutput('sntp', [ntpServer(env)], env, timeoutMs);
        const offsetMs = text === undefined ? undefined : parseSntpOutput(text);
        if (offsetMs !== undefined)
            return { offsetMs, source: 'sntp' };
    }
    return { offsetMs: null, source: 'none' };
}

// EXTERNAL MODULE: ./src/load/duration.ts
var duration = __webpack_require__(2178);
// EXTERNAL MODULE: ./src/metrics/samples.ts
var samples = __webpack_require__(2218);
// EXTERNAL MODULE: ./src/metrics/stats.ts
var stats = __webpack_require__(54522);
;// CONCATENATED MODULE: ./src/metrics/aggregate.ts


function mostFrequent(messages) {
    let best = '';
    let bestCount = -1;
    for (const [message, count] of messages) {
        if (count > bestCount) {
            best = message;
            bestCount = count;
        }
    }
    return best;
}
/** Groups failures by class with the most frequent message of each, most frequent class first. */
function breakdownErrors(records) {
    const byClass = new Map();
    for (const record of records) {
        if (record.ok)
            continue;
        const errorClass = record.error_class ?? 'unknown';
        let messages = byClass.get(errorClass);
        if (!messages)
            byClass.set(errorClass, (messages = new Map()));
        const message = record.error_message ?? '';
        messages.set(message, (messages.get(message) ?? 0) + 1);
    }
    const breakdown = [];
    for (const [errorClass, messages] of byClass) {
        let count = 0;
        for (const n of messages.values())
            count += n;
        breakdown.push({ error_class: errorClass, count, example: mostFrequent(messages) });
    }
    return breakdown.sort((a, b) => b.count - a.count || a.error_class.localeCompare(b.error_class));
}
/**
 * One pass over the successful requests gathering every sum and sample at once, in local variables:
 * a pass per figure would walk the records a dozen times.
 */
function successTotals(successes) {
    const ttft = [];
    const ttfat = [];
    const tpot = [];
    const e2e = [];
    const e2eFromSchedule = [];
    const promptTokens = [];
    let totalTokens = 0;
    let fromChunks = 0;
    let cachedTokens = 0;
    let cachedPromptTokens = 0;
    let cacheReports = 0;
    let prefixHits = 0;
    let prefixReports = 0;
    let reasoningTokens = 0;
    let tokenChunks = 0;
    let multiTokenChunkRequests = 0;
    for (const record of successes) {
        const sample = (0,samples/* requestSample */.Af)(record);
        e2e.push(sample.e2eMs);
        e2eFromSchedule.push(sample.e2eFromScheduleMs);
        totalTokens += record.output_tokens;
        if (record.output_tokens_source === 'chunks')
            fromChunks += 1;
        tokenChunks += record.token_chunks;
        if (record.output_tokens_source !== 'chunks' && record.output_tokens > record.token_chunks + 1)
            multiTokenChunkRequests += 1;
        if (record.reasoning_tokens !== undefined)
            reasoningTokens += record.reasoning_tokens;
        if (record.cached_tokens !== undefined && record.prompt_tokens !== undefined) {
            cacheReports += 1;
            cachedTokens += record.cached_tokens;
            cachedPromptTokens += record.prompt_tokens;
        }
        if (record.prefix_cache_hit !== undefined) {
            prefixReports += 1;
            if (record.prefix_cache_hit === 'partial' || record.prefix_cache_hit === 'exact')
                prefixHits += 1;
        }
        if (record.prompt_tokens !== undefined)
            promptTokens.push(record.prompt_tokens);
        if (sample.ttftMs !== undefined)
            ttft.push(sample.ttftMs);
        if (sample.tpotMs !== undefined)
            tpot.push(sample.tpotMs);
        if (sample.ttfatMs !== undefined)
            ttfat.push(sample.ttfatMs);
    }
    return {
        ttft,
        ttfat,
        tpot,
        e2e,
        e2eFromSchedule,
        promptTokens,
        totalTokens,
        fromChunks,
        cachedTokens,
        cachedPromptTokens,
        cacheReports,
        prefixHits,
        prefixReports,
        reasoningTokens,
        tokenChunks,
        multiTokenChunkRequests,
    };
}
/** Malformed stream events, and how many requests saw any (failed requests included). */
function invalidEventCounts(records) {
    let invalidEvents = 0;
    let requestsWithInvalidEvents = 0;
    for (const record of records) {
        if (record.invalid_events === undefined)
            continue;
        invalidEvents += record.invalid_events;
        requestsWithInvalidEvents += 1;
    }
    return { invalidEvents, requestsWithInvalidEvents };
}
/**
 * The cache hit rate: cached prompt tokens over prompt tokens when the server reports cached_tokens,
 * else the share of requests with a prefix-cache hit (the simulator's report); null with neither.
 */
function cacheHitRate(totals) {
    const { cacheReports, cachedTokens, cachedPromptTokens, prefixReports, prefixHits } = totals;
    return {
        cache_hit_rate: cacheReports > 0
            ? cachedPromptTokens > 0
                ? cachedTokens / cachedPromptTokens
                : 0
            : prefixReports > 0
                ? prefixHits / prefixReports
                : null,
        cache_hit_source: cacheReports > 0 ? 'cached_tokens' : prefixReports > 0 ? 'prefix_cache_hit' : null,
    };
}
/** Computes every statistic of a set of records. Warmup records are counted apart and excluded. */
function computeStatistics(allRecords) {
    const records = allRecords.filter((record) => !record.warmup);
    const successes = records.filter((record) => record.ok);
    const totals = successTotals(successes);
    const { totalTokens, e2e } = totals;
    const { invalidEvents, requestsWithInvalidEvents } = invalidEventCounts(records);
    const countedSamples = records.map(samples/* requestSample */.Af);
    const dispatchLag = countedSamples.map((sample) => sample.dispatchLagMs);
    const connect = countedSamples.map((sample) => sample.connectMs);
    const windowSeconds = (0,samples/* activeWindowSeconds */.cl)(countedSamples);
    const { cache_hit_rate, cache_hit_source } = cacheHitRate(totals);
    return {
        total_requests: records.length,
        successful_requests: successes.length,
        failed_requests: records.length - successes.length,
        success_rate: records.length > 0 ? successes.length / records.length : 0,
        total_tokens: totalTokens,
        avg_tokens_per_request: successes.length > 0 ? totalTokens / successes.length : 0,
        avg_time_per_request: successes.length > 0 ? e2e.reduce((sum, v) => sum + v, 0) / successes.length / 1000 : 0,
        fired_requests: allRecords.length,
        warmup_requests: allRecords.length - records.length,
        ttft_ms: (0,stats/* summarize */.e)(totals.ttft),
        ttfat_ms: (0,stats/* summarize */.e)(totals.ttfat),
        tpot_ms: (0,stats/* summarize */.e)(totals.tpot),
        e2e_ms: (0,stats/* summarize */.e)(e2e),
        e2e_from_schedule_ms: (0,stats/* summarize */.e)(totals.e2eFromSchedule),
        dispatch_lag_ms: (0,stats/* summarize */.e)(dispatchLag),
        connect_ms: (0,stats/* summarize */.e)(connect),
        output_tokens_per_second: windowSeconds > 0 ? totalTokens / windowSeconds : 0,
        requests_per_second: windowSeconds > 0 ? successes.length / windowSeconds : 0,
        active_window_seconds: windowSeconds,
        token_counts_from_chunks: totals.fromChunks,
        prompt_tokens: (0,stats/* summarize */.e)(totals.promptTokens),
        cache_hit_rate,
        cache_hit_source,
        reasoning_tokens: totals.reasoningTokens,
        token_chunks: totals.tokenChunks,
        multi_token_chunk_requests: totals.multiTokenChunkRequests,
        invalid_events: invalidEvents,
        requests_with_invalid_events: requestsWithInvalidEvents,
        errors: breakdownErrors(records),
    };
}
/** Summarises a histogram; relative error of each percentile ≤ 1 % (src/metrics/histogram.ts). */
function histogramSummary(histogram) {
    return {
        count: histogram.count,
        mean: histogram.mean,
        p50: histogram.percentile(50),
        p90: histogram.percentile(90),
        p95: histogram.percentile(95),
        p99: histogram.percentile(99),
        max: histogram.max,
    };
}
/** Requested against achieved output tokens, over the successful non-warmup requests of a stage. */
function outputLengthStatistics(allRecords, requestedTokens) {
    const achieved = [];
    let short = 0;
    let over = 0;
    let missing = 0;
    let requested = 0;
    const finishReasons = {};
    for (const record of allRecords) {
        if (record.warmup || !record.ok)
            continue;
        // A trace request asks for its own output_length; every other for the stage's.
        const wanted = record.max_tokens ?? requestedTokens;
        achieved.push(record.output_tokens);
        if (record.output_tokens < wanted)
            short += 1;
        if (record.output_tokens > wanted)
            over += 1;
        missing += Math.max(0, wanted - record.output_tokens);
        requested += wanted;
        const reason = record.finish_reason ?? 'none';
        finishReasons[reason] = (finishReasons[reason] ?? 0) + 1;
    }
    return {
        requested_tokens: requestedTokens,
        achieved_tokens: (0,stats/* summarize */.e)(achieved),
        short_requests: short,
        over_requests: over,
        shortfall_ratio: requested > 0 ? missing / requested : 0,
        finish_reasons: finishReasons,
    };
}

;// CONCATENATED MODULE: ./src/metrics/histogram.ts
/**
 * A streaming log-linear histogram (the HDR histogram layout) for per-token gaps: fixed memory, no
 * allocation per value, mergeable, serialisable.
 *
 * Layout. Values are counted in units of 1/64 µs (`value_units = ⌊value_ms · 64,000⌋`):
 * - below 64 units (1 µs): one bucket per unit;
 * - above: octave e ≥ 0 covers [64 · 2^e, 64 · 2^(e+1)) units in 64 buckets of 2^e units each.
 * A bucket is at most 1/64 of its lower bound wide, and a percentile is reported as the middle of its
 * bucket, so the relative error is at most 1/128 ≈ 0.78 % from 1 µs up to the top of the range
 * (32 octaves: 2^32 µs ≈ 71.6 minutes; larger values land in the last bucket). min, max, mean and count
 * are exact.
 */
/** Linear sub-buckets per octave (a power of two); sets the precision: error ≤ 1 / (2 · 64). */
const SUB_BUCKETS = 64;
const SUB_BUCKET_BITS = 6;
/** Octaves above 1 µs: [1 µs, 2^32 µs ≈ 71.6 min). */
const OCTAVES = 32;
/** Histogram units per millisecond: one unit is 1/64 µs. */
const UNITS_PER_MS = SUB_BUCKETS * 1000;
const BUCKET_COUNT = SUB_BUCKETS * (OCTAVES + 1);
const TWO_POW_32 = 4294967296;
/** Streaming histogram of durations in milliseconds (see the module comment for its precision). */
class Histogram {
    counts = new Float64Array(BUCKET_COUNT);
    total = 0;
    sumMs = 0;
    minMs = Number.POSITIVE_INFINITY;
    maxMs = Number.NEGATIVE_INFINITY;
    /** Values recorded. */
    get count() {
        return this.total;
    }
    /** Smallest value recorded, exact; `null` when empty. */
    get min() {
        return this.total === 0 ? null : this.minMs;
    }
    /** Largest value recorded, exact; `null` when empty. */
    get max() {
        return this.total === 0 ? null : this.maxMs;
    }
    /** Arithmetic mean of the values recorded, exact; `null` when empty. */
    get mean() {
        return this.total === 0 ? null : this.sumMs / this.total;
    }
    /** Counts one value (ms, finite, ≥ 0). Throws RangeError otherwise: a negative gap is a bug upstream. */
    record(valueMs) {
        if (!(valueMs >= 0) || valueMs === Number.POSITIVE_INFINITY) {
            throw new RangeError(`histogram values must be finite and ≥ 0 ms, got ${valueMs}`);
        }
        this.counts[bucketIndex(valueMs)] += 1;
        this.total++;
        this.sumMs += valueMs;
        if (valueMs < this.minMs)
            this.minMs = valueMs;
        if (valueMs > this.maxMs)
            this.maxMs = valueMs;
    }
    /** Adds every value of `other` to this histogram (same layout by construction). */
    merge(other) {
        if (other.total === 0)
            return;
        for (let index = 0; index < BUCKET_COUNT; index++)
            this.counts[index] += other.counts[index];
        this.total += other.total;
        this.sumMs += other.sumMs;
        if (other.minMs < this.minMs)
            this.minMs = other.minMs;
        if (other.maxMs > this.maxMs)
            this.maxMs = other.maxMs;
    }
    /**
     * The `p`-th percentile (0 ≤ p ≤ 100) by nearest rank: the value at rank ⌈p/100 · count⌉ (at least 1),
     * reported as the middle of its bucket, clamped to [min, max]; so p = 0 gives min and p = 100 max.
     * `null` when empty. Unlike `summarize` it does not interpolate between ranks.
     */
    percentile(p) {
        if (!(p >= 0 && p <= 100))
            throw new RangeError(`percentile must be within 0..100, got ${p}`);
        if (this.total === 0)
            return null;
        if (p === 0)
            return this.minMs;
        if (p === 100)
            return this.maxMs;
        const rank = Math.max(1, Math.ceil((p / 100) * this.total));
        let seen = 0;
        for (let index = 0; index < BUCKET_COUNT; index++) {
            seen += this.counts[index];
            if (seen >= rank) {
                const middleMs = bucketMiddleMs(index);
                return Math.min(this.maxMs, Math.max(this.minMs, middleMs));
            }
        }
        return this.maxMs;
    }
    /** Compact serialisable form (non-empty buckets only). */
    toJSON() {
        const buckets = [];
        for (let index = 0; index < BUCKET_COUNT; index++) {
            const bucketCount = this.counts[index];
            if (bucketCount > 0)
                buckets.push(index, bucketCount);
        }
        return {
            layout: 'log-linear-64x32-v1',
            count: this.total,
            sumMs: this.sumMs,
            minMs: this.min,
            maxMs: this.max,
            buckets,
        };
    }
    /** Rebuilds a histogram from {@link toJSON} output. Throws TypeError on anything else. */
    static fromJSON(json) {
        const fail = (why) => {
            throw new TypeError(`not a serialised exo-bench histogram: ${why}`);
        };
        if (typeof json !== 'object' || json === null)
            return fail('expected an object');
        const data = json;
        if (data.layout !== 'log-linear-64x32-v1')
            return fail(`unknown layout ${JSON.stringify(data.layout)}`);
        const { count, sumMs, minMs, maxMs, buckets } = data;
        if (typeof count !== 'number' || typeof sumMs !== 'number')
            return fail('count and sumMs must be numbers');
        if (!Array.isArray(buckets) || buckets.length % 2 !== 0)
            return fail('buckets must be [index, count] pairs');
        const histogram = new Histogram();
        let bucketTotal = 0;
        for (let pair = 0; pair < buckets.length; pair += 2) {
            const index = buckets[pair];
            const bucketCount = buckets[pair + 1];
            if (!Number.isInteger(index) || index < 0 || index >= BUCKET_COUNT) {
                return fail(`bad bucket index ${String(index)}`);
            }
            if (!Number.isInteger(bucketCount) || bucketCount <= 0) {
                return fail(`bad count ${String(bucketCount)}`);
            }
            histogram.counts[index] += bucketCount;
            bucketTotal += bucketCount;
        }
        if (bucketTotal !== count)
            return fail(`bucket counts add up to ${bucketTotal}, not ${count}`);
        if (count > 0) {
            if (typeof minMs !== 'number' || typeof maxMs !== 'number')
                return fail('minMs and maxMs must be numbers');
            histogram.minMs = minMs;
            histogram.maxMs = maxMs;
        }
        histogram.total = count;
        histogram.sumMs = sumMs;
        return histogram;
    }
}
/** The bucket of a value (see the module comment); values above the range land in the last bucket. */
function bucketIndex(valueMs) {
    const units = Math.floor(valueMs * UNITS_PER_MS);
    if (units < SUB_BUCKETS)
        return units;
    // Bit length of `units`, which can exceed 32 bits (1 h is 2.3e11 units).
    const bitLength = units < TWO_POW_32 ? 32 - Math.clz32(units) : 64 - Math.clz32(Math.floor(units / TWO_POW_32));
    const octave = bitLength - 1 - SUB_BUCKET_BITS;
    if (octave >= OCTAVES)
        return BUCKET_COUNT - 1;
    // units / 2^octave lies in [64, 128): its integer part minus 64 is the sub-bucket.
    const subBucket = Math.floor(units / 2 ** octave) - SUB_BUCKETS;
    return SUB_BUCKETS + octave * SUB_BUCKETS + subBucket;
}
/** Middle of a bucket, in ms. */
function bucketMiddleMs(index) {
    if (index < SUB_BUCKETS)
        return (index + 0.5) / UNITS_PER_MS;
    const octave = Math.floor(index / SUB_BUCKETS) - 1;
    const subBucket = index % SUB_BUCKETS;
    const width = 2 ** octave;
    const lowerUnits = (SUB_BUCKETS + subBucket) * width;
    return (lowerUnits + width / 2) / UNITS_PER_MS;
}

;// CONCATENATED MODULE: ./src/metrics/seed.ts
/**
 * Python's `round(x, digits)`: the nearest multiple of 10^-digits to the double's exact value, ties to
 * even. `toFixed` alone would round ties away from zero (JavaScript: 0.125 → 0.13; Python: 0.12).
 */
function pythonRound(value, digits) {
    if (!Number.isFinite(value))
        return value;
    const exact = Math.abs(value).toFixed(Math.min(100, digits + 60));
    const point = exact.indexOf('.');
    const kept = exact.slice(0, point + 1 + digits);
    const rest = exact.slice(point + 1 + digits);
    let rounded = Number(kept);
    const step = 10 ** -digits;
    if (rest > '5' + '0'.repeat(rest.length - 1))
        rounded = Number((rounded + step).toFixed(digits));
    else if (rest === '5' + '0'.repeat(rest.length - 1)) {
        const lastDigit = Number(kept.replace('.', '').slice(-1));
        if (lastDigit % 2 === 1)
            rounded = Number((rounded + step).toFixed(digits));
    }
    return value < 0 ? -rounded : rounded;
}
/** Content chunks of a record: token chunks carry content or reasoning, never both counted. */
function contentChunks(record) {
    return record.token_chunks - record.reasoning_chunks;
}
/** One record, the seed's way. */
function seedRequestResult(record) {
    const tokens = contentChunks(record);
    const success = record.ok && tokens >= 1;
    const startMs = record.dispatched_at_ms;
    let decodeTps = null;
    if (record.first_content_at_ms !== undefined && record.last_token_at_ms !== undefined && tokens > 1) {
        const decodeSeconds = (record.last_token_at_ms - record.first_content_at_ms) / 1000;
        if (decodeSeconds > 0)
            decodeTps = pythonRound((tokens - 1) / decodeSeconds, 2);
    }
    let error = null;
    if (!success) {
        error = record.ok
            ? 'no content chunk (the answer carried reasoning only)'
            : (record.error_message ?? record.error_class ?? 'failed');
    }
    return {
        request_id: record.index,
        success,
        tokens,
        elapsed_s: pythonRound((record.ended_at_ms - startMs) / 1000, 3),
        started_at: startMs / 1000,
        completed_at: record.ended_at_ms / 1000,
        time_to_first_token_s: record.first_content_at_ms === undefined
            ? null
            : pythonRound((record.first_content_at_ms - startMs) / 1000, 3),
        decode_tps: decodeTps,
        error,
    };
}
function mean(values) {
    if (values.length === 0)
        return null;
    return values.reduce((sum, value) => sum + value, 0) / values.length;
}
/** Population standard deviation (÷ n); null below two values, as the seed reported it. */
function populationStd(values) {
    const average = mean(values);
    if (average === null || values.length < 2)
        return null;
    const squared = values.reduce((sum, value) => sum + (value - average) ** 2, 0);
    return Math.sqrt(squared / values.length);
}
const roundOrNull = (value, digits) => value === null ? null : pythonRound(value, digits);
/**
 * A stage's seed statistics from all its records (any order; warmup included), the stage's start and
 * the moment it completed (after the drain), epoch ms.
 */
function computeSeedStageStatistics(records, stageStartedAtMs, stageCompletedAtMs) {
    const requests = [...records].sort((a, b) => a.index - b.index).map(seedRequestResult);
    const total = requests.length;
    const successes = requests.filter((request) => request.success);
    const successful = successes.length;
    const totalTokens = requests.reduce((sum, request) => sum + request.tokens, 0);
    const totalElapsed = requests.reduce((sum, request) => sum + request.elapsed_s, 0);
    // The seed's warm-up: the first success is left out of TTFT and decode figures when there are more.
    const measured = successful > 1 ? successes.slice(1) : successes;
    const ttfts = measured.flatMap((r) => (r.time_to_first_token_s === null ? [] : [r.time_to_first_token_s]));
    const decodeRates = measured.flatMap((r) => (r.decode_tps === null ? [] : [r.decode_tps]));
    const msPerToken = decodeRates.map((tps) => 1000 / tps);
    return {
        total_requests: total,
        successful_requests: successful,
        failed_requests: total - successful,
        success_rate: total > 0 ? pythonRound(successful / total, 4) : 0,
        total_tokens: totalTokens,
        avg_tokens_per_request: successful > 0 ? pythonRound(totalTokens / successful, 2) : 0,
        avg_time_per_request: successful > 0 ? pythonRound(totalElapsed / successful, 3) : 0,
        avg_time_to_first_token: roundOrNull(mean(ttfts), 3),
        std_time_to_first_token: roundOrNull(populationStd(ttfts), 3),
        avg_decode_tps: roundOrNull(mean(decodeRates), 2),
        avg_ms_per_token: roundOrNull(mean(msPerToken), 2),
        std_ms_per_token: roundOrNull(populationStd(msPerToken), 2),
        stage_started_at: stageStartedAtMs / 1000,
        stage_completed_at: stageCompletedAtMs / 1000,
        stage_duration_s: (stageCompletedAtMs - stageStartedAtMs) / 1000,
        requests,
    };
}
/** Moves a stage's completion to after the drain (the seed took `stage_completed_at` there). */
function completeSeedStage(stage, startedAtMs, completedAtMs) {
    stage.stage_completed_at = completedAtMs / 1000;
    // From the milliseconds: a difference of epoch seconds would lose digits.
    stage.stage_duration_s = (completedAtMs - startedAtMs) / 1000;
}

;// CONCATENATED MODULE: ./src/results/files.ts
/**
 * The names of the files a run leaves in its output folder. The engine writes them, the post step and a
 * baseline read them back, and a rename here moves all three.
 */

/** The results document (versioned schema, a superset of the seed script's document). */
const RESULTS_FILE = 'results.json';
/** One line per request, appended as each one ends, so a crash loses nothing. */
const REQUESTS_FILE = 'requests.jsonl';
/** The Markdown summary, as written to the job summary. */
const SUMMARY_FILE = 'summary.md';
/** The self-contained HTML report with the charts. */
const REPORT_FILE = 'report.html';
/** The paths of a run's files in `outputDir`. */
function outputPaths(outputDir) {
    return {
        results: (0,external_node_path_.join)(outputDir, RESULTS_FILE),
        requests: (0,external_node_path_.join)(outputDir, REQUESTS_FILE),
        summary: (0,external_node_path_.join)(outputDir, SUMMARY_FILE),
        report: (0,external_node_path_.join)(outputDir, REPORT_FILE),
    };
}

;// CONCATENATED MODULE: ./src/results/document.ts
/** Bumped on any change of shape; additions bump the minor part. */
const RESULTS_SCHEMA_VERSION = '1.8.0';
/** Our statistics whose names the seed's document uses for figures computed its own way. */
const SEED_NAMED_STATISTICS = (/* unused pure expression or super */ null && ([
    'total_requests',
    'successful_requests',
    'failed_requests',
    'success_rate',
    'total_tokens',
    'avg_tokens_per_request',
    'avg_time_per_request',
]));
/** Our statistics under their stage names in results.json (since 1.3). */
function ownStageStatistics(stats) {
    const { total_requests, successful_requests, failed_requests, success_rate, total_tokens, avg_tokens_per_request, avg_time_per_request, ...rest } = stats;
    return {
        ...rest,
        counted_requests: total_requests,
        counted_successful_requests: successful_requests,
        counted_failed_requests: failed_requests,
        counted_success_rate: success_rate,
        output_tokens_total: total_tokens,
        output_tokens_per_request: avg_tokens_per_request,
        e2e_mean_s: avg_time_per_request,
    };
}
/**
 * A stage's statistics under our names (what the summary, thresholds and tables read), whatever the seed
 * figures beside them say.
 */
function stageStatistics(stage) {
    const { counted_requests, counted_successful_requests, counted_failed_requests, counted_success_rate, output_tokens_total, output_tokens_per_request, e2e_mean_s, ...rest } = stage;
    // `rest` also holds the seed's figures when given a whole stage; ours below take their names.
    return {
        ...rest,
        total_requests: counted_requests,
        successful_requests: counted_successful_requests,
        failed_requests: counted_failed_requests,
        success_rate: counted_success_rate,
        total_tokens: output_tokens_total,
        avg_tokens_per_request: output_tokens_per_request,
        avg_time_per_request: e2e_mean_s,
    };
}
/** The capacity searches of a run, in stage order. */
function runSearches(document) {
    return document.results.stages.flatMap((stage) => (stage.search ? [stage.search] : []));
}

;// CONCATENATED MODULE: ./src/verdict/bootstrap.ts
/**
 * A seeded percentile bootstrap of the difference of one statistic between two samples. Deterministic:
 * the same two samples and seed give the same interval on every machine (a 32-bit generator, no
 * Math.random), so a comparison re-run on the same files says the same thing.
 */

/** mulberry32: a small, fast 32-bit generator; plenty for resampling indices. Returns [0, 1). */
function seededRandom(seed) {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
/** FNV-1a of a string: a stable seed per (stage, metric), independent of the order of comparisons. */
function seedOf(text) {
    let hash = 0x811c9dc5;
    for (let index = 0; index < text.length; index += 1) {
        hash ^= text.charCodeAt(index);
        hash = Math.imul(hash, 0x01000193);
    }
    return hash >>> 0;
}
/** Confidence level of the interval. */
const CONFIDENCE_LEVEL = 0.95;
/** Resamples for n requests: 1,000, fewer for large samples (≥ 200) so a comparison stays ~1 s per metric. */
function resampleCount(sampleSize) {
    return Math.max(200, Math.min(1000, Math.floor(2_000_000 / Math.max(1, sampleSize))));
}
function resample(items, random, into) {
    for (let index = 0; index < items.length; index += 1) {
        into[index] = items[Math.floor(random() * items.length)];
    }
    return into;
}
/**
 * Percentile bootstrap: draw each sample with replacement (same sizes), compute the statistic of each,
 * keep the difference; the interval is the 2.5th and 97.5th percentiles of the differences.
 */
function bootstrapDifference(baseline, current, statistic, seed, resamples = resampleCount(Math.max(baseline.length, current.length))) {
    if (baseline.length === 0 || current.length === 0)
        return undefined;
    const random = seededRandom(seed);
    const differences = new Float64Array(resamples);
    let count = 0;
    const baselineDraw = new Array(baseline.length);
    const currentDraw = new Array(current.length);
    for (let round = 0; round < resamples; round += 1) {
        const before = statistic(resample(baseline, random, baselineDraw));
        const after = statistic(resample(current, random, currentDraw));
        if (before === null || after === null)
            continue;
        differences[count++] = after - before;
    }
    if (count === 0)
        return undefined;
    const sorted = differences.subarray(0, count).sort();
    const tail = ((1 - CONFIDENCE_LEVEL) / 2) * 100;
    return {
        low: (0,stats/* percentile */.Y)(sorted, tail),
        high: (0,stats/* percentile */.Y)(sorted, 100 - tail),
        resamples: count,
        undefinedResamples: resamples - count,
    };
}

;// CONCATENATED MODULE: ./src/verdict/compare.ts
/**
 * Comparison with a baseline run, per stage and metric, on the per-request samples of both runs (not
 * two means): a seeded bootstrap interval of the difference of the statistic, read against the
 * metric's tolerance.
 *
 * With d = current − baseline, turned so that positive is worse, [lo, hi] its 95 % interval and
 * t = tolerance × |baseline|:
 * - `regression`: lo > 0 (the interval excludes zero, on the worse side) and d > t;
 * - `improvement`: hi < 0 and −d > t (the mirror image);
 * - `unchanged`: −t ≤ lo and hi ≤ t (the whole interval lies within the tolerance);
 * - `inconclusive`: anything else — within noise, or too few samples to say.
 * Only like-for-like runs are compared (same models, endpoint, stages, node count, placements, hardware labels).
 */





/** The method, as printed under the comparison table. */
const COMPARISON_METHOD = 'seeded percentile bootstrap (95 % interval) of the difference of each statistic over the requests of both runs; ' +
    'regression = the interval excludes zero on the worse side and the change exceeds the tolerance; ' +
    'unchanged = the whole interval lies within the tolerance; otherwise inconclusive';
/** Below this many samples on either side, a comparison says `inconclusive`. */
const MIN_COMPARISON_SAMPLES = 10;
const stageKey = (stage) => JSON.stringify([
    stage.name,
    stage.prompt_length,
    stage.generation_length,
    stage.iterations,
    stage.time_between_requests,
    stage.no_overlap,
    stage.warmup_requests,
    stage.search ?? null,
    // Since 1.5: the load shape, only when it is not the seed's (older documents have none).
    ...(isSeedShape(stage)
        ? []
        : [stage.arrival ?? 'constant', stage.burstiness, stage.concurrency, stage.ramp_to_rate]),
]);
const isSeedShape = (stage) => (stage.arrival ?? 'constant') === 'constant' &&
    stage.concurrency === undefined &&
    stage.ramp_to_rate === undefined;
const describeStage = (stage) => stage.search
    ? `${stage.name} (prompt ${stage.prompt_length}, generation ${stage.generation_length}, search ${JSON.stringify(stage.search)})`
    : `${stage.name} (prompt ${stage.prompt_length}, generation ${stage.generation_length}, ${stage.iterations} × ${stage.time_between_requests} s${stage.no_overlap ? ', no overlap' : ''}${isSeedShape(stage) ? '' : `, ${(0,arrivals/* describeShape */.vJ)(stage)}`}${stage.warmup_requests ? `, ${stage.warmup_requests} warmup` : ''})`;
const labels = (document) => Object.entries(document.configuration.hardware_plan)
    .map(([label, count]) => `${label}×${count}`)
    .sort()
    .join(', ');
/**
 * How the models were placed, per model: node count, sharding and instance kind (node IDs are new on
 * every EXO start, so they are not compared). Undefined for documents older than 1.3 or without an
 * EXO cluster, which have nothing to compare.
 */
const placements = (document) => {
    const instances = document.cluster.instances.filter((i) => i.sharding !== undefined);
    if (instances.length === 0)
        return undefined;
    return instances
        .map((i) => `${i.model_id} on ${i.node_ids.length} node${i.node_ids.length === 1 ? '' : 's'} (${i.sharding}, ${i.instance_meta})`)
        .sort()
        .join('; ');
};
/** Why two runs cannot be compared like for like; empty when they can. */
function likeForLikeProblems(baseline, current) {
    const problems = [];
    const [baselineMajor] = baseline.schema_version.split('.');
    const [currentMajor] = current.schema_version.split('.');
    if (baselineMajor !== currentMajor) {
        problems.push(`results schema ${baseline.schema_version} vs ${current.schema_version} (different major version)`);
        return problems;
    }
    if (!baseline.metadata.is_primary)
        problems.push('the baseline is a secondary node (only the primary measures)');
    if (baseline.verdict === 'error' || baseline.verdict === 'invalid') {
        problems.push(`the baseline run's verdict is ${baseline.verdict}, its numbers cannot be trusted`);
    }
    const models = (d) => [...(d.configuration.model_ids ?? [])].sort().join(', ');
    if (models(baseline) !== models(current))
        problems.push(`models differ: ${models(baseline)} vs ${models(current)}`);
    if (baseline.configuration.endpoint !== current.configuration.endpoint) {
        problems.push(`endpoint differs: ${baseline.configuration.endpoint} vs ${current.configuration.endpoint}`);
    }
    if (baseline.cluster.expected_nodes !== current.cluster.expected_nodes) {
        problems.push(`node count differs: ${baseline.cluster.expected_nodes} vs ${current.cluster.expected_nodes}`);
    }
    const baselinePlacements = placements(baseline);
    const currentPlacements = placements(current);
    if (baselinePlacements && currentPlacements && baselinePlacements !== currentPlacements) {
        problems.push(`placements differ: ${baselinePlacements} vs ${currentPlacements}`);
    }
    if (labels(baseline) !== labels(current)) {
        problems.push(`hardware labels differ: ${labels(baseline)} vs ${labels(current)}`);
    }
    const baselineStages = baseline.configuration.stages;
    const currentStages = current.configuration.stages;
    if (baselineStages.length !== currentStages.length) {
        problems.push(`stage count differs: ${baselineStages.length} vs ${currentStages.length}`);
    }
    else {
        baselineStages.forEach((stage, index) => {
            const other = currentStages[index];
            if (other && stageKey(stage) !== stageKey(other)) {
                problems.push(`stage ${index + 1} differs: ${describeStage(stage)} vs ${describeStage(other)}`);
            }
        });
    }
    return problems;
}
function classify(better, baselineValue, difference, low, high, tolerance) {
    // Turn everything so that positive is worse.
    const sign = better === 'smaller' ? 1 : -1;
    const worse = sign * difference;
    const [worseLow, worseHigh] = sign === 1 ? [low, high] : [-high, -low];
    const allowed = tolerance * Math.abs(baselineValue);
    if (worseLow > 0 && worse > allowed)
        return 'regression';
    if (worseHigh < 0 && -worse > allowed)
        return 'improvement';
    if (worseLow >= -allowed && worseHigh <= allowed)
        return 'unchanged';
    return 'inconclusive';
}
/** Compares one metric of one stage. */
function compareMetric(metricName, tolerance, baseline, current, seedText) {
    const metric = catalog/* METRICS */.Cb.get(metricName);
    const statistic = metric?.fromRequests;
    if (!metric || !statistic)
        throw new Error(`metric ${metricName} cannot be compared`);
    const before = statistic(baseline);
    const after = statistic(current);
    const result = {
        metric: metric.name,
        unit: metric.unit,
        better: metric.better,
        baseline: before.value,
        current: after.value,
        change_ratio: before.value !== null && after.value !== null && before.value !== 0
            ? (after.value - before.value) / Math.abs(before.value)
            : before.value === 0 && after.value === 0
                ? 0
                : null,
        ci_low: null,
        ci_high: null,
        tolerance_ratio: tolerance,
        samples_baseline: before.samples,
        samples_current: after.samples,
        status: 'inconclusive',
    };
    const needed = Math.max(MIN_COMPARISON_SAMPLES, metric.requiredSamples);
    if (before.samples < needed || after.samples < needed) {
        result.reason = `needs ≥ ${needed} samples on each side, has ${before.samples} (baseline) and ${after.samples} (now)`;
        return result;
    }
    if (before.value === null || after.value === null) {
        result.reason = 'no value on one side';
        return result;
    }
    const interval = bootstrapDifference(baseline, current, (sample) => statistic(sample).value, seedOf(seedText));
    if (!interval || interval.undefinedResamples > interval.resamples / 10) {
        result.reason = 'too few resamples produced a value';
        return result;
    }
    result.ci_low = interval.low;
    result.ci_high = interval.high;
    result.status = classify(metric.better, before.value, after.value - before.value, interval.low, interval.high, tolerance);
    return result;
}
/**
 * Compares the capacity two searches found. A capacity is no per-request statistic: its uncertainty is
 * the search's bracket [capacity_low, capacity_high] (the true crossing lies in it), so the interval of
 * the difference is [current low − baseline high, current high − baseline low], read against the
 * tolerance like a bootstrap interval (higher is better). A bracket open at the top (the search passed
 * its whole range) leaves the interval open: inconclusive.
 */
function compareCapacity(metricName, tolerance, baseline, current) {
    const metric = catalog/* METRICS */.Cb.get(metricName);
    if (!metric?.capacity)
        throw new Error(`metric ${metricName} is not a capacity`);
    const before = baseline ? (baseline.capacity ?? 0) : null;
    const after = current.capacity ?? 0;
    const result = {
        metric: metric.name,
        unit: metric.unit,
        better: metric.better,
        baseline: before,
        current: after,
        change_ratio: before !== null && before !== 0 ? (after - before) / before : null,
        ci_low: null,
        ci_high: null,
        tolerance_ratio: tolerance,
        samples_baseline: baseline?.probes.length ?? 0,
        samples_current: current.probes.length,
        status: 'inconclusive',
    };
    if (!baseline || before === null) {
        result.reason = 'the baseline stage ran no search of this kind';
        return result;
    }
    if (baseline.probes.length === 0 || current.probes.length === 0) {
        result.reason = 'a search ran no probe';
        return result;
    }
    if (baseline.capacity_high === null || current.capacity_high === null) {
        result.reason = 'a search passed its whole range: its capacity is only known to be at least its max';
        return result;
    }
    result.ci_low = current.capacity_low - baseline.capacity_high;
    result.ci_high = current.capacity_high - baseline.capacity_low;
    result.status = classify(metric.better, before, after - before, result.ci_low, result.ci_high, tolerance);
    return result;
}
function groupByStage(records) {
    const byStage = new Map();
    for (const record of records) {
        let list = byStage.get(record.stage);
        if (!list)
            byStage.set(record.stage, (list = []));
        list.push(record);
    }
    return byStage;
}
function baselineFacts(baseline) {
    return {
        source: baseline.source,
        ...(baseline.url ? { url: baseline.url } : {}),
        run_id: baseline.document.metadata.run_id,
        started_at: baseline.document.metadata.started_at,
        verdict: baseline.document.verdict,
    };
}
/** A comparison that did not happen, with the reason. */
function notCompared(baseline, reasons) {
    return {
        baseline,
        comparable: false,
        reasons,
        method: COMPARISON_METHOD,
        confidence_level: CONFIDENCE_LEVEL,
        stages: [],
        regressions: 0,
        improvements: 0,
    };
}
/**
 * Compares the current run (its document and records) with a baseline, stage by stage, over the
 * metrics of the config's `regression` mapping (or the default set).
 */
function compareWithBaseline(current, currentRecords, baseline) {
    const facts = baselineFacts(baseline);
    const problems = likeForLikeProblems(baseline.document, current);
    if (problems.length > 0)
        return notCompared(facts, problems);
    if (baseline.records === null) {
        return notCompared(facts, [
            'the baseline has no requests.jsonl beside its results.json; the comparison needs its per-request samples',
        ]);
    }
    const tolerances = (0,regression/* regressionTolerances */.Ku)(current.configuration.regression);
    const baselineByStage = groupByStage(baseline.records);
    const currentByStage = groupByStage(currentRecords);
    const stages = [];
    for (const stage of current.configuration.stages) {
        const currentStage = currentByStage.get(stage.name);
        // A warm-up stage is shown but never judged, against a baseline neither.
        if (!currentStage || stage.warmup)
            continue;
        const search = current.results.stages.find((s) => s.name === stage.name)?.search;
        if (stage.search) {
            // A search stage is compared on its capacity only: its requests are overloaded on purpose.
            if (!search)
                continue;
            const before = baseline.document.results.stages.find((s) => s.name === stage.name)?.search;
            const metrics = [...tolerances]
                .filter(([metric]) => catalog/* METRICS */.Cb.get(metric)?.capacity === search.mode)
                .map(([metric, tolerance]) => compareCapacity(metric, tolerance, before, search));
            if (metrics.length > 0)
                stages.push({ stage: stage.name, metrics });
            continue;
        }
        const before = (0,samples/* requestSamples */.jN)(baselineByStage.get(stage.name) ?? []);
        const after = (0,samples/* requestSamples */.jN)(currentStage);
        const metrics = [...tolerances]
            .filter(([metric]) => !catalog/* METRICS */.Cb.get(metric)?.capacity)
            .map(([metric, tolerance]) => compareMetric(metric, tolerance, before, after, `${stage.name}\u0000${metric}`));
        stages.push({ stage: stage.name, metrics });
    }
    const all = stages.flatMap((stage) => stage.metrics);
    return {
        baseline: facts,
        comparable: true,
        reasons: [],
        method: COMPARISON_METHOD,
        confidence_level: CONFIDENCE_LEVEL,
        stages,
        regressions: all.filter((m) => m.status === 'regression').length,
        improvements: all.filter((m) => m.status === 'improvement').length,
    };
}

;// CONCATENATED MODULE: ./src/verdict/thresholds.ts
/**
 * Thresholds: `<metric> <comparator> <number>`, e.g. `ttft_p95_ms <= 800`, `success_rate >= 0.99`,
 * `failed_requests == 0`. Parsed once when the config is validated (errors carry the config position)
 * and again when judged; judged against the run's statistics (top-level `thresholds`) or a stage's.
 */



/** What a capacity threshold is judged with when the run has no run-level requests (search stages only). */
const EMPTY_STATISTICS = computeStatistics([]);
function holds(observed, comparator, limit) {
    switch (comparator) {
        case '<':
            return observed < limit;
        case '<=':
            return observed <= limit;
        case '>':
            return observed > limit;
        case '>=':
            return observed >= limit;
        case '==':
            return observed === limit;
        case '!=':
            return observed !== limit;
    }
}
/** Judges a threshold against statistics; inconclusive below the metric's sample rule. */
function evaluateThreshold(threshold, scope, stats, itl, searches) {
    const { metric } = threshold;
    const observation = metric.observe(stats, itl, searches);
    const outcome = {
        expression: threshold.expression,
        scope,
        metric: metric.name,
        comparator: threshold.comparator,
        limit: threshold.limit,
        observed: observation.value,
        samples: observation.samples,
        required_samples: metric.requiredSamples,
        status: 'inconclusive',
    };
    if (observation.samples < metric.requiredSamples) {
        outcome.reason = `needs ≥ ${metric.requiredSamples} samples, has ${observation.samples}`;
    }
    else if (observation.value === null) {
        outcome.reason = 'no value (no request produced a sample)';
    }
    else {
        outcome.status = holds(observation.value, threshold.comparator, threshold.limit) ? 'pass' : 'fail';
    }
    return outcome;
}
/**
 * Judges every threshold of a config (top level on the run, each stage's on that stage). Expressions
 * were checked when the config loaded; one that still fails to parse is skipped (it cannot happen).
 */
function evaluateThresholds(config, subjects) {
    const outcomes = [];
    const judge = (text, scope, stats, itl, searches) => {
        const parsed = parseThreshold(text, scope === 'run' ? 'run' : 'stage');
        if (!('threshold' in parsed))
            return;
        // A capacity is judged on the searches even when the run-level statistics are empty (a run made of
        // search stages only has no run-level requests).
        const subject = stats ?? (parsed.threshold.metric.capacity && scope === 'run' ? EMPTY_STATISTICS : null);
        if (subject === null) {
            outcomes.push({
                expression: parsed.threshold.expression,
                scope,
                metric: parsed.threshold.metric.name,
                comparator: parsed.threshold.comparator,
                limit: parsed.threshold.limit,
                observed: null,
                samples: 0,
                required_samples: parsed.threshold.metric.requiredSamples,
                status: 'inconclusive',
                reason: 'not measured (the run ended before this stage)',
            });
            return;
        }
        outcomes.push(evaluateThreshold(parsed.threshold, scope, subject, itl, searches));
    };
    const runSearches = subjects.stages.flatMap((stage) => (stage.search ? [stage.search] : []));
    for (const text of config.thresholds ?? [])
        judge(text, 'run', subjects.run, undefined, runSearches);
    for (const stage of config.stages) {
        const stats = subjects.stages.find((candidate) => candidate.name === stage.name) ?? null;
        for (const text of stage.thresholds ?? [])
            judge(text, { stage: stage.name }, stats, stats?.itl_ms, stats?.search ? [stats.search] : []);
    }
    return outcomes;
}

;// CONCATENATED MODULE: ./src/verdict/baseline.ts
/**
 * Where a baseline comes from: a `results.json` path (with `requests.jsonl` beside it), a workflow
 * run's artifact (`run:<id>`) or the latest successful run on the default branch (`latest`). Reading
 * files is plain Node and lives here; fetching artifacts needs @actions/* and lives behind the
 * `BaselineFetcher` port (src/action/baseline.ts), so the engine never imports the runner's toolkit.
 */




/** Parses the `baseline` input / `--baseline` flag. */
function parseBaselineSpec(text) {
    const value = text.trim();
    if (value === 'latest')
        return { kind: 'latest' };
    const run = /^run:\s*(\d+)$/.exec(value);
    if (run)
        return { kind: 'run', runId: Number(run[1]) };
    if (value.startsWith('run:')) {
        throw new errors/* InputError */.dz(`baseline "${value}" is not a workflow run: expected run:<id>, e.g. run:1234567890`, "Take the id from the run's URL: …/actions/runs/<id>.");
    }
    return { kind: 'file', path: value };
}
/** Parses requests.jsonl; lines that are not records (a torn last line after a crash) are skipped. */
function parseRequestsJsonl(text) {
    const records = [];
    for (const line of text.split('\n')) {
        if (line.trim() === '')
            continue;
        try {
            const value = JSON.parse(line);
            if (typeof value === 'object' && value !== null && typeof value.stage === 'string')
                records.push(value);
        }
        catch {
            // A line cut short by a crash: the records before it still count.
        }
    }
    return records;
}
/**
 * Reads a baseline from a results.json path (or a folder holding one) and the requests.jsonl beside it.
 * Throws InputError with a hint when the file is missing or is not an exo-bench results document.
 */
function readBaselineFiles(path, source = path) {
    const resultsPath = (0,external_node_fs_.existsSync)(path) && (0,external_node_fs_.statSync)(path).isDirectory() ? (0,external_node_path_.join)(path, RESULTS_FILE) : path;
    if (!(0,external_node_fs_.existsSync)(resultsPath)) {
        throw new errors/* InputError */.dz(`baseline ${resultsPath} does not exist`, 'Give the results.json of an earlier run.');
    }
    let document;
    try {
        document = JSON.parse((0,external_node_fs_.readFileSync)(resultsPath, 'utf8'));
    }
    catch (error) {
        throw new errors/* InputError */.dz(`baseline ${resultsPath} is not JSON: ${error instanceof Error ? error.message : String(error)}`, 'Give the results.json of an earlier run.');
    }
    if (typeof document !== 'object' ||
        document === null ||
        document.tool?.name !== 'exo-bench' ||
        typeof document.schema_version !== 'string') {
        throw new errors/* InputError */.dz(`baseline ${resultsPath} is not an exo-bench results.json`, 'Give the results.json of an earlier run.');
    }
    const requestsPath = (0,external_node_path_.join)((0,external_node_path_.dirname)(resultsPath), REQUESTS_FILE);
    const records = (0,external_node_fs_.existsSync)(requestsPath) ? parseRequestsJsonl((0,external_node_fs_.readFileSync)(requestsPath, 'utf8')) : null;
    return { source, document, records };
}
/**
 * Resolves the user's baseline to what the engine takes. Never throws: a baseline that cannot be had
 * (no earlier successful run, a missing file, a token without `actions: read`) becomes `unavailable`
 * with the reason, which the summary prints; the run itself goes on.
 */
async function resolveBaseline(text, fetcher) {
    try {
        const spec = parseBaselineSpec(text);
        if (spec.kind === 'file')
            return { status: 'loaded', baseline: readBaselineFiles(spec.path) };
        if (!fetcher) {
            return {
                status: 'unavailable',
                source: text,
                reason: `"${text}" needs the GitHub Action (with github-token); on the command line give a results.json path`,
            };
        }
        const fetched = await fetcher.fetch(spec);
        const baseline = readBaselineFiles(fetched.directory, fetched.source);
        if (fetched.url)
            baseline.url = fetched.url;
        return { status: 'loaded', baseline };
    }
    catch (error) {
        return {
            status: 'unavailable',
            source: text,
            reason: error instanceof Error ? error.message : String(error),
        };
    }
}

;// CONCATENATED MODULE: ./src/verdict/benchmark-action.ts
/**
 * Files for github-action-benchmark (`tool: customSmallerIsBetter` / `customBiggerIsBetter`): a JSON
 * array of `{ name, unit, value, extra? }` each, so teams can chart a metric's history with that action.
 * Names are stable across runs (`<stage> · <metric>`; `all stages · <metric>` for the run), since that
 * action matches points by name.
 */




/** The metrics charted, by direction. ITL is per stage only. */
const CHARTED_METRICS = {
    smaller: [
        'ttft_p50_ms',
        'ttft_p95_ms',
        'ttft_p99_ms',
        'tpot_p50_ms',
        'tpot_p95_ms',
        'itl_p50_ms',
        'itl_p99_ms',
        'e2e_p50_ms',
        'e2e_p95_ms',
        'e2e_p99_ms',
        'failed_requests',
    ],
    bigger: [
        'success_rate',
        'output_tokens_per_second',
        'requests_per_second',
        'capacity_rps',
        'capacity_concurrency',
    ],
};
/** File names in the output folder. */
const BENCHMARK_SMALLER_FILE = 'benchmark-smaller-is-better.json';
const BENCHMARK_BIGGER_FILE = 'benchmark-bigger-is-better.json';
/** The entries of one direction. Metrics without a value (no samples) are left out, not charted as 0. */
function benchmarkActionEntries(document, direction) {
    const entries = [];
    const scopes = [
        ...document.results.stages.map((stage) => ({
            label: stage.name,
            stats: stageStatistics(stage),
            itl: stage.itl_ms,
            // A search stage's own statistics mix deliberately overloaded probes: only its capacity is charted.
            searches: stage.search ? [stage.search] : undefined,
        })),
        ...(document.results.run
            ? [
                {
                    label: 'all stages',
                    stats: document.results.run,
                    itl: undefined,
                    searches: runSearches(document),
                },
            ]
            : []),
    ];
    const label = document.metadata.hardware_label;
    for (const scope of scopes) {
        for (const name of CHARTED_METRICS[direction]) {
            const metric = catalog/* METRICS */.Cb.get(name);
            if (!metric || (metric.stageOnly && scope.itl === undefined))
                continue;
            if (scope.searches && scope.label !== 'all stages' && !metric.capacity)
                continue;
            const observation = metric.observe(scope.stats, scope.itl, scope.searches);
            if (observation.value === null || !Number.isFinite(observation.value))
                continue;
            entries.push({
                name: `${scope.label} · ${name}`,
                unit: metric.unit,
                value: Number(observation.value.toFixed(4)),
                extra: `samples: ${observation.samples}${label ? `\nhardware: ${label}` : ''}\nverdict: ${document.verdict}`,
            });
        }
    }
    return entries;
}
/** Writes both files into `outputDir`; returns their paths. */
function writeBenchmarkActionFiles(outputDir, document) {
    const smallerPath = (0,external_node_path_.join)(outputDir, BENCHMARK_SMALLER_FILE);
    const biggerPath = (0,external_node_path_.join)(outputDir, BENCHMARK_BIGGER_FILE);
    (0,external_node_fs_.writeFileSync)(smallerPath, `${JSON.stringify(benchmarkActionEntries(document, 'smaller'), null, 2)}\n`);
    (0,external_node_fs_.writeFileSync)(biggerPath, `${JSON.stringify(benchmarkActionEntries(document, 'bigger'), null, 2)}\n`);
    return { smallerPath, biggerPath };
}

;// CONCATENATED MODULE: ./src/verdict/index.ts





/**
 * Judges the thresholds and compares with the baseline. Never throws (runNode's contract): an
 * unexpected failure is logged and recorded as a comparison that did not happen.
 */
function evaluateGates(document, records, baseline, logger) {
    let thresholds = [];
    try {
        thresholds = evaluateThresholds(document.configuration, {
            run: document.results.run,
            // Our figures, not the seed's of the same names (src/results/document.ts).
            stages: document.results.stages.map((stage) => ({
                ...stageStatistics(stage),
                name: stage.name,
                itl_ms: stage.itl_ms,
            })),
        });
    }
    catch (error) {
        logger.error(`could not judge the thresholds: ${error instanceof Error ? error.message : String(error)}`);
    }
    let comparison = null;
    if (baseline?.status === 'unavailable') {
        comparison = notCompared({ source: baseline.source }, [`no baseline: ${baseline.reason}`]);
    }
    else if (baseline?.status === 'loaded') {
        try {
            comparison = compareWithBaseline(document, records, baseline.baseline);
        }
        catch (error) {
            comparison = notCompared({ source: baseline.baseline.source }, [
                `the comparison failed: ${error instanceof Error ? error.message : String(error)}`,
            ]);
        }
    }
    for (const outcome of thresholds) {
        if (outcome.status === 'inconclusive')
            logger.warning(`threshold ${outcome.expression} (${scopeName(outcome.scope)}) is inconclusive: ${outcome.reason ?? ''}`);
        else
            logger.info(`threshold ${outcome.expression} (${scopeName(outcome.scope)}): ${outcome.status}, observed ${outcome.observed ?? '–'}`);
    }
    if (comparison) {
        if (!comparison.comparable)
            logger.warning(`not compared with baseline ${comparison.baseline.source}: ${comparison.reasons.join('; ')}`);
        else
            logger.info(`compared with baseline ${comparison.baseline.source}: ${comparison.regressions} regression(s), ${comparison.improvements} improvement(s)`);
    }
    return { thresholds, comparison };
}
/** `run` or `stage <name>`. */
function scopeName(scope) {
    return scope === 'run' ? 'run' : `stage ${scope.stage}`;
}
/** True when a threshold failed or the comparison found a regression. */
function gatesFailed(document) {
    return ((document.thresholds ?? []).some((outcome) => outcome.status === 'fail') ||
        (document.comparison?.regressions ?? 0) > 0);
}
/**
 * True when the verdict is `fail` only because of thresholds or regressions (the run itself went
 * well): what `fail-on-threshold: false` / `--no-fail-on-threshold` lets through.
 */
function failedOnlyOnGates(document) {
    if (document.verdict !== 'fail' || !gatesFailed(document))
        return false;
    return !document.error && document.validity.valid && !measuredNothing(document);
}
/**
 * Every reason the verdict is not `pass`, in one list: the error, each validity bound exceeded, no
 * successful request, each failed threshold and each regression. The CLI and the step print them all
 * in one message, so a run that is invalid *and* misses a threshold says both.
 */
function verdictReasons(document) {
    const reasons = [];
    if (document.error)
        reasons.push(document.error.message);
    reasons.push(...document.validity.reasons);
    if (!document.error && document.metadata.is_primary && measuredNothing(document))
        reasons.push('no request succeeded');
    const gates = describeGateFailures(document);
    if (gates)
        reasons.push(...gates.split('; '));
    return reasons;
}
/** `verdict: invalid (a; b; c)` — the verdict and every reason, for the CLI and the step's failure. */
function describeVerdict(document) {
    const reasons = verdictReasons(document);
    return `verdict: ${document.verdict}${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
}
/** One line saying why the gates failed, for the step's failure message. */
function describeGateFailures(document) {
    const parts = [];
    for (const outcome of document.thresholds ?? []) {
        if (outcome.status === 'fail')
            parts.push(`${outcome.expression} (${scopeName(outcome.scope)}: observed ${formatObserved(outcome.observed)})`);
    }
    for (const stage of document.comparison?.stages ?? []) {
        for (const metric of stage.metrics) {
            if (metric.status === 'regression')
                parts.push(`${metric.metric} regressed in stage ${stage.stage} (${formatChange(metric.change_ratio)})`);
        }
    }
    return parts.join('; ');
}
function formatObserved(value) {
    return value === null ? '–' : String(Number(value.toPrecision(6)));
}
/** A relative change as a signed percentage. */
function formatChange(ratio) {
    if (ratio === null)
        return '–';
    return `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)}%`;
}
/**
 * True when no request the verdict rests on succeeded: the run-level requests, or — in a run whose
 * stages are all capacity searches (and warm-ups), which has no run-level figures — the searches'.
 */
function measuredNothing(document) {
    const run = document.results.run;
    if (run)
        return run.successful_requests === 0;
    const searches = document.results.stages.filter((stage) => stage.search && !stage.config.warmup);
    if (document.results.run_stages?.length === 0 && searches.length > 0)
        return searches.every((stage) => stage.counted_successful_requests === 0);
    return true;
}

;// CONCATENATED MODULE: ./src/report/charts.ts

/** The charts' per-request series from a run's records (every stage, warmup included). */
function chartInputs(records) {
    const requests = [];
    const counted = [];
    for (const record of records) {
        const { sentAtMs, endedAtMs, ttftMs } = (0,samples/* requestSample */.Af)(record);
        requests.push({ stage: record.stage, sentAtMs, endedAtMs, ...(ttftMs !== undefined ? { ttftMs } : {}) });
        if (ttftMs !== undefined && !record.warmup)
            counted.push({ sentAtMs, ttftMs });
    }
    counted.sort((a, b) => a.sentAtMs - b.sentAtMs);
    return { ttftMsInSendOrder: counted.map((sample) => sample.ttftMs), requests };
}
/** Most buckets a time series gets: enough detail at ~900 px, few enough for a small summary. */
const MAX_TIME_BUCKETS = 60;
/** The axis of a run's stages, or undefined when there is no time to plot. */
function timeAxis(stages, requests, maxBuckets = MAX_TIME_BUCKETS) {
    if (stages.length === 0 || requests.length < 2)
        return undefined;
    const originMs = Math.min(...stages.map((s) => s.started_at_ms), ...requests.map((r) => r.sentAtMs));
    const endMs = Math.max(...stages.map((s) => s.ended_at_ms), ...requests.map((r) => r.endedAtMs));
    const spanMs = endMs - originMs;
    if (!(spanMs > 0))
        return undefined;
    const buckets = Math.max(2, Math.min(maxBuckets, requests.length * 2));
    const boundaries = stages
        .slice(1)
        .map((stage) => ({ name: stage.name, atSeconds: (stage.started_at_ms - originMs) / 1000 }));
    return { originMs, spanMs, buckets, boundaries };
}
function series(axis, values) {
    return {
        bucketSeconds: axis.spanMs / axis.buckets / 1000,
        spanSeconds: axis.spanMs / 1000,
        values,
        boundaries: axis.boundaries,
    };
}
function bucketOf(axis, atMs) {
    const index = Math.floor(((atMs - axis.originMs) / axis.spanMs) * axis.buckets);
    return Math.min(axis.buckets - 1, Math.max(0, index));
}
/** The most requests in flight at any moment of each bucket. */
function inFlightPeaks(axis, requests) {
    // Ends sort before sends at the same instant: a request that ends as another starts is not overlap.
    const events = requests
        .flatMap((r) => [
        { atMs: r.sentAtMs, delta: 1 },
        { atMs: Math.max(r.sentAtMs, r.endedAtMs), delta: -1 },
    ])
        .sort((a, b) => a.atMs - b.atMs || a.delta - b.delta);
    const peaks = new Array(axis.buckets).fill(0);
    let open = 0;
    let next = 0;
    for (let bucket = 0; bucket < axis.buckets; bucket += 1) {
        const bucketEndMs = axis.originMs + ((bucket + 1) * axis.spanMs) / axis.buckets;
        let peak = open;
        while (next < events.length &&
            (events[next].atMs < bucketEndMs || bucket === axis.buckets - 1)) {
            open += events[next].delta;
            peak = Math.max(peak, open);
            next += 1;
        }
        peaks[bucket] = peak;
    }
    return series(axis, peaks);
}
/** The mean TTFT of the requests sent in each bucket (a bucket without one repeats the last value). */
function ttftOverTime(axis, requests) {
    const sums = new Array(axis.buckets).fill(0);
    const counts = new Array(axis.buckets).fill(0);
    let any = 0;
    for (const request of requests) {
        if (request.ttftMs === undefined)
            continue;
        const bucket = bucketOf(axis, request.sentAtMs);
        sums[bucket] = sums[bucket] + request.ttftMs;
        counts[bucket] = counts[bucket] + 1;
        any += 1;
    }
    if (any < 2)
        return undefined;
    const values = [];
    let last = 0;
    for (let bucket = 0; bucket < axis.buckets; bucket += 1) {
        const count = counts[bucket];
        if (count > 0)
            last = sums[bucket] / count;
        else if (values.length === 0)
            last = 0;
        values.push(last);
    }
    // Leading buckets before the first send take the first value, not 0.
    const first = values.findIndex((_, i) => counts[i] > 0);
    for (let i = 0; i < first; i += 1)
        values[i] = values[first];
    return series(axis, values);
}
/** A round upper bound for an axis starting at 0: 1, 2, 2.5, 5 × 10^k above the largest value. */
function niceMax(values) {
    const max = Math.max(0, ...values.filter((v) => Number.isFinite(v)));
    if (max <= 0)
        return 1;
    const magnitude = 10 ** Math.floor(Math.log10(max));
    for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10])
        if (step * magnitude >= max * 1.05)
            return step * magnitude;
    return 10 * magnitude;
}

;// CONCATENATED MODULE: ./src/metrics/definitions.ts
/**
 * What each metric means, in words: the one table that the summary's legend (src/report/summary.ts),
 * report.html's definitions (src/report/html.ts) and the results schema all print. The schema's
 * generator (scripts/write-results-schema.mjs) reads this file and makes each listed field's
 * description `<name>: <formula>.`, followed by whatever the field's own JSDoc adds (its unit, the
 * version it appeared in); so a field's JSDoc never restates its formula. The formulas themselves are
 * code in src/metrics/samples.ts (per request) and src/metrics/aggregate.ts (over requests).
 *
 * Keep this file a plain literal (strings only): the generator reads it without running TypeScript.
 */
const METRIC_DEFINITIONS = [
    {
        name: 'Success Rate',
        formula: 'successful requests ÷ requests (warmup excluded); a success has ≥ 1 token and ends with [DONE]',
        fields: ['LoadStatistics.success_rate', 'StageResults.counted_success_rate'],
    },
    {
        name: 'Total Tokens',
        formula: 'sum of output tokens of successful requests (server usage, else EXO generation_stats, else chunks)',
        fields: ['LoadStatistics.total_tokens', 'StageResults.output_tokens_total'],
    },
    {
        name: 'Avg Tokens/Request',
        formula: 'Total Tokens ÷ successful requests',
        fields: ['LoadStatistics.avg_tokens_per_request', 'StageResults.output_tokens_per_request'],
    },
    {
        name: 'Avg Time/Request',
        formula: 'mean E2E of successful requests, seconds',
        fields: ['LoadStatistics.avg_time_per_request', 'StageResults.e2e_mean_s'],
    },
    {
        name: 'TTFT',
        formula: 'first chunk with non-empty content or reasoning_content − send time (request written on the socket)',
        fields: ['LoadStatistics.ttft_ms', 'StageResults.ttft_ms'],
    },
    {
        name: 'TTFAT',
        formula: 'first chunk with non-empty content − send time (time to first answer token)',
        fields: ['LoadStatistics.ttfat_ms', 'StageResults.ttfat_ms'],
    },
    {
        name: 'TPOT',
        formula: '(E2E − TTFT) ÷ (output tokens − 1), requests with ≥ 2 tokens',
        fields: ['LoadStatistics.tpot_ms', 'StageResults.tpot_ms'],
    },
    {
        name: 'ITL',
        formula: 'gap between consecutive token chunks, every gap of every successful request',
        fields: ['StageResults.itl_ms'],
    },
    {
        name: 'Prompt tokens',
        formula: 'usage.prompt_tokens (else EXO generation_stats) of successful requests, chat template and nonce included; "exact" = requests equal to prompt_length',
        fields: ['LoadStatistics.prompt_tokens', 'StageResults.prompt_tokens'],
    },
    {
        name: 'Cache hit',
        formula: 'Σ cached_tokens ÷ Σ prompt_tokens (usage.prompt_tokens_details); without cached_tokens, share of requests with EXO prefix_cache_hit partial or exact',
        fields: ['LoadStatistics.cache_hit_rate', 'StageResults.cache_hit_rate'],
    },
    {
        name: 'Output shortfall',
        formula: "Σ max(0, requested − output tokens) ÷ Σ requested over the successful requests (requested: generation_length, or a trace request's own output_length); short/over = requests below/above their request",
        fields: ['OutputLengthStatistics.shortfall_ratio'],
    },
    {
        name: 'Tokens/chunk',
        formula: 'Σ output tokens ÷ Σ token chunks; above 1 the server packs several tokens per chunk, so ITL is a chunk gap and TPOT (from usage) the per-token figure',
        fields: [],
    },
    {
        name: 'Calibration probes',
        formula: 'max_tokens: 1 requests sent before a stage to size its prompts; excluded from every other figure',
        fields: ['StageCalibration.probes'],
    },
    {
        name: 'E2E',
        formula: 'end of the response − send time; "from schedule" uses the scheduled time instead',
        fields: ['LoadStatistics.e2e_ms', 'StageResults.e2e_ms'],
    },
    {
        name: 'Dispatch lag',
        formula: 'time the request was handed to the HTTP client − scheduled send time (the load generator’s own delay)',
        fields: ['LoadStatistics.dispatch_lag_ms', 'StageResults.dispatch_lag_ms'],
    },
    {
        name: 'Connect',
        formula: 'request written on a connected socket − handed to the HTTP client (connection setup); TTFT and E2E start after it',
        fields: ['LoadStatistics.connect_ms', 'StageResults.connect_ms'],
    },
    {
        name: 'Output tok/s',
        formula: 'Total Tokens ÷ active window (first send → last end of the counted requests)',
        fields: ['LoadStatistics.output_tokens_per_second', 'StageResults.output_tokens_per_second'],
    },
    {
        name: 'Req/s',
        formula: 'successful requests ÷ active window',
        fields: ['LoadStatistics.requests_per_second', 'StageResults.requests_per_second'],
    },
    {
        name: 'Peak in flight',
        formula: 'largest number of requests open at once',
        fields: ['StageResults.peak_in_flight'],
    },
];

;// CONCATENATED MODULE: ./src/verdict/render.ts
/**
 * Markdown of the gates: the thresholds table and the comparison tables (in the job summary and the PR
 * comment), and the PR comment itself. Pure functions; text from the config or a baseline is escaped.
 */



/** GitHub refuses issue comments longer than this many characters. */
const COMMENT_MAX_CHARS = 65_536;
/** The sample rule, as printed under the thresholds table. */
const SAMPLE_RULE = 'A percentile pq is judged on ≥ ⌈100 ÷ (100 − q)⌉ samples (p50 ≥ 2, p90 ≥ 10, p95 ≥ 20, p99 ≥ 100); below that it is inconclusive.';
const DECIMALS = {
    ms: 1,
    s: 3,
    ratio: 4,
    requests: 0,
    tokens: 1,
    'tokens/s': 1,
    'requests/s': 2,
    'requests in flight': 0,
};
/** A value with its unit: `512.3 ms`, `0.9900`, `12 requests`. */
function formatValue(value, unit) {
    if (value === null || value === undefined || !Number.isFinite(value))
        return '–';
    const text = (0,number_format/* formatGrouped */.O)(value, DECIMALS[unit]);
    return unit === 'ratio' ? text : `${text} ${unit}`;
}
function unitOf(metric) {
    if (metric.endsWith('_ms'))
        return 'ms';
    if (metric.endsWith('_s'))
        return 's';
    if (metric === 'success_rate')
        return 'ratio';
    if (metric === 'capacity_rps')
        return 'requests/s';
    if (metric === 'capacity_concurrency')
        return 'requests in flight';
    if (metric.endsWith('_per_second'))
        return metric.startsWith('output_tokens') ? 'tokens/s' : 'requests/s';
    return metric.includes('tokens') ? 'tokens' : 'requests';
}
const THRESHOLD_BADGES = { pass: '✅ pass', fail: '❌ fail', inconclusive: '⚠️ inconclusive' };
/** The thresholds table, or undefined when the config has none. */
function renderThresholdsSection(thresholds) {
    if (!thresholds || thresholds.length === 0)
        return undefined;
    const rows = thresholds.map((outcome) => [
        outcome.scope === 'run' ? 'run' : `stage ${(0,markdown/* escapeMarkdownCell */.Vf)(outcome.scope.stage)}`,
        (0,markdown/* markdownInlineCode */.m2)(outcome.expression, { inTableCell: true }),
        formatValue(outcome.observed, unitOf(outcome.metric)),
        String(outcome.samples),
        `${THRESHOLD_BADGES[outcome.status]}${outcome.reason ? `: ${(0,markdown/* escapeMarkdownCell */.Vf)(outcome.reason)}` : ''}`,
    ]);
    const failed = thresholds.filter((t) => t.status === 'fail').length;
    const inconclusive = thresholds.filter((t) => t.status === 'inconclusive').length;
    const tally = `${thresholds.length - failed - inconclusive} passed, ${failed} failed, ${inconclusive} inconclusive.`;
    return `### Thresholds\n\n${tally}\n\n${(0,markdown/* table */.tp)(['Scope', 'Threshold', 'Observed', 'Samples', 'Result'], rows)}\n\n_${SAMPLE_RULE}_`;
}
const COMPARISON_BADGES = {
    regression: '❌ regression',
    improvement: '🚀 improvement',
    unchanged: '✅ unchanged',
    inconclusive: '➖ inconclusive',
};
function interval(metric) {
    if (metric.ci_low === null || metric.ci_high === null)
        return '–';
    const signed = (value) => `${value >= 0 ? '+' : '−'}${formatValue(Math.abs(value), metric.unit)}`;
    return `${signed(metric.ci_low)} … ${signed(metric.ci_high)}`;
}
function comparisonRow(metric) {
    return [
        `${(0,markdown/* markdownInlineCode */.m2)(metric.metric, { inTableCell: true })} ${metric.better === 'smaller' ? '↓' : '↑'}`,
        formatValue(metric.baseline, metric.unit),
        formatValue(metric.current, metric.unit),
        formatChange(metric.change_ratio),
        interval(metric),
        `±${(metric.tolerance_ratio * 100).toFixed(metric.tolerance_ratio * 100 < 1 ? 1 : 0)}%`,
        `${COMPARISON_BADGES[metric.status]}${metric.reason ? ` (${(0,markdown/* escapeMarkdownCell */.Vf)(metric.reason)})` : ''}`,
    ];
}
function baselineLine(comparison) {
    const { baseline } = comparison;
    const parts = [`Baseline: ${(0,markdown/* markdownInlineCode */.m2)(baseline.source)}`];
    if (baseline.run_id)
        parts.push(`run ${(0,markdown/* markdownInlineCode */.m2)(baseline.run_id)}`);
    if (baseline.started_at)
        parts.push(`started ${(0,markdown/* escapeMarkdownText */.m4)(baseline.started_at)}`);
    if (baseline.verdict)
        parts.push(`verdict ${(0,markdown/* escapeMarkdownText */.m4)(baseline.verdict)}`);
    if (baseline.url && /^https?:\/\//.test(baseline.url))
        parts.push(`[link](${encodeURI(baseline.url)})`);
    return parts.join(' · ');
}
/** The comparison tables (one per stage), or why there was no comparison; undefined without a baseline. */
function renderComparisonSection(comparison, maxChars = Infinity) {
    if (!comparison)
        return undefined;
    const parts = ['### Compared with the baseline', baselineLine(comparison)];
    if (!comparison.comparable) {
        parts.push(`**Not compared:**\n${comparison.reasons.map((reason) => `- ${(0,markdown/* escapeMarkdownText */.m4)(reason)}`).join('\n')}`);
        return parts.join('\n\n');
    }
    parts.push(`${comparison.regressions} regression${comparison.regressions === 1 ? '' : 's'}, ${comparison.improvements} improvement${comparison.improvements === 1 ? '' : 's'}.`);
    const footer = `_Method: ${(0,markdown/* escapeMarkdownText */.m4)(comparison.method)}. ↓ smaller is better, ↑ bigger is better; the interval is of now − baseline._`;
    let used = parts.join('\n\n').length + footer.length + 200;
    let omitted = 0;
    for (const stage of comparison.stages) {
        const text = `#### Stage ${(0,markdown/* escapeMarkdownText */.m4)(stage.stage)}\n\n${(0,markdown/* table */.tp)(['Metric', 'Baseline', 'Now', 'Change', '95% interval', 'Tolerance', 'Verdict'], stage.metrics.map(comparisonRow))}`;
        if (used + text.length + 2 > maxChars) {
            omitted += 1;
            continue;
        }
        parts.push(text);
        used += text.length + 2;
    }
    if (omitted > 0)
        parts.push(`_${omitted} stage table${omitted === 1 ? '' : 's'} omitted for size; see results.json in the artifact._`);
    parts.push(footer);
    return parts.join('\n\n');
}
const VERDICT_BADGES = {
    pass: '✅ pass',
    fail: '❌ fail',
    invalid: '⚠️ invalid',
    error: '💥 error',
};
/** The hidden marker that identifies this workflow's and config's comment, so it is updated in place. */
function commentMarker(workflow, configFile) {
    // The marker must stay one HTML comment: no "--" or ">" from the names can end it early.
    const clean = (text) => text.replace(/[^A-Za-z0-9._/ @:+-]/g, '_').replace(/-{2,}/g, '-');
    return `<!-- exo-bench:${clean(workflow)}:${clean(configFile)} -->`;
}
/**
 * The PR comment: marker, verdict, thresholds, comparison and links, kept within GitHub's 65,536
 * characters (stage tables are dropped first, then the text is cut with a note).
 */
function renderPrComment(document, marker, links, maxChars = COMMENT_MAX_CHARS) {
    const meta = document.metadata;
    const head = [
        marker,
        `## exo-bench: ${VERDICT_BADGES[document.verdict]}`,
        '',
        `Config ${(0,markdown/* markdownInlineCode */.m2)(meta.config_file)}${meta.hardware_label ? ` · ${(0,markdown/* escapeMarkdownText */.m4)(meta.hardware_label)}` : ''} · ${[...new Set(document.configuration.model_ids)].map((m) => (0,markdown/* markdownInlineCode */.m2)(m)).join(', ')}`,
    ];
    if (document.error)
        head.push('', `> **${(0,markdown/* escapeMarkdownText */.m4)(document.error.kind)} error:** ${(0,markdown/* escapeMarkdownText */.m4)(document.error.message)}`);
    if (!document.validity.valid) {
        head.push('', '**The run is invalid — the load generator could not keep its schedule:**');
        for (const reason of document.validity.reasons)
            head.push(`- ${(0,markdown/* escapeMarkdownText */.m4)(reason)}`);
    }
    const run = document.results.run;
    if (run) {
        head.push('', `**${run.successful_requests}/${run.total_requests}** requests succeeded · TTFT p95 ${formatValue(run.ttft_ms.p95, 'ms')} · ${formatValue(run.output_tokens_per_second, 'tokens/s')}`);
    }
    const linkParts = [];
    if (links.runUrl && /^https?:\/\//.test(links.runUrl))
        linkParts.push(`[Workflow run](${encodeURI(links.runUrl)})`);
    if (links.artifactUrl && /^https?:\/\//.test(links.artifactUrl))
        linkParts.push(`[Artifact (results.json, requests.jsonl, report.html)](${encodeURI(links.artifactUrl)})`);
    const footer = linkParts.length > 0 ? linkParts.join(' · ') : '';
    const thresholds = renderThresholdsSection(document.thresholds) ?? '';
    const fixed = [head.join('\n'), thresholds, footer].join('\n\n').length;
    const comparison = renderComparisonSection(document.comparison, maxChars - fixed - 100) ?? '';
    let body = [head.join('\n'), thresholds, comparison, footer].filter((part) => part !== '').join('\n\n');
    if (body.length > maxChars) {
        const note = '\n\n_Cut to fit a comment; the job summary and the artifact have everything._';
        body = body.slice(0, maxChars - note.length) + note;
    }
    return `${body}\n`.slice(0, maxChars);
}

;// CONCATENATED MODULE: ./src/report/search-report.ts
/** The unit of the load, as printed. */
function loadUnit(search) {
    return search.mode === 'rate' ? 'req/s' : 'in flight';
}
/** The bound as written: `ttft_p95_ms ≤ 500`. */
function searchBound(search) {
    return search.max !== undefined
        ? `${search.metric} ≤ ${search.max}`
        : `${search.metric} ≥ ${search.min ?? 0}`;
}
/** The bound's value (max or min). */
function boundValue(search) {
    return search.max ?? search.min ?? 0;
}
/** A load as printed: up to 4 significant digits. */
function formatLoad(load) {
    return String(Number(load.toPrecision(4)));
}
/** A metric value as printed: 1 decimal under 1,000, none above; ratios with 4. */
function formatMetric(value, metric) {
    if (value === null)
        return '–';
    if (metric === 'success_rate')
        return value.toFixed(4);
    return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toFixed(1);
}
const REASONS = {
    converged: 'converged',
    budget: 'probe budget spent before the bracket narrowed to the tolerance',
    below_range: 'even the least load failed',
    above_range: 'even the most load passed',
    interrupted: 'interrupted',
};
/** One sentence: the capacity, its bracket, how the search ended. */
function searchSentence(search) {
    const unit = loadUnit(search);
    const probes = `${search.probes.length} probe${search.probes.length === 1 ? '' : 's'}`;
    const bound = searchBound(search);
    if (search.capacity === null) {
        return search.reason === 'below_range'
            ? `capacity below ${formatLoad(search.capacity_high ?? search.range_min)} ${unit}: ${bound} failed even there (${probes})`
            : `no capacity found (${REASONS[search.reason]}, ${probes})`;
    }
    const bracket = search.capacity_high === null
        ? `at least ${formatLoad(search.capacity)} ${unit}, the top of the range`
        : `bracket ${formatLoad(search.capacity_low)}–${formatLoad(search.capacity_high)} ${unit}`;
    return `capacity ${formatLoad(search.capacity)} ${unit} within ${bound} (${bracket}; ${REASONS[search.reason]}, ${probes})`;
}
/** The probes sorted by load (the curve), those with a value only. */
function curvePoints(search) {
    return search.probes
        .filter((probe) => probe.value !== null && Number.isFinite(probe.value))
        .sort((a, b) => a.load - b.load || a.index - b.index);
}
/** The header of the probes table. */
function probeTableHeader(search) {
    return [
        'Probe',
        'Phase',
        `Load (${loadUnit(search)})`,
        'Requests',
        'Failed',
        search.metric,
        'Samples',
        'Achieved req/s',
        'Result',
    ];
}
/** The probes table's rows, in the order the probes ran (plain text: the caller escapes). */
function probeTableRows(search) {
    return search.probes.map((probe) => [
        String(probe.index),
        probe.phase,
        formatLoad(probe.load),
        String(probe.requests),
        String(probe.failures),
        formatMetric(probe.value, search.metric),
        String(probe.samples),
        probe.achieved_rps === null ? '–' : probe.achieved_rps.toFixed(2),
        probe.passed
            ? 'pass'
            : `fail (${probe.failed_on === 'failures' ? 'failures' : probe.failed_on === 'samples' ? 'too few samples' : 'over the bound'})`,
    ]);
}

;// CONCATENATED MODULE: ./src/report/summary.ts
/**
 * The job summary: verdict first, then per-stage tables, latency, cluster facts, errors, charts and the
 * legend. Pure functions over results.json; everything from a server or a user file is escaped. The
 * whole text is kept under a size budget far below GitHub's 1 MiB limit: sections are added in order of
 * importance and the ones that do not fit are named at the end (they are in the artifact).
 */










/** Summaries above this are cut section by section (GitHub drops a summary over 1 MiB whole). */
const SUMMARY_BUDGET_BYTES = 512 * 1024;
/** Most points a series of requests gets; longer series are averaged into this many buckets. */
const MAX_CHART_POINTS = 100;
const summary_VERDICT_BADGES = {
    pass: '✅ pass',
    fail: '❌ fail',
    invalid: '⚠️ invalid',
    error: '💥 error',
};
/** Formats a number for a table: fixed decimals, `–` for missing. */
function formatNumber(value, decimals = 1) {
    if (value === null || value === undefined || !Number.isFinite(value))
        return '–';
    return (0,number_format/* formatGrouped */.O)(value, decimals);
}
function formatPercent(ratio, total) {
    return total === 0 ? '–' : `${(ratio * 100).toFixed(1)}%`;
}
function formatBytes(bytes) {
    if (bytes === undefined)
        return '–';
    return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
function seedRow(name, stats, peakInFlight) {
    return [
        name,
        String(stats.total_requests),
        String(stats.successful_requests),
        String(stats.failed_requests),
        formatPercent(stats.success_rate, stats.total_requests),
        String(stats.total_tokens),
        formatNumber(stats.avg_tokens_per_request),
        formatNumber(stats.avg_time_per_request, 2),
        formatNumber(stats.output_tokens_per_second),
        formatNumber(stats.requests_per_second, 2),
        peakInFlight,
    ];
}
function latencyRow(name, stats, itl) {
    const ms = (summary, key) => formatNumber(summary[key]);
    return [
        name,
        ms(stats.ttft_ms, 'p50'),
        ms(stats.ttft_ms, 'p95'),
        ms(stats.ttft_ms, 'p99'),
        ms(stats.tpot_ms, 'p50'),
        ms(stats.tpot_ms, 'p95'),
        formatNumber(itl?.p50),
        formatNumber(itl?.p99),
        ms(stats.e2e_ms, 'p50'),
        ms(stats.e2e_ms, 'p95'),
        ms(stats.e2e_ms, 'p99'),
        formatNumber(stats.dispatch_lag_ms.p50, 2),
        formatNumber(stats.dispatch_lag_ms.p99, 2),
    ];
}
/** `a`, `a and b`, `a, b and c`: names joined for a sentence (escaped). */
function nameList(names) {
    const escaped = names.map((name) => (0,markdown/* escapeMarkdownText */.m4)(name));
    if (escaped.length <= 1)
        return escaped.join('');
    return `${escaped.slice(0, -1).join(', ')} and ${escaped.at(-1) ?? ''}`;
}
/** The stages the run-level figures cover (results.run_stages; every stage in documents before 1.4). */
function runStages(document) {
    return document.results.run_stages ?? document.results.stages.map((stage) => stage.name);
}
function headline(document) {
    const simulated = document.provenance?.simulated ? ' · 🧪 simulated' : '';
    const lines = [`## exo-bench: ${summary_VERDICT_BADGES[document.verdict]}${simulated}`, ''];
    const banner = simulatedBannerMarkdown(document.provenance);
    if (banner)
        lines.push(banner, '');
    const meta = document.metadata;
    const merged = document.merge;
    const role = merged
        ? `merged run of ${merged.nodes.length} node${merged.nodes.length === 1 ? '' : 's'}`
        : meta.is_primary
            ? 'primary'
            : 'secondary';
    const label = meta.hardware_label && !merged
        ? ` · ${(0,markdown/* escapeMarkdownText */.m4)(meta.hardware_label)}#${meta.node_index ?? 0}`
        : '';
    const models = [...new Set(document.configuration.model_ids)].map((m) => (0,markdown/* markdownInlineCode */.m2)(m)).join(', ');
    const expected = document.cluster.expected_nodes;
    // A merged run already says how many nodes it merged; the plan's count only when it differs.
    const where = meta.target?.kind === 'openai'
        ? `OpenAI-compatible server ${(0,markdown/* markdownInlineCode */.m2)(meta.target.base_url)}`
        : merged && merged.nodes.length === expected
            ? undefined
            : `${expected} ${merged ? 'planned ' : ''}node${expected === 1 ? '' : 's'}`;
    lines.push([
        `Config ${(0,markdown/* markdownInlineCode */.m2)(meta.config_file)}`,
        `${role}${label}`,
        ...(where === undefined ? [] : [where]),
        models,
        `endpoint ${(0,markdown/* markdownInlineCode */.m2)(meta.endpoint)}`,
    ].join(' · '));
    const provenance = provenanceMarkdown(document.provenance);
    if (provenance)
        lines.push('', `<sub>${provenance}</sub>`);
    if (document.error) {
        lines.push('', `> **${(0,markdown/* escapeMarkdownText */.m4)(document.error.kind)} error:** ${(0,markdown/* escapeMarkdownText */.m4)(document.error.message)}`);
        if (document.error.hint)
            lines.push(`>`, `> Hint: ${(0,markdown/* escapeMarkdownText */.m4)(document.error.hint)}`);
    }
    if (!document.validity.valid) {
        lines.push('', '**The run is invalid — the load generator could not keep its schedule:**');
        for (const reason of document.validity.reasons)
            lines.push(`- ${(0,markdown/* escapeMarkdownText */.m4)(reason)}`);
    }
    const run = document.results.run;
    if (run) {
        const covered = runStages(document);
        const left = document.results.stages.filter((s) => !covered.includes(s.name));
        const warmups = left.filter((s) => !s.search).map((s) => s.name);
        const searches = left.filter((s) => s.search).map((s) => s.name);
        const leftOut = [
            ...(warmups.length ? [`warm-up left out: ${nameList(warmups)}`] : []),
            ...(searches.length ? [`capacity search left out: ${nameList(searches)}`] : []),
        ];
        const scope = document.results.stages.length <= 1
            ? ''
            : ` Run-level figures cover ${covered.length === 1 ? 'stage' : 'stages'} ${nameList(covered)}` +
                (leftOut.length ? ` (${leftOut.join('; ')})` : '') +
                (covered.length > 1 ? "; where their shapes differ, compare the stages' own rows." : '.');
        lines.push('', `**${run.successful_requests}/${run.total_requests}** requests succeeded (${formatPercent(run.success_rate, run.total_requests)}), ` +
            `TTFT p50 ${formatNumber(run.ttft_ms.p50)} ms / p95 ${formatNumber(run.ttft_ms.p95)} ms, ` +
            `E2E p95 ${formatNumber(run.e2e_ms.p95)} ms, ${formatNumber(run.output_tokens_per_second)} output tok/s.${scope}`);
    }
    for (const stage of document.results.stages)
        if (stage.search)
            lines.push('', `**Capacity search ${(0,markdown/* escapeMarkdownText */.m4)(stage.name)}:** ${(0,markdown/* escapeMarkdownText */.m4)(searchSentence(stage.search))}.`);
    return lines.join('\n');
}
/** The failed thresholds of a scope, as `ttft_p95_ms <= 800 (912.3)`; `–` when none failed. */
function failedThresholds(document, scope) {
    const failed = (document.thresholds ?? []).filter((outcome) => outcome.status === 'fail' &&
        (scope === 'run' ? outcome.scope === 'run' : outcome.scope !== 'run' && outcome.scope.stage === scope));
    if (failed.length === 0)
        return '–';
    return failed
        .map((outcome) => `❌ ${(0,markdown/* markdownInlineCode */.m2)(outcome.expression, { inTableCell: true })} (${formatNumber(outcome.observed)})`)
        .join('<br>');
}
/** The columns of the compact stage table, in the summary and in report.html. */
const COMPACT_STAGE_HEADER = [
    'Stage',
    'Requests',
    'Success',
    'TTFT p50 ms',
    'TTFT p95 ms',
    'E2E p95 ms',
    'Output tok/s',
    'Failed thresholds',
];
/** A row of the compact stage table; `name` and `thresholds` come escaped for where they go. */
function compactRow(name, stats, thresholds) {
    return [
        name,
        String(stats.total_requests),
        `${formatPercent(stats.success_rate, stats.total_requests)}${stats.failed_requests > 0 ? ` (${stats.failed_requests} failed)` : ''}`,
        formatNumber(stats.ttft_ms.p50),
        formatNumber(stats.ttft_ms.p95),
        formatNumber(stats.e2e_ms.p95),
        formatNumber(stats.output_tokens_per_second),
        thresholds,
    ];
}
/**
 * One compact table (8 columns, fits ~1,000 px): the figures people compare, and any failed threshold.
 * The full tables follow, folded.
 */
function compactStagesSection(document) {
    const { stages, run } = document.results;
    if (stages.length === 0)
        return undefined;
    const covered = runStages(document);
    const rows = stages.map((stage) => compactRow(`${(0,markdown/* escapeMarkdownCell */.Vf)(stage.name)} · ${stage.search ? 'capacity search' : (0,markdown/* escapeMarkdownCell */.Vf)((0,arrivals/* describeShape */.vJ)(stage.config))}${stage.interrupted ? ' (interrupted)' : ''}${covered.includes(stage.name) ? '' : stage.search ? ' _(all probes)_' : ' _(warm-up)_'}`, stageStatistics(stage), failedThresholds(document, stage.name)));
    if (run && stages.length > 1)
        rows.push(compactRow(covered.length === stages.length ? '**all stages**' : '**run** (no warm-up)', run, failedThresholds(document, 'run')));
    return `### Stages\n\n${(0,markdown/* table */.tp)([...COMPACT_STAGE_HEADER], rows)}`;
}
function stagesSection(document) {
    const { stages, run } = document.results;
    if (stages.length === 0)
        return undefined;
    const header = [
        'Stage',
        'Requests',
        'Successful',
        'Failed',
        'Success Rate',
        'Total Tokens',
        'Avg Tokens/Req',
        'Avg Time/Req (s)',
        'Output tok/s',
        'Req/s',
        'Peak in flight',
    ];
    const rows = stages.map((stage) => seedRow(`${(0,markdown/* escapeMarkdownCell */.Vf)(stage.name)}${stage.interrupted ? ' (interrupted)' : ''}`, stageStatistics(stage), String(stage.peak_in_flight)));
    const covered = runStages(document);
    const runName = covered.length === stages.length ? '**all stages**' : '**run** (no warm-up)';
    if (run && stages.length > 1)
        rows.push(seedRow(runName, run, String(Math.max(...stages.filter((s) => covered.includes(s.name)).map((s) => s.peak_in_flight)))));
    const warmups = stages.filter((stage) => stage.warmup_requests > 0);
    const note = warmups.length
        ? `\n\nExcluded as warmup: ${warmups.map((s) => `${(0,markdown/* escapeMarkdownText */.m4)(s.name)} ${s.warmup_requests}`).join(', ')}.`
        : '';
    return `#### Requests and throughput (the seed's metrics)\n\n${(0,markdown/* table */.tp)(header, rows)}${note}`;
}
function latencySection(document) {
    const { stages, run } = document.results;
    if (stages.length === 0)
        return undefined;
    const header = [
        'Stage',
        'TTFT p50',
        'TTFT p95',
        'TTFT p99',
        'TPOT p50',
        'TPOT p95',
        'ITL p50',
        'ITL p99',
        'E2E p50',
        'E2E p95',
        'E2E p99',
        'Lag p50',
        'Lag p99',
    ];
    const rows = stages.map((stage) => latencyRow((0,markdown/* escapeMarkdownCell */.Vf)(stage.name), stageStatistics(stage), stage.itl_ms));
    const covered = runStages(document);
    if (run && stages.length > 1)
        rows.push(latencyRow(covered.length === stages.length ? '**all stages**' : '**run** (no warm-up)', run, undefined));
    const chunkNote = stages.some((s) => s.token_counts_from_chunks > 0)
        ? '\n\nSome responses carried no `usage`: their token counts are chunk counts (flagged in results.json).'
        : '';
    const multiTokenStages = stages
        .filter((s) => s.multi_token_chunk_requests > 0)
        .map((s) => (0,markdown/* escapeMarkdownText */.m4)(s.name));
    const multiTokenNote = multiTokenStages.length
        ? `\n\n**Several tokens per chunk** in ${multiTokenStages.join(', ')}: ITL there is the gap between chunks, not between tokens; TPOT comes from the server's token count.`
        : '';
    return `#### Latency (ms)\n\n${(0,markdown/* table */.tp)(header, rows)}${chunkNote}${multiTokenNote}`;
}
/** A shared_prefix or trace stage's prefix-cache hit rate: expected from the workload, reported by the server. */
function prefixCacheNote(cache) {
    const percent = (value) => `${(value * 100).toFixed(1)}%`;
    const from = cache.source === 'trace' ? "the trace's hash_ids" : 'shared_prefix';
    const expected = `expected ${percent(cache.expected_hit_rate)} of prompt tokens (${cache.expected_hit_requests} requests hit; from ${from})`;
    if (cache.reported_hit_rate === null || cache.expected_for_reported === null)
        return `prefix cache ${expected}; the server reported no cache figure.`;
    const reported = cache.reported_source === 'prefix_cache_hit'
        ? `reported ${percent(cache.reported_hit_rate)} of requests with a hit (EXO prefix_cache_hit; expected ${percent(cache.expected_for_reported)})`
        : `reported ${percent(cache.reported_hit_rate)} (cached_tokens)`;
    const gap = cache.reported_hit_rate - cache.expected_for_reported;
    const flag = Math.abs(gap) > 0.05
        ? ` — ${gap < 0 ? 'below' : 'above'} the expectation by ${(Math.abs(gap) * 100).toFixed(1)} points ⚠️`
        : '';
    return `prefix cache ${expected}, ${reported}${flag}.`;
}
function calibrationCell(stage) {
    const calibration = stage.prompt_length.calibration;
    const probes = calibration.probes > 0 ? `, ${calibration.probes} probe${calibration.probes === 1 ? '' : 's'}` : '';
    const flag = calibration.status === 'exact' ? '' : ' ⚠️';
    return `${calibration.status}${probes}${flag}`;
}
function promptOutputRow(stage) {
    const prompt = stage.prompt_length;
    const output = stage.output_length;
    const achieved = stage.prompt_tokens;
    const tokensPerChunk = stage.token_chunks > 0 ? stage.output_tokens_total / stage.token_chunks : null;
    return [
        (0,markdown/* escapeMarkdownCell */.Vf)(stage.name),
        String(prompt.requested_tokens),
        achieved.count > 0
            ? `${formatNumber(achieved.min, 0)} / ${formatNumber(achieved.p50, 0)} / ${formatNumber(achieved.max, 0)}`
            : '–',
        prompt.reported_requests > 0 ? `${prompt.exact_requests}/${prompt.reported_requests}` : '–',
        calibrationCell(stage),
        stage.cache_hit_rate === null ? '–' : `${(stage.cache_hit_rate * 100).toFixed(1)}%`,
        String(output.requested_tokens),
        formatNumber(output.achieved_tokens.mean),
        `${output.short_requests} / ${output.over_requests}`,
        `${(output.shortfall_ratio * 100).toFixed(1)}%`,
        formatNumber(tokensPerChunk, 2),
    ];
}
/**
 * Prompt and output lengths as the server counted them: requested against achieved, calibration, cache
 * hits, early stops; plus the notes a reader needs to trust the latency figures (multi-token chunks,
 * counts from chunks, reasoning).
 */
function promptsSection(document) {
    const stages = document.results.stages.filter((stage) => stage.prompt_length !== undefined);
    if (stages.length === 0)
        return undefined;
    const header = [
        'Stage',
        'Prompt req',
        'Prompt min / p50 / max',
        'Exact',
        'Calibration',
        'Cache hit',
        'Output req',
        'Output mean',
        'Short / over',
        'Shortfall',
        'Tokens/chunk',
    ];
    const notes = [];
    for (const stage of stages) {
        const name = (0,markdown/* escapeMarkdownText */.m4)(stage.name);
        const calibration = stage.prompt_length.calibration;
        for (const model of calibration.models) {
            if (model.status === 'approximate' || model.status === 'estimate')
                notes.push(`- ${name}: prompt length is **approximate** for ${(0,markdown/* markdownInlineCode */.m2)(model.model)} (${model.status}${model.note ? `: ${(0,markdown/* escapeMarkdownText */.m4)(model.note)}` : ''}).`);
        }
        if (stage.multi_token_chunk_requests > 0) {
            notes.push(`- ${name}: the server sent several tokens per chunk (${stage.multi_token_chunk_requests} of ${stage.counted_successful_requests} requests, ${formatNumber(stage.output_tokens_total / Math.max(1, stage.token_chunks), 2)} tokens/chunk): **ITL shows gaps between chunks, not tokens**; TPOT uses the server's token count.`);
        }
        if (stage.invalid_events > 0) {
            notes.push(`- ${name}: ${stage.invalid_events} stream line${stage.invalid_events === 1 ? '' : 's'} could not be used (not JSON, not SSE) in ${stage.requests_with_invalid_events} of ${stage.counted_requests} requests: the server's stream is malformed; counts per request are in requests.jsonl (\`invalid_events\`).`);
        }
        if (stage.token_counts_from_chunks > 0) {
            notes.push(`- ${name}: ${stage.token_counts_from_chunks} responses carried no \`usage\`: their output tokens are chunk counts (approximate if chunks hold several tokens).`);
        }
        const cache = stage.prefix_cache;
        if (cache) {
            notes.push(`- ${name}: ${prefixCacheNote(cache)}`);
        }
        const output = stage.output_length;
        if (output.short_requests > 0 || output.over_requests > 0) {
            const reasons = Object.entries(output.finish_reasons)
                .map(([reason, count]) => `${(0,markdown/* escapeMarkdownText */.m4)(reason)} ${count}`)
                .join(', ');
            notes.push(`- ${name}: output ${formatNumber(output.achieved_tokens.mean)} tokens on average for ${output.requested_tokens} requested; ${output.short_requests} short, ${output.over_requests} over \`max_tokens\` (finish reasons: ${reasons}).`);
        }
        if (stage.reasoning_tokens > 0 ||
            (stage.ttfat_ms.p50 !== null && stage.ttfat_ms.p50 !== stage.ttft_ms.p50)) {
            notes.push(`- ${name}: reasoning model — ${stage.reasoning_tokens > 0 ? `${stage.reasoning_tokens} reasoning tokens (usage)` : 'the server reported no reasoning token count'}; time to first answer token (TTFAT) p50 ${formatNumber(stage.ttfat_ms.p50)} ms / p95 ${formatNumber(stage.ttfat_ms.p95)} ms, against TTFT p50 ${formatNumber(stage.ttft_ms.p50)} ms.`);
        }
    }
    const notesText = notes.length > 0 ? `\n\n${notes.slice(0, 40).join('\n')}` : '';
    return `#### Prompt and output lengths\n\n${(0,markdown/* table */.tp)(header, stages.map(promptOutputRow))}${notesText}`;
}
function clusterSection(document) {
    const { nodes, instances } = document.cluster;
    if (nodes.length === 0 && instances.length === 0)
        return undefined;
    const parts = ['### Cluster'];
    if (nodes.length > 0) {
        parts.push((0,markdown/* table */.tp)(['Node', 'Chip', 'Name', 'RAM total', 'RAM available'], nodes.map((node) => [
            (0,markdown/* markdownInlineCode */.m2)(node.node_id.slice(0, 12), { inTableCell: true }),
            (0,markdown/* escapeMarkdownCell */.Vf)(node.chip || '–'),
            (0,markdown/* escapeMarkdownCell */.Vf)(node.friendly_name || '–'),
            formatBytes(node.ram_total_bytes),
            formatBytes(node.ram_available_bytes),
        ])));
    }
    if (instances.length > 0) {
        parts.push((0,markdown/* table */.tp)(['Instance', 'Model', 'Kind', 'Nodes'], instances.map((instance) => [
            (0,markdown/* markdownInlineCode */.m2)(instance.instance_id.slice(0, 8), { inTableCell: true }),
            (0,markdown/* escapeMarkdownCell */.Vf)(instance.model_id),
            (0,markdown/* escapeMarkdownCell */.Vf)(`${instance.kind} / ${instance.shard_kind}`),
            String(instance.node_ids.length),
        ])));
    }
    return parts.join('\n\n');
}
/**
 * A merged run's nodes: what each sent and saw (counts and TTFT from its own records), its verdict, and
 * its memory from the cluster facts and snapshots; then the merge's problems and missing nodes.
 */
function nodesSection(document) {
    const merged = document.merge;
    if (!merged)
        return undefined;
    const rows = merged.nodes.map((node) => [
        `${(0,markdown/* escapeMarkdownCell */.Vf)(node.node)}${node.is_primary ? ' (primary)' : ''}`,
        (0,markdown/* escapeMarkdownCell */.Vf)(node.verdict),
        String(node.requests),
        String(node.successful_requests),
        formatPercent(node.requests > 0 ? node.successful_requests / node.requests : 0, node.requests),
        formatNumber(node.ttft_p50_ms),
        formatNumber(node.ttft_p95_ms),
        formatBytes(node.ram_total_bytes),
        formatBytes(node.ram_used_peak_bytes),
        node.node_id ? (0,markdown/* markdownInlineCode */.m2)(node.node_id.slice(0, 12), { inTableCell: true }) : '–',
    ]);
    const parts = [
        `### Nodes

${merged.requests} request${merged.requests === 1 ? '' : 's'} merged from ${merged.nodes.length} node${merged.nodes.length === 1 ? '' : 's'}, each once (identity: node + stage + index); every figure above is computed from the merged records.`,
        (0,markdown/* table */.tp)([
            'Node',
            'Verdict',
            'Requests',
            'Success',
            'Success rate',
            'TTFT p50 (ms)',
            'TTFT p95 (ms)',
            'RAM total',
            'RAM used (peak)',
            'EXO node',
        ], rows),
    ];
    // load_from: all_nodes: every node sent its share, on its own clock.
    const schedule = merged.schedule;
    const primaryOnly = document.configuration.stages.filter(isPrimaryOnlyStage).map((stage) => stage.name);
    const alone = primaryOnly.length === 0
        ? ''
        : ` Sent by the primary alone (closed loop or capacity search): ${primaryOnly.map((name) => (0,markdown/* escapeMarkdownText */.m4)(name)).join(', ')}.`;
    if (schedule)
        parts.push(`Load from every node (load_from: all_nodes): request i of a stage from node i mod ${merged.nodes.length}.${alone} Clock skew between the nodes: ${schedule.skew_ms === null ? 'not measured on every node (assumed within the tolerance)' : `${formatNumber(schedule.skew_ms)} ms`}, tolerance ${formatNumber(schedule.skew_tolerance_ms)} ms.`);
    if (merged.problems.length > 0)
        parts.push(`**Merge problems:**\n\n${merged.problems.map((problem) => `- ${(0,markdown/* escapeMarkdownText */.m4)(problem)}`).join('\n')}`);
    return parts.join('\n\n');
}
function errorsSection(document) {
    const rows = [];
    for (const stage of document.results.stages) {
        for (const error of stage.errors.slice(0, 5)) {
            rows.push([
                (0,markdown/* escapeMarkdownCell */.Vf)(stage.name),
                `\`${error.error_class}\``,
                String(error.count),
                (0,markdown/* escapeMarkdownCell */.Vf)(error.example.slice(0, 200)),
            ]);
        }
    }
    if (rows.length === 0)
        return undefined;
    return `### Most frequent errors\n\n${(0,markdown/* table */.tp)(['Stage', 'Class', 'Count', 'Example'], rows)}`;
}
/** Averages a series into at most `maxPoints` buckets (charts stay readable and small). */
function downsample(values, maxPoints = MAX_CHART_POINTS) {
    if (values.length <= maxPoints)
        return values;
    const out = [];
    for (let bucket = 0; bucket < maxPoints; bucket += 1) {
        const from = Math.floor((bucket * values.length) / maxPoints);
        const to = Math.floor(((bucket + 1) * values.length) / maxPoints);
        let sum = 0;
        for (let i = from; i < to; i += 1)
            sum += values[i];
        out.push(sum / Math.max(1, to - from));
    }
    return out;
}
/**
 * Colours of every chart, set in each chart's init block: GitHub's default Mermaid theme draws pale
 * lavender lines, and a dark-mode page would turn black text invisible. A white plot with dark text
 * and saturated series reads the same in both modes. The data is dark blue; stage starts are light
 * red bands behind it.
 */
const CHART_PALETTE = {
    data: '#0550ae',
    boundary: '#ffcecb',
    boundaryText: '#cf222e',
    /** The capacity band of a search chart. */
    capacity: '#aceebb',
    text: '#1f2328',
    axis: '#57606a',
};
function mermaidInit(seriesColours) {
    const theme = {
        xyChart: {
            backgroundColor: '#ffffff',
            titleColor: CHART_PALETTE.text,
            xAxisLabelColor: CHART_PALETTE.text,
            xAxisTitleColor: CHART_PALETTE.text,
            xAxisTickColor: CHART_PALETTE.axis,
            xAxisLineColor: CHART_PALETTE.axis,
            yAxisLabelColor: CHART_PALETTE.text,
            yAxisTitleColor: CHART_PALETTE.text,
            yAxisTickColor: CHART_PALETTE.axis,
            yAxisLineColor: CHART_PALETTE.axis,
            plotColorPalette: seriesColours.join(', '),
        },
    };
    return `%%{init: ${JSON.stringify({ theme: 'base', themeVariables: theme, xyChart: { width: 900, height: 300 } })}}%%`;
}
/** Mermaid reads labels as HTML and `#…;` as entity codes: keep letters and plain punctuation only. */
function mermaidLabel(text, maxLength = 30) {
    // eslint-disable-next-line no-control-regex
    return text.replace(/["\\<>&#;`\u0000-\u001f]/g, ' ').slice(0, maxLength);
}
function fixed(value) {
    return String(Number(value.toFixed(2)));
}
/**
 * A line over time: x in seconds from 0, y from 0. Stage starts are drawn as thin full-height bars of a
 * light colour behind the line (xychart-beta has no vertical rules), and named in the caption.
 */
function mermaidTimeChart(title, yLabel, series) {
    const yMax = niceMax(series.values);
    const marked = series.boundaries.length > 0;
    const lines = [
        '```mermaid',
        mermaidInit(marked ? [CHART_PALETTE.boundary, CHART_PALETTE.data] : [CHART_PALETTE.data]),
        'xychart-beta',
        `    title "${mermaidLabel(title, 80)}"`,
        `    x-axis "time since the first stage started (s)" 0 --> ${fixed(series.spanSeconds)}`,
        `    y-axis "${mermaidLabel(yLabel)}" 0 --> ${fixed(yMax)}`,
    ];
    if (marked) {
        const rules = new Array(series.values.length).fill(0);
        for (const boundary of series.boundaries) {
            const index = Math.min(rules.length - 1, Math.max(0, Math.floor(boundary.atSeconds / series.bucketSeconds)));
            rules[index] = yMax;
        }
        lines.push(`    bar [${rules.map(fixed).join(', ')}]`);
    }
    lines.push(`    line [${series.values.map(fixed).join(', ')}]`, '```');
    return lines.join('\n');
}
/** The caption under a time chart: bucket width, and where each stage starts. */
function timeCaption(series, what, stages) {
    const starts = [
        `${(0,markdown/* escapeMarkdownText */.m4)(stages[0]?.name ?? '')} 0 s`,
        ...series.boundaries.map((b) => `${(0,markdown/* escapeMarkdownText */.m4)(b.name)} ${formatNumber(b.atSeconds, 1)} s`),
    ];
    return `<sub>${what}, per ${formatNumber(series.bucketSeconds, 2)} s. ${series.boundaries.length ? 'Light red bands mark where a stage starts: ' : 'Stage: '}${starts.join(' · ')}.</sub>`;
}
/** The bar chart of a per-stage figure: y from 0; only for two stages or more (one bar shows nothing). */
function mermaidStageBars(title, yLabel, names, values) {
    return [
        '```mermaid',
        mermaidInit([CHART_PALETTE.data]),
        'xychart-beta',
        `    title "${mermaidLabel(title, 80)}"`,
        `    x-axis [${names.map((name) => `"${mermaidLabel(name)}"`).join(', ')}]`,
        `    y-axis "${mermaidLabel(yLabel)}" 0 --> ${fixed(niceMax(values))}`,
        `    bar [${values.map((v) => v.toFixed(1)).join(', ')}]`,
        '```',
    ].join('\n');
}
function chartsSection(document, charts) {
    const { stages } = document.results;
    if (stages.length === 0)
        return undefined;
    const parts = [];
    const requests = charts?.requests ?? [];
    const axis = timeAxis(stages, requests);
    if (axis) {
        const ttft = ttftOverTime(axis, requests);
        if (ttft)
            parts.push(mermaidTimeChart('TTFT of the requests sent, over time', 'TTFT (ms)', ttft), timeCaption(ttft, 'Mean TTFT of the requests sent', stages));
        const inFlight = inFlightPeaks(axis, requests);
        parts.push(mermaidTimeChart('Requests in flight (peak)', 'requests in flight', inFlight), timeCaption(inFlight, 'Most requests in flight at any moment', stages));
    }
    if (stages.length >= 2)
        parts.push(mermaidStageBars('Output tokens/s per stage', 'output tok/s', stages.map((stage) => stage.name), stages.map((stage) => stage.output_tokens_per_second)));
    return parts.length > 0 ? ['### Charts', ...parts].join('\n\n') : undefined;
}
/**
 * A capacity search's curve: the metric of each probe against its load (probes sorted by load, one
 * category each: xychart-beta spaces points evenly), the bound as a second line, and the capacity
 * named on its own x label (xychart-beta has no vertical rules, and a bar series draws a stub even at 0).
 */
function mermaidSearchChart(stageName, search) {
    const points = curvePoints(search);
    if (points.length === 0)
        return undefined;
    const bound = boundValue(search);
    const values = points.map((probe) => probe.value);
    const yMax = niceMax([...values, bound]);
    const label = (load) => `"${formatLoad(load)}${search.capacity !== null && load === search.capacity ? ' = capacity' : ''}"`;
    return [
        '```mermaid',
        mermaidInit([CHART_PALETTE.data, CHART_PALETTE.boundaryText]),
        'xychart-beta',
        `    title "${mermaidLabel(`${stageName}: ${search.metric} against the load`, 80)}"`,
        `    x-axis "${mermaidLabel(search.mode === 'rate' ? 'requests per second' : 'requests in flight')}" [${points.map((probe) => label(probe.load)).join(', ')}]`,
        `    y-axis "${mermaidLabel(search.metric)}" 0 --> ${fixed(yMax)}`,
        `    line [${values.map(fixed).join(', ')}]`,
        `    line [${points.map(() => fixed(bound)).join(', ')}]`,
        '```',
    ].join('\n');
}
/** Each search stage: its sentence, its curve and its probes. */
function searchSections(document) {
    const parts = [];
    for (const stage of document.results.stages) {
        const search = stage.search;
        if (!search)
            continue;
        const name = (0,markdown/* escapeMarkdownText */.m4)(stage.name);
        parts.push(`### Capacity search: ${name}`, `${(0,markdown/* escapeMarkdownText */.m4)(searchSentence(search))}.`);
        const chart = mermaidSearchChart(stage.name, search);
        if (chart) {
            const capacity = search.capacity === null
                ? ''
                : ` The capacity, ${formatLoad(search.capacity)} ${loadUnit(search)}, is the highest passing load (marked on its label).`;
            parts.push(chart, `<sub>Blue: ${(0,markdown/* escapeMarkdownText */.m4)(search.metric)} of each probe, probes sorted by load (one step each, not to scale). Red: the bound ${(0,markdown/* escapeMarkdownText */.m4)(String(boundValue(search)))}.${capacity} A search stage's requests are left out of the run-level figures: they are overloaded on purpose.</sub>`);
        }
        parts.push((0,markdown/* table */.tp)(probeTableHeader(search).map(markdown/* escapeMarkdownCell */.Vf), 
        // Numbers and fixed words only (nothing from a server): no escaping, which would turn 7.7 into 7\.7.
        probeTableRows(search)));
    }
    return parts.length > 0 ? parts.join('\n\n') : undefined;
}
/**
 * What the load generator cost the machine, one sentence for the "Load generator" section (summary and
 * report.html): the run's CPU seconds, per 1,000 requests and share of a core, and the busiest stage's
 * share. Numbers, fixed words and a stage name from the config (escape for the output format).
 */
function clientCpuText(document) {
    const cpu = document.client_cpu;
    if (!cpu)
        return undefined;
    const perThousand = cpu.client_cpu_seconds_per_1000_requests === null
        ? ''
        : `, ${formatNumber(cpu.client_cpu_seconds_per_1000_requests, 2)} s per 1,000 requests`;
    const share = cpu.client_cpu_share === null ? '' : `, ${formatNumber(cpu.client_cpu_share * 100, 1)} % of one core`;
    let busiest;
    for (const stage of document.results.stages) {
        const stageShare = stage.client_cpu?.client_cpu_share;
        if (stageShare !== null && stageShare !== undefined && (!busiest || stageShare > busiest.share))
            busiest = { name: stage.name, share: stageShare };
    }
    const busiestText = busiest
        ? `; busiest stage ${busiest.name}: ${formatNumber(busiest.share * 100, 1)} % of one core`
        : '';
    const simulated = cpu.includes_simulated_server
        ? ' Includes the simulated server (--simulate runs it in the same process).'
        : '';
    return (`Client CPU ${formatNumber(cpu.client_cpu_seconds, 2)} s over ${formatNumber(cpu.wall_seconds, 1)} s ` +
        `for ${cpu.requests} request${cpu.requests === 1 ? '' : 's'}${perThousand}${share} (${cpu.cores} core${cpu.cores === 1 ? '' : 's'})${busiestText}.${simulated}`);
}
function validitySection(document) {
    const v = document.validity;
    if (!document.metadata.is_primary || document.results.stages.length === 0)
        return undefined;
    const status = v.status ?? (v.valid ? 'valid' : 'invalid');
    const verdict = status === 'invalid'
        ? '**invalid**'
        : status === 'inconclusive'
            ? 'inconclusive (too few requests to judge a p99; not failed)'
            : 'valid';
    const notes = (v.notes ?? []).map((note) => `- ${(0,markdown/* escapeMarkdownText */.m4)(note)}`).join('\n');
    const cpu = clientCpuText(document);
    return (`### Load generator\n\nDispatch lag p99 ${formatNumber(v.dispatch_lag_p99_ms, 2)} ms (bound ${v.max_dispatch_lag_p99_ms} ms) · ` +
        `event-loop delay p99 ${formatNumber(v.event_loop_delay_p99_ms, 2)} ms (bound ${v.max_event_loop_delay_p99_ms} ms) · ${verdict}` +
        (cpu ? `\n\n${(0,markdown/* escapeMarkdownText */.m4)(cpu)}` : '') +
        (notes ? `\n\n${notes}` : ''));
}
/** The full per-stage tables, folded: they are wide, and most readers need only the compact one. */
function detailsSection(document) {
    const tables = [stagesSection(document), latencySection(document), promptsSection(document)].filter((text) => text !== undefined);
    if (tables.length === 0)
        return undefined;
    return `<details><summary>All figures per stage: the seed's metrics, latency percentiles, prompt and output lengths</summary>\n\n${tables.join('\n\n')}\n\n</details>`;
}
function legendSection() {
    return `<details><summary>Metric definitions</summary>\n\n${(0,markdown/* table */.tp)(['Metric', 'Definition'], METRIC_DEFINITIONS.map(({ name, formula }) => [name, (0,markdown/* escapeMarkdownCell */.Vf)(formula)]))}\n\n</details>`;
}
/** The thresholds and the baseline comparison (src/verdict/render.ts), right under the headline. */
function gateSections(document) {
    return [
        ['thresholds', renderThresholdsSection(document.thresholds)],
        ['comparison', renderComparisonSection(document.comparison, SUMMARY_BUDGET_BYTES / 4)],
    ];
}
/** Renders the whole summary within the budget. */
function renderSummary(document, charts, budgetBytes = SUMMARY_BUDGET_BYTES) {
    const sections = [
        ['headline', headline(document)],
        ...gateSections(document),
        ['nodes', nodesSection(document)],
        ['stages', compactStagesSection(document)],
        ['capacity search', searchSections(document)],
        ['all figures per stage', detailsSection(document)],
        ['errors', errorsSection(document)],
        ['cluster', clusterSection(document)],
        ['load generator', validitySection(document)],
        ['charts', chartsSection(document, charts)],
        ['legend', document.results.stages.length > 0 ? legendSection() : undefined],
    ];
    const kept = [];
    const omitted = [];
    let size = 0;
    const reserve = 200; // room for the "omitted" note
    for (const [name, text] of sections) {
        if (text === undefined)
            continue;
        const bytes = Buffer.byteLength(text, 'utf8') + 2;
        if (size + bytes + reserve > budgetBytes) {
            omitted.push(name);
            continue;
        }
        kept.push(text);
        size += bytes;
    }
    if (omitted.length > 0)
        kept.push(`_Omitted to stay under the summary size limit: ${omitted.join(', ')} (see the artifact)._`);
    return `${kept.join('\n\n')}\n`;
}

;// CONCATENATED MODULE: ./src/report/html.ts
/**
 * report.html: a self-contained page (inline CSS and SVG, no script, nothing fetched at view time)
 * with everything the summary has — verdict, provenance, thresholds, the compact and full stage tables
 * with the run-level row, cluster, load generator, charts with labelled axes — and the definitions.
 * All text is HTML-escaped; links are made only from checked parts.
 */









const WIDTH = 900;
const HEIGHT = 280;
const LEFT = 64;
const RIGHT = 16;
const TOP = 28;
const BOTTOM = 44;
/** Ticks for an axis from 0 to `max`: 0 and four more, evenly spaced. */
function ticks(max) {
    return [0, 1, 2, 3, 4].map((i) => (max * i) / 4);
}
function svgFrame(title, xTitle, yTitle, body, yMax) {
    const plotBottom = HEIGHT - BOTTOM;
    const yTicks = ticks(yMax)
        .map((value) => {
        const y = plotBottom - (value / yMax) * (plotBottom - TOP);
        return (`<line x1="${LEFT - 4}" y1="${y.toFixed(1)}" x2="${WIDTH - RIGHT}" y2="${y.toFixed(1)}" stroke="#d0d7de" stroke-width="0.5"/>` +
            `<text x="${LEFT - 8}" y="${(y + 4).toFixed(1)}" font-size="11" text-anchor="end">${escapeHtml(formatNumber(value, value < 10 ? 1 : 0))}</text>`);
    })
        .join('');
    return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(title)}" font-family="system-ui,sans-serif" fill="${CHART_PALETTE.text}">
${yTicks}<line x1="${LEFT}" y1="${plotBottom}" x2="${WIDTH - RIGHT}" y2="${plotBottom}" stroke="${CHART_PALETTE.axis}"/><line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${plotBottom}" stroke="${CHART_PALETTE.axis}"/>
${body}
<text x="${(LEFT + WIDTH - RIGHT) / 2}" y="${HEIGHT - 6}" font-size="12" text-anchor="middle">${escapeHtml(xTitle)}</text>
<text x="14" y="${(TOP + plotBottom) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(TOP + plotBottom) / 2})">${escapeHtml(yTitle)}</text></svg></figure>`;
}
/** A series over time as an SVG line: x in seconds with ticks, y from 0, stage starts as dashed rules. */
function svgTimeChart(title, yTitle, series) {
    const yMax = niceMax(series.values);
    const plotWidth = WIDTH - LEFT - RIGHT;
    const plotBottom = HEIGHT - BOTTOM;
    const x = (seconds) => LEFT + (seconds / series.spanSeconds) * plotWidth;
    const y = (value) => plotBottom - (value / yMax) * (plotBottom - TOP);
    const points = series.values
        .map((value, i) => `${x((i + 0.5) * series.bucketSeconds).toFixed(1)},${y(value).toFixed(1)}`)
        .join(' ');
    const xMax = niceMax([series.spanSeconds]);
    const xTicks = ticks(xMax)
        .filter((seconds) => seconds <= series.spanSeconds * 1.0001)
        .map((seconds) => `<line x1="${x(seconds).toFixed(1)}" y1="${plotBottom}" x2="${x(seconds).toFixed(1)}" y2="${plotBottom + 4}" stroke="${CHART_PALETTE.axis}"/>` +
        `<text x="${x(seconds).toFixed(1)}" y="${plotBottom + 16}" font-size="11" text-anchor="middle">${escapeHtml(formatNumber(seconds, seconds < 10 ? 1 : 0))}</text>`)
        .join('');
    const boundaries = series.boundaries
        .map((boundary) => `<line x1="${x(boundary.atSeconds).toFixed(1)}" y1="${TOP}" x2="${x(boundary.atSeconds).toFixed(1)}" y2="${plotBottom}" stroke="${CHART_PALETTE.boundaryText}" stroke-dasharray="4 3"/>` +
        `<text x="${(x(boundary.atSeconds) + 3).toFixed(1)}" y="${TOP + 10}" font-size="11" fill="${CHART_PALETTE.boundaryText}">${escapeHtml(boundary.name.slice(0, 24))}</text>`)
        .join('');
    return svgFrame(title, 'time since the first stage started (s)', yTitle, `${xTicks}${boundaries}<polyline fill="none" stroke="${CHART_PALETTE.data}" stroke-width="2" points="${points}"/>`, yMax);
}
/**
 * A capacity search's curve as SVG: the metric of each probe against its load on a linear x axis from
 * 0 (probes sorted by load, passing ones filled, failing ones hollow), the bound as a dashed red rule,
 * and the bracket [capacity_low, capacity_high] as a green band with the capacity as its left edge.
 */
function svgSearchChart(stageName, search) {
    const points = curvePoints(search);
    if (points.length === 0)
        return undefined;
    const bound = boundValue(search);
    const yMax = niceMax([...points.map((p) => p.value), bound]);
    const xMax = niceMax([...points.map((p) => p.load), search.capacity_high ?? 0]);
    const plotWidth = WIDTH - LEFT - RIGHT;
    const plotBottom = HEIGHT - BOTTOM;
    const x = (load) => LEFT + (load / xMax) * plotWidth;
    const y = (value) => plotBottom - (Math.min(value, yMax) / yMax) * (plotBottom - TOP);
    const xTicks = ticks(xMax)
        .map((load) => `<line x1="${x(load).toFixed(1)}" y1="${plotBottom}" x2="${x(load).toFixed(1)}" y2="${plotBottom + 4}" stroke="${CHART_PALETTE.axis}"/>` +
        `<text x="${x(load).toFixed(1)}" y="${plotBottom + 16}" font-size="11" text-anchor="middle">${escapeHtml(formatNumber(load, load < 10 ? 1 : 0))}</text>`)
        .join('');
    let band = '';
    if (search.capacity !== null) {
        const high = search.capacity_high ?? xMax;
        band =
            `<rect x="${x(search.capacity).toFixed(1)}" y="${TOP}" width="${Math.max(1, x(high) - x(search.capacity)).toFixed(1)}" height="${plotBottom - TOP}" fill="${CHART_PALETTE.capacity}" opacity="0.6"><title>bracket ${escapeHtml(formatLoad(search.capacity_low))}–${escapeHtml(search.capacity_high === null ? '∞' : formatLoad(search.capacity_high))} ${escapeHtml(loadUnit(search))}</title></rect>` +
                `<line x1="${x(search.capacity).toFixed(1)}" y1="${TOP}" x2="${x(search.capacity).toFixed(1)}" y2="${plotBottom}" stroke="#1a7f37" stroke-width="1.5"/>` +
                `<text x="${(x(search.capacity) - 4).toFixed(1)}" y="${TOP + 12}" font-size="11" text-anchor="end" fill="#1a7f37">capacity ${escapeHtml(formatLoad(search.capacity))} ${escapeHtml(loadUnit(search))}</text>`;
    }
    const rule = `<line x1="${LEFT}" y1="${y(bound).toFixed(1)}" x2="${WIDTH - RIGHT}" y2="${y(bound).toFixed(1)}" stroke="${CHART_PALETTE.boundaryText}" stroke-dasharray="6 4" stroke-width="1.5"/>` +
        `<text x="${WIDTH - RIGHT - 4}" y="${(y(bound) - 5).toFixed(1)}" font-size="11" text-anchor="end" fill="${CHART_PALETTE.boundaryText}">${escapeHtml(searchBound(search))}</text>`;
    const line = `<polyline fill="none" stroke="${CHART_PALETTE.data}" stroke-width="2" points="${points.map((p) => `${x(p.load).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}"/>`;
    const dots = points
        .map((p) => `<circle cx="${x(p.load).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="4" stroke="${CHART_PALETTE.data}" stroke-width="2" fill="${p.passed ? CHART_PALETTE.data : '#ffffff'}"><title>probe ${p.index}: ${escapeHtml(formatLoad(p.load))} ${escapeHtml(loadUnit(search))} → ${escapeHtml(formatMetric(p.value, search.metric))} (${p.passed ? 'pass' : 'fail'})</title></circle>`)
        .join('');
    return svgFrame(`${stageName}: ${search.metric} against the load (filled: pass, hollow: fail; values above the axis are drawn at its top)`, search.mode === 'rate' ? 'requests per second' : 'requests in flight', search.metric, `${band}${xTicks}${rule}${line}${dots}`, yMax);
}
/** A per-stage figure as SVG bars, y from 0, each bar labelled with its stage. */
function svgBars(title, yTitle, labels, values) {
    const yMax = niceMax(values);
    const plotBottom = HEIGHT - BOTTOM;
    const slot = (WIDTH - LEFT - RIGHT) / Math.max(1, values.length);
    const bars = values
        .map((value, i) => {
        const h = (value / yMax) * (plotBottom - TOP);
        const x = LEFT + i * slot + slot * 0.2;
        return (`<rect x="${x.toFixed(1)}" y="${(plotBottom - h).toFixed(1)}" width="${(slot * 0.6).toFixed(1)}" height="${h.toFixed(1)}" fill="${CHART_PALETTE.data}"><title>${escapeHtml(labels[i] ?? '')}: ${escapeHtml(formatNumber(value))}</title></rect>` +
            `<text x="${(x + slot * 0.3).toFixed(1)}" y="${(plotBottom - h - 4).toFixed(1)}" font-size="11" text-anchor="middle">${escapeHtml(formatNumber(value))}</text>` +
            `<text x="${(x + slot * 0.3).toFixed(1)}" y="${plotBottom + 16}" font-size="11" text-anchor="middle">${escapeHtml((labels[i] ?? '').slice(0, 24))}</text>`);
    })
        .join('');
    return svgFrame(title, 'stage', yTitle, bars, yMax);
}
function htmlTable(header, rows) {
    const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
    const cell = (value) => {
        if (typeof value !== 'string')
            return `<td>${value.html}</td>`;
        const numeric = /^[-+]?[\d,.]+( ?%| ms)?$|^–$/.test(value);
        return `<td${numeric ? ' class="num"' : ''}>${escapeHtml(value)}</td>`;
    };
    const body = rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('\n');
    return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}
const gib = (bytes) => (bytes === undefined ? '–' : (bytes / 2 ** 30).toFixed(1));
/** A merged run's nodes: counts and TTFT from each node's own records, verdict, memory; then problems. */
function mergedNodesHtml(merge) {
    const parts = [
        '<h2>Nodes</h2>',
        `<p>${merge.requests} request(s) merged from ${merge.nodes.length} node(s), each once (identity: node + stage + index); every figure on this page is computed from the merged records.</p>`,
        htmlTable([
            'Node',
            'Verdict',
            'Requests',
            'Success',
            'TTFT p50 (ms)',
            'TTFT p95 (ms)',
            'RAM total GiB',
            'RAM used peak GiB',
            'Source',
        ], merge.nodes.map((node) => [
            `${node.node}${node.is_primary ? ' (primary)' : ''}`,
            node.verdict,
            String(node.requests),
            String(node.successful_requests),
            formatNumber(node.ttft_p50_ms),
            formatNumber(node.ttft_p95_ms),
            gib(node.ram_total_bytes),
            gib(node.ram_used_peak_bytes),
            node.source,
        ])),
    ];
    for (const problem of merge.problems)
        parts.push(`<p class="error">Merge: ${escapeHtml(problem)}</p>`);
    return parts;
}
function percent(stats) {
    return stats.total_requests === 0 ? '–' : `${(stats.success_rate * 100).toFixed(1)}%`;
}
function fullRow(name, stats) {
    return [
        name,
        String(stats.successful_requests),
        String(stats.failed_requests),
        String(stats.total_tokens),
        formatNumber(stats.ttft_ms.p99),
        formatNumber(stats.tpot_ms.p50),
        formatNumber(stats.tpot_ms.p95),
        formatNumber(stats.e2e_ms.p50),
        formatNumber(stats.e2e_ms.p99),
        formatNumber(stats.requests_per_second, 2),
        formatNumber(stats.dispatch_lag_ms.p99, 2),
    ];
}
function html_failedThresholds(document, scope) {
    const failed = (document.thresholds ?? []).filter((t) => t.status === 'fail' &&
        (scope === 'run' ? t.scope === 'run' : t.scope !== 'run' && t.scope.stage === scope));
    return failed.length
        ? failed.map((t) => `✗ ${t.expression} (${formatNumber(t.observed)})`).join('; ')
        : '–';
}
/** The stages the run-level figures leave out, by why: `warm-up left out: a; capacity search left out: b`. */
function leftOutNote(stages, covered) {
    const left = stages.filter((stage) => !covered.includes(stage.name));
    const warmups = left.filter((stage) => !stage.search).map((stage) => stage.name);
    const searches = left.filter((stage) => stage.search).map((stage) => stage.name);
    return [
        ...(warmups.length ? [`warm-up left out: ${warmups.join(', ')}`] : []),
        ...(searches.length ? [`capacity search left out: ${searches.join(', ')}`] : []),
    ].join('; ');
}
/** The heading with the verdict, and the banner of a simulated run. */
function headlineHtml(document) {
    const simulated = document.provenance?.simulated === true;
    const parts = [`<h1>exo-bench: ${escapeHtml(document.verdict)}${simulated ? ' · simulated' : ''}</h1>`];
    if (simulated)
        parts.push(`<p class="banner"><strong>SIMULATED RUN</strong> — the server was exo-bench's built-in simulator${document.provenance?.simulator_profile ? ` (profile <code>${escapeHtml(document.provenance.simulator_profile)}</code>)` : ''}, not EXO on real hardware. Node names, chips and every figure below are made up by the simulator's timing model.</p>`);
    return parts;
}
/** One line on what ran: config, role, target, models, endpoint, start. */
function runContextHtml(document) {
    const meta = document.metadata;
    const expected = document.cluster.expected_nodes;
    // A merged run already says how many nodes it merged; the plan's count only when it differs.
    const where = meta.target?.kind === 'openai'
        ? ` · OpenAI-compatible server <code>${escapeHtml(meta.target.base_url)}</code>`
        : document.merge
            ? document.merge.nodes.length === expected
                ? ''
                : ` · ${expected} planned node(s)`
            : ` · ${expected} node(s)`;
    const models = [...new Set(document.configuration.model_ids)]
        .map((modelId) => `<code>${escapeHtml(modelId)}</code>`)
        .join(', ');
    return [
        `<p>Config <code>${escapeHtml(meta.config_file)}</code> · ${document.merge ? `merged run of ${document.merge.nodes.length} node(s)` : meta.is_primary ? 'primary' : 'secondary'}${meta.hardware_label && !document.merge ? ` · ${escapeHtml(meta.hardware_label)}#${meta.node_index ?? 0}` : ''}${where} · model ${models} · endpoint <code>${escapeHtml(meta.endpoint)}</code> · started ${escapeHtml(meta.started_at)}</p>`,
    ];
}
function provenanceHtml(document) {
    const provenance = provenanceHtmlRows(document.provenance);
    if (provenance.length === 0)
        return [];
    return [
        `<details open><summary>Provenance</summary><table class="kv">${provenance.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${value}</td></tr>`).join('')}</table></details>`,
    ];
}
/** The run's error, if it stopped on one, and every reason the run is invalid. */
function problemsHtml(document) {
    const parts = [];
    if (document.error)
        parts.push(`<p class="error"><strong>${escapeHtml(document.error.kind)} error:</strong> ${escapeHtml(document.error.message)}${document.error.hint ? `<br>Hint: ${escapeHtml(document.error.hint)}` : ''}</p>`);
    for (const reason of document.validity.reasons)
        parts.push(`<p class="error">Invalid: ${escapeHtml(reason)}</p>`);
    return parts;
}
/** The run-level figures in one sentence, with the stages they cover. */
function runSentenceHtml(document, covered) {
    const { stages, run } = document.results;
    if (!run)
        return [];
    return [
        `<p><strong>${run.successful_requests}/${run.total_requests}</strong> requests succeeded (${escapeHtml(percent(run))}), TTFT p50 ${escapeHtml(formatNumber(run.ttft_ms.p50))} ms / p95 ${escapeHtml(formatNumber(run.ttft_ms.p95))} ms, E2E p95 ${escapeHtml(formatNumber(run.e2e_ms.p95))} ms, ${escapeHtml(formatNumber(run.output_tokens_per_second))} output tok/s — over ${escapeHtml(covered.join(', '))}${covered.length < stages.length ? ` (${escapeHtml(leftOutNote(stages, covered))})` : ''}.</p>`,
    ];
}
function thresholdsHtml(document) {
    if (!document.thresholds || document.thresholds.length === 0)
        return [];
    return [
        '<h2>Thresholds</h2>',
        htmlTable(['Scope', 'Threshold', 'Observed', 'Samples', 'Result'], document.thresholds.map((threshold) => [
            threshold.scope === 'run' ? 'run' : `stage ${threshold.scope.stage}`,
            { html: `<code>${escapeHtml(threshold.expression)}</code>` },
            formatNumber(threshold.observed, 2),
            String(threshold.samples),
            `${threshold.status}${threshold.reason ? `: ${threshold.reason}` : ''}`,
        ])),
    ];
}
function comparisonHtml(document) {
    const comparison = document.comparison;
    if (!comparison)
        return [];
    return [
        '<h2>Compared with the baseline</h2>',
        `<p>${escapeHtml(comparison.baseline.source)}: ${comparison.comparable ? `${comparison.regressions} regression(s), ${comparison.improvements} improvement(s)` : escapeHtml(`not compared: ${comparison.reasons.join('; ')}`)}.</p>`,
    ];
}
/** The compact table: one row per stage, and the run-level row when there are several stages. */
function compactStagesHtml(document, covered, runName) {
    const { stages, run } = document.results;
    const rows = stages.map((stage) => compactRow(`${stage.name} · ${stage.search ? 'capacity search' : (0,arrivals/* describeShape */.vJ)(stage.config)}${covered.includes(stage.name) ? '' : stage.search ? ' (all probes)' : ' (warm-up)'}`, stageStatistics(stage), html_failedThresholds(document, stage.name)));
    if (run && stages.length > 1)
        rows.push(compactRow(runName, run, html_failedThresholds(document, 'run')));
    return ['<h2>Stages</h2>', htmlTable([...COMPACT_STAGE_HEADER], rows)];
}
/** A section per capacity-search stage: its sentence, its chart and its probes. */
function searchSectionsHtml(stages) {
    const parts = [];
    for (const stage of stages) {
        if (!stage.search)
            continue;
        const chart = svgSearchChart(stage.name, stage.search);
        parts.push(`<h2>Capacity search: ${escapeHtml(stage.name)}</h2>`, `<p>${escapeHtml(searchSentence(stage.search))}. Its requests are left out of the run-level figures: they are overloaded on purpose.</p>`, ...(chart ? [chart] : []), htmlTable(probeTableHeader(stage.search), probeTableRows(stage.search)));
    }
    return parts;
}
/** The full table, folded: the figures the compact table leaves out. */
function fullStagesHtml(document, runName) {
    const { stages, run } = document.results;
    const rows = stages.map((stage) => fullRow(stage.name, stageStatistics(stage)));
    if (run && stages.length > 1)
        rows.push(fullRow(runName, run));
    return [
        '<details><summary>More figures per stage</summary>',
        htmlTable([
            'Stage',
            'OK',
            'Failed',
            'Tokens',
            'TTFT p99 ms',
            'TPOT p50 ms',
            'TPOT p95 ms',
            'E2E p50 ms',
            'E2E p99 ms',
            'Req/s',
            'Lag p99 ms',
        ], rows),
        '</details>',
    ];
}
function clusterHtml(document) {
    const { nodes, instances } = document.cluster;
    if (nodes.length === 0 && instances.length === 0)
        return [];
    const parts = ['<h2>Cluster</h2>'];
    if (nodes.length > 0)
        parts.push(htmlTable(['Node', 'Chip', 'Name', 'RAM total GiB', 'RAM available GiB'], nodes.map((node) => [
            { html: `<code>${escapeHtml(node.node_id.slice(0, 12))}</code>` },
            node.chip || '–',
            node.friendly_name || '–',
            gib(node.ram_total_bytes),
            gib(node.ram_available_bytes),
        ])));
    if (instances.length > 0)
        parts.push(htmlTable(['Instance', 'Model', 'Kind', 'Nodes'], instances.map((instance) => [
            { html: `<code>${escapeHtml(instance.instance_id.slice(0, 8))}</code>` },
            instance.model_id,
            `${instance.kind} / ${instance.shard_kind}`,
            String(instance.node_ids.length),
        ])));
    return parts;
}
/** The load generator's own health: dispatch lag and event-loop delay against their bounds. */
function loadGeneratorHtml(document) {
    const validity = document.validity;
    const cpu = clientCpuText(document);
    return [
        '<h2>Load generator</h2>',
        `<p>Dispatch lag p99 ${escapeHtml(formatNumber(validity.dispatch_lag_p99_ms, 2))} ms (bound ${validity.max_dispatch_lag_p99_ms} ms) · event-loop delay p99 ${escapeHtml(formatNumber(validity.event_loop_delay_p99_ms, 2))} ms (bound ${validity.max_event_loop_delay_p99_ms} ms) · ${escapeHtml(validity.status ?? (validity.valid ? 'valid' : 'invalid'))}</p>`,
        ...(cpu ? [`<p>${escapeHtml(cpu)}</p>`] : []),
        ...(validity.notes ?? []).map((note) => `<p class="note">${escapeHtml(note)}</p>`),
    ];
}
/** TTFT and requests in flight over time, and output tokens/s per stage when there are several. */
function chartsHtml(stages, charts) {
    const chartParts = [];
    const requests = charts.requests ?? [];
    const axis = timeAxis(stages, requests);
    if (axis) {
        const ttft = ttftOverTime(axis, requests);
        if (ttft)
            chartParts.push(svgTimeChart('Mean TTFT of the requests sent, over time', 'TTFT (ms)', ttft));
        chartParts.push(svgTimeChart('Requests in flight (peak per bucket)', 'requests in flight', inFlightPeaks(axis, requests)));
    }
    if (stages.length >= 2)
        chartParts.push(svgBars('Output tokens/s per stage', 'output tok/s', stages.map((stage) => stage.name), stages.map((stage) => stage.output_tokens_per_second)));
    return chartParts.length > 0 ? ['<h2>Charts</h2>', ...chartParts] : [];
}
function definitionsHtml() {
    return [
        '<h2>Definitions</h2>',
        htmlTable(['Metric', 'Definition'], METRIC_DEFINITIONS.map(({ name, formula }) => [name, formula])),
    ];
}
/** Renders the whole page: its sections in the order of the summary. */
function renderHtmlReport(document, charts) {
    const { stages } = document.results;
    const covered = runStages(document);
    const runName = covered.length === stages.length ? 'all stages' : 'run (no warm-up)';
    const hasStages = stages.length > 0;
    const parts = [
        ...headlineHtml(document),
        ...runContextHtml(document),
        ...provenanceHtml(document),
        ...problemsHtml(document),
        ...runSentenceHtml(document, covered),
        ...(document.merge ? mergedNodesHtml(document.merge) : []),
        ...thresholdsHtml(document),
        ...comparisonHtml(document),
        ...(hasStages
            ? [
                ...compactStagesHtml(document, covered, runName),
                ...searchSectionsHtml(stages),
                ...fullStagesHtml(document, runName),
            ]
            : []),
        ...clusterHtml(document),
        ...(document.metadata.is_primary && hasStages ? loadGeneratorHtml(document) : []),
        ...(hasStages ? [...chartsHtml(stages, charts), ...definitionsHtml()] : []),
    ];
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>exo-bench report</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#1f2328;text-align:left}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}td.num{text-align:right;font-variant-numeric:tabular-nums}table.kv th{background:#f6f8fa;font-weight:600;white-space:nowrap}.error{color:#cf222e}.banner{background:#fff8c5;border:2px solid #d4a72c;padding:.75rem 1rem;font-size:1.1rem}.note{color:#57606a}figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.25rem}</style>
</head><body>
${parts.join('\n')}
</body></html>
`;
}

;// CONCATENATED MODULE: ./src/report/write.ts
/**
 * Writing a finished result to its output folder: results.json, the github-action-benchmark files,
 * summary.md and report.html. A node run (src/run/benchmark.ts) and a merge (src/merge/) both end here,
 * so a merged result reads exactly like a node's.
 */





/**
 * Writes results.json, the benchmark-action files, summary.md and report.html for `document`, whose
 * requests are `records` (the charts' data). requests.jsonl is the caller's: a node appends it as each
 * request ends.
 */
function writeReports(paths, outputDir, document, records) {
    (0,external_node_fs_.writeFileSync)(paths.results, `${JSON.stringify(document, null, 2)}\n`);
    const benchmarkFiles = writeBenchmarkActionFiles(outputDir, document);
    const charts = chartInputs(records);
    const summaryMarkdown = renderSummary(document, charts);
    (0,external_node_fs_.writeFileSync)(paths.summary, summaryMarkdown);
    (0,external_node_fs_.writeFileSync)(paths.report, renderHtmlReport(document, charts));
    return {
        verdict: document.verdict,
        document,
        resultsPath: paths.results,
        requestsPath: paths.requests,
        summaryPath: paths.summary,
        reportPath: paths.report,
        summaryMarkdown,
        benchmarkSmallerPath: benchmarkFiles.smallerPath,
        benchmarkBiggerPath: benchmarkFiles.biggerPath,
    };
}

;// CONCATENATED MODULE: ./src/report/jsonl.ts
/**
 * requests.jsonl: one line per request, appended as it ends. Lines are batched and written with
 * synchronous writes every few milliseconds (never per token, never holding a run's worth in memory);
 * `close()` and a process `exit` hook flush the rest, so a crash loses at most what an abrupt kill takes.
 */

/** Appends JSON lines to a file. */
class JsonlWriter {
    path;
    flushIntervalMs;
    maxPendingLines;
    fd;
    pending = [];
    timer;
    closed = false;
    flushOnExit = () => this.flush();
    /** Lines written so far (flushed or pending). */
    lines = 0;
    constructor(path, flushIntervalMs = 20, maxPendingLines = 512) {
        this.path = path;
        this.flushIntervalMs = flushIntervalMs;
        this.maxPendingLines = maxPendingLines;
        this.fd = (0,external_node_fs_.openSync)(path, 'a');
        process.on('exit', this.flushOnExit);
    }
    /** Queues one value as a line. */
    append(value) {
        if (this.closed)
            throw new Error(`${this.path} is closed`);
        this.pending.push(JSON.stringify(value));
        this.lines += 1;
        if (this.pending.length >= this.maxPendingLines)
            this.flush();
        else if (this.timer === undefined) {
            this.timer = setTimeout(() => this.flush(), this.flushIntervalMs);
            this.timer.unref();
        }
    }
    /** Writes every queued line now. */
    flush() {
        if (this.timer !== undefined) {
            clearTimeout(this.timer);
            this.timer = undefined;
        }
        if (this.pending.length === 0 || this.closed)
            return;
        const text = `${this.pending.join('\n')}\n`;
        this.pending = [];
        (0,external_node_fs_.writeSync)(this.fd, text);
    }
    /** Flushes and closes the file. Safe to call twice. */
    close() {
        if (this.closed)
            return;
        this.flush();
        this.closed = true;
        process.removeListener('exit', this.flushOnExit);
        (0,external_node_fs_.closeSync)(this.fd);
    }
}

;// CONCATENATED MODULE: ./src/results/seed-document.ts
/** The seed's metadata keys of a run. */
function seedMetadata(input) {
    return {
        benchmark_started_at: input.startedAtMs / 1000,
        benchmark_completed_at: input.completedAtMs / 1000,
        total_duration_s: (input.completedAtMs - input.startedAtMs) / 1000,
        git_commit: input.gitCommit ?? null,
        hardware_labels: [...(input.hardwareLabels ?? [])],
        expected_nodes: input.expectedNodes,
        timeout_seconds: input.timeoutSeconds,
    };
}
/**
 * The seed's cluster keys. `models` are the models the load went to (the config's model_ids for EXO,
 * the target's model for an OpenAI-compatible server, which has no instances).
 */
function seedCluster(config, models, instances) {
    return {
        model_ids: [...models],
        instance_ids: instances.map((instance) => instance.instanceId),
        instance_count: instances.length,
        runner_count: instances.reduce((sum, instance) => sum + instance.runnerIds.length, 0),
        sharding: config.sharding,
        instance_meta: config.instance_meta,
    };
}
/** The banner line of the seed's standard output: 80 `=`. */
const SEED_BANNER = '='.repeat(80);
/**
 * The block the seed printed last: banner, `JSON RESULTS`, banner, the document (indent 2), banner.
 * Dashboards and scripts scraped the log for it.
 */
function seedJsonResultsBlock(document) {
    return `${SEED_BANNER}\nJSON RESULTS\n${SEED_BANNER}\n${JSON.stringify(document, null, 2)}\n${SEED_BANNER}\n`;
}
/**
 * Splits `--hardware-labels` the seed's way: at commas, blanks trimmed, empty parts dropped.
 */
function parseHardwareLabels(text) {
    return text
        .split(',')
        .map((label) => label.trim())
        .filter((label) => label !== '');
}

;// CONCATENATED MODULE: ./src/load/prompt-length.ts
/** Achieved against requested prompt length, over the successful non-warmup requests of a stage. */
function promptLengthStatistics(allRecords, requestedTokens, calibration) {
    let exact = 0;
    let reported = 0;
    for (const record of allRecords) {
        if (record.warmup || !record.ok || record.prompt_tokens === undefined)
            continue;
        reported += 1;
        // A trace request aims at its own length; every other at the stage's.
        if (record.prompt_tokens === (record.target_prompt_tokens ?? requestedTokens))
            exact += 1;
    }
    return {
        requested_tokens: requestedTokens,
        exact_requests: exact,
        reported_requests: reported,
        calibration,
        approximate: calibration.status !== 'exact' || exact < reported,
    };
}

;// CONCATENATED MODULE: ./src/report/results-document.ts








/** The results document, verdict `error` until the gates and the verdict are judged. */
function buildResultsDocument(input) {
    const { loaded, run, startedAtMs, completedAtMs, target, cluster } = input;
    const { config } = loaded;
    return {
        schema_version: RESULTS_SCHEMA_VERSION,
        tool: { name: 'exo-bench', version: VERSION },
        metadata: {
            started_at: new Date(startedAtMs).toISOString(),
            ended_at: new Date(completedAtMs).toISOString(),
            config_file: loaded.file,
            api_url: withoutUserInfo(run.apiUrl),
            is_primary: run.isPrimary,
            run_id: run.runId,
            endpoint: config.endpoint,
            ...(target
                ? { target: { kind: target.kind, base_url: withoutUserInfo(target.baseUrl), models: target.models } }
                : {}),
            ...(cluster.nodeId ? { node_id: cluster.nodeId } : {}),
            ...(run.hardwareLabel ? { hardware_label: run.hardwareLabel } : {}),
            ...(run.nodeIndex !== undefined ? { node_index: run.nodeIndex } : {}),
            ...seedMetadata({
                startedAtMs,
                completedAtMs,
                gitCommit: run.gitCommit ?? null,
                hardwareLabels: run.hardwareLabels ?? [],
                expectedNodes: run.expectedNodes,
                timeoutSeconds: run.timeoutSeconds,
            }),
        },
        cluster: {
            expected_nodes: run.expectedNodes,
            nodes: nodeFacts(cluster.view),
            instances: instanceFacts(cluster.instances),
            ...(cluster.downloads.times().length > 0 ? { downloads: cluster.downloads.times() } : {}),
            ...(input.statePolling ? { state_polling: input.statePolling } : {}),
            ...(input.stateResets.length > 0
                ? { state_resets: [...input.stateResets].sort((a, b) => a.at_ms - b.at_ms) }
                : {}),
            ...seedCluster(config, target?.models ?? config.model_ids, cluster.instances),
        },
        // A password in base_url is a credential: the document is for anyone with the artifact.
        configuration: config.target.kind === 'openai'
            ? { ...config, target: { ...config.target, base_url: withoutUserInfo(config.target.base_url) } }
            : config,
        results: {
            stages: input.stages,
            run: input.runStatistics,
            ...(run.isPrimary || input.schedule ? { run_stages: input.runStages } : {}),
        },
        metrics: { snapshots: input.snapshots },
        validity: input.validity,
        verdict: 'error',
        error: input.error,
        ...(run.provenance
            ? { provenance: { ...run.provenance, started_at: new Date(startedAtMs).toISOString() } }
            : {}),
        ...(input.schedule ? { schedule: input.schedule } : {}),
    };
}
function nodeFacts(view) {
    if (!view)
        return [];
    return view.nodeIds.map((nodeId) => {
        const identity = view.identities.get(nodeId);
        const memory = view.memory.get(nodeId);
        const facts = {
            node_id: nodeId,
            chip: identity?.chip ?? '',
            friendly_name: identity?.friendlyName ?? '',
        };
        if (memory) {
            facts.ram_total_bytes = memory.totalBytes;
            facts.ram_available_bytes = memory.availableBytes;
        }
        return facts;
    });
}
function instanceFacts(instances) {
    return instances.map((instance) => ({
        instance_id: instance.instanceId,
        model_id: instance.modelId,
        kind: instance.kind,
        shard_kind: instance.shardKind,
        node_ids: instance.nodeIds,
        sharding: instance.shardKind.replace(/ShardMetadata$/, ''),
        instance_meta: instance.kind.replace(/Instance$/, ''),
    }));
}
/** A stage's results: the seed's figures under its names, ours beside them. */
function stageResults(run, gaps, calibration, expected) {
    const statistics = computeStatistics(run.records);
    return {
        name: run.stage.name,
        config: run.stage,
        // The seed's figures under its names, ours beside them (src/results/document.ts).
        ...computeSeedStageStatistics(run.records, run.startedAtMs, run.endedAtMs),
        ...ownStageStatistics(statistics),
        prompt_length: promptLengthStatistics(run.records, run.stage.prompt_length, calibration),
        output_length: outputLengthStatistics(run.records, run.stage.generation_length),
        started_at_ms: run.startedAtMs,
        ended_at_ms: run.endedAtMs,
        peak_in_flight: run.peakInFlight,
        itl_ms: histogramSummary(gaps),
        interrupted: run.interrupted,
        in_flight_samples: run.inFlightSamples,
        ...(expected ? { prefix_cache: prefixCacheComparison(expected.source, expected.cache, statistics) } : {}),
        load_shape: loadShape(run),
    };
}
/** The expected prefix-cache hit rate beside the server's, in the definition the server's figure uses. */
function prefixCacheComparison(source, cache, statistics) {
    const reportedSource = statistics.cache_hit_source;
    return {
        source,
        expected_cached_tokens: cache.cached_tokens,
        expected_prompt_tokens: cache.prompt_tokens,
        expected_hit_rate: cache.hit_rate,
        expected_hit_requests: cache.hit_requests,
        expected_request_hit_share: cache.request_hit_share,
        reported_hit_rate: statistics.cache_hit_rate,
        reported_source: reportedSource,
        expected_for_reported: reportedSource === 'cached_tokens'
            ? cache.hit_rate
            : reportedSource === 'prefix_cache_hit'
                ? cache.request_hit_share
                : null,
    };
}
/** The shape a stage ran: its plan, and the send rate it achieved (from the records' dispatch times). */
function loadShape(run) {
    const { stage, plan } = run;
    let firstMs = Infinity;
    let lastMs = -Infinity;
    for (const record of run.records) {
        firstMs = Math.min(firstMs, record.dispatched_at_ms);
        lastMs = Math.max(lastMs, record.dispatched_at_ms);
    }
    const sent = run.records.length;
    const open = plan.kind === 'open';
    const closed = plan.kind === 'closed';
    // A capacity search ran probes of their own loads (results.stages[].search): no one plan to report.
    const search = stage.search;
    return {
        loop: search ? (search.rate ? 'open' : 'closed') : plan.kind,
        description: search ? `capacity search (${search.rate ? 'rate' : 'concurrency'})` : (0,arrivals/* describeShape */.vJ)(stage),
        arrival: open && !search ? plan.arrival : null,
        burstiness: open && !search && plan.arrival === 'gamma' ? (stage.burstiness ?? arrivals/* DEFAULT_BURSTINESS */.Tj) : null,
        seed: run.seed,
        concurrency: closed && !search ? plan.concurrency : null,
        pause_ms: closed && !search ? plan.pauseMs : null,
        ramp_to_rate: stage.ramp_to_rate ?? null,
        planned_duration_ms: open && !search ? plan.durationMs : null,
        planned_rate_rps: open && !search && stage.iterations > 1 && plan.durationMs > 0
            ? ((stage.iterations - 1) * 1000) / plan.durationMs
            : null,
        achieved_rate_rps: sent > 1 && lastMs > firstMs ? ((sent - 1) * 1000) / (lastMs - firstMs) : null,
    };
}

;// CONCATENATED MODULE: ./src/results/client-cpu.ts
/**
 * What the load generator costs the machine: its process's CPU time (process.cpuUsage(), user + system)
 * between two marks, against the wall time between them and the requests sent. Wall time is read from the
 * real clock, never an injected one: CPU time is real, so the share must be too.
 */


/** The process's CPU time and the wall time, now. */
function markCpu() {
    const usage = process.cpuUsage();
    return { cpuUs: usage.user + usage.system, wallMs: (0,util_clock/* preciseNowMs */.no)() };
}
/** The CPU figures of the span between two marks in which `requests` requests were sent. */
function clientCpuUsage(from, to, requests, includesSimulatedServer, cores = (0,external_node_os_.availableParallelism)()) {
    const cpuSeconds = Math.max(0, to.cpuUs - from.cpuUs) / 1e6;
    const wallSeconds = Math.max(0, to.wallMs - from.wallMs) / 1000;
    return {
        client_cpu_seconds: cpuSeconds,
        wall_seconds: wallSeconds,
        requests,
        client_cpu_seconds_per_1000_requests: requests > 0 ? (cpuSeconds * 1000) / requests : null,
        client_cpu_share: wallSeconds > 0 ? cpuSeconds / wallSeconds : null,
        cores: Math.max(1, cores),
        includes_simulated_server: includesSimulatedServer,
    };
}

// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __webpack_require__(643);
;// CONCATENATED MODULE: ./src/util/loop-delay.ts
/**
 * The event loop's delay while the stages run: how late the loop runs a timer that is due. A read that
 * arrives while the loop is busy is timestamped that late, so a large p99 makes a run invalid
 * (src/verdict/validity.ts).
 *
 * The samples come from Node's `monitorEventLoopDelay`, whose histogram holds the interval between two of
 * its ticks, period included (at a 5 ms period its p99 on an idle loop is ~6.3 ms, of which 5 ms is the
 * period: what `event_loop_delay_p99_ms` reported before). Each interval is the period plus how late its
 * tick ran (libuv re-arms a repeating timer from the loop time at which it fired; that loop time counts
 * whole milliseconds, so to within a millisecond), and this monitor subtracts the period from every
 * figure it reads.
 *
 * Why {@link LOOP_DELAY_PERIOD_MS}: a tick wakes the process when nothing else does, and a wake-up is not
 * free — on the bench machine (a VM) 70–100 µs of CPU each: a 5 ms tick cost ~14 ms of CPU per second of
 * an idle client, a 20 ms tick ~5 ms (bench/README.md, issue #17). 20 ms still gives 50 samples a
 * second: a stage of 2 s has the 100 a p99 is judged on. A stall of the loop longer than the period is
 * seen whatever the period; a shorter one is seen with the chance its length bears to the period, so
 * the p99 stays one over the time the stages ran. (A timer of our own would record the lateness directly,
 * but a JavaScript callback per tick cost 8–10 ms of CPU per second at the same 20 ms: measured with
 * `process.cpuUsage()` over 5 s of an otherwise idle process.)
 */

/** The monitor's period (ms). */
const LOOP_DELAY_PERIOD_MS = 20;
/** Samples the event loop's delay while enabled; see the module's comment. */
class LoopDelayMonitor {
    samples;
    periodMs;
    constructor(samples = (0,external_node_perf_hooks_.monitorEventLoopDelay)({ resolution: LOOP_DELAY_PERIOD_MS }), periodMs = LOOP_DELAY_PERIOD_MS) {
        this.samples = samples;
        this.periodMs = periodMs;
    }
    /** Starts ticking (no-op when already enabled). The ticks never keep the process alive. */
    enable() {
        this.samples.enable();
    }
    /** Stops ticking; the samples stay. */
    disable() {
        this.samples.disable();
    }
    /** Ticks recorded. */
    get sampleCount() {
        return this.samples.count;
    }
    /**
     * The `percentile`th (0–100; 100 is the largest) delay, ms; null before the first sample. A tick that
     * ran early (libuv counts whole milliseconds) was not late.
     */
    percentileMs(percentile) {
        if (this.samples.count === 0)
            return null;
        return Math.max(0, this.samples.percentile(percentile) / 1e6 - this.periodMs);
    }
}

;// CONCATENATED MODULE: ./src/verdict/validity.ts

/**
 * Event-loop delay p99 allowed per millisecond of allowed dispatch lag. A late event loop delays every
 * timestamp, so its bound follows the config's dispatch-lag bound: 4 × 5 ms = 20 ms by default; a user
 * who relaxes one relaxes both.
 */
const EVENT_LOOP_DELAY_PER_DISPATCH_LAG = 4;
/**
 * Fewest samples a p99 is judged on: ⌈100 / (100 − 99)⌉, the thresholds' rule (src/metrics/catalog.ts).
 * Below it the p99 is the largest sample or close to it: one late first request would decide the gate.
 */
const MIN_P99_SAMPLES = 100;
/**
 * Judges whether the load generator kept up; an invalid run never passes silently. A stage's
 * dispatch-lag p99 is judged on at least MIN_P99_SAMPLES requests; a smaller stage's lag is reported in
 * `notes` and the gate is `inconclusive` (not failed). The event-loop delay is judged on as many samples.
 */
function judgeValidity(config, stages, eventLoopDelayP99Ms, eventLoopDelaySamples = Infinity) {
    const reasons = [];
    const notes = [];
    // Warm-up stages are shown, never judged.
    const judged = stages.filter((stage) => !stage.config.warmup);
    const allLags = judged.flatMap((stage) => stage.dispatch_lag_ms.p99 === null ? [] : [stage.dispatch_lag_ms.p99]);
    const worstLag = allLags.length > 0 ? Math.max(...allLags) : null;
    let judgedStages = 0;
    for (const stage of judged) {
        const p99 = stage.dispatch_lag_ms.p99;
        const samples = stage.dispatch_lag_ms.count;
        if (p99 === null)
            continue;
        if (samples < MIN_P99_SAMPLES) {
            notes.push(`stage ${stage.name}: dispatch lag p99 ${p99.toFixed(2)} ms from ${samples} request${samples === 1 ? '' : 's'}, not judged (a p99 needs ≥ ${MIN_P99_SAMPLES})`);
            continue;
        }
        judgedStages += 1;
        if (p99 > config.max_dispatch_lag_p99_ms) {
            reasons.push(`stage ${stage.name}: dispatch lag p99 ${p99.toFixed(2)} ms > ${config.max_dispatch_lag_p99_ms} ms over ${samples} requests (the load generator fell behind its schedule)`);
        }
    }
    const maxLoopDelayMs = EVENT_LOOP_DELAY_PER_DISPATCH_LAG * config.max_dispatch_lag_p99_ms;
    if (eventLoopDelayP99Ms !== null && eventLoopDelaySamples < MIN_P99_SAMPLES) {
        notes.push(`event-loop delay p99 ${eventLoopDelayP99Ms.toFixed(1)} ms from ${eventLoopDelaySamples} samples, not judged (a p99 needs ≥ ${MIN_P99_SAMPLES})`);
    }
    else if (eventLoopDelayP99Ms !== null && eventLoopDelayP99Ms > maxLoopDelayMs) {
        reasons.push(`event-loop delay p99 ${eventLoopDelayP99Ms.toFixed(1)} ms > ${maxLoopDelayMs} ms (timestamps may be late by that much)`);
    }
    const status = reasons.length > 0 ? 'invalid' : notes.length > 0 && judgedStages === 0 ? 'inconclusive' : 'valid';
    return {
        valid: reasons.length === 0,
        status,
        reasons,
        ...(notes.length > 0 ? { notes } : {}),
        dispatch_lag_p99_ms: worstLag,
        max_dispatch_lag_p99_ms: config.max_dispatch_lag_p99_ms,
        event_loop_delay_p99_ms: eventLoopDelayP99Ms,
        max_event_loop_delay_p99_ms: maxLoopDelayMs,
    };
}
/**
 * The verdict of a completed run: zero successes fail; an invalid run is invalid (never a silent pass);
 * then a failed threshold or a regression against the baseline fails.
 */
function judgeVerdict(document) {
    if (document.error)
        return 'error';
    if (!document.validity.valid)
        return 'invalid';
    if (measuredNothing(document))
        return 'fail';
    if (gatesFailed(document))
        return 'fail';
    return 'pass';
}

;// CONCATENATED MODULE: ./src/run/benchmark.ts
/**
 * The use case both shells call: one node's part of a benchmark. The primary brings the models up,
 * runs every stage and tears down; a secondary waits for the primary's instances, then for their
 * deletion. Either way the node writes results.json, requests.jsonl and summary.md into the output
 * folder, on every path, and returns a verdict instead of throwing.
 */


































/** Runs this node's part of the benchmark. Never throws: failures become `verdict: error`. */
async function runNode(loaded, options, ports, signal) {
    const run = await openRun(loaded, options, ports, signal);
    let failure;
    try {
        const share = loadShare(loaded.config, options);
        const planned = plannedStarts(run);
        const target = await connectTarget(run);
        if (share)
            await runSharedStages(run, target, share, planned);
        else if (options.isPrimary)
            await runStagesAsPrimary(run, target);
        else if (target.kind === 'openai')
            run.logger.info('secondary: an openai target has no cluster to wait for; nothing to do');
        else
            await waitForPrimaryToFinish(loaded.config, options, run.context, run.cluster, (0,duration/* primaryLoadLength */.hm)(loaded.config));
    }
    catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        run.logger.error((0,errors/* describeError */.Uc)(error));
    }
    finally {
        await closeRun(run);
    }
    return writeReports(run.paths, run.options.outputDir, judgeRun(run, failure), run.allRecords);
}
/** Opens the run: the output folder and requests.jsonl, one HTTP dispatcher, the cluster context. */
async function openRun(loaded, options, ports, signal) {
    const { logger } = ports;
    const clock = options.clock ?? util_clock/* systemClock */.ml;
    (0,external_node_fs_.mkdirSync)(options.outputDir, { recursive: true });
    const paths = outputPaths(options.outputDir);
    (0,external_node_fs_.writeFileSync)(paths.requests, '');
    const requestsFile = new JsonlWriter(paths.requests);
    const { dispatcher, loadDispatcher } = await dispatchersFor(options.env ?? process.env);
    // Aborted by SIGINT/SIGTERM, or by the run itself when the cluster loses its instances mid-stage.
    const runAbort = new AbortController();
    const context = {
        client: new cluster_client/* ExoClient */.Gp(options.apiUrl, { dispatcher }),
        clock,
        logger,
        signal: signal ? AbortSignal.any([signal, runAbort.signal]) : runAbort.signal,
        pollIntervalMs: options.pollIntervalMs ?? 500,
        progressIntervalMs: options.progressIntervalMs ?? 5_000,
        resetWatch: new orchestrate/* StateResetWatch */.wH(),
    };
    const startedAtMs = clock.nowMs();
    // Credentials this run holds: masked in logs, and redacted from whatever a server sends back.
    const secrets = new SecretRedactor(ports);
    secrets.add(urlPassword(options.apiUrl));
    return {
        loaded,
        options,
        logger,
        clock,
        signal,
        runAbort,
        paths,
        requestsFile,
        dispatcher,
        loadDispatcher,
        context,
        pollResets: new orchestrate/* StateResetWatch */.wH(),
        startedAtMs,
        cpuAtStart: markCpu(),
        deadlineMs: startedAtMs + options.timeoutSeconds * 1000,
        secrets,
        loopDelay: new LoopDelayMonitor(),
        cluster: { placedIds: [], instances: [], downloads: new orchestrate/* DownloadTracker */.l$() },
        stages: [],
        allRecords: [],
        longestPreparationMs: 0,
    };
}
/**
 * The run's HTTP clients. By default one lean HTTP/1.1 dispatcher (src/stream/http1.ts) carries both the
 * control plane and the stages' streamed requests: no cap on connections, idle keep-alive sockets reused
 * per origin. `EXO_BENCH_HTTP_CLIENT=undici` puts both on one undici `Agent` instead (for before/after
 * comparisons in bench/), loaded only then: undici parses with llhttp in WebAssembly, which V8 tiers up
 * to its optimising compiler in every run that loads it (≈ 0.13 s of CPU, bench/README.md).
 */
async function dispatchersFor(env) {
    if (env.EXO_BENCH_HTTP_CLIENT === 'undici') {
        const { Agent } = await Promise.all(/* import() */[__webpack_require__.e(405), __webpack_require__.e(226)]).then(__webpack_require__.bind(__webpack_require__, 62226));
        const agent = new Agent({
            connections: null,
            pipelining: 1,
            keepAliveTimeout: 10_000,
            connect: { timeout: 30_000 },
        });
        return { dispatcher: agent, loadDispatcher: agent };
    }
    const lean = new stream/* Http1Dispatcher */.LX({ connectTimeoutMs: 30_000 });
    return { dispatcher: lean, loadDispatcher: lean };
}
/** Resolves the target and waits for it: an OpenAI server's readiness, or the EXO cluster phase. */
async function connectTarget(run) {
    const { loaded, options, logger, context, secrets } = run;
    const resolved = resolveTarget(loaded.config, options.apiUrl, options.env ?? process.env);
    run.target = resolved;
    secrets.add(resolved.apiKey);
    secrets.add(urlPassword(resolved.baseUrl));
    if (resolved.kind === 'openai') {
        await logger.group('Target', async () => {
            await waitForOpenAiServer(resolved, {
                dispatcher: run.dispatcher,
                clock: run.clock,
                logger,
                progressIntervalMs: context.progressIntervalMs,
                ...(run.signal ? { signal: run.signal } : {}),
            }, run.deadlineMs);
            logger.info(`OpenAI-compatible server ready at ${resolved.baseUrl}; model ${resolved.models.join(', ')}`);
        });
    }
    else {
        await logger.group('Cluster', () => prepareExoCluster(loaded.config, options, context, run.cluster, run.deadlineMs));
    }
    return resolved;
}
/** The primary's part: cluster snapshots, then every stage in order, each drained before the next. */
async function runStagesAsPrimary(run, target) {
    const { config } = run.loaded;
    await startSnapshots(run, target);
    run.loopDelay.enable();
    const calibrator = promptCalibrator(run, target);
    for (const stage of config.stages)
        await runOneStage(run, target, stage, calibrator);
    run.loopDelay.disable();
    run.snapshots?.stop();
}
/**
 * `load_from: all_nodes` (src/load/schedule.ts, docs/load-from.md): which requests this node sends.
 * Undefined with `load_from: primary`. A node's position is its place in the plan's matrix, found from
 * its hardware label and index; the primary is position 0 whatever it was told.
 */
function loadShare(config, options) {
    if (config.load_from !== 'all_nodes')
        return undefined;
    const nodes = options.expectedNodes;
    if (options.isPrimary)
        return { node: 0, nodes };
    const position = options.hardwareLabel !== undefined && options.nodeIndex !== undefined
        ? planPosition(config, options.hardwareLabel, options.nodeIndex)
        : undefined;
    if (position === undefined || position >= nodes || position === 0)
        throw new errors/* InputError */.dz(`load_from: all_nodes: this secondary (label ${options.hardwareLabel ?? '(none)'}, index ${options.nodeIndex ?? '(none)'}) is not a secondary of the plan of ${nodes} node${nodes === 1 ? '' : 's'}`, "Give each node its matrix entry's hardware label and index (the action's hardware-label and node-index inputs; the CLI's --label and --index): request i of a stage goes to the node at position i mod N of the plan.");
    return { node: position, nodes };
}
/** How far ahead a planned start may lie: the longest start delay a config may ask for. */
const MAX_START_AHEAD_MS = config_schema/* LIMITS */.b1.maxTimeoutSeconds * 1000;
/**
 * `load_from: all_nodes` with an openai target (docs/load-from.md): every stage's start, from the start
 * the plan job fixed (`scheduleStartMs`) and the config alone, so every node computes the same ones.
 * Undefined for any other run (a start given there is ignored, with a warning). Throws InputError when
 * the start is missing, or when this node came too late to take part in any stage on time (a re-run of
 * one node job reuses the plan's start) or the start lies implausibly far ahead (not epoch ms).
 */
function plannedStarts(run) {
    const { config } = run.loaded;
    const startAtMs = run.options.scheduleStartMs;
    if (config.load_from !== 'all_nodes' || config.target.kind !== 'openai') {
        if (startAtMs !== undefined)
            run.logger.warning(`the schedule start ${startAtMs} is ignored: it is for load_from: all_nodes with an openai target (this run's stages start ${config.load_from === 'all_nodes' ? 'when the primary publishes them' : 'one after another on this node'})`);
        return undefined;
    }
    const hint = "Pass every node the plan's start: the action input schedule-start-ms: ${{ matrix.start_at_ms }} (each entry of mode: plan's matrix carries it, and its output schedule-start-ms), or the CLI's --schedule-start-ms with the start_at_ms `exo-bench plan` printed. Every node of the run must get the same value.";
    if (startAtMs === undefined)
        throw new errors/* InputError */.dz('load_from: all_nodes with an openai target needs the start the plan job fixed (its start_at_ms), and none was given', hint);
    const spans = config.stages.map((_, index) => plannedStageMs(run, index));
    const drainMs = (config.all_nodes_drain_seconds ?? config.request_timeout_seconds) * 1000;
    const starts = plannedStageStarts(startAtMs, spans, drainMs, config.clock_skew_tolerance_ms ?? DEFAULT_SKEW_TOLERANCE_MS);
    const nowMs = run.clock.nowMs();
    const plannedEndMs = (starts.at(-1) ?? startAtMs) + (spans.at(-1) ?? 0);
    if (nowMs > plannedEndMs)
        throw new errors/* InputError */.dz(`the planned schedule (first stage at ${new Date(startAtMs).toISOString()}) ended at ${new Date(plannedEndMs).toISOString()}, before this node started: it cannot send any stage on time`, 'A re-run of one node job reuses the old plan; re-run the whole workflow (its plan job fixes a new start), or raise all_nodes_start_delay_seconds if the jobs start that late.');
    if (startAtMs > nowMs + MAX_START_AHEAD_MS)
        throw new errors/* InputError */.dz(`the schedule start ${startAtMs} lies ${((startAtMs - nowMs) / 86_400_000).toFixed(1)} days ahead: it is epoch milliseconds on the plan job's clock`, hint);
    run.logger.info(`load_from: all_nodes: stage starts fixed at plan time (drain bound ${drainMs / 1000} s): ${config.stages.map((stage, index) => `${stage.name} ${new Date(starts[index] ?? startAtMs).toISOString()}`).join(', ')}`);
    return { planned: { start_at_ms: startAtMs, drain_ms: drainMs }, starts };
}
/**
 * Every node's part with `load_from: all_nodes`: every node sends its share of each stage (request i
 * when i mod N = its position) at the plan's offsets from the stage's start. EXO target: to its own
 * node's API, on the start the primary publishes once the previous stage has drained cluster-wide
 * (src/cluster/beacon.ts); the primary also runs the snapshots. A closed loop or a capacity search
 * (EXO targets only) is the primary's alone, run whole as with load_from: primary, while the other nodes
 * wait for the next stage's start. openai target: to the one server, on the starts the plan fixed
 * (`planned`), every stage's prompts sized before the first. Every node records when it began each stage.
 */
async function runSharedStages(run, target, share, planned) {
    const { config } = run.loaded;
    const offset = await measureClockOffset(run.options.env ?? process.env);
    const facts = {
        load_from: 'all_nodes',
        node: share.node,
        nodes: share.nodes,
        skew_tolerance_ms: config.clock_skew_tolerance_ms ?? DEFAULT_SKEW_TOLERANCE_MS,
        clock_offset_ms: offset.offsetMs,
        clock_offset_source: offset.source,
        ...(planned ? { planned: planned.planned } : {}),
        stages: [],
    };
    run.shared = { share, facts, ...(planned ? { starts: planned.starts } : {}) };
    run.logger.info(`load_from: all_nodes: this node is ${share.node} of ${share.nodes} (it sends requests i with i mod ${share.nodes} = ${share.node}); clock offset ${offset.offsetMs === null ? 'not measured' : `${offset.offsetMs.toFixed(3)} ms (${offset.source})`}`);
    if (run.options.isPrimary)
        await startSnapshots(run, target);
    run.loopDelay.enable();
    const calibrator = promptCalibrator(run, target);
    // Planned starts leave no window between stages that is free of the other nodes' requests: every
    // stage's calibration probes go out before the first start, so none lands in a stage.
    const prompts = planned ? await prepareEveryStagePrompts(run, target, calibrator) : undefined;
    for (const stage of config.stages)
        await runOneStage(run, target, stage, calibrator, prompts?.get(stage.name));
    run.loopDelay.disable();
    run.snapshots?.stop();
}
/** Every stage's prompts, by stage name, sized now (planned starts: before the first stage's start). */
async function prepareEveryStagePrompts(run, target, calibrator) {
    return run.logger.group('Prompts', async () => {
        const prompts = new Map();
        for (const stage of run.loaded.config.stages) {
            const trace = run.loaded.traces?.get(stage.name);
            prompts.set(stage.name, await prepareOneStagePrompts(run, target, stage, stageWorkload(stage, trace), calibrator));
        }
        return prompts;
    });
}
/** The default of clock_skew_tolerance_ms (the config's schema writes it with all_nodes). */
const DEFAULT_SKEW_TOLERANCE_MS = 20;
/**
 * The start of a shared stage (`stageIndex` in the config), epoch ms. Planned starts: the plan's, at
 * once. Else the primary publishes it (its previous stage has drained: a shared one's planned end
 * passed and every node's requests ended in EXO's state, or one it sent alone ended and drained); a
 * secondary reads it from its node's `/state`.
 */
async function sharedStageStart(run, target, stageIndex, preparationMs) {
    const { config } = run.loaded;
    const { context, options } = run;
    const planned = run.shared?.starts?.[stageIndex];
    if (planned !== undefined)
        return planned;
    if (!options.isPrimary) {
        // Bounded by what the primary may take: readiness (stage 0), or the previous shared stage's
        // schedule, its requests' deadline and the drain; and the whole of every stage it sent alone since.
        const previous = run.shared?.facts.stages.at(-1);
        const previousIndex = previous ? config.stages.findIndex((s) => s.name === previous.name) : -1;
        const requestMs = config.request_timeout_seconds * 1000;
        const quietMs = options.quietTimeoutMs ?? 60_000;
        const primarysAloneMs = config.stages
            .slice(previousIndex + 1, stageIndex)
            .reduce((sum, skipped) => sum + (0,duration/* primaryOnlyStageMaxMs */.Li)(skipped, requestMs, quietMs), 0);
        const bound = options.timeoutSeconds * 1000 +
            (previous ? plannedStageMs(run, previousIndex) : 0) +
            requestMs +
            quietMs +
            primarysAloneMs;
        return awaitStageStart(context, options.runId, stageIndex, (previous?.start_ms ?? run.clock.nowMs()) + bound, run.cluster.instances.map((instance) => instance.instanceId));
    }
    const model = target.models[0] ?? config.model_ids[0] ?? '';
    return publishStageStart(context, { baseUrl: target.baseUrl, model, headers: target.headers, dispatcher: run.dispatcher }, options.runId, stageIndex, preparationMs);
}
/** A shared stage's planned length, ms: its last send's offset (trace stages: the trace's). */
function plannedStageMs(run, stageIndex) {
    const stage = run.loaded.config.stages[stageIndex];
    if (!stage)
        return 0;
    const trace = run.loaded.traces?.get(stage.name);
    if (trace) {
        const offsets = traceOffsetsMs(trace.requests, stage.trace_speed ?? 1, stage.iterations);
        return (0,arrivals/* tracePlan */.vp)((index) => offsets[index] ?? 0, stage.iterations).durationMs;
    }
    const plan = (0,arrivals/* planArrivals */.MP)(stage, run.loaded.config.seed, stageIndex);
    return plan.kind === 'open' ? plan.durationMs : 0;
}
/** Starts the cluster snapshots (EXO targets, once connected). */
async function startSnapshots(run, target) {
    const { config } = run.loaded;
    if (target.kind === 'exo' && isConnected(run.cluster)) {
        const watch = await startClusterSnapshots(config, run.options, run.context, run.cluster, run.pollResets, run.dispatcher, (lost) => {
            run.lostInstances = lost;
            run.runAbort.abort(lost);
        });
        run.snapshots = watch.snapshots;
        run.statePolling = watch.statePolling;
    }
}
/** The prompt calibrator of the run (config calibrate_prompts), or undefined. */
function promptCalibrator(run, target) {
    const { config } = run.loaded;
    const origin = new URL(target.baseUrl).origin;
    return config.calibrate_prompts
        ? new PromptCalibrator((model) => httpPromptProbe({
            dispatcher: run.dispatcher,
            origin,
            path: target.chatPath,
            headers: target.headers,
            timeoutMs: config.request_timeout_seconds * 1000,
            ...(run.signal ? { signal: run.signal } : {}),
        }, model), calibrationNonce(run.options.runId))
        : undefined;
}
/**
 * One stage: size its prompts (unless `preparedPrompts` were sized before), run its schedule, record
 * its results, let the cluster drain. With `load_from: all_nodes` on an EXO target, a stage the primary
 * sends alone (isPrimaryOnlyStage) goes to runPrimaryOnlyStage.
 */
async function runOneStage(run, target, stage, calibrator, preparedPrompts) {
    if (run.shared && isPrimaryOnlyStage(stage)) {
        await runPrimaryOnlyStage(run, target, stage, calibrator, run.shared);
        return;
    }
    if (stage.search) {
        await runSearchStage(run, target, stage, stage.search, calibrator);
        return;
    }
    await runScheduledStage(run, target, stage, calibrator, run.shared, preparedPrompts);
}
/**
 * A closed loop or capacity search with `load_from: all_nodes` (EXO targets; an openai target's config
 * refuses it): the primary runs it whole, exactly as with load_from: primary — every index, the search's
 * probes and their drains, no beacon — then lets the cluster drain, and records it in the schedule as
 * its own (`sent_by: primary`). A secondary sends nothing in it: it goes on to the next stage, whose
 * start the primary publishes only once this one has drained.
 */
async function runPrimaryOnlyStage(run, target, stage, calibrator, shared) {
    const kind = stage.search ? 'a capacity search' : 'a closed loop';
    if (shared.starts)
        throw new Error(`stage ${stage.name}: ${kind} cannot run on starts fixed at plan time`);
    if (!run.options.isPrimary) {
        run.logger.info(`stage ${stage.name}: ${kind}, sent by the primary alone; this node waits for the next stage's start`);
        return;
    }
    const beganAtMs = run.clock.nowMs();
    const recordsBefore = run.allRecords.length;
    try {
        if (stage.search)
            await runSearchStage(run, target, stage, stage.search, calibrator);
        else
            await runScheduledStage(run, target, stage, calibrator, undefined);
    }
    finally {
        // Recorded on every path: a stage cut short is still the primary's, with what it sent.
        const ran = run.stages.at(-1);
        shared.facts.stages.push({
            name: stage.name,
            sent_by: 'primary',
            start_ms: ran?.name === stage.name ? ran.started_at_ms : beganAtMs,
            late_ms: 0,
            requests: run.allRecords.length - recordsBefore,
        });
    }
    // The barrier: the next stage's start is published once nothing of this one is in flight anywhere
    // (a search's last probe has drained already; this is then one poll).
    if (target.kind === 'exo')
        await drainCluster(run);
}
/**
 * A scheduled stage (open or closed loop): its prompts, its schedule, its results, the drain. `shared`:
 * this node's share of a stage every node sends (load_from: all_nodes), from the start the primary
 * publishes or the plan fixed; undefined: every request, from now.
 */
async function runScheduledStage(run, target, stage, calibrator, shared, preparedPrompts) {
    const { config } = run.loaded;
    const { logger, clock } = run;
    const stageIndex = config.stages.indexOf(stage);
    const gaps = new Histogram();
    const trace = run.loaded.traces?.get(stage.name);
    const workload = stageWorkload(stage, trace);
    // A trace's requests are sent at their timestamps (scaled), from the stage's start.
    const offsets = trace
        ? traceOffsetsMs(trace.requests, stage.trace_speed ?? 1, stage.iterations)
        : undefined;
    const { stageRun, prompts, cpu } = await logger.group(`Stage ${stage.name}`, async () => {
        const { prompts, startAtMs } = await stagePromptsAndStart(run, target, stage, stageIndex, calibrator, shared, preparedPrompts, workload);
        const cpuFrom = markCpu();
        const stageRun = await runStage(stage, {
            clock,
            logger,
            request: stageRequestOptions(run, (gapMs) => gaps.record(gapMs)),
            buildRequest: requestBuilder(config, target, run.options.runId, stage, prompts),
            onRecord: (record) => keepRecord(run, record),
            signal: run.context.signal,
            progressIntervalMs: run.context.progressIntervalMs,
            ...(offsets ? { plan: (0,arrivals/* tracePlan */.vp)((index) => offsets[index] ?? 0, stage.iterations) } : {}),
            // Each stage draws its random arrivals from its own stream of the run's seed.
            seed: config.seed,
            stageIndex,
            ...(shared && startAtMs !== undefined ? { startAtMs, share: shared.share } : {}),
        });
        return { stageRun, prompts, cpu: stageCpu(run, cpuFrom, stageRun.records.length) };
    });
    const ranStage = stageResults(stageRun, gaps, prompts.calibration, workload
        ? {
            source: workload.source,
            cache: expectedCache(workload, config.unique_prompts, stage.warmup_requests),
        }
        : undefined);
    ranStage.client_cpu = cpu;
    if (shared?.starts)
        recordOverrun(run, shared, stageIndex, stageRun);
    keepStageResults(run, stage, ranStage, stageRun.interrupted);
    // Planned starts: the next stage waits for its own start; the drain bound is in it.
    if (shared && !shared.starts)
        await awaitSharedStageEnd(run, shared, stageIndex);
    // EXO's state shows requests still in flight; a plain OpenAI server has no such view. A secondary
    // whose next stage is the primary's alone does not wait: the primary drains before and after it, and
    // this node's next probes wait for the next published start.
    if (target.kind === 'exo' && !(shared && nextStageIsPrimarysAlone(run, stageIndex)))
        await drainCluster(run);
    // The seed's stage ends after the drain.
    completeSeedStage(ranStage, ranStage.started_at_ms, clock.nowMs());
}
/**
 * A scheduled stage's prompts (sized now unless `preparedPrompts` were) and, when shared, its start.
 * Usually the prompts come first and the primary leaves the secondaries twice its own preparation time
 * to be ready. After a stage the primary sent alone, a secondary reads the start first: its calibration
 * probes must not land in the primary's closed loop or search, which may still run until the start is
 * published; the primary then leaves twice the longest preparation it has seen (the secondary may lack
 * a calibration the primary holds from the stage it sent alone).
 */
async function stagePromptsAndStart(run, target, stage, stageIndex, calibrator, shared, preparedPrompts, workload) {
    const afterPrimarys = shared !== undefined && !shared.starts && previousStageIsPrimarysAlone(run, stageIndex);
    const prepare = async () => preparedPrompts ?? (await prepareOneStagePrompts(run, target, stage, workload, calibrator));
    if (!shared)
        return { prompts: await prepare(), startAtMs: undefined };
    if (afterPrimarys && !run.options.isPrimary) {
        const published = await sharedStageStart(run, target, stageIndex, 0);
        const prompts = await prepare();
        return { prompts, startAtMs: recordSharedStart(run, stage, shared, published) };
    }
    const preparedFromMs = run.clock.nowMs();
    const prompts = await prepare();
    const preparationMs = run.clock.nowMs() - preparedFromMs;
    const leadFor = afterPrimarys ? Math.max(preparationMs, run.longestPreparationMs) : preparationMs;
    const published = await sharedStageStart(run, target, stageIndex, leadFor);
    return { prompts, startAtMs: recordSharedStart(run, stage, shared, published) };
}
/** True when the stage before `stageIndex` (config order) is one the primary sends alone. */
function previousStageIsPrimarysAlone(run, stageIndex) {
    const previous = run.loaded.config.stages[stageIndex - 1];
    return previous !== undefined && isPrimaryOnlyStage(previous);
}
/** True when a secondary's next stage (config order) is one the primary sends alone. */
function nextStageIsPrimarysAlone(run, stageIndex) {
    const next = run.loaded.config.stages[stageIndex + 1];
    return !run.options.isPrimary && next !== undefined && isPrimaryOnlyStage(next);
}
/**
 * A stage's prompts, sized before its schedule starts (calibration probes are not stage requests). A
 * trace or shared_prefix stage composes a prompt per request from offsets measured once
 * (src/load/workload.ts).
 */
async function prepareOneStagePrompts(run, target, stage, workload, calibrator) {
    const { config } = run.loaded;
    const fromMs = run.clock.nowMs();
    const prompts = workload
        ? await prepareWorkloadPrompts(calibrator, target.models, workload, config.unique_prompts, `${run.options.runId}\u0000${stage.name}`)
        : await prepareStagePrompts(calibrator, target.models, stage.prompt_length, config.unique_prompts);
    notePreparation(run, run.clock.nowMs() - fromMs);
    logCalibration(run.logger, stage, prompts);
    return prompts;
}
/** Keeps the longest prompt sizing of the run (`longestPreparationMs`). */
function notePreparation(run, preparationMs) {
    run.longestPreparationMs = Math.max(run.longestPreparationMs, preparationMs);
}
/** One line per model saying how the stage's prompts were sized (a warning when they could not be). */
function logCalibration(logger, stage, prompts) {
    for (const calibration of prompts.calibration.models) {
        const line = describeCalibration(calibration);
        if (line.warn)
            logger.warning(`stage ${stage.name}: ${line.text}`);
        else
            logger.info(`stage ${stage.name}: ${line.text}`);
    }
}
/**
 * A shared stage's start (sharedStageStart's), recorded in the schedule facts with how late this node
 * is for it now (its prompts are ready), and logged with this node's share of the requests.
 */
function recordSharedStart(run, stage, shared, startAtMs) {
    const lateMs = Math.max(0, run.clock.nowMs() - startAtMs);
    shared.facts.stages.push({
        name: stage.name,
        sent_by: 'shared',
        start_ms: startAtMs,
        late_ms: lateMs,
        requests: shareCount(shared.share, stage.iterations),
    });
    run.logger.info(`stage ${stage.name}: shared start ${new Date(startAtMs).toISOString()}${lateMs > 0 ? `, ${lateMs.toFixed(1)} ms late here` : ''}; ${shareCount(shared.share, stage.iterations)} of ${stage.iterations} requests are this node's`);
    return startAtMs;
}
/**
 * After a shared stage: the other nodes send until its planned end (give or take their clocks), and
 * every node lets all of it drain: the primary before it publishes the next start, a secondary before
 * its calibration probes for the next stage (they must not land in this one).
 */
async function awaitSharedStageEnd(run, shared, stageIndex) {
    const { clock } = run;
    const plannedEndMs = (shared.facts.stages.at(-1)?.start_ms ?? clock.nowMs()) +
        plannedStageMs(run, stageIndex) +
        shared.facts.skew_tolerance_ms;
    if (clock.nowMs() < plannedEndMs)
        await clock.sleepUntil(plannedEndMs, run.context.signal);
}
/**
 * Planned starts: which of this node's requests of the stage were still in flight at the next stage's
 * start (recorded as the stage's `overrun`; none for the last stage). They were not cancelled: they
 * ended by themselves (runStage waits for them), so the next stage begins late here.
 */
function recordOverrun(run, shared, stageIndex, stageRun) {
    const nextStartMs = shared.starts?.[stageIndex + 1];
    const facts = shared.facts.stages.at(-1);
    if (nextStartMs === undefined || !facts)
        return;
    facts.overrun = stageOverrun(stageRun.records.map((record) => record.ended_at_ms), nextStartMs);
    if (facts.overrun.requests > 0)
        run.logger.warning(`stage ${facts.name}: ${facts.overrun.requests} of this node's requests were still in flight at the next stage's start (the last ended ${facts.overrun.ms.toFixed(1)} ms after it): all_nodes_drain_seconds is too short for them`);
}
/** How a stage's requests are sent: the run's load dispatcher and the config's deadlines. */
function stageRequestOptions(run, onTokenGap) {
    const { config } = run.loaded;
    return {
        dispatcher: run.loadDispatcher,
        requestTimeoutMs: config.request_timeout_seconds * 1000,
        idleTimeoutMs: config.stream_idle_timeout_seconds * 1000,
        onTokenGap,
    };
}
/** An ended request: its error redacted of the run's secrets, appended to requests.jsonl and kept. */
function keepRecord(run, record) {
    if (run.secrets.any && record.error_message !== undefined)
        record.error_message = run.secrets.redact(record.error_message);
    run.requestsFile.append(record);
    run.allRecords.push(record);
}
/** Adds a stage's results to the run; a stage cut short (lost instances, cancellation) ends the run. */
function keepStageResults(run, stage, ranStage, interrupted) {
    run.stages.push(ranStage);
    if (run.lostInstances)
        throw run.lostInstances;
    if (interrupted || run.signal?.aborted)
        throw new errors/* CancelledError */.cc('cancelled during stage ' + stage.name);
}
/** Waits (bounded by quietTimeoutMs) until EXO's state shows no request of the run in flight. */
async function drainCluster(run) {
    await (0,orchestrate/* waitForQuiet */.PL)(run.context, run.clock.nowMs() + (run.options.quietTimeoutMs ?? 60_000));
}
/**
 * A capacity search stage (src/load/search.ts): each probe is a sub-stage run through runStage with a
 * synthetic StageConfig — `probe_requests` requests at a constant rate of `load` per second, or with
 * `concurrency: load` — under the stage's name, its records numbered on across probes and tagged with
 * `probe`. Every probe ends when all of its requests have ended (runStage drains), and on an EXO target
 * the cluster is also let go quiet before the next, so no probe inherits another's queue.
 */
async function runSearchStage(run, target, stage, search, calibrator) {
    const { config } = run.loaded;
    const { logger, clock } = run;
    const metric = catalog/* METRICS */.Cb.get(search.metric);
    if (!metric)
        throw new Error(`unknown search metric ${search.metric}`);
    const mode = searchMode(search);
    const unit = mode === 'rate' ? 'req/s' : 'in flight';
    const gaps = new Histogram();
    const runs = [];
    const { results, prompts, cpu } = await logger.group(`Stage ${stage.name}`, async () => {
        const preparedFromMs = clock.nowMs();
        const prompts = await prepareStagePrompts(calibrator, target.models, stage.prompt_length, config.unique_prompts);
        notePreparation(run, clock.nowMs() - preparedFromMs);
        logCalibration(logger, stage, prompts);
        const bound = search.max !== undefined ? `≤ ${search.max}` : `≥ ${search.min ?? 0}`;
        logger.info(`stage ${stage.name}: capacity search, ${search.metric} ${bound}, ${mode} ${searchRange(search).min}–${searchRange(search).max}, ${search.probe_requests} requests per probe, at most ${search.max_probes} probes`);
        // Requests are numbered on across probes, so that (stage, index) stays unique in requests.jsonl.
        let offset = 0;
        const buildRequest = requestBuilder(config, target, run.options.runId, stage, prompts);
        const probe = {
            run,
            target,
            stage,
            search,
            metric,
            mode,
            unit,
            buildRequest,
            gaps,
            runs,
        };
        const cpuFrom = markCpu();
        const results = await searchCapacity(search, metric.requiredSamples, (load, probeIndex) => {
            const first = offset;
            offset += search.probe_requests;
            return runSearchProbe(probe, load, probeIndex, first);
        });
        const capacity = results.capacity === null
            ? `below ${results.capacity_high ?? searchRange(search).min} ${unit}`
            : `${results.capacity} ${unit} (bracket ${results.capacity_low}–${results.capacity_high ?? '∞'})`;
        logger.info(`stage ${stage.name}: capacity ${capacity}, ${results.probes.length} probes, ${results.reason}`);
        return { results, prompts, cpu: stageCpu(run, cpuFrom, offset) };
    });
    // The stage's results cover all its probes together; its `search` says what each found.
    const combined = combineProbeRuns(stage, runs, config.seed, clock);
    const ranStage = { ...stageResults(combined, gaps, prompts.calibration), search: results, client_cpu: cpu };
    keepStageResults(run, stage, ranStage, combined.interrupted);
    completeSeedStage(ranStage, ranStage.started_at_ms, clock.nowMs());
}
/**
 * One probe of a capacity search at `load`: a sub-stage of `probe_requests` requests numbered from
 * `first`, run to its end, then (EXO) the cluster let go quiet; returns its figures to the search.
 */
async function runSearchProbe(probe, load, probeIndex, first) {
    const { run, stage, search, metric, gaps } = probe;
    const { logger, clock } = run;
    const probeGaps = new Histogram();
    const stageRun = await runStage(probeStageConfig(stage, search, probe.mode, load), {
        clock,
        logger,
        request: stageRequestOptions(run, (gapMs) => {
            gaps.record(gapMs);
            probeGaps.record(gapMs);
        }),
        buildRequest: (index) => probe.buildRequest(first + index),
        onRecord: (record) => {
            record.index += first;
            record.probe = probeIndex;
            keepRecord(run, record);
        },
        signal: run.context.signal,
        progressIntervalMs: run.context.progressIntervalMs,
    });
    probe.runs.push(stageRun);
    const stats = computeStatistics(stageRun.records);
    const observation = metric.observe(stats, histogramSummary(probeGaps));
    const interrupted = stageRun.interrupted || run.signal?.aborted === true || run.lostInstances !== undefined;
    // Drain: the next probe must not start on this one's queue (runStage already waited for every request).
    if (!interrupted && probe.target.kind === 'exo')
        await drainCluster(run);
    const value = observation.value === null ? '–' : formatProbeValue(observation.value);
    logger.info(`stage ${stage.name}: probe ${probeIndex} at ${load} ${probe.unit}: ${search.metric} ${value} over ${observation.samples} samples, ${stats.failed_requests}/${stats.total_requests} failed`);
    return {
        requests: stats.total_requests,
        failures: stats.failed_requests,
        value: observation.value,
        samples: observation.samples,
        started_at_ms: stageRun.startedAtMs,
        ended_at_ms: stageRun.endedAtMs,
        achieved_rps: stats.total_requests > 0 ? stats.requests_per_second : null,
        interrupted,
    };
}
/** A probe's synthetic stage: `probe_requests` requests at `load` per second, or `load` in flight. */
function probeStageConfig(stage, search, mode, load) {
    return {
        name: stage.name,
        prompt_length: stage.prompt_length,
        generation_length: stage.generation_length,
        time_between_requests: mode === 'rate' ? 1 / load : 0,
        iterations: search.probe_requests,
        no_overlap: false,
        warmup_requests: 0,
        warmup: false,
        ...(mode === 'concurrency' ? { concurrency: load } : {}),
    };
}
/** A search stage's probes as one stage run: their records, span, peak and samples together. */
function combineProbeRuns(stage, runs, seed, clock) {
    return {
        stage,
        records: runs.flatMap((probeRun) => probeRun.records).sort((a, b) => a.index - b.index),
        startedAtMs: runs[0]?.startedAtMs ?? clock.nowMs(),
        endedAtMs: runs.reduce((latest, probeRun) => Math.max(latest, probeRun.endedAtMs), runs[0]?.startedAtMs ?? 0),
        peakInFlight: runs.reduce((peak, probeRun) => Math.max(peak, probeRun.peakInFlight), 0),
        inFlightSamples: runs.flatMap((probeRun) => probeRun.inFlightSamples),
        interrupted: runs.some((probeRun) => probeRun.interrupted),
        // Each probe had its own plan; the stage's load shape says "capacity search" (loadShape).
        plan: runs[0]?.plan ?? { kind: 'closed', concurrency: 1, pauseMs: 0 },
        seed,
    };
}
/** The CPU the process used since `from`, a stage's span in which `requests` requests were sent. */
function stageCpu(run, from, requests) {
    return clientCpuUsage(from, markCpu(), requests, simulatedInProcess(run));
}
/** The shells set provenance.simulated exactly when the simulator runs in this process (`--simulate`). */
function simulatedInProcess(run) {
    return run.options.provenance?.simulated === true;
}
/** A probe's metric value in a log line: 3 significant digits, no exponent. */
function formatProbeValue(value) {
    return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString();
}
/** Closes the run on every path: snapshots stopped, requests.jsonl closed, placed instances deleted. */
async function closeRun(run) {
    const { options, cluster, logger, snapshots, statePolling } = run;
    run.loopDelay.disable();
    snapshots?.stop();
    if (statePolling && snapshots)
        statePolling.requests = snapshots.requests;
    run.requestsFile.close();
    if (options.isPrimary && cluster.placedIds.length > 0) {
        // Cleanup runs on every path; cancellation gets a fresh deadline of its own (not the aborted signal).
        const cleanupContext = { ...run.context };
        delete cleanupContext.signal;
        await logger.group('Cleanup', async () => {
            const left = await (0,orchestrate/* deleteInstances */.E8)(cleanupContext, cluster.placedIds, run.clock.nowMs() + 60_000);
            if (left.length === 0)
                options.onInstancesDeleted?.();
        });
    }
    if (run.loadDispatcher !== run.dispatcher)
        await run.loadDispatcher.close().catch(() => undefined);
    await run.dispatcher.close().catch(() => undefined);
}
/** The results document with validity, gates and verdict judged. */
function judgeRun(run, failure) {
    const { loaded, options, stages, loopDelay, secrets } = run;
    // The run-level figures (outputs, headline, run thresholds) leave warm-up stages out, and say so; and
    // capacity search stages, whose probes are overloaded on purpose (their capacity is their figure).
    const runStages = stages
        .filter((stage) => !stage.config.warmup && !stage.config.search)
        .map((stage) => stage.name);
    const runRecords = run.allRecords.filter((record) => runStages.includes(record.stage));
    const validity = judgeValidity(loaded.config, stages, loopDelay.percentileMs(99), loopDelay.sampleCount);
    // A shared stage this node began late was not sent on the one schedule.
    const lateReasons = run.shared ? scheduleReasons(run.shared.facts) : [];
    if (lateReasons.length > 0) {
        validity.reasons.push(...lateReasons);
        validity.valid = false;
        validity.status = 'invalid';
    }
    // With all_nodes every node sends a share: its own figures describe its share, and the merge (of
    // every node's records) is the run's result, gated there. A node's own gates would judge a part.
    const sendsLoad = options.isPrimary || run.shared !== undefined;
    const errorInfo = failure
        ? {
            kind: failure instanceof errors/* ExoBenchError */.Ll ? failure.kind : 'internal',
            message: secrets.redact(failure.message),
            ...(failure instanceof errors/* ExoBenchError */.Ll && failure.hint ? { hint: secrets.redact(failure.hint) } : {}),
        }
        : null;
    const document = buildResultsDocument({
        loaded,
        run: options,
        startedAtMs: run.startedAtMs,
        completedAtMs: run.clock.nowMs(),
        target: run.target,
        cluster: run.cluster,
        statePolling: run.statePolling,
        stateResets: [...run.context.resetWatch.resets, ...run.pollResets.resets],
        stages,
        runStatistics: sendsLoad && runRecords.length > 0 ? computeStatistics(runRecords) : null,
        runStages,
        snapshots: run.snapshots?.snapshots ?? [],
        validity,
        error: errorInfo,
        ...(run.shared ? { schedule: run.shared.facts } : {}),
    });
    document.client_cpu = clientCpuUsage(run.cpuAtStart, markCpu(), run.allRecords.length, simulatedInProcess(run));
    if (options.isPrimary && !run.shared)
        Object.assign(document, evaluateGates(document, runRecords, options.baseline, run.logger));
    document.verdict = sendsLoad ? judgeVerdict(document) : errorInfo ? 'error' : 'pass';
    return document;
}

;// CONCATENATED MODULE: ./src/run/exo-process.ts
/**
 * Starting and stopping an EXO (or any command) for a node: run through the shell in its own process
 * group, output captured to a log file, and stopped with its whole group (EXO spawns runner processes)
 * — SIGTERM, then SIGKILL after a grace period. Works the same on macOS and Linux.
 */



/** Starts `command` through the shell with `env`, its own process group, stdout+stderr to `logPath`. */
function startCommand(command, env, logPath, cwd) {
    const logFd = (0,external_node_fs_.openSync)(logPath, 'a');
    try {
        const child = (0,external_node_child_process_.spawn)(command, {
            shell: true,
            detached: true, // its own process group, so the whole tree can be stopped at once
            env,
            cwd,
            stdio: ['ignore', logFd, logFd],
        });
        if (child.pid === undefined)
            throw new Error(`could not start: ${command}`);
        const exited = new Promise((resolve) => {
            child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
            child.once('error', (error) => resolve(error.message));
        });
        child.unref();
        return { pid: child.pid, logPath, exited };
    }
    finally {
        (0,external_node_fs_.closeSync)(logFd);
    }
}
/** True while a process group exists (signal 0 probes without killing). */
function processGroupAlive(pid) {
    try {
        process.kill(-pid, 0);
        return true;
    }
    catch (error) {
        return error.code === 'EPERM';
    }
}
/**
 * Stops a process group: SIGTERM, wait up to `graceMs`, then SIGKILL. Returns how it ended. Safe to
 * call for a group that is already gone (the post step may repeat it).
 */
async function stopProcessGroup(pid, graceMs = 10_000) {
    if (!processGroupAlive(pid))
        return 'not-running';
    try {
        process.kill(-pid, 'SIGTERM');
    }
    catch {
        return 'not-running';
    }
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
        if (!processGroupAlive(pid))
            return 'terminated';
        await (0,util_clock/* sleepMs */.Mb)(100);
    }
    try {
        process.kill(-pid, 'SIGKILL');
    }
    catch {
        return 'terminated';
    }
    return 'killed';
}

;// CONCATENATED MODULE: ./src/action/publish.ts
/**
 * Publishing a node run: job summary, step outputs and artifact, in that order, on every path. A failed
 * upload is a warning that says where the files are, never a lost result.
 */



function publish_fixed(value, decimals) {
    return value === null || value === undefined || !Number.isFinite(value) ? '' : value.toFixed(decimals);
}
/**
 * The run's outputs. Counts are always numbers (0 when nothing ran); latencies are empty when no
 * request produced a sample (there is no honest number to give).
 */
function runOutputs(outcome) {
    const run = outcome?.document.results.run ?? null;
    const latency = (summary, key) => publish_fixed(summary?.[key], 2);
    return {
        [Outputs.Verdict]: outcome?.verdict ?? 'error',
        [Outputs.ResultsPath]: outcome?.resultsPath ?? '',
        [Outputs.SummaryPath]: outcome?.summaryPath ?? '',
        [Outputs.SuccessRate]: publish_fixed(run?.success_rate ?? 0, 4),
        [Outputs.TotalRequests]: String(run?.total_requests ?? 0),
        [Outputs.SuccessfulRequests]: String(run?.successful_requests ?? 0),
        [Outputs.FailedRequests]: String(run?.failed_requests ?? 0),
        [Outputs.TotalTokens]: String(run?.total_tokens ?? 0),
        [Outputs.TtftP50Ms]: latency(run?.ttft_ms, 'p50'),
        [Outputs.TtftP95Ms]: latency(run?.ttft_ms, 'p95'),
        [Outputs.E2eP95Ms]: latency(run?.e2e_ms, 'p95'),
        [Outputs.OutputTokensPerSecond]: publish_fixed(run?.output_tokens_per_second ?? 0, 2),
        [Outputs.BenchmarkSmallerPath]: outcome?.benchmarkSmallerPath ?? '',
        [Outputs.BenchmarkBiggerPath]: outcome?.benchmarkBiggerPath ?? '',
    };
}
/** Writes the summary and uploads the artifact; returns the artifact outputs. */
async function publishRun(outcome, ports, options) {
    await ports.summary.write(outcome.summaryMarkdown);
    const published = { [Outputs.ArtifactId]: '', [Outputs.ArtifactUrl]: '' };
    if (!options.upload)
        return published;
    const files = [
        outcome.resultsPath,
        outcome.requestsPath,
        outcome.summaryPath,
        outcome.reportPath,
        outcome.benchmarkSmallerPath,
        outcome.benchmarkBiggerPath,
        ...options.extraFiles,
    ].filter((file) => (0,external_node_fs_.existsSync)(file));
    try {
        const result = await ports.artifact.upload(options.artifactName, files, options.outputDir);
        published[Outputs.ArtifactId] = result.id === undefined ? '' : String(result.id);
        published[Outputs.ArtifactUrl] = result.url ?? '';
        ports.logger.info(`uploaded artifact ${options.artifactName} (${files.map((f) => (0,external_node_path_.basename)(f)).join(', ')})`);
    }
    catch (error) {
        ports.logger.warning(`could not upload artifact "${options.artifactName}": ${error instanceof Error ? error.message : String(error)}. ` +
            `The files are still in ${options.outputDir}.`);
    }
    return published;
}

;// CONCATENATED MODULE: ./src/action/node-mode.ts
/**
 * `mode: node`: provision, optionally start EXO (or a simulator), run the engine, compare with a
 * baseline, publish summary, outputs and artifact, and comment on the PR.
 */














/**
 * Runs this node's part and publishes it; the failure it returns fails the step after publishing. It
 * orders the steps: the node's setup, the server's start, the run, the server's stop on every path
 * (also when the start or the run throws), then publication and the PR comment.
 */
async function nodeMode(inputs, ports, outputs) {
    const { outputDir, loaded, provisioned, defaults } = await prepareNode(inputs, ports, outputs);
    const server = { standInDone: new AbortController(), standInFailed: new AbortController() };
    let outcome;
    try {
        const apiUrl = await startServer(server, loaded, inputs, defaults, provisioned, outputDir, ports);
        const baseline = await loadBaseline(inputs, outputDir, ports);
        outcome = await runNode(loaded, nodeRunOptions(inputs, defaults, apiUrl, outputDir, baseline, ports), ports, AbortSignal.any([abortOnRunnerSignals(ports), server.standInFailed.signal]));
    }
    finally {
        await stopServer(server, ports);
    }
    return publishNodeRun(inputs, outcome, server.exo, outputDir, ports, outputs);
}
/**
 * The node's setup, before anything is started: the output folder (saved for the post step), the
 * config, the EXO environment, the artifact's name, and (tests of load_from: all_nodes) a shifted clock.
 */
async function prepareNode(inputs, ports, outputs) {
    const outputDir = (0,external_node_path_.resolve)(inputs.outputDir ?? (0,external_node_path_.join)(process.env.RUNNER_TEMP ?? process.cwd(), 'exo-bench-results'));
    (0,external_node_fs_.mkdirSync)(outputDir, { recursive: true });
    ports.state.save(State.OutputDir, outputDir);
    // A config that does not load fails here; runMainStep publishes the error summary.
    const loaded = await loadConfig(inputs, ports, outputs);
    const provisioned = provision(loaded, inputs, ports, outputs);
    ports.state.save(State.ArtifactName, inputs.uploadArtifact ? (inputs.artifactName ?? defaultArtifactName(inputs)) : '');
    const defaults = nodeDefaults(loaded.config);
    // The tests of load_from: all_nodes run each node job with a clock of its own (src/run/clock-offset.ts).
    const simulatedOffset = simulatedClockOffsetMs(process.env);
    if (simulatedOffset !== undefined) {
        applySimulatedClockOffset(simulatedOffset);
        ports.logger.warning(`this node's clock is shifted by ${simulatedOffset} ms (simulated clock skew)`);
    }
    return { outputDir, loaded, provisioned, defaults };
}
/**
 * Starts what the action starts: the simulator (`simulate`), or EXO (`exo-command`). Fills `server` as
 * each part starts, so that stopServer stops it even when a later step throws. Returns the API URL the
 * run loads.
 */
async function startServer(server, loaded, inputs, defaults, provisioned, outputDir, ports) {
    const apiUrl = targetApiUrl(loaded.config, inputs.apiUrl, `http://127.0.0.1:${provisioned.apiPort}`);
    if (inputs.simulate)
        return startSimulated(server, loaded, inputs, defaults, ports);
    if (inputs.exoCommand) {
        const logPath = (0,external_node_path_.join)(outputDir, 'exo.log');
        const exo = startCommand(inputs.exoCommand, { ...process.env, ...provisioned.variables }, logPath);
        server.exo = exo;
        ports.state.save(State.ExoPid, String(exo.pid));
        ports.logger.info(`started EXO (process group ${exo.pid}), log: ${logPath}`);
    }
    return apiUrl;
}
/**
 * Starts the simulator; for a secondary of an EXO target also a stand-in primary. Returns the URL of
 * the simulated node this job loads.
 */
async function startSimulated(server, loaded, inputs, defaults, ports) {
    // The simulator loads only for simulate: true (keeps the real path's start-up short).
    const { playSimulatedPrimary, startSimulatorForConfig } = await __webpack_require__.e(/* import() */ 175).then(__webpack_require__.bind(__webpack_require__, 72175));
    const expectedNodes = inputs.expectedNodes ?? defaults.expectedNodes;
    const simulator = await startSimulatorForConfig(loaded.config, expectedNodes);
    server.simulator = simulator;
    let apiUrl = simulator.url;
    if (!inputs.isPrimary && loaded.config.target.kind === 'exo') {
        // This job's simulator has no primary job of its own: a stand-in places and deletes the
        // instances from node 0 while this secondary watches from node 1, as on a real cluster.
        apiUrl = (simulator.nodes[1] ?? simulator.nodes[0] ?? { url: apiUrl }).url;
        server.standInPrimary = playSimulatedPrimary(simulator, loaded.config, expectedNodes, inputs.timeoutSeconds ?? defaults.timeoutSeconds, ports.logger, server.standInDone.signal).then((failure) => {
            if (failure)
                server.standInFailed.abort(new Error(`the simulated primary failed: ${failure}`));
        });
    }
    ports.logger.info(`simulator at ${apiUrl}`);
    return apiUrl;
}
/** Stops what startServer started: EXO's process group, the stand-in primary, the simulator. */
async function stopServer(server, ports) {
    if (server.exo) {
        const how = await stopProcessGroup(server.exo.pid);
        ports.logger.info(`stopped EXO (${how})`);
        ports.state.save(State.ExoPid, '');
    }
    server.standInDone.abort();
    await server.standInPrimary;
    await server.simulator?.close();
}
/** The engine's options for this node, from the inputs (the config's defaults where none is given). */
function nodeRunOptions(inputs, defaults, apiUrl, outputDir, baseline, ports) {
    return {
        ...(baseline ? { baseline } : {}),
        apiUrl,
        isPrimary: inputs.isPrimary,
        expectedNodes: inputs.expectedNodes ?? defaults.expectedNodes,
        timeoutSeconds: inputs.timeoutSeconds ?? defaults.timeoutSeconds,
        outputDir,
        runId: `${nodeIdentity(inputs).runId}-${nodeIdentity(inputs).runAttempt}`,
        hardwareLabel: nodeIdentity(inputs).hardwareLabel,
        nodeIndex: inputs.nodeIndex,
        ...(inputs.scheduleStartMs !== undefined ? { scheduleStartMs: inputs.scheduleStartMs } : {}),
        // The seed's metadata, from the run itself (its workflow passed these as flags).
        gitCommit: process.env.GITHUB_SHA ?? null,
        hardwareLabels: inputs.hardwareLabel ? [inputs.hardwareLabel] : [],
        provenance: githubProvenance(process.env, inputs.configFile, { simulated: inputs.simulate }),
        onInstancesPlaced: (ids) => ports.state.save(State.PlacedInstances, JSON.stringify({ apiUrl, instanceIds: ids })),
        onInstancesDeleted: () => ports.state.save(State.PlacedInstances, ''),
    };
}
/**
 * Publishes the run (summary, outputs, artifact with EXO's log, the PR comment) and says whether the
 * step fails: not on a pass, nor on failed gates alone with `fail-on-threshold: false`.
 */
async function publishNodeRun(inputs, outcome, exo, outputDir, ports, outputs) {
    const extraFiles = exo && (0,external_node_fs_.existsSync)(exo.logPath) ? [exo.logPath] : [];
    const published = await publishRun(outcome, ports, {
        upload: inputs.uploadArtifact,
        artifactName: inputs.artifactName ?? defaultArtifactName(inputs),
        outputDir,
        extraFiles,
    });
    Object.assign(outputs, runOutputs(outcome), published);
    ports.state.save(State.CleanedUp, 'true');
    if (inputs.commentOnPr)
        await commentOnPr(inputs, outcome, published[Outputs.ArtifactUrl], ports);
    if (outcome.verdict === 'pass')
        return undefined;
    if (failedOnlyOnGates(outcome.document) && !inputs.failOnThreshold) {
        ports.logger.warning(`exo-bench: verdict fail (${describeGateFailures(outcome.document)}); not failing the step (fail-on-threshold: false)`);
        return undefined;
    }
    // An error was annotated by the engine when it happened; any other verdict is annotated here, once,
    // with every reason (validity and gates together).
    return {
        message: `exo-bench: ${describeVerdict(outcome.document)}`,
        annotated: Boolean(outcome.document.error),
    };
}
/** This node's artifact in another run: the exact artifact-name, or the default name of any attempt. */
function nodeBaselineArtifact(inputs) {
    const id = nodeIdentity(inputs);
    const defaultName = defaultArtifactName(inputs);
    return inputs.artifactName
        ? { exact: inputs.artifactName }
        : { prefix: defaultName.slice(0, defaultName.length - id.runAttempt.length) };
}
async function baselineFetcher(inputs, outputDir, ports, artifact) {
    const repository = process.env.GITHUB_REPOSITORY;
    if (!inputs.githubToken || !repository)
        return undefined;
    const id = nodeIdentity(inputs);
    const { createArtifactBaselineFetcher } = await Promise.all(/* import() */[__webpack_require__.e(351), __webpack_require__.e(645), __webpack_require__.e(611)]).then(__webpack_require__.bind(__webpack_require__, 26611));
    return createArtifactBaselineFetcher({
        token: inputs.githubToken,
        repository,
        workflowRef: process.env.GITHUB_WORKFLOW_REF,
        currentRunId: id.runId === 'local' ? undefined : Number(id.runId),
        artifact,
        downloadRoot: (0,external_node_path_.join)(outputDir, '..', 'exo-bench-baseline'),
        logger: ports.logger,
        ...(process.env.GITHUB_SERVER_URL ? { serverUrl: process.env.GITHUB_SERVER_URL } : {}),
    });
}
/**
 * Resolves the baseline input; a baseline that cannot be had is reported, never fatal. `artifact` says
 * which artifact of another run to compare with (default: this node's; merge mode: the merged one).
 */
async function loadBaseline(inputs, outputDir, ports, artifact = nodeBaselineArtifact(inputs)) {
    if (!inputs.baseline || !inputs.isPrimary)
        return undefined;
    const needsGitHub = inputs.baseline === 'latest' || inputs.baseline.startsWith('run:');
    const fetcher = needsGitHub ? await baselineFetcher(inputs, outputDir, ports, artifact) : undefined;
    if (needsGitHub && !fetcher) {
        return {
            status: 'unavailable',
            source: inputs.baseline,
            reason: `baseline ${inputs.baseline} needs the github-token input (with "actions: read") and GITHUB_REPOSITORY`,
        };
    }
    return ports.logger.group('Baseline', () => resolveBaseline(inputs.baseline ?? '', fetcher));
}
/** Posts or updates the PR comment; problems are warnings (a fork's read-only token is normal). */
async function commentOnPr(inputs, outcome, artifactUrl, ports) {
    const { pullRequestNumber, upsertPrComment } = await Promise.all(/* import() */[__webpack_require__.e(351), __webpack_require__.e(151)]).then(__webpack_require__.bind(__webpack_require__, 51151));
    const pullNumber = pullRequestNumber();
    const repository = process.env.GITHUB_REPOSITORY;
    if (pullNumber === undefined || !repository) {
        ports.logger.info('comment-on-pr: not a pull_request event; no comment');
        return;
    }
    if (!inputs.githubToken) {
        ports.logger.warning('comment-on-pr needs the github-token input (with "pull-requests: write")');
        return;
    }
    if (!inputs.isPrimary)
        return;
    const marker = commentMarker(process.env.GITHUB_WORKFLOW ?? 'workflow', inputs.configFile);
    const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
    const runId = process.env.GITHUB_RUN_ID;
    const body = renderPrComment(outcome.document, marker, {
        ...(runId ? { runUrl: `${server}/${repository}/actions/runs/${runId}` } : {}),
        ...(artifactUrl ? { artifactUrl } : {}),
    });
    try {
        await upsertPrComment({
            token: inputs.githubToken,
            repository,
            pullNumber,
            marker,
            body,
            logger: ports.logger,
        });
    }
    catch (error) {
        ports.logger.warning(`could not comment on PR #${pullNumber}: ${error instanceof Error ? error.message : String(error)} (the token needs "pull-requests: write"; PRs from forks get a read-only token)`);
    }
}

// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
;// CONCATENATED MODULE: ./src/merge/read.ts
/**
 * Reading one node's result folder for a merge: results.json and requests.jsonl as runNode
 * (src/benchmark.ts) writes them. Unlike a baseline (src/verdict/baseline.ts), a merge reads strictly:
 * a torn or foreign line, a request recorded twice or a folder that is itself a merge is an error that
 * names the file and line, because every request must be counted exactly once.
 */





const FOLDER_HINT = 'Give the output folder of each node run (where it wrote results.json and requests.jsonl): its --output-dir, or the extracted artifact.';
const MAJOR_VERSION = RESULTS_SCHEMA_VERSION.split('.')[0] ?? '';
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
    const resultsPath = (0,external_node_path_.join)(folder, RESULTS_FILE);
    const requestsPath = (0,external_node_path_.join)(folder, REQUESTS_FILE);
    if (!(0,external_node_fs_.existsSync)(resultsPath))
        throw new errors/* InputError */.dz(`${source}: no ${RESULTS_FILE} in ${folder}`, FOLDER_HINT);
    if (!(0,external_node_fs_.existsSync)(requestsPath))
        throw new errors/* InputError */.dz(`${source}: no ${REQUESTS_FILE} in ${folder}`, FOLDER_HINT);
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
    return buildPlan(config).include.map((entry) => ({
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
    const seed = computeSeedStageStatistics(records, startedAtMs, completedAtMs);
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
        ...ownStageStatistics(computeStatistics(records)),
        prompt_length: promptLengthStatistics(records, first.config.prompt_length, first.prompt_length.calibration),
        output_length: outputLengthStatistics(records, first.config.generation_length),
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
    const merged = judgeValidity(config, [...stages], null);
    const sharedStages = stages.filter((stage) => (stageSenders.get(stage.name) ?? 0) > 1);
    if (sharedStages.length > 0) {
        // A stage sent by one node was judged by that node already; one sent by several is judged again here.
        const again = judgeValidity(config, sharedStages, null);
        reasons.push(...again.reasons.map((reason) => `merged records: ${reason}`));
    }
    // load_from: all_nodes: the nodes must have followed the same starts, on clocks within the tolerance,
    // each sending exactly its share (a stage the primary sent alone: the primary only).
    const schedules = sharedSchedules(nodes);
    const shared = judgeSharedSchedule(schedules);
    reasons.push(...shared.reasons.map((reason) => `shared schedule: ${reason}`));
    const shares = judgeShares(schedules.map((schedule) => ({ ...schedule, records: recordsOf(nodes, schedule.node) })), config.stages);
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
        skew_ms: judgeSharedSchedule(schedules).skewMs,
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
    const own = computeStatistics(node.records.filter((record) => runStages.includes(record.stage)));
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
        schema_version: RESULTS_SCHEMA_VERSION,
        tool: { name: 'exo-bench', version: VERSION },
        metadata: mergedMetadata(base, documents),
        cluster: { ...base.cluster, nodes: [...clusterNodes.values()] },
        configuration: config,
        results: {
            stages,
            run: runRecords.length > 0 ? computeStatistics(runRecords) : null,
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
    Object.assign(document, evaluateGates(document, runRecords, options.baseline, logger));
    document.verdict = judgeVerdict(document);
    (0,external_node_fs_.mkdirSync)(options.outputDir, { recursive: true });
    const paths = outputPaths(options.outputDir);
    (0,external_node_fs_.writeFileSync)(paths.requests, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    const written = writeReports(paths, options.outputDir, document, records);
    logger.info(`merged ${document.merge?.nodes.length ?? 0} node(s), ${records.length} request(s): verdict ${document.verdict}`);
    return written;
}

;// CONCATENATED MODULE: ./src/action/merge-mode.ts
/**
 * `mode: merge`: the last job of a matrix run (`needs: [the node jobs]`, `if: always()`). It downloads
 * this workflow run's node artifacts with @actions/artifact, merges them into one result for the whole
 * run (src/merge/), judges the thresholds and the baseline on it, and publishes it the way node mode
 * publishes a node: one job summary, the same outputs, and an artifact of its own.
 */










/** Every merged artifact's name starts so; node artifacts never do. */
const MERGED_ARTIFACT_PREFIX = 'exo-bench-merged-';
/** The node artifacts merge mode looks for by default: node mode's default names (exo-bench-<label>-<index>-<attempt>). */
const DEFAULT_NODE_ARTIFACTS = 'exo-bench-*';
/** The merged artifact's name: artifact-name, else exo-bench-merged-<run attempt>. */
function mergedArtifactName(inputs) {
    return inputs.artifactName ?? `${MERGED_ARTIFACT_PREFIX}${nodeIdentity(inputs).runAttempt}`;
}
/** A name pattern where `*` matches any text (and nothing else is special). */
function namePattern(pattern) {
    const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^${parts.join('.*')}$`);
}
/** The node artifacts of the run: the names that match, never a merged artifact or this step's own. */
function selectNodeArtifacts(artifacts, pattern, ownName) {
    const matches = namePattern(pattern);
    return artifacts
        .filter((a) => matches.test(a.name) && a.name !== ownName && !a.name.startsWith(MERGED_ARTIFACT_PREFIX))
        .sort((a, b) => a.name.localeCompare(b.name));
}
/**
 * Downloads and reads each node artifact. An artifact that cannot be downloaded or read is a missing
 * node with the reason (the merge still publishes what it has). When a re-run left one node several
 * artifacts (one per attempt), the newest attempt's counts.
 */
async function readNodeArtifacts(source, artifacts, downloadRoot, ports) {
    const missing = [];
    const byNode = new Map();
    for (const artifact of artifacts) {
        const folder = (0,external_node_path_.join)(downloadRoot, artifact.name);
        (0,external_node_fs_.rmSync)(folder, { recursive: true, force: true });
        (0,external_node_fs_.mkdirSync)(folder, { recursive: true });
        let node;
        try {
            await source.download(artifact, folder);
            node = readNodeFolder(folder, `artifact ${artifact.name}`);
        }
        catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            ports.logger.warning(`artifact ${artifact.name} (id ${artifact.id}) could not be merged: ${reason}`);
            missing.push({ node: `artifact ${artifact.name}`, reason: `could not be read: ${reason}` });
            continue;
        }
        const key = nodeKey(node.document);
        const attempt = (n) => n.document.provenance?.run_attempt ?? 0;
        const other = byNode.get(key);
        if (other &&
            (attempt(other.node) > attempt(node) ||
                (attempt(other.node) === attempt(node) && other.artifact.id > artifact.id))) {
            ports.logger.info(`node ${key}: artifact ${artifact.name} left out (${other.artifact.name} is newer)`);
            continue;
        }
        if (other)
            ports.logger.info(`node ${key}: artifact ${other.artifact.name} left out (${artifact.name} is newer)`);
        byNode.set(key, { node, artifact });
        ports.logger.info(`node ${key}: artifact ${artifact.name}, ${node.records.length} request(s)`);
    }
    return { nodes: [...byNode.values()].map((entry) => entry.node), missing };
}
/**
 * Merges this run's node artifacts and publishes the result; the failure it returns fails the step after
 * publishing, as node mode's does.
 */
async function mergeMode(inputs, ports, outputs, source = createRunArtifactSource()) {
    const outputDir = (0,external_node_path_.resolve)(inputs.outputDir ?? (0,external_node_path_.join)(process.env.RUNNER_TEMP ?? process.cwd(), 'exo-bench-merged'));
    (0,external_node_fs_.mkdirSync)(outputDir, { recursive: true });
    const ownName = mergedArtifactName(inputs);
    const pattern = inputs.nodeArtifacts ?? DEFAULT_NODE_ARTIFACTS;
    const { nodes, missing } = await ports.logger.group('Node artifacts', async () => {
        const listed = await source.list();
        const selected = selectNodeArtifacts(listed, pattern, ownName);
        ports.logger.info(`${listed.length} artifact(s) in this run, ${selected.length} matching node-artifacts "${pattern}": ${selected.map((a) => a.name).join(', ') || 'none'}`);
        if (selected.length === 0)
            throw new errors/* InputError */.dz(`no artifact of this run matches node-artifacts "${pattern}" (the run has: ${listed.map((a) => a.name).join(', ') || 'no artifact'})`, 'Run mode: merge in a job that needs the node jobs, with upload-artifact left on in node mode. If the node jobs set artifact-name, give a node-artifacts pattern (`*` matches any text) that matches their names.');
        // Beside the output folder, never inside it: the merged artifact uploads the output folder.
        return readNodeArtifacts(source, selected, (0,external_node_path_.join)((0,external_node_path_.dirname)(outputDir), 'exo-bench-node-artifacts'), ports);
    });
    if (nodes.length === 0)
        throw new errors/* InputError */.dz(`none of the node artifacts could be read: ${missing.map((m) => `${m.node}: ${m.reason}`).join('; ')}`, 'Each node artifact must hold the results.json and requests.jsonl its node wrote.');
    const baseline = await loadBaseline(inputs, outputDir, ports, inputs.artifactName ? { exact: inputs.artifactName } : { prefix: MERGED_ARTIFACT_PREFIX });
    const outcome = await ports.logger.group('Merge', async () => runMerge(nodes, { outputDir, logger: ports.logger, missing, ...(baseline ? { baseline } : {}) }));
    const { document } = outcome;
    outputs[Outputs.ConfigFile] = document.metadata.config_file;
    outputs[Outputs.ExpectedNodes] = String(document.cluster.expected_nodes);
    outputs[Outputs.TimeoutSeconds] = String(document.metadata.timeout_seconds);
    outputs[Outputs.Environment] = JSON.stringify(document.configuration.environment);
    const published = await publishRun(outcome, ports, {
        upload: inputs.uploadArtifact,
        artifactName: ownName,
        outputDir,
        extraFiles: [],
    });
    Object.assign(outputs, runOutputs(outcome), published);
    if (inputs.commentOnPr)
        await commentOnPr(inputs, outcome, published[Outputs.ArtifactUrl], ports);
    if (outcome.verdict === 'pass')
        return undefined;
    if (failedOnlyOnGates(document) && !inputs.failOnThreshold) {
        ports.logger.warning(`exo-bench: verdict fail (${describeGateFailures(document)}); not failing the step (fail-on-threshold: false)`);
        return undefined;
    }
    return { message: `exo-bench merge: ${describeVerdict(document)}`, annotated: false };
}

;// CONCATENATED MODULE: ./src/action/modes.ts











/** Every output starts empty and is set at the end whatever happened. */
function emptyOutputs() {
    const values = {};
    for (const name of Object.values(Outputs))
        values[name] = '';
    return values;
}
/** A summary port that remembers whether this step wrote its summary. */
function trackSummary(ports) {
    let written = false;
    return {
        ports: {
            ...ports,
            summary: {
                write: async (markdown) => {
                    written = true;
                    await ports.summary.write(markdown);
                },
            },
        },
        written: () => written,
    };
}
/**
 * Runs the main step; returns why it must fail, if it must. Every path publishes one summary and sets
 * every output; an error that stops the step is annotated once per problem, with an error summary.
 */
async function runMainStep(actionPorts = createActionPorts()) {
    const tracked = trackSummary(actionPorts);
    const ports = tracked.ports;
    const outputs = emptyOutputs();
    let failure;
    let inputs;
    try {
        inputs = readInputs();
        if (inputs.mode === 'plan')
            failure = await planMode(inputs, ports, outputs);
        else if (inputs.mode === 'provision')
            provision(await loadConfig(inputs, ports, outputs), inputs, ports, outputs);
        else if (inputs.mode === 'merge')
            failure = await mergeMode(inputs, ports, outputs);
        else
            failure = await nodeMode(inputs, ports, outputs);
    }
    catch (error) {
        annotateError(error, ports, process.env);
        failure = { message: failureLine(error), annotated: true };
        if (!outputs[Outputs.Verdict] && inputs?.mode !== 'plan' && inputs?.mode !== 'provision')
            outputs[Outputs.Verdict] = 'error';
        if (!tracked.written()) {
            const context = {
                workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
                env: process.env,
                ...(inputs
                    ? {
                        mode: inputs.mode,
                        configFile: inputs.configFile,
                        provenance: githubProvenance(process.env, inputs.configFile, { simulated: inputs.simulate }),
                    }
                    : {}),
            };
            await ports.summary
                .write(renderErrorSummary(errorSummaryFor(error, context)))
                .catch((summaryError) => ports.logger.warning(`could not write the job summary: ${String(summaryError)}`));
        }
    }
    finally {
        for (const [name, value] of Object.entries(outputs))
            ports.outputs.set(name, value);
        // The post step must know main ran to its end (it publishes an "interrupted" summary only if not).
        ports.state.save(State.MainFinished, 'true');
    }
    return failure;
}


/***/ }),

/***/ 74931:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DN: () => (/* binding */ ExoConnectionError),
/* harmony export */   Gp: () => (/* binding */ ExoClient)
/* harmony export */ });
/* unused harmony exports ExoHttpError, excerptErrorBody */
/* harmony import */ var _stream_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(99046);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(74296);
/**
 * A small client for EXO's cluster API (../shared/exo-api.md sections 2-4), over the lean HTTP/1.1
 * client of src/stream. It speaks JSON only; waiting, retrying and deciding live in orchestrate.ts.
 * Redirects are never followed.
 */


/** How much of an error body goes into a message: enough to read, never a whole page. */
const BODY_EXCERPT_CHARS = 300;
/** An HTTP answer that was not what the call expects. */
class ExoHttpError extends _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ClusterError */ .b$ {
    status;
    bodyExcerpt;
    constructor(method, url, status, body) {
        const excerpt = excerptErrorBody(body);
        super(`${method} ${url} answered HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`);
        this.name = 'ExoHttpError';
        this.status = status;
        this.bodyExcerpt = excerpt;
    }
}
/** The node could not be reached at all (refused, reset, DNS, timeout before an answer). */
class ExoConnectionError extends _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ClusterError */ .b$ {
    constructor(method, url, cause) {
        super(`${method} ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`, 'Is EXO running and listening on that address and port?', { cause });
        this.name = 'ExoConnectionError';
    }
}
/**
 * Picks the readable part of an EXO error body: the envelope's `error.message`, FastAPI's `detail`,
 * or the raw text, cut to a bounded length.
 */
function excerptErrorBody(body) {
    let text = body.trim();
    try {
        const parsed = JSON.parse(text);
        if (parsed && typeof parsed.error?.message === 'string')
            text = parsed.error.message;
        else if (parsed && parsed.detail !== undefined)
            text = typeof parsed.detail === 'string' ? parsed.detail : JSON.stringify(parsed.detail);
    }
    catch {
        // Not JSON: keep the text as it came.
    }
    text = text.replace(/\s+/g, ' ');
    return text.length > BODY_EXCERPT_CHARS ? `${text.slice(0, BODY_EXCERPT_CHARS)}…` : text;
}
/** Talks to one EXO node's API. */
class ExoClient {
    baseUrl;
    dispatcher;
    callTimeoutMs;
    constructor(baseUrl, options = {}) {
        this.baseUrl = baseUrl.replace(/\/+$/, '');
        this.dispatcher = options.dispatcher ?? new _stream_index_js__WEBPACK_IMPORTED_MODULE_0__/* .Http1Dispatcher */ .LX({ keepAliveTimeoutMs: 4_000 });
        this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    }
    /** `GET /node_id`: this node's ID (a bare JSON string). */
    async nodeId(signal) {
        const id = await this.json('GET', '/node_id', undefined, signal);
        if (typeof id !== 'string')
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ClusterError */ .b$(`GET ${this.baseUrl}/node_id did not return a string`);
        return id;
    }
    /** `GET /state`: the whole cluster state (camelCase JSON). */
    async state(signal) {
        return this.json('GET', '/state', undefined, signal);
    }
    /** `GET /state/{path}`; `undefined` when EXO answers 404 (the key does not exist). */
    async statePath(path, signal) {
        return this.jsonOrUndefinedOn404('GET', `/state/${path.split('/').map(encodeURIComponent).join('/')}`, signal);
    }
    /** `GET /instance/previews?model_id=…`: every placement EXO would consider, with its error if any. */
    async previews(modelId, signal) {
        const body = (await this.json('GET', `/instance/previews?model_id=${encodeURIComponent(modelId)}`, undefined, signal));
        return Array.isArray(body?.previews) ? body.previews : [];
    }
    /** `POST /instance`: creates exactly this instance (its ID is known in advance). */
    async createInstance(instance, signal) {
        await this.json('POST', '/instance', { instance }, signal);
    }
    /** `GET /instance/{id}`; `undefined` once the instance is gone (404). */
    async instance(instanceId, signal) {
        return this.jsonOrUndefinedOn404('GET', `/instance/${encodeURIComponent(instanceId)}`, signal);
    }
    /** `DELETE /instance/{id}`; false when EXO did not know it (404), true when deletion was accepted. */
    async deleteInstance(instanceId, signal) {
        const body = await this.jsonOrUndefinedOn404('DELETE', `/instance/${encodeURIComponent(instanceId)}`, signal);
        return body !== undefined;
    }
    /** `GET /models`: the model catalogue. */
    async models(signal) {
        const body = (await this.json('GET', '/models', undefined, signal));
        return Array.isArray(body?.data) ? body.data : [];
    }
    async jsonOrUndefinedOn404(method, path, signal) {
        try {
            return await this.json(method, path, undefined, signal);
        }
        catch (error) {
            if (error instanceof ExoHttpError && error.status === 404)
                return undefined;
            throw error;
        }
    }
    async json(method, path, body, signal) {
        const url = `${this.baseUrl}${path}`;
        // Redirects are not followed (nor were they with undici's request()).
        let response;
        try {
            response = await (0,_stream_index_js__WEBPACK_IMPORTED_MODULE_0__/* .httpRequest */ .aj)(url, {
                method,
                dispatcher: this.dispatcher,
                headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
                body: body === undefined ? undefined : JSON.stringify(body),
                headersTimeout: this.callTimeoutMs,
                bodyTimeout: this.callTimeoutMs,
                signal,
            });
        }
        catch (error) {
            if (signal?.aborted)
                throw error;
            throw new ExoConnectionError(method, url, error);
        }
        let text;
        try {
            text = await response.body.text();
        }
        catch (error) {
            if (signal?.aborted)
                throw error;
            throw new ExoConnectionError(method, url, error);
        }
        if (response.statusCode < 200 || response.statusCode >= 300) {
            throw new ExoHttpError(method, url, response.statusCode, text);
        }
        try {
            return JSON.parse(text);
        }
        catch {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ClusterError */ .b$(`${method} ${url} returned a body that is not JSON: ${excerptErrorBody(text)}`);
        }
    }
}


/***/ }),

/***/ 85734:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E8: () => (/* binding */ deleteInstances),
/* harmony export */   Ml: () => (/* binding */ readView),
/* harmony export */   PL: () => (/* binding */ waitForQuiet),
/* harmony export */   Pz: () => (/* binding */ waitForApi),
/* harmony export */   Tg: () => (/* binding */ waitForModelInstancesReady),
/* harmony export */   Uw: () => (/* binding */ waitForInstancesGone),
/* harmony export */   b_: () => (/* binding */ placeInstance),
/* harmony export */   iw: () => (/* binding */ waitForNodes),
/* harmony export */   l$: () => (/* binding */ DownloadTracker),
/* harmony export */   s7: () => (/* binding */ waitForInstancesReady),
/* harmony export */   wH: () => (/* binding */ StateResetWatch)
/* harmony export */ });
/* unused harmony exports nodeName, judgeSettlement, effectivePlacement, instanceMatchesPlan, choosePreview, describeDownload, UNREACHABLE_GIVE_UP_MS */
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(74296);
/* harmony import */ var _util_clock_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(97110);
/* harmony import */ var _util_poll_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(66451);
/* harmony import */ var _client_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(74931);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(44299);
/* harmony import */ var _util_number_format_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(72827);






/**
 * Polls `probe` until it returns a value or the deadline passes. Connection errors are retried (a node
 * that is still starting refuses connections); other errors end the wait at once.
 */
async function pollCluster(context, deadlineMs, what, probe, timeoutHint, options = {}) {
    const maxUnreachableMs = options.maxUnreachableMs ?? Infinity;
    let lastConnectionError;
    let unreachableSinceMs;
    return (0,_util_poll_js__WEBPACK_IMPORTED_MODULE_2__/* .pollUntil */ .g)({
        clock: context.clock,
        signal: context.signal,
        deadlineMs,
        async probe() {
            try {
                const outcome = await probe();
                lastConnectionError = undefined;
                unreachableSinceMs = undefined;
                return outcome;
            }
            catch (error) {
                if (!(error instanceof _client_js__WEBPACK_IMPORTED_MODULE_3__/* .ExoConnectionError */ .DN))
                    throw error;
                lastConnectionError = error;
                unreachableSinceMs ??= context.clock.nowMs();
                if (context.clock.nowMs() - unreachableSinceMs >= maxUnreachableMs) {
                    throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ClusterError */ .b$(`Gave up waiting for ${what}: the EXO API has been unreachable for ${(0,_util_clock_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(maxUnreachableMs)} (${error.message}).`, 'The node stopped answering; check that EXO is still running.', { cause: error });
                }
                return { done: false, progress: `API unreachable: ${error.message}` };
            }
        },
        delayMs: (attempt) => options.intervalMs?.(attempt) ?? context.pollIntervalMs,
        progressIntervalMs: context.progressIntervalMs,
        announceAtOnce: true,
        report: ({ progress, startedMs, nowMs }) => context.logger.info(`${what}: ${progress}, ${(0,_util_clock_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(nowMs - startedMs)}`),
        timeout: ({ progress, startedMs, nowMs }) => new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ClusterError */ .b$(`Timed out after ${(0,_util_clock_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(nowMs - startedMs)} waiting for ${what} (${progress}).`, lastConnectionError
            ? 'The EXO API never answered: check that EXO started and listens on that port.'
            : timeoutHint, { cause: lastConnectionError }),
    });
}
/**
 * Remembers the highest `lastEventAppliedIdx` seen. EXO's counter only grows, except when a master
 * election hands the cluster to a node that starts from an empty state (exo-api.md §12.2): then it
 * falls back, and the instances placed before are gone. Shared by every poll of one run.
 */
class StateResetWatch {
    highestIdx = -1;
    /** Every fall seen: when, and from what to what. */
    resets = [];
    /** Records one observation; true when it shows a reset. */
    observe(eventIdx, atMs) {
        if (eventIdx === undefined)
            return false;
        const reset = eventIdx < this.highestIdx;
        if (reset)
            this.resets.push({ at_ms: atMs, from_event_idx: this.highestIdx, to_event_idx: eventIdx });
        this.highestIdx = reset ? eventIdx : Math.max(this.highestIdx, eventIdx);
        return reset;
    }
    /** The error to report when instances vanished and the state was reset. */
    error(lost) {
        const last = this.resets[this.resets.length - 1];
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ClusterError */ .b$(`EXO's cluster state was reset${last ? ` (lastEventAppliedIdx fell from ${last.from_event_idx} to ${last.to_event_idx})` : ''}: a master election gave the cluster a new master, which starts from an empty state, and ${lost} went with it.`, "A node joined or left while the run was under way. Start the primary's EXO with --force-master (the action puts it in EXO_BENCH_EXO_ARGS on the primary only), and start every node before the primary places the models.");
    }
}
/** Reads the whole state as a view (and tells the context's reset watch what it saw). */
async function readView(context) {
    const view = (0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .readClusterView */ .Ou)(await context.client.state(context.signal));
    context.resetWatch?.observe(view.lastEventAppliedIdx, context.clock.nowMs());
    return view;
}
/** Waits until this node's API answers `/node_id`; returns the node's ID. */
async function waitForApi(context, deadlineMs) {
    return pollCluster(context, deadlineMs, 'the EXO API', async () => ({ done: true, value: await context.client.nodeId(context.signal) }), 'Check that EXO started.');
}
/** A node as people know it: its friendly name (the Mac's name) and the start of its ID. */
function nodeName(view, nodeId) {
    const friendly = view.identities.get(nodeId)?.friendlyName;
    const short = nodeId.slice(0, 8);
    return friendly ? `${friendly} (${short})` : short;
}
/** Every way of choosing `k` of `items`, in order (bounded by the caller: clusters are small). */
function combinations(items, k) {
    if (k === 0)
        return [[]];
    if (items.length < k)
        return [];
    const [first, ...rest] = items;
    return [...combinations(rest, k - 1).map((c) => [first, ...c]), ...combinations(rest, k)];
}
/**
 * Judges whether the cluster has settled (exo-api.md §2.3, §12.1): `expectedNodes` nodes in the topology,
 * each reporting memory and backends, and (for more than one node) topology links that form a cycle
 * through them. Nodes show up seconds before their links exist (each worker probes its peers every
 * 10 s); a placement in that window can only use one node.
 */
function judgeSettlement(view, expectedNodes) {
    const missing = [];
    if (view.nodeIds.length < expectedNodes)
        missing.push(`nodes ${view.nodeIds.length}/${expectedNodes}`);
    const noMemory = view.nodeIds.filter((id) => !view.memory.has(id));
    const noBackends = view.nodeIds.filter((id) => !view.backends.has(id));
    if (noMemory.length > 0)
        missing.push(`no memory report from ${noMemory.map((id) => nodeName(view, id)).join(', ')}`);
    // EXO before nodeBackends (eras A/B) has no such map at all: only require it where it exists.
    if (noBackends.length > 0 && view.backends.size > 0)
        missing.push(`no backends report from ${noBackends.map((id) => nodeName(view, id)).join(', ')}`);
    if (missing.length > 0)
        return { missing };
    const candidates = view.nodeIds.filter((id) => view.memory.has(id));
    if (expectedNodes <= 1)
        return { nodeIds: candidates.slice(0, Math.max(1, expectedNodes)), missing };
    // A cluster has a handful of nodes; more candidates than expected happen only with a stale node.
    const subsets = candidates.length <= 12 ? combinations(candidates, expectedNodes) : [candidates];
    for (const subset of subsets) {
        if (subset.length === expectedNodes && (0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .findCycle */ .u8)(subset, view.links))
            return { nodeIds: subset, missing };
    }
    const unlinked = [];
    const pool = candidates.slice(0, 12);
    for (let i = 0; i < pool.length; i++) {
        for (let j = i + 1; j < pool.length; j++) {
            const a = pool[i];
            const b = pool[j];
            const there = view.links.get(a)?.has(b) ?? false;
            const back = view.links.get(b)?.has(a) ?? false;
            if (!there || !back)
                unlinked.push(`${nodeName(view, a)} ${there ? '→' : back ? '←' : '↮'} ${nodeName(view, b)}${there || back ? ' (one way only)' : ''}`);
        }
    }
    missing.push(unlinked.length > 0
        ? `not linked: ${unlinked.join(', ')}`
        : `no cycle of ${expectedNodes} linked nodes yet`);
    return { missing };
}
/**
 * Waits until the cluster has settled for a placement across `expectedNodes` nodes (judgeSettlement).
 * Progress: `nodes 4/4; not linked: studio-2 ↮ studio-3, 14s`. A secondary waits for the same, so the
 * jobs agree on what the cluster is.
 */
async function waitForNodes(context, expectedNodes, deadlineMs) {
    return pollCluster(context, deadlineMs, 'the cluster to settle', async () => {
        const view = await readView(context);
        const settlement = judgeSettlement(view, expectedNodes);
        return settlement.nodeIds
            ? { done: true, value: view }
            : { done: false, progress: settlement.missing.join('; ') };
    }, "Not every node joined and linked up: check that all matrix jobs started EXO, with the same --namespace and the same --api-port (EXO probes its peers' GET /node_id on its own API port every 10 s), and that the machines can reach each other on that port.");
}
/** The sharding and instance kind EXO gives a placement (one node is always Pipeline + MlxRing). */
function effectivePlacement(plan) {
    return plan.nodeCount === 1
        ? { sharding: 'Pipeline', instanceMeta: 'MlxRing' }
        : { sharding: plan.sharding, instanceMeta: plan.instanceMeta };
}
/** Whether an instance is what the plan asks: its node count, instance kind and shard kind. */
function instanceMatchesPlan(instance, plan) {
    const { sharding, instanceMeta } = effectivePlacement(plan);
    const problems = [];
    if (instance.nodeIds.length !== plan.nodeCount)
        problems.push(`${instance.nodeIds.length} node${instance.nodeIds.length === 1 ? '' : 's'} instead of ${plan.nodeCount}`);
    if (instance.kind !== `${instanceMeta}Instance`)
        problems.push(`${instance.kind} instead of ${instanceMeta}Instance`);
    if (instance.shardKind !== `${sharding}ShardMetadata`)
        problems.push(`${instance.shardKind || 'no shards'} instead of ${sharding}ShardMetadata`);
    return problems.length > 0 ? problems.join(', ') : undefined;
}
/**
 * Chooses a placement from EXO's previews: only those whose instance spans exactly the plan's node
 * count with the asked sharding and instance kind (trusting the instance's own tags: a preview's labels
 * can disagree with it). A preview with fewer nodes is never taken, even when it is all EXO can offer:
 * that is what it offers while the topology links are still forming (exo-api.md §12.1).
 */
function choosePreview(previews, plan) {
    // Only previews EXO computed for the asked sharding and kind: on one node EXO itself turns them into
    // Pipeline + MlxRing, which is accepted; another label's preview would be a different benchmark.
    const labelled = previews.filter((p) => p.sharding === plan.sharding && p.instance_meta === plan.instanceMeta);
    for (const preview of labelled) {
        if (!preview.instance || preview.error)
            continue;
        const instance = (0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .readInstance */ .oK)('', preview.instance);
        if (instance && instance.instanceId && !instanceMatchesPlan(instance, plan))
            return { preview, instance };
    }
    if (previews.length === 0)
        return { error: 'EXO offered no placement at all (is the topology empty?)' };
    const reasons = [...new Set(labelled.map((p) => p.error).filter((e) => Boolean(e)))];
    const largest = Math.max(0, ...labelled.map((p) => p.instance && !p.error ? ((0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .readInstance */ .oK)('', p.instance)?.nodeIds.length ?? 0) : 0));
    const offered = largest > 0 && largest < plan.nodeCount
        ? ` (EXO offers placements on ${largest} node${largest === 1 ? '' : 's'} at most)`
        : '';
    return {
        error: `no ${plan.sharding}/${plan.instanceMeta} placement across ${plan.nodeCount} node${plan.nodeCount === 1 ? '' : 's'}${offered}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`,
    };
}
/**
 * Placement errors that waiting cannot cure once the cluster has settled: the model or the config rules
 * the placement out (RDMA links are known from each node's start, unlike the socket links that form).
 */
const PERMANENT_PLACEMENT_ERROR = /does not support tensor parallelism|No tensor sharding found|cannot satisfy engine|Model card not found|no RDMA-connected cycles/i;
/** First and largest gap between two placement attempts, ms (EXO's harness retries the same way). */
const PLACEMENT_RETRY_FIRST_MS = 1_000;
const PLACEMENT_RETRY_MAX_MS = 8_000;
/**
 * Places one instance of `modelId` across exactly the plan's nodes: asks for previews until one fits
 * (with back-off and progress lines, until the deadline), posts it with `POST /instance` (so its ID is
 * known), waits until it shows in the state, and checks that EXO created what was posted. Returns the
 * instance as placed. Never places fewer nodes than planned.
 */
async function placeInstance(context, modelId, plan, deadlineMs) {
    const chosen = await pollCluster(context, deadlineMs, `a placement of ${modelId} across ${plan.nodeCount} node${plan.nodeCount === 1 ? '' : 's'}`, async () => {
        const choice = choosePreview(await context.client.previews(modelId, context.signal), plan);
        if ('preview' in choice)
            return { done: true, value: choice };
        if (PERMANENT_PLACEMENT_ERROR.test(choice.error)) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ClusterError */ .b$(`Cannot place ${modelId}: ${choice.error}`, 'Check the model ID and sharding/instance_meta in the config: this placement is impossible for this model.');
        }
        return { done: false, progress: choice.error };
    }, 'Check the free memory of the nodes (OVERRIDE_MEMORY_MB is honoured on Linux only), that every node is linked to the others, and sharding/instance_meta in the config.', {
        // Back off: each preview request makes the master compute every placement.
        intervalMs: (attempt) => Math.min(PLACEMENT_RETRY_MAX_MS, PLACEMENT_RETRY_FIRST_MS * 2 ** (attempt - 1)),
    });
    const { instance } = chosen;
    await context.client.createInstance(chosen.preview.instance, context.signal);
    context.logger.info(`placed ${modelId} as ${instance.instanceId} (${instance.kind}, ${instance.shardKind}, ${instance.nodeIds.length} node${instance.nodeIds.length === 1 ? '' : 's'})`);
    const placed = await pollCluster(context, deadlineMs, `instance ${instance.instanceId} to appear`, async () => {
        const found = await context.client.instance(instance.instanceId, context.signal);
        return found === undefined
            ? { done: false, progress: 'not in the state yet' }
            : { done: true, value: (0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .readInstance */ .oK)(instance.instanceId, found) };
    }, 'EXO accepted the instance but never created it; its log says why.');
    const mismatch = placed ? instanceMatchesPlan(placed, plan) : 'unreadable instance';
    const otherNodes = placed && placed.nodeIds.slice().sort().join() !== instance.nodeIds.slice().sort().join();
    if (!placed || mismatch || otherNodes) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ClusterError */ .b$(`EXO created instance ${instance.instanceId} of ${modelId} unlike the plan: ${mismatch ?? 'on other nodes than the preview named'}.`, 'The cluster changed between the preview and the placement (a node joined or left); run again once it is stable.');
    }
    return placed;
}
/** `download on studio-2 (5f0c9a1e): 45% of 730 MB at 52 MB/s, ETA 12s` */
function describeDownload(view, download) {
    const where = `download on ${nodeName(view, download.nodeId)}`;
    if (download.status === 'Failed')
        return `${where} failed: ${download.errorMessage ?? 'no message'}`;
    if (!download.totalBytes || download.downloadedBytes === undefined)
        return `${where} ${download.status}`;
    const percent = Math.floor((100 * download.downloadedBytes) / download.totalBytes);
    const megabytes = (bytes) => `${(0,_util_number_format_js__WEBPACK_IMPORTED_MODULE_5__/* .formatGrouped */ .O)(Math.round(bytes / 1e6), 0)} MB`;
    const speed = download.speedBytesPerSecond !== undefined && download.speedBytesPerSecond > 0
        ? ` at ${megabytes(download.speedBytesPerSecond)}/s`
        : '';
    const eta = download.etaMs !== undefined && download.etaMs > 0 ? `, ETA ${(0,_util_clock_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(download.etaMs)}` : '';
    return `${where}: ${percent}% of ${megabytes(download.totalBytes)}${speed}${eta}`;
}
function describeLoading(view, instance) {
    const parts = [];
    for (const runnerId of instance.runnerIds) {
        const runner = view.runners.get(runnerId);
        if (!runner)
            parts.push('runner not created');
        else if (runner.status === 'Loading' && runner.totalLayers)
            parts.push(`Loading ${runner.layersLoaded ?? 0}/${runner.totalLayers} layers`);
        else
            parts.push(runner.status);
    }
    const downloads = view.downloads.filter((d) => d.modelId === instance.modelId && instance.nodeIds.includes(d.nodeId) && d.status !== 'Completed');
    for (const download of downloads)
        parts.push(describeDownload(view, download));
    return `${instance.modelId}: ${parts.join(', ') || 'waiting'}`;
}
/**
 * Watches the downloads of the placed instances while runners load, so the results can report the time
 * spent downloading apart from the benchmark (a model already in the models dir counts 0 s).
 */
class DownloadTracker {
    seen = new Map();
    observe(view, instanceIds, nowMs) {
        for (const instanceId of instanceIds) {
            const instance = view.instances.get(instanceId);
            if (!instance)
                continue;
            for (const download of view.downloads) {
                if (download.modelId !== instance.modelId || !instance.nodeIds.includes(download.nodeId))
                    continue;
                const entry = this.seen.get(instance.modelId);
                const bytes = Math.max(entry?.bytes ?? 0, download.totalBytes ?? 0);
                if (download.status === 'Completed') {
                    if (entry)
                        entry.bytes = bytes;
                    continue;
                }
                if (entry)
                    Object.assign(entry, { lastIncompleteMs: nowMs, bytes });
                else
                    this.seen.set(instance.modelId, { firstMs: nowMs, lastIncompleteMs: nowMs, bytes });
            }
        }
    }
    /** Models that had to be downloaded, with the time it took (to the last poll that saw them incomplete). */
    times() {
        return [...this.seen].map(([modelId, entry]) => ({
            model_id: modelId,
            bytes: entry.bytes,
            seconds: Math.round((entry.lastIncompleteMs - entry.firstMs) / 10) / 100,
        }));
    }
}
/**
 * Waits until every runner of every instance is Ready or Running. A `RunnerFailed` is latched (EXO
 * overwrites it with the retry's RunnerIdle within a second) and becomes the error if the instance
 * then vanishes (EXO deletes it after 5 failed runner creations) or the deadline passes.
 */
async function waitForInstancesReady(context, instanceIds, deadlineMs, downloads) {
    const latchedFailures = new Map();
    const resetsBefore = context.resetWatch?.resets.length ?? 0;
    try {
        return await pollCluster(context, deadlineMs, 'runners to be ready', async () => {
            const view = await readView(context);
            downloads?.observe(view, instanceIds, context.clock.nowMs());
            const waiting = [];
            for (const instanceId of instanceIds) {
                const instance = view.instances.get(instanceId);
                if (!instance) {
                    // Only a reset since the wait began took the instance (one while the cluster formed did not).
                    if ((context.resetWatch?.resets.length ?? 0) > resetsBefore)
                        throw context.resetWatch.error(`instance ${instanceId}`);
                    const failure = latchedFailures.get(instanceId);
                    throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ClusterError */ .b$(`Instance ${instanceId} vanished while loading${failure ? `: runner failed: ${failure}` : ''}.`, failure
                        ? 'EXO deleted the instance after its runners kept failing; the runner error above says why.'
                        : 'EXO deleted the instance (a node may have left the cluster); check the EXO logs.');
                }
                for (const runnerId of instance.runnerIds) {
                    const runner = view.runners.get(runnerId);
                    if (runner?.status === 'Failed') {
                        latchedFailures.set(instanceId, runner.errorMessage ?? 'no message');
                        context.logger.warning(`runner ${runnerId} of ${instance.modelId} failed: ${runner.errorMessage ?? ''}`);
                    }
                }
                if (!(0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .isInstanceReady */ .pI)(view, instance))
                    waiting.push(describeLoading(view, instance));
            }
            if (waiting.length === 0)
                return { done: true, value: view };
            return { done: false, progress: waiting.join('; ') };
        }, 'Loading took longer than timeout_seconds, which includes downloading models that are not in the models dir yet: raise it for a first run, pre-stage the models (the models-dir input, kept between runs), or check the runner logs.');
    }
    catch (error) {
        if (error instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ClusterError */ .b$ && latchedFailures.size > 0 && !/runner failed/.test(error.message)) {
            const failures = [...latchedFailures.values()].join('; ');
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ClusterError */ .b$(`${error.message} Runner failure seen: ${failures}`, error.hint, {
                cause: error,
            });
        }
        throw error;
    }
}
/**
 * Secondary nodes: waits until the primary's instances exist (one per `model_ids` entry, repeats
 * counted) and are ready. Returns their IDs.
 */
async function waitForModelInstancesReady(context, modelIds, deadlineMs) {
    const wanted = new Map();
    for (const modelId of modelIds)
        wanted.set(modelId, (wanted.get(modelId) ?? 0) + 1);
    return pollCluster(context, deadlineMs, "the primary's instances", async () => {
        const view = await readView(context);
        const readyIds = [];
        const progress = [];
        for (const [modelId, count] of wanted) {
            const instances = [...view.instances.values()].filter((i) => i.modelId === modelId);
            const ready = instances.filter((i) => (0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .isInstanceReady */ .pI)(view, i));
            readyIds.push(...ready.map((i) => i.instanceId));
            progress.push(`${modelId} ${ready.length}/${count} ready (${instances.length} placed)`);
            if (ready.length < count)
                return { done: false, progress: progress.join('; ') };
        }
        return { done: true, value: readyIds };
    }, 'The primary never placed the models: check the primary job.');
}
/**
 * How long draining and cleanup keep trying an API that refuses connections. Bring-up waits tolerate
 * unreachable nodes until their deadline (EXO may still be starting); at the end of a run a node that
 * stopped answering has died, and waiting a minute for it helps nobody.
 */
const UNREACHABLE_GIVE_UP_MS = 5_000;
/** Waits until no `TextGeneration` task is Pending or Running anywhere in the cluster. */
async function waitForQuiet(context, deadlineMs) {
    try {
        await pollCluster(context, deadlineMs, 'in-flight requests to drain', async () => {
            const tasks = await context.client.statePath('tasks', context.signal);
            const { total } = (0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .countInFlight */ .Z)(tasks ?? {});
            return total === 0 ? { done: true, value: true } : { done: false, progress: `${total} in flight` };
        }, '', { maxUnreachableMs: UNREACHABLE_GIVE_UP_MS });
        return true;
    }
    catch (error) {
        if (error instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ClusterError */ .b$ && /^(Timed out|Gave up)/.test(error.message)) {
            context.logger.warning(`${error.message} Continuing.`);
            return false;
        }
        throw error;
    }
}
/** Deletes instances and confirms each is gone (404). Returns the IDs that could not be confirmed. */
async function deleteInstances(context, instanceIds, deadlineMs) {
    const remaining = [];
    for (const instanceId of instanceIds) {
        try {
            await context.client.deleteInstance(instanceId, context.signal);
            await pollCluster(context, deadlineMs, `instance ${instanceId} to be deleted`, async () => (await context.client.instance(instanceId, context.signal)) === undefined
                ? { done: true, value: true }
                : { done: false, progress: 'still present' }, 'EXO accepted the deletion but kept the instance.', { maxUnreachableMs: UNREACHABLE_GIVE_UP_MS });
            context.logger.info(`deleted instance ${instanceId}`);
        }
        catch (error) {
            context.logger.warning(`could not confirm deletion of instance ${instanceId}: ${error instanceof Error ? error.message : String(error)}`);
            remaining.push(instanceId);
        }
    }
    return remaining;
}
/**
 * Secondary nodes: waits until the primary has deleted the given instances. Ends with a ClusterError
 * at the deadline, as soon as a watched node leaves the topology (checked before the instances, since
 * EXO deletes a departed node's instances and that must not read as the primary's clean-up), or once
 * this node's own API has been unreachable for UNREACHABLE_GIVE_UP_MS (its EXO died).
 */
async function waitForInstancesGone(context, instanceIds, deadlineMs, options = {}) {
    const watched = options.watchedNodeIds ?? [];
    const resetsBefore = context.resetWatch?.resets.length ?? 0;
    await pollCluster(context, deadlineMs, 'the primary to finish and delete its instances', async () => {
        const view = await readView(context);
        // An empty topology is a state this node cannot judge from (EXO restarting), not a departure.
        const gone = view.nodeIds.length === 0 ? [] : watched.filter((id) => !view.nodeIds.includes(id));
        if (gone.length > 0) {
            const names = gone.map((id) => {
                const name = options.nodeNames?.get(id);
                return name ? `${id} (${name})` : id;
            });
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ClusterError */ .b$(`Node${gone.length === 1 ? '' : 's'} ${names.join(', ')} left the cluster while the primary was running the stages; the run cannot finish as planned.`, "A node's EXO stopped or lost the network (if it was the primary's, the primary job died). Check that job and the EXO logs.");
        }
        const left = instanceIds.filter((id) => view.instances.has(id));
        if (left.length < instanceIds.length && (context.resetWatch?.resets.length ?? 0) > resetsBefore) {
            // A reset empties the state, so the instances are gone either way. Before the stages could
            // have run, the master (the primary, usually) went away mid-run: say so.
            if (context.clock.nowMs() < (options.earliestFinishMs ?? -Infinity))
                throw context.resetWatch.error("the primary's instances");
            // Later, it cannot be told from the reset that follows the primary's EXO stopping after its
            // clean-up (EXO elects a new master then too); the primary's own job reports a mid-run reset.
            context.logger.warning("the primary's instances vanished with a reset of EXO's state (a master election); if the primary had not finished, its job reports the reset");
            return { done: true, value: undefined };
        }
        return left.length === 0
            ? { done: true, value: undefined }
            : { done: false, progress: `${left.length} instance${left.length === 1 ? '' : 's'} still present` };
    }, 'The primary did not finish in time: check the primary job (it may have failed or still be running).', { maxUnreachableMs: UNREACHABLE_GIVE_UP_MS });
}


/***/ }),

/***/ 44299:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $$: () => (/* binding */ bytesOf),
/* harmony export */   Ou: () => (/* binding */ readClusterView),
/* harmony export */   Z: () => (/* binding */ countInFlight),
/* harmony export */   dS: () => (/* binding */ countTasksByStatus),
/* harmony export */   oK: () => (/* binding */ readInstance),
/* harmony export */   pI: () => (/* binding */ isInstanceReady),
/* harmony export */   u8: () => (/* binding */ findCycle)
/* harmony export */ });
/* unused harmony exports untag, READY_RUNNER_STATUSES */
/**
 * Reads the parts of EXO's `/state` a benchmark needs, from the current API (era C in exo-api.md §10)
 * and, for reading only, the older `nodeProfiles` one (eras A/B). Everything here is pure: it takes
 * parsed JSON and never throws on unexpected shapes (a missing map is simply empty).
 */
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function objectAt(value, key) {
    if (!isObject(value))
        return {};
    const inner = value[key];
    return isObject(inner) ? inner : {};
}
/** Splits a tagged union `{"Tag": {...}}` into its tag and body. */
function untag(value) {
    if (!isObject(value))
        return undefined;
    const keys = Object.keys(value);
    if (keys.length !== 1)
        return undefined;
    const tag = keys[0];
    const body = value[tag];
    return { tag, body: isObject(body) ? body : {} };
}
/** `{"inBytes": n}` or `{"in_bytes": n}` → n; anything else → undefined. */
function bytesOf(value) {
    if (!isObject(value))
        return undefined;
    const n = value.inBytes ?? value.in_bytes;
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}
function readNodeIds(state) {
    const nodes = objectAt(state, 'topology').nodes;
    if (!Array.isArray(nodes))
        return [];
    const ids = [];
    for (const node of nodes) {
        // Era C lists bare IDs; eras A/B list `{nodeId, nodeProfile}` objects.
        if (typeof node === 'string')
            ids.push(node);
        else if (isObject(node) && typeof node.nodeId === 'string')
            ids.push(node.nodeId);
    }
    return ids;
}
function readMemory(state) {
    const memory = new Map();
    const add = (nodeId, entry) => {
        const total = bytesOf(objectAt({ e: entry }, 'e').ramTotal);
        const available = bytesOf(objectAt({ e: entry }, 'e').ramAvailable);
        if (total !== undefined && available !== undefined)
            memory.set(nodeId, { totalBytes: total, availableBytes: available });
    };
    for (const [nodeId, entry] of Object.entries(objectAt(state, 'nodeMemory')))
        add(nodeId, entry);
    for (const [nodeId, profile] of Object.entries(objectAt(state, 'nodeProfiles'))) {
        if (!memory.has(nodeId))
            add(nodeId, objectAt(profile, 'memory'));
    }
    return memory;
}
function readIdentities(state) {
    const identities = new Map();
    const add = (nodeId, entry) => {
        identities.set(nodeId, {
            chip: typeof entry.chipId === 'string' ? entry.chipId : '',
            friendlyName: typeof entry.friendlyName === 'string' ? entry.friendlyName : '',
            model: typeof entry.modelId === 'string' ? entry.modelId : '',
        });
    };
    for (const [nodeId, entry] of Object.entries(objectAt(state, 'nodeIdentities')))
        if (isObject(entry))
            add(nodeId, entry);
    for (const [nodeId, entry] of Object.entries(objectAt(state, 'nodeProfiles'))) {
        if (!identities.has(nodeId) && isObject(entry))
            add(nodeId, entry);
    }
    return identities;
}
/** Reads one instance's JSON (tagged, camelCase; snake_case also accepted). */
function readInstance(instanceId, value) {
    const tagged = untag(value);
    if (!tagged)
        return undefined;
    const body = tagged.body;
    const assignments = objectAt(body, 'shardAssignments');
    const assignmentsSnake = objectAt(body, 'shard_assignments');
    const modelId = assignments.modelId ?? assignmentsSnake.model_id;
    const runnerToShard = isObject(assignments.runnerToShard)
        ? assignments.runnerToShard
        : objectAt(assignmentsSnake, 'runner_to_shard');
    const nodeToRunner = isObject(assignments.nodeToRunner)
        ? assignments.nodeToRunner
        : objectAt(assignmentsSnake, 'node_to_runner');
    const firstShard = untag(Object.values(runnerToShard)[0]);
    const id = body.instanceId ?? body.instance_id;
    return {
        instanceId: typeof id === 'string' ? id : instanceId,
        modelId: typeof modelId === 'string' ? modelId : '',
        kind: tagged.tag,
        runnerIds: Object.keys(runnerToShard),
        nodeIds: Object.keys(nodeToRunner),
        shardKind: firstShard?.tag ?? '',
    };
}
function readRunners(state) {
    const runners = new Map();
    for (const [runnerId, value] of Object.entries(objectAt(state, 'runners'))) {
        const tagged = untag(value);
        if (!tagged)
            continue;
        const view = { status: tagged.tag.replace(/^Runner/, '') };
        const body = tagged.body;
        if (typeof body.layersLoaded === 'number')
            view.layersLoaded = body.layersLoaded;
        if (typeof body.totalLayers === 'number')
            view.totalLayers = body.totalLayers;
        if (typeof body.errorMessage === 'string')
            view.errorMessage = body.errorMessage;
        runners.set(runnerId, view);
    }
    return runners;
}
function readDownloads(state) {
    const downloads = [];
    for (const [nodeId, entries] of Object.entries(objectAt(state, 'downloads'))) {
        if (!Array.isArray(entries))
            continue;
        for (const entry of entries) {
            const tagged = untag(entry);
            if (!tagged)
                continue;
            const shard = untag(tagged.body.shardMetadata);
            const modelCard = objectAt(shard?.body, 'modelCard');
            const view = {
                nodeId,
                modelId: typeof modelCard.modelId === 'string' ? modelCard.modelId : '',
                status: tagged.tag.replace(/^Download/, ''),
            };
            const progress = objectAt(tagged.body, 'downloadProgress');
            const downloaded = bytesOf(progress.downloaded) ?? bytesOf(tagged.body.downloaded);
            const total = bytesOf(progress.total) ?? bytesOf(tagged.body.total);
            if (downloaded !== undefined)
                view.downloadedBytes = downloaded;
            if (total !== undefined)
                view.totalBytes = total;
            if (typeof progress.speed === 'number' && Number.isFinite(progress.speed))
                view.speedBytesPerSecond = progress.speed;
            if (typeof progress.etaMs === 'number' && Number.isFinite(progress.etaMs))
                view.etaMs = progress.etaMs;
            if (typeof tagged.body.errorMessage === 'string')
                view.errorMessage = tagged.body.errorMessage;
            downloads.push(view);
        }
    }
    return downloads;
}
function readBackends(state) {
    const backends = new Map();
    for (const [nodeId, list] of Object.entries(objectAt(state, 'nodeBackends'))) {
        if (Array.isArray(list))
            backends.set(nodeId, list.filter((b) => typeof b === 'string'));
    }
    return backends;
}
/**
 * Topology edges of era C (`connections: {source: {sink: [edge, …]}}`), and of eras A/B (a list of
 * `{localNodeId, sendBackNodeId, sendBackMultiaddr}`), with the API address a socket edge names.
 */
function readLinks(state) {
    const links = new Map();
    const apiAddresses = new Map();
    const add = (source, sink) => {
        if (source === sink)
            return;
        let sinks = links.get(source);
        if (!sinks)
            links.set(source, (sinks = new Set()));
        sinks.add(sink);
    };
    const connections = objectAt(state, 'topology').connections;
    if (isObject(connections)) {
        for (const [source, sinks] of Object.entries(connections)) {
            if (!isObject(sinks))
                continue;
            for (const [sink, edges] of Object.entries(sinks)) {
                if (!Array.isArray(edges) || edges.length === 0)
                    continue;
                add(source, sink);
                for (const edge of edges) {
                    const address = objectAt(edge, 'sinkMultiaddr');
                    const ip = address.ip_address ?? address.ipAddress;
                    const port = address.port;
                    if (typeof ip === 'string' && typeof port === 'number' && !apiAddresses.has(sink))
                        apiAddresses.set(sink, { ip, port });
                }
            }
        }
    }
    else if (Array.isArray(connections)) {
        for (const edge of connections) {
            if (isObject(edge) && typeof edge.localNodeId === 'string' && typeof edge.sendBackNodeId === 'string')
                add(edge.localNodeId, edge.sendBackNodeId);
        }
    }
    return { links, apiAddresses };
}
/**
 * A cycle that visits every one of `nodeIds` once over the directed `links` (what an N-node MlxRing or
 * pipeline placement needs, exo-api.md §12.1), or undefined. One node needs no link. Exhaustive search,
 * fine for the handful of nodes a cluster has (a benchmark plan of more than 12 nodes is only checked
 * for strong connectivity, which every such cycle implies).
 */
function findCycle(nodeIds, links) {
    if (nodeIds.length <= 1)
        return [...nodeIds];
    const members = new Set(nodeIds);
    const linked = (a, b) => links.get(a)?.has(b) ?? false;
    if (nodeIds.length > 12) {
        const reach = (from, forward) => {
            const seen = new Set([from]);
            const queue = [from];
            while (queue.length > 0) {
                const at = queue.pop();
                for (const next of members)
                    if (!seen.has(next) && (forward ? linked(at, next) : linked(next, at))) {
                        seen.add(next);
                        queue.push(next);
                    }
            }
            return seen;
        };
        const first = nodeIds[0];
        return reach(first, true).size === members.size && reach(first, false).size === members.size
            ? [...nodeIds]
            : undefined;
    }
    const start = nodeIds[0];
    const path = [start];
    const used = new Set(path);
    const extend = () => {
        const last = path[path.length - 1];
        if (path.length === nodeIds.length)
            return linked(last, start);
        for (const next of nodeIds) {
            if (used.has(next) || !linked(last, next))
                continue;
            path.push(next);
            used.add(next);
            if (extend())
                return true;
            path.pop();
            used.delete(next);
        }
        return false;
    };
    return extend() ? path : undefined;
}
/** Task tags that are requests: `TextGeneration` today, `ChatCompletion` before 2026-02-02. */
const REQUEST_TASK_TAGS = new Set(['TextGeneration', 'ChatCompletion']);
const IN_FLIGHT_STATUSES = new Set(['Pending', 'Running']);
/**
 * Counts in-flight requests per instance. Only request tasks count: bookkeeping tasks (downloads,
 * loading, warmup) also live in `tasks`, are never removed, and a DownloadModel task stays Running.
 */
function countInFlight(tasks) {
    const byInstance = new Map();
    let total = 0;
    if (!isObject(tasks))
        return { byInstance, total };
    for (const value of Object.values(tasks)) {
        const tagged = untag(value);
        if (!tagged || !REQUEST_TASK_TAGS.has(tagged.tag))
            continue;
        if (!IN_FLIGHT_STATUSES.has(String(tagged.body.taskStatus)))
            continue;
        const instanceId = String(tagged.body.instanceId ?? '');
        byInstance.set(instanceId, (byInstance.get(instanceId) ?? 0) + 1);
        total += 1;
    }
    return { byInstance, total };
}
/**
 * Counts request tasks per instance and status (the seed's snapshots kept Pending and Running apart);
 * same tasks as {@link countInFlight}.
 */
function countTasksByStatus(tasks) {
    const byInstance = new Map();
    if (!isObject(tasks))
        return byInstance;
    for (const value of Object.values(tasks)) {
        const tagged = untag(value);
        if (!tagged || !REQUEST_TASK_TAGS.has(tagged.tag))
            continue;
        const status = String(tagged.body.taskStatus);
        if (!IN_FLIGHT_STATUSES.has(status))
            continue;
        const instanceId = String(tagged.body.instanceId ?? '');
        const counts = byInstance.get(instanceId) ?? { pending: 0, running: 0 };
        if (status === 'Pending')
            counts.pending += 1;
        else
            counts.running += 1;
        byInstance.set(instanceId, counts);
    }
    return byInstance;
}
/** Builds the benchmark's view of a parsed `/state` document. */
function readClusterView(state) {
    const root = isObject(state) ? state : {};
    const instances = new Map();
    for (const [instanceId, value] of Object.entries(objectAt(root, 'instances'))) {
        const view = readInstance(instanceId, value);
        if (view)
            instances.set(instanceId, view);
    }
    const inFlight = countInFlight(root.tasks);
    const { links, apiAddresses } = readLinks(root);
    const eventIdx = root.lastEventAppliedIdx;
    return {
        nodeIds: readNodeIds(root),
        memory: readMemory(root),
        identities: readIdentities(root),
        instances,
        runners: readRunners(root),
        downloads: readDownloads(root),
        inFlightByInstance: inFlight.byInstance,
        inFlightTotal: inFlight.total,
        backends: readBackends(root),
        links,
        apiAddresses,
        ...(typeof eventIdx === 'number' ? { lastEventAppliedIdx: eventIdx } : {}),
    };
}
/** Runner statuses that mean "ready to serve" (`Running` = ready and serving). */
const READY_RUNNER_STATUSES = new Set(['Ready', 'Running']);
/** True when the instance has runners and every one of them is Ready or Running. */
function isInstanceReady(view, instance) {
    if (instance.runnerIds.length === 0)
        return false;
    return instance.runnerIds.every((runnerId) => READY_RUNNER_STATUSES.has(view.runners.get(runnerId)?.status ?? ''));
}


/***/ }),

/***/ 59909:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ZV: () => (/* binding */ formatNumber),
/* harmony export */   bp: () => (/* binding */ describeValue),
/* harmony export */   h0: () => (/* binding */ closestMatch),
/* harmony export */   jV: () => (/* binding */ formatPath),
/* harmony export */   uN: () => (/* binding */ describeExpectation)
/* harmony export */ });
/* unused harmony export editDistance */
/* harmony import */ var _stage_keys_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(10001);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `['stages', 2, 'iterations']` → `stages[2].iterations`; odd keys are quoted: `hardware_plan["a.b"]`. */
function formatPath(path) {
    let text = '';
    for (const segment of path) {
        if (typeof segment === 'number')
            text += `[${segment}]`;
        else if (IDENTIFIER.test(segment))
            text += text === '' ? segment : `.${segment}`;
        else
            text += `[${JSON.stringify(segment)}]`;
    }
    return text;
}
/** Integers get thousands separators (`10,000,000`), the YAML spellings stand for non-finite numbers. */
function formatNumber(value) {
    if (Number.isNaN(value))
        return '.nan';
    if (value === Infinity)
        return '.inf';
    if (value === -Infinity)
        return '-.inf';
    if (Number.isInteger(value) && Math.abs(value) >= 10_000 && Math.abs(value) < 1e21) {
        const digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+$)/g, ',');
        return value < 0 ? `-${digits}` : digits;
    }
    return String(value);
}
const MAX_SHOWN_STRING_LENGTH = 60;
function quote(text) {
    const shown = text.length > MAX_SHOWN_STRING_LENGTH ? `${text.slice(0, MAX_SHOWN_STRING_LENGTH)}…` : text;
    return JSON.stringify(shown);
}
/** YAML 1.2 reads these as strings, which surprises users of YAML 1.1 tools. */
const YAML11_BOOLEAN_WORDS = new Set(['yes', 'no', 'on', 'off', 'y', 'n']);
function typesOf(schema) {
    if (schema.type === undefined)
        return schema.enum ? ['string'] : [];
    return typeof schema.type === 'string' ? [schema.type] : [...schema.type];
}
/**
 * Describes a value the user wrote; names its type when the type is what is wrong. `writtenAs` is the
 * number as spelled in the file, shown instead of the parsed value (which may have been rounded).
 */
function describeValue(value, schema, writtenAs) {
    const types = typesOf(schema);
    if (value === null || value === undefined)
        return 'an empty value';
    if (Array.isArray(value))
        return value.length === 0 ? 'an empty list' : 'a list';
    if (typeof value === 'object')
        return Object.keys(value).length === 0 ? 'an empty mapping' : 'a mapping';
    if (typeof value === 'boolean')
        return types.includes('boolean') ? String(value) : `${value} (a boolean)`;
    if (typeof value === 'number') {
        const shown = writtenAs ?? formatNumber(value);
        if (!Number.isFinite(value)) {
            // `1e400` is finite on paper; YAML reads it as infinity.
            const spelledInfinite = writtenAs === undefined || /inf|nan/i.test(writtenAs);
            return spelledInfinite
                ? `${shown} (not a finite number)`
                : `${shown} (too large: YAML reads it as infinity)`;
        }
        if (types.includes('number'))
            return shown;
        if (types.includes('integer'))
            return Number.isInteger(value) ? shown : `${shown} (not an integer)`;
        return `${shown} (a number)`;
    }
    if (typeof value === 'string') {
        if (types.includes('string'))
            return quote(value);
        if (types.includes('boolean') && YAML11_BOOLEAN_WORDS.has(value.toLowerCase())) {
            return `${quote(value)} (a string: YAML 1.2 reads yes/no/on/off as text)`;
        }
        return `${quote(value)} (a string)`;
    }
    return `a ${typeof value}`;
}
function joinAlternatives(items) {
    if (items.length <= 1)
        return items.join('');
    return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
function lowerBound(schema) {
    if (schema.exclusiveMinimum !== undefined)
        return `> ${formatNumber(schema.exclusiveMinimum)}`;
    if (schema.minimum !== undefined)
        return `≥ ${formatNumber(schema.minimum)}`;
    return undefined;
}
function plural(noun) {
    return noun.endsWith('s') ? noun : `${noun}s`;
}
/**
 * What a schema node accepts, in words. `failed` holds the keywords the value broke: the bound that was
 * broken is the one named (`≤ 10,000,000` only matters to someone who wrote more).
 */
function describeExpectation(schema, failed = new Set(), hiddenEnumValues = []) {
    if (schema.enum) {
        const shown = schema.enum.filter((value) => !hiddenEnumValues.includes(value));
        return joinAlternatives(shown.map((value) => JSON.stringify(value)));
    }
    const types = typesOf(schema);
    if (types.length > 1) {
        if (failed.has('maximum') && schema.maximum !== undefined)
            return `a number ≤ ${formatNumber(schema.maximum)}`;
        if (failed.has('minimum') && schema.minimum !== undefined)
            return `a number ≥ ${formatNumber(schema.minimum)}`;
        return joinAlternatives(types.map((type) => (type === 'integer' ? 'an integer' : `a ${type}`)));
    }
    switch (types[0]) {
        case 'integer':
        case 'number': {
            const noun = types[0] === 'integer' ? 'an integer' : 'a number';
            if (failed.has('maximum') && schema.maximum !== undefined)
                return `${noun} ≤ ${formatNumber(schema.maximum)}`;
            const bound = lowerBound(schema);
            return bound ? `${noun} ${bound}` : noun;
        }
        case 'string':
            return schema.minLength !== undefined && schema.minLength > 0 ? 'a non-empty string' : 'a string';
        case 'boolean':
            return 'true or false';
        case 'array': {
            const what = schema.items?.title ? ` of ${plural(schema.items.title)}` : '';
            return schema.minItems !== undefined && schema.minItems > 0
                ? `a non-empty list${what}`
                : `a list${what}`;
        }
        case 'object': {
            // A stage requires its load fields in code (a trace stage takes them from its trace), not in the schema.
            const required = schema.title === 'stage' ? ['name', ..._stage_keys_js__WEBPACK_IMPORTED_MODULE_0__/* .STAGE_LOAD_KEYS */ .d] : schema.required;
            if (schema.title && required) {
                return `a ${schema.title} (a mapping with ${joinAlternatives(required).replace(/ or ([^ ]+)$/, ' and $1')})`;
            }
            const keyTitle = schema.propertyNames?.title;
            if (schema.minProperties !== undefined && schema.minProperties > 0 && keyTitle) {
                return `a mapping with at least one ${keyTitle}`;
            }
            return keyTitle ? `a mapping of ${keyTitle} to value` : 'a mapping';
        }
        default:
            return 'a value';
    }
}
/**
 * Edit distance with adjacent transpositions (optimal string alignment), so `iteartions` is one edit
 * from `iterations`, as a person would count it.
 */
function editDistance(a, b) {
    const rows = a.length + 1;
    const columns = b.length + 1;
    const distance = Array.from({ length: rows }, (_, row) => Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)));
    const at = (row, column) => distance[row]?.[column] ?? Infinity;
    for (let row = 1; row < rows; row += 1) {
        for (let column = 1; column < columns; column += 1) {
            const cost = a[row - 1] === b[column - 1] ? 0 : 1;
            let best = Math.min(at(row - 1, column) + 1, at(row, column - 1) + 1, at(row - 1, column - 1) + cost);
            if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) {
                best = Math.min(best, at(row - 2, column - 2) + 1);
            }
            distance[row][column] = best;
        }
    }
    return at(a.length, b.length);
}
/** A shortened key (`timeout` for `timeout_seconds`) needs this many letters to be recognised. */
const MIN_PREFIX_LENGTH = 4;
/**
 * The candidate closest to `word` (case-insensitive), if it is close enough to be a plausible typo:
 * at most a third of the candidate's length and never more than 3 edits; failing that, the only
 * candidate that starts with `word` (`hardware` → `hardware_plan`).
 */
function closestMatch(word, candidates) {
    const lowerWord = word.toLowerCase();
    let best;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        const distance = editDistance(lowerWord, candidate.toLowerCase());
        const allowed = Math.min(3, Math.max(1, Math.floor(candidate.length / 3)));
        if (distance <= allowed && distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    if (best !== undefined || lowerWord.length < MIN_PREFIX_LENGTH)
        return best;
    const extensions = candidates.filter((candidate) => candidate.toLowerCase().startsWith(lowerWord));
    return extensions.length === 1 ? extensions[0] : undefined;
}


/***/ }),

/***/ 93277:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fh: () => (/* binding */ regressionMetricProblem),
/* harmony export */   Ku: () => (/* binding */ regressionTolerances),
/* harmony export */   b$: () => (/* binding */ TOLERANCE_PATTERN)
/* harmony export */ });
/* unused harmony exports DEFAULT_REGRESSION_TOLERANCES, parseTolerance */
/* harmony import */ var _describe_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(59909);
/* harmony import */ var _metrics_catalog_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(77414);
/**
 * Regression tolerances: how much worse than the baseline a metric may get before it counts as a
 * regression. Written in the config as `regression: { ttft_p95_ms: 10%, output_tokens_per_second: 5% }`;
 * the mapping lists exactly the metrics compared (it replaces the default set, it does not add to it).
 */


/** Compared when the config has no `regression` mapping: the figures people usually chart. */
const DEFAULT_REGRESSION_TOLERANCES = {
    ttft_p50_ms: '10%',
    ttft_p95_ms: '15%',
    tpot_p50_ms: '10%',
    e2e_p50_ms: '10%',
    e2e_p95_ms: '15%',
    output_tokens_per_second: '10%',
    success_rate: '1%',
    // Compared on search stages only (src/verdict/compare.ts): the capacity found, on its bracket.
    capacity_rps: '10%',
    capacity_concurrency: '10%',
};
/** What a tolerance may look like: a percentage, `0%` to `1000%`. */
const TOLERANCE_PATTERN = '^\\s*(\\d+(\\.\\d+)?)\\s*%\\s*$';
/** A tolerance as a ratio (`10%` → 0.1); undefined when not a valid percentage. */
function parseTolerance(text) {
    const match = new RegExp(TOLERANCE_PATTERN).exec(text);
    if (!match)
        return undefined;
    const ratio = Number(match[1]) / 100;
    return ratio <= 10 ? ratio : undefined;
}
/** Checks a metric name of the `regression` mapping; returns the problem, if any. */
function regressionMetricProblem(name) {
    if (_metrics_catalog_js__WEBPACK_IMPORTED_MODULE_1__/* .COMPARABLE_METRIC_NAMES */ .PR.includes(name) || _metrics_catalog_js__WEBPACK_IMPORTED_MODULE_1__/* .CAPACITY_METRIC_NAMES */ .zJ.includes(name))
        return undefined;
    if (_metrics_catalog_js__WEBPACK_IMPORTED_MODULE_1__/* .METRICS */ .Cb.has(name)) {
        return `"${name}" cannot be compared with a baseline (${_metrics_catalog_js__WEBPACK_IMPORTED_MODULE_1__/* .METRICS */ .Cb.get(name)?.stageOnly ? 'it is not recorded per request' : 'the config fixes it'}); use a threshold`;
    }
    const suggestion = (0,_describe_js__WEBPACK_IMPORTED_MODULE_0__/* .closestMatch */ .h0)(name, [..._metrics_catalog_js__WEBPACK_IMPORTED_MODULE_1__/* .COMPARABLE_METRIC_NAMES */ .PR, ..._metrics_catalog_js__WEBPACK_IMPORTED_MODULE_1__/* .CAPACITY_METRIC_NAMES */ .zJ]);
    return suggestion
        ? `unknown metric "${name}"; did you mean "${suggestion}"?`
        : `unknown metric "${name}"; configs/README.md lists the metrics a baseline comparison can use`;
}
/** The tolerances in force, metric → ratio, in the config's order (or the default set). */
function regressionTolerances(regression) {
    const tolerances = new Map();
    for (const [name, text] of Object.entries(regression ?? DEFAULT_REGRESSION_TOLERANCES)) {
        const ratio = parseTolerance(text);
        if (ratio !== undefined && regressionMetricProblem(name) === undefined)
            tolerances.set(name, ratio);
    }
    return tolerances;
}


/***/ }),

/***/ 90131:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   KP: () => (/* binding */ DEFAULT_SEED),
/* harmony export */   Qn: () => (/* binding */ configSchema),
/* harmony export */   T4: () => (/* binding */ RUNNER_LABEL_PATTERN),
/* harmony export */   Tj: () => (/* binding */ DEFAULT_BURSTINESS),
/* harmony export */   UY: () => (/* binding */ SEARCH_KEYS),
/* harmony export */   Uw: () => (/* binding */ TOP_LEVEL_KEYS),
/* harmony export */   VG: () => (/* binding */ ENVIRONMENT_NAME_PATTERN),
/* harmony export */   Wf: () => (/* binding */ STAGE_KEYS),
/* harmony export */   aj: () => (/* binding */ SHARED_PREFIX_KEYS),
/* harmony export */   b1: () => (/* binding */ LIMITS),
/* harmony export */   dH: () => (/* binding */ DEPRECATED_ALIASES),
/* harmony export */   d_: () => (/* binding */ DEFAULT_TRACE_BLOCK_TOKENS),
/* harmony export */   ft: () => (/* binding */ TRACE_DERIVED_KEYS),
/* harmony export */   w4: () => (/* reexport safe */ _stage_keys_js__WEBPACK_IMPORTED_MODULE_2__.d)
/* harmony export */ });
/* unused harmony export renderSchemaJson */
/* harmony import */ var _regression_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(93277);
/* harmony import */ var _target_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(35165);
/* harmony import */ var _stage_keys_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(10001);
/**
 * The JSON schema of a benchmark config: the one source of truth for what a config file may contain,
 * its types, limits and defaults. The loader validates with it (through ajv, which also fills in the
 * defaults) and `configs/schema.json` is this object written out for editors; a test fails when the two
 * drift apart (`UPDATE_SCHEMA=1 npm test -- __tests__/config/schema` rewrites the file).
 *
 * What JSON schema cannot say is checked in code (src/config/validate.ts) and listed in `LIMITS`:
 * unique stage names, `warmup_requests < iterations`, the stage duration cap and the matrix size cap,
 * threshold expressions and the metric names of `regression` (src/verdict/).
 */


const SECONDS_PER_DAY = 86_400;
/** The run-level `seed` when the config names none: runs are reproducible by default. */
const DEFAULT_SEED = 0;
/** `burstiness` when a `gamma` stage names none: a gamma of shape 1 is Poisson. */
const DEFAULT_BURSTINESS = 1;
/**
 * Caps that keep every derived quantity (schedules in milliseconds, token buffers, timer delays) far
 * from overflow and from Node's 2^31-1 ms timer limit, while staying far above any sensible benchmark.
 */
const LIMITS = {
    maxIterations: 10_000_000,
    maxPromptLengthTokens: 10_000_000,
    maxGenerationLengthTokens: 10_000_000,
    maxTimeBetweenRequestsSeconds: SECONDS_PER_DAY,
    /** Requests kept in flight by a `concurrency` stage (each is an open connection). */
    maxConcurrency: 100_000,
    /** `ramp_to_rate`, requests per second. */
    maxRampToRatePerSecond: 1_000_000,
    /** `burstiness` (a gamma shape): beyond this the gaps are constant to a few digits. */
    maxBurstiness: 1_000_000,
    /** The run's `seed`: any integer a double holds exactly. */
    maxSeed: Number.MAX_SAFE_INTEGER,
    /** iterations × time_between_requests of one stage. */
    maxStageDurationSeconds: 30 * SECONDS_PER_DAY,
    maxTimeoutSeconds: 7 * SECONDS_PER_DAY,
    maxSnapshotIntervalSeconds: SECONDS_PER_DAY,
    maxDispatchLagP99Ms: 3_600_000,
    maxClockSkewToleranceMs: 60_000,
    /** `trace_speed`: a thousand times faster or slower than recorded. */
    maxTraceSpeed: 1000,
    /** `trace_block_tokens`: tokens of one hash_ids block. */
    maxTraceBlockTokens: 1_000_000,
    /** `shared_prefix.groups`. */
    maxSharedPrefixGroups: 1_000_000,
    /** A capacity search's loads: requests per second or requests in flight. */
    maxSearchLoad: 100_000,
    /** A GitHub Actions matrix runs at most 256 jobs, and plan mode makes one job per node. */
    maxNodesTotal: 256,
    /** Numbers in `environment` are exported as text; beyond this they would lose digits. */
    maxSafeEnvironmentNumber: Number.MAX_SAFE_INTEGER,
};
/** What a GitHub runner label may look like (letters, digits, `.`, `_`, `-`; no spaces or commas). */
const RUNNER_LABEL_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$';
/** What an environment variable name may look like (a POSIX shell name). */
const ENVIRONMENT_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
/** Old spellings still accepted, with a warning, mapped to the current one. */
const DEPRECATED_ALIASES = {
    instance_meta: { MlxIbv: 'MlxJaccl' },
};
const positiveSeconds = (description, defaultSeconds, maxSeconds) => ({
    description,
    type: 'number',
    exclusiveMinimum: 0,
    maximum: maxSeconds,
    default: defaultSeconds,
});
/** `thresholds:` of the run or of a stage: expressions checked in code (src/verdict/thresholds.ts). */
const thresholdsSchema = (description) => ({
    description: `${description} Each is "<metric> <comparator> <number>", e.g. "ttft_p95_ms <= 800"; a failed threshold makes the verdict fail.`,
    type: 'array',
    items: { title: 'threshold', type: 'string', minLength: 1, pattern: '\\S' },
    examples: [['success_rate >= 0.99', 'ttft_p95_ms <= 800']],
});
const searchRange = (description, type, lowest) => ({
    description,
    type: 'object',
    additionalProperties: false,
    required: ['min', 'max'],
    properties: {
        min: {
            description: 'The least load probed (the search starts here).',
            type,
            ...(type === 'number' ? { exclusiveMinimum: 0 } : { minimum: lowest }),
            maximum: LIMITS.maxSearchLoad,
        },
        max: {
            description: 'The most load probed; at least `min`.',
            type,
            ...(type === 'number' ? { exclusiveMinimum: 0 } : { minimum: lowest }),
            maximum: LIMITS.maxSearchLoad,
        },
    },
});
/** `search:` of a stage: a capacity search (src/load/search.ts). */
const searchSchema = {
    title: 'search',
    description: 'Makes the stage a capacity search: it probes loads (short sub-stages) from `min` up, doubling until the metric crosses its bound, then bisects until the bracket [last pass, first fail] is narrower than `tolerance` or `max_probes` are spent. Give `max` for metrics where smaller is better (latencies), `min` for the others (success_rate, throughput), and exactly one of `rate` or `concurrency`. The stage then takes no `time_between_requests`, `iterations`, `no_overlap` or `warmup_requests`.',
    type: 'object',
    additionalProperties: false,
    required: ['metric'],
    properties: {
        metric: {
            description: 'The metric judged on each probe, a name thresholds use: ttft_p95_ms, e2e_p99_ms, tpot_p50_ms, itl_p95_ms, success_rate, output_tokens_per_second, …',
            type: 'string',
            minLength: 1,
        },
        max: {
            description: 'A probe passes when the metric is ≤ max (latencies; the unit is in the metric name).',
            type: 'number',
            exclusiveMinimum: 0,
        },
        min: {
            description: 'A probe passes when the metric is ≥ min (metrics where bigger is better).',
            type: 'number',
            minimum: 0,
        },
        rate: searchRange('Search the open-loop request rate, in requests per second.', 'number', 0),
        concurrency: searchRange('Search the closed-loop concurrency, in requests kept in flight (integers).', 'integer', 1),
        probe_requests: {
            description: "Requests per probe. Default: twice the metric's sample minimum for a conclusive value, at least 20 (p95: 40, p99: 200).",
            type: 'integer',
            minimum: 1,
            maximum: LIMITS.maxIterations,
        },
        tolerance: {
            description: 'Relative width at which the search stops: (first fail − last pass) ÷ last pass ≤ tolerance (concurrency also stops at a width of 1).',
            type: 'number',
            exclusiveMinimum: 0,
            maximum: 1,
            default: 0.05,
        },
        max_probes: {
            description: 'Most probes the search may run; it reports what it bracketed when they are spent.',
            type: 'integer',
            minimum: 2,
            maximum: 100,
            default: 12,
        },
        max_failure_rate: {
            description: 'A probe whose failed requests exceed this share of its requests fails, whatever its metric (0 to 1).',
            type: 'number',
            minimum: 0,
            maximum: 1,
            default: 0.01,
        },
    },
};
const stageSchema = {
    title: 'stage',
    description: 'One stage of load: `iterations` requests, the i-th fired at stage start + i × time_between_requests (by default; `arrival`, `ramp_to_rate` and `concurrency` change the shape).',
    type: 'object',
    additionalProperties: false,
    // prompt_length, generation_length, time_between_requests and iterations are required unless the
    // stage replays a trace (which gives them), searches (which sets its own schedule) or is a closed
    // loop (`concurrency`: no gap): src/config/validate.ts checks it, with the schema's own message.
    required: ['name'],
    properties: {
        name: {
            description: 'Name of the stage, unique within the config; used in logs, summaries and results.',
            type: 'string',
            minLength: 1,
            pattern: '\\S',
        },
        prompt_length: {
            description: 'Target prompt length in tokens. Required, except in a trace stage (the trace gives each request its own).',
            type: 'integer',
            minimum: 1,
            maximum: LIMITS.maxPromptLengthTokens,
        },
        generation_length: {
            description: 'Maximum tokens to generate per request (`max_tokens`). Required, except in a trace stage (each request generates its own output_length).',
            type: 'integer',
            minimum: 1,
            maximum: LIMITS.maxGenerationLengthTokens,
        },
        time_between_requests: {
            description: "Seconds between firing consecutive requests (open loop: a request does not wait for the previous one); the mean gap with `arrival: poisson` or `gamma`, the starting gap of a `ramp_to_rate`. With `no_overlap` or `concurrency`, the pause after each completion before that slot sends again. Required, except with `concurrency` (then default 0), in a trace stage (the trace's timestamps schedule it) and in a search stage (each probe sets its own).",
            type: 'number',
            minimum: 0,
            maximum: LIMITS.maxTimeBetweenRequestsSeconds,
        },
        iterations: {
            description: 'Number of requests in this stage. Required, except in a trace stage, where it is optional and replays only the first N requests of the trace.',
            type: 'integer',
            minimum: 1,
            maximum: LIMITS.maxIterations,
        },
        no_overlap: {
            description: 'Send one request at a time in this stage; overrides the top-level `no_overlap`.',
            type: 'boolean',
        },
        arrival: {
            description: "How open-loop arrivals are spread: `constant` (every time_between_requests), `poisson` (exponential gaps of mean time_between_requests) or `gamma` (gamma gaps of that mean, shape `burstiness`). Random arrivals are drawn up front from the run's `seed`.",
            type: 'string',
            enum: ['constant', 'poisson', 'gamma'],
            default: 'constant',
        },
        burstiness: {
            description: "Shape of the gamma gaps (`arrival: gamma` only; default 1 = Poisson). Lower is burstier: the gaps' coefficient of variation is 1/√burstiness.",
            type: 'number',
            exclusiveMinimum: 0,
            maximum: LIMITS.maxBurstiness,
        },
        concurrency: {
            description: 'Closed loop: keep this many requests in flight until `iterations` have been sent; each slot sends its next request time_between_requests (default 0) after its previous one completes. Not with `arrival`, `ramp_to_rate` or `no_overlap`; at most `iterations`.',
            type: 'integer',
            minimum: 1,
            maximum: LIMITS.maxConcurrency,
        },
        ramp_to_rate: {
            description: "Requests per second the rate reaches at the stage's last request, moving linearly in time from 1/time_between_requests (which must then be > 0). Works with every `arrival` (random arrivals follow the rate by time-rescaling).",
            type: 'number',
            exclusiveMinimum: 0,
            maximum: LIMITS.maxRampToRatePerSecond,
        },
        warmup_requests: {
            description: 'The first N requests of the stage are fired and recorded but left out of its statistics; must be less than `iterations`.',
            type: 'integer',
            minimum: 0,
            maximum: LIMITS.maxIterations,
            default: 0,
        },
        warmup: {
            description: 'A warm-up stage: run, recorded and shown like any other, but left out of the run-level figures (the `all stages` row, the action outputs total-requests, ttft-p50-ms, …), the run thresholds, the validity gate and the baseline comparison. It takes no thresholds of its own. Typically the first stage, which loads weights and fills caches.',
            type: 'boolean',
            default: false,
        },
        thresholds: thresholdsSchema("Gates on this stage's statistics (ITL metrics are only known per stage)."),
        trace: {
            description: "Replay a request trace: a JSONL file (Mooncake format), one request per line with `timestamp` (ms from the trace's start), `input_length` (prompt tokens), `output_length` (max_tokens) and optionally `hash_ids` (the prompt's blocks of trace_block_tokens tokens; equal leading ids = shared prompt prefix). Each request is sent at its timestamp, with its own lengths; prompt_length, generation_length and time_between_requests come from the trace. The path is relative to the config file.",
            type: 'string',
            minLength: 1,
            pattern: '\\S',
            examples: ['traces/mooncake-sample.jsonl'],
        },
        trace_speed: {
            description: 'Time scale of a trace replay: 2 replays it twice as fast (timestamps divided by 2), 0.5 half as fast. Default 1. Only with `trace`.',
            type: 'number',
            exclusiveMinimum: 0,
            maximum: LIMITS.maxTraceSpeed,
        },
        trace_block_tokens: {
            description: 'Tokens of one `hash_ids` block of the trace (Mooncake: 512, the default). Only with `trace`.',
            type: 'integer',
            minimum: 1,
            maximum: LIMITS.maxTraceBlockTokens,
        },
        shared_prefix: {
            title: 'shared prefix',
            description: 'Every prompt opens with one of `groups` shared prefixes of `tokens` prompt tokens (chat template included), request i using prefix i mod groups; the rest of the prompt (the nonce, with unique_prompts) is its own. For prefix-cache benchmarks: results report the cache hit rate expected from this against the one the server reports.',
            type: 'object',
            additionalProperties: false,
            required: ['tokens'],
            properties: {
                tokens: {
                    description: 'Prompt tokens of each shared prefix, chat template included; less than prompt_length.',
                    type: 'integer',
                    minimum: 1,
                    maximum: LIMITS.maxPromptLengthTokens,
                },
                groups: {
                    description: 'Number of distinct prefixes (default 1: every prompt shares the same prefix).',
                    type: 'integer',
                    minimum: 1,
                    maximum: LIMITS.maxSharedPrefixGroups,
                    default: 1,
                },
            },
            examples: [{ tokens: 1024, groups: 4 }],
        },
        search: searchSchema,
    },
};
/** Keys allowed in a stage's `shared_prefix`. */
const SHARED_PREFIX_KEYS = ['tokens', 'groups'];
/** Stage fields a trace stage takes from its trace (an error when also written in the stage). */
const TRACE_DERIVED_KEYS = [
    'prompt_length',
    'generation_length',
    'time_between_requests',
];
/** Stage fields required unless the stage replays a trace. */

/** `trace_block_tokens` when not given (Mooncake's block size). */
const DEFAULT_TRACE_BLOCK_TOKENS = 512;
/** The config schema (JSON schema draft-07). Written to configs/schema.json as is. */
const configSchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'exo-bench config',
    description: 'A staged load benchmark for an EXO cluster or an OpenAI-compatible server. configs/README.md documents every field.',
    type: 'object',
    additionalProperties: false,
    // hardware_plan and model_ids are required for EXO targets only (src/config/target.ts checks them).
    required: ['stages'],
    properties: {
        hardware_plan: {
            description: 'Runner label → number of nodes with that label. Plan mode makes one matrix job per node; the first node is the primary. Required for EXO targets. openai targets: optional with load_from: primary (at most 1 node: the job that sends the load); required with load_from: all_nodes (the runners that share the load against the one server).',
            type: 'object',
            minProperties: 1,
            propertyNames: { title: 'runner label', type: 'string', pattern: RUNNER_LABEL_PATTERN },
            additionalProperties: { type: 'integer', minimum: 1, maximum: LIMITS.maxNodesTotal },
            examples: [{ M3ULTRA_GPU80_512GB: 4 }],
        },
        environment: {
            description: 'Variables set on every node; numbers and booleans are exported as their text.',
            type: 'object',
            propertyNames: { title: 'variable name', type: 'string', pattern: ENVIRONMENT_NAME_PATTERN },
            additionalProperties: {
                type: ['string', 'number', 'boolean'],
                minimum: -LIMITS.maxSafeEnvironmentNumber,
                maximum: LIMITS.maxSafeEnvironmentNumber,
            },
            default: {},
            examples: [{ OVERRIDE_MEMORY_MB: 512 }],
        },
        timeout_seconds: positiveSeconds('Deadline for nodes to join, instances to be placed and runners to be ready (seconds).', 600, LIMITS.maxTimeoutSeconds),
        model_ids: {
            description: 'Models to run, one instance per entry; repeat an id to run several instances of it. Required for EXO targets; openai targets name their model in target.model instead.',
            type: 'array',
            minItems: 1,
            items: { title: 'model id', type: 'string', minLength: 1, pattern: '\\S' },
            examples: [['mlx-community/Llama-3.2-1B-Instruct-4bit']],
        },
        stages: {
            description: 'The stages of load, run one after another in this order.',
            type: 'array',
            minItems: 1,
            items: stageSchema,
        },
        seed: {
            description: 'Seeds the random arrivals (`arrival: poisson` or `gamma`): the same seed gives the same schedule. Each stage draws from its own stream (seed and stage position), so adding a stage does not change the others. Default 0, so runs are reproducible unless you change it.',
            type: 'integer',
            minimum: 0,
            maximum: LIMITS.maxSeed,
            default: 0,
        },
        sharding: {
            description: 'EXO sharding strategy for every instance.',
            type: 'string',
            enum: ['Pipeline', 'Tensor'],
            default: 'Pipeline',
        },
        instance_meta: {
            description: 'EXO instance kind. `MlxIbv` is the old name of `MlxJaccl` (accepted with a warning).',
            type: 'string',
            enum: ['MlxRing', 'MlxJaccl', 'MlxIbv'],
            default: 'MlxRing',
        },
        no_overlap: {
            description: 'Send one request at a time (each after the previous completes); a stage may override it.',
            type: 'boolean',
            default: false,
        },
        endpoint: {
            description: "`chat`: /v1/chat/completions. `bench`: EXO's /bench/chat/completions, which bans EOS so every request generates exactly generation_length tokens.",
            type: 'string',
            enum: ['chat', 'bench'],
            default: 'chat',
        },
        unique_prompts: {
            description: 'Start each prompt with a unique nonce so that no two requests share a cached prefix.',
            type: 'boolean',
            default: true,
        },
        target: _target_js__WEBPACK_IMPORTED_MODULE_1__/* .targetSchema */ .tX,
        calibrate_prompts: _target_js__WEBPACK_IMPORTED_MODULE_1__/* .calibratePromptsSchema */ .Ik,
        request_timeout_seconds: positiveSeconds('Deadline of one request, from its send to the end of its stream (seconds).', 600, LIMITS.maxTimeoutSeconds),
        stream_idle_timeout_seconds: positiveSeconds('A stream that sends no byte (not even a keep-alive) for this long fails (seconds).', 60, LIMITS.maxTimeoutSeconds),
        max_dispatch_lag_p99_ms: {
            description: 'A run whose p99 dispatch lag (actual send time − scheduled send time) exceeds this is flagged invalid (milliseconds).',
            type: 'number',
            exclusiveMinimum: 0,
            maximum: LIMITS.maxDispatchLagP99Ms,
            default: 5,
        },
        load_from: {
            description: "`primary`: the primary node alone sends the load (the seed's behaviour). `all_nodes`: every node sends its share of each stage (request i of a stage from node i mod N, N = the nodes of hardware_plan in plan order) on one schedule (docs/load-from.md): with an EXO target to its own node's API, on stage starts the primary publishes through the cluster state; with an openai target to the one server, on stage starts fixed at plan time (all_nodes_start_delay_seconds, all_nodes_drain_seconds). A closed loop (concurrency, no_overlap) or capacity search stage is the primary's alone on an EXO target (the other nodes send nothing in it; the next stage starts once it has drained) and refused with an openai target (a plan-time schedule cannot know where it ends).",
            type: 'string',
            enum: ['primary', 'all_nodes'],
            default: 'primary',
        },
        clock_skew_tolerance_ms: {
            description: 'With load_from: all_nodes, the clock skew between runners the shared schedule tolerates (milliseconds): recorded in results, and a run whose nodes report a larger spread of clock offsets, or whose stage started later than this on a node, is flagged invalid.',
            type: 'number',
            exclusiveMinimum: 0,
            maximum: LIMITS.maxClockSkewToleranceMs,
            default: 20,
        },
        all_nodes_start_delay_seconds: positiveSeconds("With load_from: all_nodes and an openai target: how long after the plan job the first stage starts (seconds). The plan job writes that start (its clock + this delay) into every matrix entry (start_at_ms), and every node derives each stage's start from it. Give the time the matrix's jobs need to be picked up, checked out and started and to size their prompts: a node that begins a stage more than clock_skew_tolerance_ms after its start is late, and the run invalid. Not for EXO targets (the primary publishes each start through the cluster state) nor load_from: primary.", 120, LIMITS.maxTimeoutSeconds),
        all_nodes_drain_seconds: {
            description: "With load_from: all_nodes and an openai target: the drain bound between stages (seconds). Stage k+1 starts at stage k's start + its planned span (the last request's offset) + this + clock_skew_tolerance_ms, on every node's clock. Default request_timeout_seconds, which every request of stage k has ended by; lower it to what the stage's requests need. A node whose requests of stage k are still in flight at stage k+1's start lets them end, records the overrun, and the run is invalid. Not for EXO targets (a stage ends when the cluster has drained) nor load_from: primary.",
            type: 'number',
            exclusiveMinimum: 0,
            maximum: LIMITS.maxTimeoutSeconds,
        },
        snapshot_interval_seconds: positiveSeconds('Period of cluster state snapshots during the load (seconds).', 2, LIMITS.maxSnapshotIntervalSeconds),
        thresholds: thresholdsSchema('Gates on the statistics of the whole run (all stages together).'),
        regression: {
            description: 'Metric → tolerance (a percentage) for the comparison with a baseline run: the metrics compared and how much worse each may get before it is a regression. Replaces the default set.',
            type: 'object',
            propertyNames: { title: 'metric name', type: 'string' },
            additionalProperties: { title: 'tolerance', type: 'string', pattern: _regression_js__WEBPACK_IMPORTED_MODULE_0__/* .TOLERANCE_PATTERN */ .b$ },
            examples: [{ ttft_p95_ms: '10%', output_tokens_per_second: '5%' }],
        },
    },
};
/** Keys allowed at the top level of a config, in schema order. */
const TOP_LEVEL_KEYS = Object.keys(configSchema.properties ?? {});
/** Keys allowed in a stage, in schema order. */
const STAGE_KEYS = Object.keys(stageSchema.properties ?? {});
/** Keys allowed in a stage's `search`, in schema order. */
const SEARCH_KEYS = Object.keys(searchSchema.properties ?? {});
/** The text of configs/schema.json: what editors read. */
function renderSchemaJson() {
    return `${JSON.stringify(configSchema, null, 2)}\n`;
}


/***/ }),

/***/ 10001:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ STAGE_LOAD_KEYS)
/* harmony export */ });
/**
 * The stage fields that are required unless the stage replays a trace: in a module of its own (no
 * imports), because both the schema (src/config/schema.ts) and the words for its problems
 * (src/config/describe.ts) need it, and the schema's own imports lead back to describe.ts.
 */
const STAGE_LOAD_KEYS = [
    'prompt_length',
    'generation_length',
    'time_between_requests',
    'iterations',
];


/***/ }),

/***/ 35165:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ik: () => (/* binding */ calibratePromptsSchema),
/* harmony export */   Ke: () => (/* binding */ targetProblems),
/* harmony export */   X5: () => (/* binding */ TARGET_KEYS),
/* harmony export */   k0: () => (/* binding */ buildTarget),
/* harmony export */   tX: () => (/* binding */ targetSchema)
/* harmony export */ });
/* unused harmony exports BASE_URL_PATTERN, targetModels */
/* harmony import */ var _describe_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(59909);
/**
 * The `target` and prompt-calibration parts of a config: their schema nodes (wired into schema.ts) and
 * the rules JSON schema cannot state (which keys each target kind needs or forbids).
 */

/** What a `base_url` may look like: http or https, with a host. */
const BASE_URL_PATTERN = '^https?://[^\\s/?#]+[^\\s]*$';
/** The `target` mapping. Kind-specific requirements are checked in {@link targetProblems}. */
const targetSchema = {
    title: 'target',
    description: 'What the load is aimed at: `exo` (default) brings up an EXO cluster from hardware_plan and model_ids; `openai` uses an already running OpenAI-compatible server (vLLM, llama.cpp, SGLang, Ollama…) at base_url.',
    type: 'object',
    additionalProperties: false,
    properties: {
        kind: {
            description: '`exo`: an EXO cluster orchestrated by exo-bench. `openai`: any OpenAI-compatible server.',
            type: 'string',
            enum: ['exo', 'openai'],
            default: 'exo',
        },
        base_url: {
            description: 'openai only, required: the server root, http or https (a trailing /v1 is accepted). The action input api-url or the CLI flag --api-url overrides it.',
            type: 'string',
            pattern: BASE_URL_PATTERN,
            examples: ['http://127.0.0.1:8000/v1'],
        },
        model: {
            description: 'openai only, required: the model every request names (`model` of the request body).',
            type: 'string',
            minLength: 1,
            pattern: '\\S',
            examples: ['Qwen/Qwen3-0.6B'],
        },
        api_key_env: {
            description: 'openai only: name of the environment variable holding the API key, sent as `Authorization: Bearer`; masked in logs, never written to results.',
            type: 'string',
            pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
            examples: ['OPENAI_API_KEY'],
        },
        force_output_length: {
            description: 'openai only: make the server generate exactly generation_length tokens where it supports it: `ignore_eos` (vLLM) or `min_tokens` (vLLM, SGLang). `none` (default) sends neither.',
            type: 'string',
            enum: ['none', 'ignore_eos', 'min_tokens'],
            default: 'none',
        },
    },
};
/** The top-level switch of prompt calibration. */
const calibratePromptsSchema = {
    description: 'Before each stage, probe the server (a few max_tokens: 1 requests, excluded from the results) to find the prompt text whose usage.prompt_tokens, chat template and nonce included, equals prompt_length.',
    type: 'boolean',
    default: true,
};
/** Keys of `target`, in schema order. */
const TARGET_KEYS = Object.keys(targetSchema.properties ?? {});
const OPENAI_ONLY_KEYS = ['base_url', 'model', 'api_key_env'];
const isRecord = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
/**
 * Rules between `target` and the rest: an `exo` target needs `hardware_plan` and `model_ids`; an
 * `openai` target needs `base_url` and `model`, takes no `model_ids` and, with `load_from: primary`, at
 * most one node of `hardware_plan` (there is no cluster: one job sends the load; with `all_nodes` its
 * nodes are the runners that share the load, docs/load-from.md). Fields with schema problems
 * (`badPaths`) are not judged again.
 */
function targetProblems(data, badPaths, describeRequired) {
    const problems = [];
    const ok = (...path) => !badPaths.some((bad) => path.every((segment, index) => bad[index] === segment));
    const target = data.target;
    if (target !== undefined && (!isRecord(target) || !ok('target')))
        return problems;
    const kind = isRecord(target) && target.kind === 'openai' ? 'openai' : 'exo';
    if (kind === 'exo') {
        for (const key of ['hardware_plan', 'model_ids']) {
            if (data[key] === undefined)
                problems.push({
                    path: [],
                    message: `missing required key "${key}" (${describeRequired(key)})`,
                    at: 'value',
                });
        }
        if (isRecord(target)) {
            for (const key of OPENAI_ONLY_KEYS) {
                if (target[key] !== undefined)
                    problems.push({
                        path: ['target', key],
                        message: `"${key}" is for target kind "openai"; an EXO target takes its URL from --api-url / api-url and its models from model_ids`,
                        at: 'key',
                    });
            }
            if (target.force_output_length !== undefined && target.force_output_length !== 'none')
                problems.push({
                    path: ['target', 'force_output_length'],
                    message: `expected "none" for an EXO target, found ${JSON.stringify(target.force_output_length)}; EXO ignores these fields: use endpoint: bench, which generates exactly generation_length tokens`,
                    at: 'value',
                });
        }
        return problems;
    }
    const openai = target;
    for (const key of ['base_url', 'model']) {
        if (openai[key] === undefined)
            problems.push({
                path: ['target'],
                message: `missing required key "${key}" for target kind "openai" (${key === 'base_url' ? 'the server URL, e.g. http://127.0.0.1:8000/v1' : 'the model to request'})`,
                at: 'value',
            });
    }
    if (data.model_ids !== undefined)
        problems.push({
            path: ['model_ids'],
            message: 'model_ids is for EXO targets; with target kind "openai", name the model in target.model',
            at: 'key',
        });
    if (data.endpoint === 'bench' && ok('endpoint'))
        problems.push({
            path: ['endpoint'],
            message: 'expected "chat" with target kind "openai", found "bench" (EXO\'s own endpoint); use target.force_output_length for exact output lengths',
            at: 'value',
        });
    const plan = data.hardware_plan;
    if (isRecord(plan) && ok('hardware_plan')) {
        const total = Object.values(plan).reduce((sum, count) => sum + (typeof count === 'number' ? count : 0), 0);
        if (total > 1 && data.load_from !== 'all_nodes')
            problems.push({
                path: ['hardware_plan'],
                message: `expected at most 1 node with target kind "openai" and load_from: primary (one job sends the load; there is no cluster), found ${(0,_describe_js__WEBPACK_IMPORTED_MODULE_0__/* .formatNumber */ .ZV)(total)}; with load_from: all_nodes every node of hardware_plan sends its share to the one server`,
                at: 'value',
            });
    }
    return problems;
}
/** The typed target of a checked config. */
function buildTarget(target) {
    if (target?.kind !== 'openai')
        return { kind: 'exo' };
    return {
        kind: 'openai',
        base_url: String(target.base_url),
        model: String(target.model),
        ...(typeof target.api_key_env === 'string' ? { api_key_env: target.api_key_env } : {}),
        force_output_length: target.force_output_length === 'ignore_eos' || target.force_output_length === 'min_tokens'
            ? target.force_output_length
            : 'none',
    };
}
/** The models requests name: EXO's `model_ids`, or the openai target's one model. */
function targetModels(config) {
    return config.target.kind === 'openai' ? [config.target.model] : [...config.model_ids];
}


/***/ }),

/***/ 22560:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   NY: () => (/* binding */ CONFIG_DOCS_URL),
/* harmony export */   fs: () => (/* binding */ docsUrl)
/* harmony export */ });
/* unused harmony exports DEFAULT_ACTION_REPOSITORY, DEFAULT_ACTION_REF */
/**
 * Absolute links to the action's documentation. A summary is read on github.com, far from any checkout:
 * a relative `configs/README.md` there points into the *user's* repository, where it does not exist.
 */
/** Where the action is published, when the runner does not say (a local `uses: ./` step). */
const DEFAULT_ACTION_REPOSITORY = 'exo/bench-action';
/** The major version tag users pin. */
const DEFAULT_ACTION_REF = 'v1';
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const REF = /^[A-Za-z0-9_./-]+$/;
const SERVER = /^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/;
/**
 * The URL of `path` (e.g. `configs/README.md`) in the action's repository, at the ref the step runs.
 * Values that do not look like a repository, ref or server are ignored: the link goes into Markdown.
 */
function docsUrl(path, env = {}) {
    const server = env.GITHUB_SERVER_URL && SERVER.test(env.GITHUB_SERVER_URL)
        ? env.GITHUB_SERVER_URL
        : 'https://github.com';
    const repository = env.GITHUB_ACTION_REPOSITORY && REPOSITORY.test(env.GITHUB_ACTION_REPOSITORY)
        ? env.GITHUB_ACTION_REPOSITORY
        : DEFAULT_ACTION_REPOSITORY;
    const ref = env.GITHUB_ACTION_REPOSITORY && env.GITHUB_ACTION_REF && REF.test(env.GITHUB_ACTION_REF)
        ? env.GITHUB_ACTION_REF
        : DEFAULT_ACTION_REF;
    return `${server}/${repository}/blob/${ref}/${path}`;
}
/** The config reference (every field, type, default and limit). */
const CONFIG_DOCS_URL = docsUrl('configs/README.md');


/***/ }),

/***/ 74296:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ll: () => (/* binding */ ExoBenchError),
/* harmony export */   Uc: () => (/* binding */ describeError),
/* harmony export */   b$: () => (/* binding */ ClusterError),
/* harmony export */   cc: () => (/* binding */ CancelledError),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   fc: () => (/* binding */ formatConfigProblem),
/* harmony export */   xL: () => (/* binding */ ConfigError)
/* harmony export */ });
/* harmony import */ var _docs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(22560);
/**
 * Typed errors. Every error the user can see names what went wrong and carries a hint they can act on.
 * Shells (action, CLI) map `kind` to exit codes and annotations; nothing else inspects messages.
 */

/** Base class of every error exo-bench raises on purpose. */
class ExoBenchError extends Error {
    kind;
    /** What the user can do about it; printed after the message. */
    hint;
    constructor(kind, message, hint, options) {
        super(message, options);
        this.name = 'ExoBenchError';
        this.kind = kind;
        this.hint = hint;
    }
}
/** Formats a problem as one line: `file:line:col: path: message`. */
function formatConfigProblem(problem) {
    const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
    const path = problem.path ? `${problem.path}: ` : '';
    return `${where}: ${path}${problem.message}`;
}
/** A config that cannot be used; holds every problem found, not just the first. */
class ConfigError extends ExoBenchError {
    problems;
    constructor(problems, hint) {
        super('config', problems.map(formatConfigProblem).join('\n'), hint ??
            (problems.some((problem) => problem.code === 'missing_file')
                ? 'The config path is relative to the working directory (in a workflow: the workspace, after actions/checkout).'
                : `Fix the config file; ${_docs_js__WEBPACK_IMPORTED_MODULE_0__/* .CONFIG_DOCS_URL */ .NY} documents every field.`));
        this.name = 'ConfigError';
        this.problems = problems;
    }
}
/** Bad action inputs or command-line flags; `problems` holds each bad input on its own (one or more). */
class InputError extends ExoBenchError {
    problems;
    constructor(message, hint, problems) {
        super('input', message, hint);
        this.name = 'InputError';
        this.problems = problems ?? [message];
    }
}
/** The cluster did not become what the config asks for (nodes, placement, runners, cleanup). */
class ClusterError extends ExoBenchError {
    constructor(message, hint, options) {
        super('cluster', message, hint, options);
        this.name = 'ClusterError';
    }
}
/** The run was cancelled (SIGINT/SIGTERM or an outer deadline). */
class CancelledError extends ExoBenchError {
    constructor(message = 'cancelled') {
        super('cancelled', message);
        this.name = 'CancelledError';
    }
}
/** Renders any thrown value as one readable message with its hint, never a stack trace. */
function describeError(error) {
    if (error instanceof ExoBenchError) {
        return error.hint ? `${error.message}\nHint: ${error.hint}` : error.message;
    }
    if (error instanceof Error)
        return error.message;
    return String(error);
}


/***/ }),

/***/ 324:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   KP: () => (/* reexport safe */ _config_schema_js__WEBPACK_IMPORTED_MODULE_0__.KP),
/* harmony export */   MP: () => (/* binding */ planArrivals),
/* harmony export */   Tj: () => (/* reexport safe */ _config_schema_js__WEBPACK_IMPORTED_MODULE_0__.Tj),
/* harmony export */   q7: () => (/* binding */ scheduledStageMs),
/* harmony export */   vJ: () => (/* binding */ describeShape),
/* harmony export */   vp: () => (/* binding */ tracePlan)
/* harmony export */ });
/* unused harmony exports operationalToMs, gammaVariate, Random */
/* harmony import */ var _config_schema_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(90131);


/**
 * The plan of one stage. `seed` is the run's (config `seed`), `stageIndex` the stage's position in the
 * config: together they pick the stage's random stream. Closed loop: `concurrency` (`no_overlap` is
 * concurrency 1), with `time_between_requests` (default 0) as each slot's pause after a completion.
 */
function planArrivals(stage, seed, stageIndex) {
    const gapMs = (stage.time_between_requests ?? 0) * 1000;
    if (stage.concurrency !== undefined || stage.no_overlap) {
        const concurrency = stage.no_overlap ? 1 : (stage.concurrency ?? 1);
        return {
            kind: 'closed',
            concurrency: Math.max(1, Math.min(concurrency, stage.iterations)),
            pauseMs: gapMs,
        };
    }
    if (stage.time_between_requests === undefined)
        throw new Error('an open-loop stage needs time_between_requests (or concurrency)');
    const arrival = stage.arrival ?? 'constant';
    const iterations = stage.iterations;
    const timeOf = operationalToMs(gapMs, iterations, stage.ramp_to_rate);
    const startRatePerSecond = gapMs > 0 ? 1000 / gapMs : Infinity;
    const endRatePerSecond = stage.ramp_to_rate ?? startRatePerSecond;
    if (arrival === 'constant') {
        return {
            kind: 'open',
            arrival,
            offsetMs: (index) => timeOf(index),
            durationMs: timeOf(Math.max(0, iterations - 1)),
            startRatePerSecond,
            endRatePerSecond,
        };
    }
    const draw = gapDrawer(arrival, stage.burstiness ?? _config_schema_js__WEBPACK_IMPORTED_MODULE_0__/* .DEFAULT_BURSTINESS */ .Tj);
    const makeRandom = () => new Random(seed, stageIndex);
    const cursor = new OperationalCursor(makeRandom, draw);
    // The exact last offset: one pass of its own (no memory), so the ETA and the planned rate are exact.
    const last = new OperationalCursor(makeRandom, draw).at(Math.max(0, iterations - 1));
    return {
        kind: 'open',
        arrival,
        offsetMs: (index) => timeOf(cursor.at(index)),
        durationMs: timeOf(last),
        startRatePerSecond,
        endRatePerSecond,
    };
}
/**
 * A trace replay's plan (src/config/trace.ts): request i at its timestamp's offset from the first,
 * already divided by trace_speed. Open loop; its rates are the mean over the trace.
 */
function tracePlan(offsetMs, iterations) {
    const durationMs = iterations > 0 ? offsetMs(iterations - 1) : 0;
    const rate = iterations > 1 && durationMs > 0 ? ((iterations - 1) * 1000) / durationMs : Infinity;
    return {
        kind: 'open',
        arrival: 'trace',
        offsetMs,
        durationMs,
        startRatePerSecond: rate,
        endRatePerSecond: rate,
    };
}
/**
 * Λ⁻¹ in milliseconds: operational time u (the count of expected arrivals) → offset from the stage start.
 * Exact: a constant rate divides, a linear rate solves Λ(t) = u (a quadratic) in the form that does not
 * cancel digits: t = 2u / (r0 + √(r0² + 2·slope·u)), slope = (R − r0)/T.
 */
function operationalToMs(gapMs, iterations, rampToRatePerSecond) {
    if (rampToRatePerSecond === undefined)
        return (u) => u * gapMs;
    const r0 = 1 / gapMs; // per millisecond
    const r1 = rampToRatePerSecond / 1000;
    const lastIndex = Math.max(0, iterations - 1);
    const rampMs = (2 * lastIndex) / (r0 + r1);
    const slope = rampMs > 0 ? (r1 - r0) / rampMs : 0; // per ms²
    return (u) => {
        if (u > lastIndex)
            return rampMs + (u - lastIndex) / r1; // past the ramp the rate stays R
        return (2 * u) / (r0 + Math.sqrt(Math.max(0, r0 * r0 + 2 * slope * u)));
    };
}
/** Walks the unit-rate process in order: u_0 = 0, u_i = u_{i−1} + a draw; rewinds when asked for the past. */
class OperationalCursor {
    makeRandom;
    draw;
    index = 0;
    operational = 0;
    random;
    constructor(makeRandom, draw) {
        this.makeRandom = makeRandom;
        this.draw = draw;
        this.random = makeRandom();
    }
    at(index) {
        if (index < this.index) {
            this.random = this.makeRandom();
            this.index = 0;
            this.operational = 0;
        }
        while (this.index < index) {
            this.operational += this.draw(this.random);
            this.index += 1;
        }
        return this.operational;
    }
}
/** One gap of the unit-rate process (mean 1). */
function gapDrawer(arrival, burstiness) {
    if (arrival === 'poisson')
        return (random) => -Math.log(1 - random.uniform());
    return (random) => gammaVariate(random, burstiness) / burstiness;
}
/**
 * Gamma(shape, 1) by Marsaglia and Tsang (2000); a shape below 1 is boosted: G(a) = G(a + 1)·U^(1/a).
 */
function gammaVariate(random, shape) {
    if (shape < 1) {
        const boosted = gammaVariate(random, shape + 1);
        return boosted * Math.pow(1 - random.uniform(), 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
        let x;
        let v;
        do {
            x = random.normal();
            v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        const u = 1 - random.uniform(); // (0, 1]
        if (u < 1 - 0.0331 * x * x * x * x)
            return d * v;
        if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v)))
            return d * v;
    }
}
/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function mix32(value) {
    let x = value >>> 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x85ebca6b);
    x ^= x >>> 13;
    x = Math.imul(x, 0xc2b2ae35);
    x ^= x >>> 16;
    return x >>> 0;
}
/**
 * A seeded generator, xoshiro128** (Blackman and Vigna), one stream per (seed, stage index). The state is
 * seeded through splitmix32 steps from a hash of both, so neighbouring seeds or stages share nothing.
 */
class Random {
    s0;
    s1;
    s2;
    s3;
    spareNormal;
    constructor(seed, stream) {
        const low = seed >>> 0;
        const high = Math.floor(seed / 0x1_0000_0000) >>> 0;
        let state = mix32(mix32(mix32(low ^ 0x9e3779b9) ^ high) ^ mix32(stream + 0x7f4a7c15));
        const next = () => {
            state = (state + 0x9e3779b9) >>> 0;
            return mix32(state ^ (state >>> 15)) || 1;
        };
        this.s0 = next();
        this.s1 = next();
        this.s2 = next();
        this.s3 = next();
    }
    /** The next 32 random bits, as an unsigned integer. */
    nextUint32() {
        const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
        const t = this.s1 << 9;
        this.s2 ^= this.s0;
        this.s3 ^= this.s1;
        this.s1 ^= this.s2;
        this.s0 ^= this.s3;
        this.s2 ^= t;
        this.s3 = rotl(this.s3, 11);
        return result;
    }
    /** Uniform in [0, 1) with 53 random bits. */
    uniform() {
        const high = this.nextUint32() >>> 5; // 27 bits
        const low = this.nextUint32() >>> 6; // 26 bits
        return (high * 67_108_864 + low) / 9_007_199_254_740_992;
    }
    /** Standard normal (Marsaglia's polar method; the second value of a pair is kept for the next call). */
    normal() {
        if (this.spareNormal !== undefined) {
            const spare = this.spareNormal;
            this.spareNormal = undefined;
            return spare;
        }
        for (;;) {
            const x = 2 * this.uniform() - 1;
            const y = 2 * this.uniform() - 1;
            const s = x * x + y * y;
            if (s > 0 && s < 1) {
                const factor = Math.sqrt((-2 * Math.log(s)) / s);
                this.spareNormal = y * factor;
                return x * factor;
            }
        }
    }
}
function rotl(value, bits) {
    return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}
/**
 * What a stage's load looks like, in a few words for tables: `poisson 10/s`, `concurrency 8`,
 * `concurrency 8, pause 0.5 s`, `ramp 2→20/s`, `one at a time, pause 1 s`.
 */
function describeShape(stage) {
    const gap = stage.time_between_requests ?? 0;
    const pause = gap > 0 ? `, pause ${formatRate(gap)} s` : '';
    if (stage.no_overlap)
        return `one at a time${pause}`;
    if (stage.concurrency !== undefined)
        return `concurrency ${stage.concurrency}${pause}`;
    const rate = gap > 0 ? formatRate(1 / gap) : '∞';
    // A trace stage's gap is the trace's mean (src/config/trace-file.ts): its times are its own.
    if (stage.trace !== undefined)
        return `trace${stage.trace_speed !== undefined && stage.trace_speed !== 1 ? ` ×${formatRate(stage.trace_speed)}` : ''}, mean ${rate}/s`;
    const arrival = stage.arrival ?? 'constant';
    const process = arrival === 'gamma' ? `gamma b=${formatRate(stage.burstiness ?? _config_schema_js__WEBPACK_IMPORTED_MODULE_0__/* .DEFAULT_BURSTINESS */ .Tj)}` : arrival;
    if (stage.ramp_to_rate !== undefined) {
        const ramp = `ramp ${rate}→${formatRate(stage.ramp_to_rate)}/s`;
        return arrival === 'constant' ? ramp : `${process} ${ramp}`;
    }
    return `${process} ${rate}/s`;
}
function formatRate(value) {
    return String(Number(value.toPrecision(3)));
}
/**
 * How long a stage's sends are scheduled to take, ms: what another node may wait for without hearing
 * from this one, and before which the stages cannot have finished. Open loop: the last planned send
 * (exact, random arrivals included; a constant schedule keeps the seed's iterations × gap). Closed loop:
 * its pauses only (iterations × pause ÷ concurrency), as no_overlap always counted — its requests'
 * own durations are the server's.
 */
function scheduledStageMs(stage, seed, stageIndex) {
    const gapMs = (stage.time_between_requests ?? 0) * 1000;
    const plan = planArrivals(stage, seed, stageIndex);
    if (plan.kind === 'closed')
        return (stage.iterations * plan.pauseMs) / plan.concurrency;
    if (plan.arrival === 'constant' && stage.ramp_to_rate === undefined)
        return stage.iterations * gapMs;
    return plan.durationMs;
}


/***/ }),

/***/ 2178:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Li: () => (/* binding */ primaryOnlyStageMaxMs),
/* harmony export */   hm: () => (/* binding */ primaryLoadLength),
/* harmony export */   uM: () => (/* binding */ scheduledLoadMs)
/* harmony export */ });
/* unused harmony export unscheduledLoadMs */
/* harmony import */ var _arrivals_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(324);

/**
 * Total time the stages are scheduled to take, ms (closed-loop stages count their pauses only): a lower
 * bound of the primary's load. A capacity search counts its first probe only (at `min`, the one it
 * always runs; a concurrency probe's length depends on the server: 0).
 */
function scheduledLoadMs(config) {
    return config.stages.reduce((sum, stage, index) => {
        const search = stage.search;
        if (!search)
            return sum + (0,_arrivals_js__WEBPACK_IMPORTED_MODULE_0__/* .scheduledStageMs */ .q7)(stage, config.seed, index);
        return sum + (search.rate ? ((search.probe_requests - 1) / search.rate.min) * 1000 : 0);
    }, 0);
}
/**
 * How much longer than its schedule the primary's load may take, ms: a capacity search's probes beyond
 * the first (each at most the length of a probe at `min`), and a concurrency search's probes whole
 * (each at most ⌈probe_requests ÷ min⌉ requests one after another, each within its deadline).
 */
function unscheduledLoadMs(config) {
    const requestMs = config.request_timeout_seconds * 1000;
    return config.stages.reduce((sum, stage) => {
        const search = stage.search;
        if (!search)
            return sum;
        if (search.rate)
            return sum + (search.max_probes - 1) * ((search.probe_requests / search.rate.min) * 1000 + requestMs);
        const min = search.concurrency?.min ?? 1;
        return sum + search.max_probes * Math.ceil(search.probe_requests / min) * requestMs;
    }, 0);
}
/** Both bounds, as src/cluster/phase.ts's waitForPrimaryToFinish takes them. */
function primaryLoadLength(config) {
    return { scheduledMs: scheduledLoadMs(config), unscheduledMs: unscheduledLoadMs(config) };
}
/**
 * The longest a stage the primary sends alone under `load_from: all_nodes` (isPrimaryOnlyStage: a
 * closed loop or a capacity search) may take, ms, from the config alone: part of what a secondary waits
 * for the next stage's start. `requestMs` is a request's deadline, `drainMs` the bound of one drain of
 * the cluster. Closed loop: each slot's ⌈iterations ÷ slots⌉ requests one after another, each within its
 * deadline and followed by its pause, then a drain. Capacity search: `max_probes` probes, each its
 * requests (a rate probe: probe_requests at ≥ `min` per second, then the last one's deadline; a
 * concurrency probe: ⌈probe_requests ÷ min⌉ requests one after another) and a drain.
 */
function primaryOnlyStageMaxMs(stage, requestMs, drainMs) {
    const search = stage.search;
    if (search) {
        const probeMs = search.rate
            ? (search.probe_requests / search.rate.min) * 1000 + requestMs
            : Math.ceil(search.probe_requests / (search.concurrency?.min ?? 1)) * requestMs;
        return search.max_probes * (probeMs + drainMs);
    }
    const slots = stage.no_overlap ? 1 : Math.max(1, stage.concurrency ?? 1);
    const pauseMs = (stage.time_between_requests ?? 0) * 1000;
    return Math.ceil(stage.iterations / slots) * (requestMs + pauseMs) + drainMs;
}


/***/ }),

/***/ 77414:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cb: () => (/* binding */ METRICS),
/* harmony export */   Nw: () => (/* binding */ SEARCHABLE_METRIC_NAMES),
/* harmony export */   PR: () => (/* binding */ COMPARABLE_METRIC_NAMES),
/* harmony export */   Uw: () => (/* binding */ METRIC_NAMES),
/* harmony export */   zJ: () => (/* binding */ CAPACITY_METRIC_NAMES)
/* harmony export */ });
/* unused harmony export requiredSamplesFor */
/* harmony import */ var _metrics_samples_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2218);
/* harmony import */ var _metrics_stats_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(54522);


const SUMMARY_STATS = ['p50', 'p90', 'p95', 'p99', 'mean'];
/** ⌈100 / (100 − q)⌉ for pq; 1 for the mean. */
function requiredSamplesFor(stat) {
    if (stat === 'mean')
        return 1;
    const q = Number(stat.slice(1));
    return Math.ceil(100 / (100 - q));
}
function statOf(values, stat) {
    if (values.length === 0)
        return null;
    if (stat === 'mean') {
        let sum = 0;
        for (const value of values)
            sum += value;
        return sum / values.length;
    }
    values.sort();
    return (0,_metrics_stats_js__WEBPACK_IMPORTED_MODULE_0__/* .percentile */ .Y)(values, Number(stat.slice(1)));
}
function collect(requests, pick) {
    const values = new Float64Array(requests.length);
    let count = 0;
    for (const request of requests) {
        const value = pick(request);
        if (value !== undefined)
            values[count++] = value;
    }
    return values.subarray(0, count);
}
const FAMILY_FIELDS = {
    ttft: 'ttft_ms',
    tpot: 'tpot_ms',
    e2e: 'e2e_ms',
    dispatch_lag: 'dispatch_lag_ms',
};
const FAMILY_SAMPLES = {
    ttft: (r) => r.ttftMs,
    tpot: (r) => r.tpotMs,
    e2e: (r) => r.e2eMs,
    dispatch_lag: (r) => r.dispatchLagMs,
};
function latencyMetric(family, stat) {
    const definition = {
        name: `${family}_${stat}_ms`,
        unit: 'ms',
        better: 'smaller',
        stageOnly: family === 'itl',
        requiredSamples: requiredSamplesFor(stat),
        observe(stats, itl) {
            if (family === 'itl') {
                // The ITL histogram keeps no standard deviation or minimum, but it has every statistic named here.
                return { value: itl?.[stat] ?? null, samples: itl?.count ?? 0 };
            }
            const summary = stats[FAMILY_FIELDS[family]];
            return { value: summary[stat], samples: summary.count };
        },
    };
    if (family !== 'itl') {
        const pick = FAMILY_SAMPLES[family];
        definition.fromRequests = (requests) => {
            const values = collect(requests, pick);
            return { value: statOf(values, stat), samples: values.length };
        };
    }
    return definition;
}
function countOk(requests) {
    let ok = 0;
    for (const request of requests)
        if (request.ok)
            ok += 1;
    return ok;
}
function sumTokens(requests) {
    let tokens = 0;
    for (const request of requests)
        tokens += request.outputTokens;
    return tokens;
}
const SCALAR_METRICS = [
    {
        name: 'success_rate',
        unit: 'ratio',
        better: 'bigger',
        stageOnly: false,
        requiredSamples: 1,
        observe: (s) => ({ value: s.total_requests > 0 ? s.success_rate : null, samples: s.total_requests }),
        fromRequests: (r) => ({ value: r.length > 0 ? countOk(r) / r.length : null, samples: r.length }),
    },
    {
        name: 'failed_requests',
        unit: 'requests',
        better: 'smaller',
        stageOnly: false,
        requiredSamples: 0,
        observe: (s) => ({ value: s.failed_requests, samples: s.total_requests }),
        fromRequests: (r) => ({ value: r.length - countOk(r), samples: r.length }),
    },
    {
        name: 'successful_requests',
        unit: 'requests',
        better: 'bigger',
        stageOnly: false,
        requiredSamples: 0,
        observe: (s) => ({ value: s.successful_requests, samples: s.total_requests }),
        fromRequests: (r) => ({ value: countOk(r), samples: r.length }),
    },
    {
        name: 'total_requests',
        unit: 'requests',
        better: 'bigger',
        stageOnly: false,
        requiredSamples: 0,
        observe: (s) => ({ value: s.total_requests, samples: s.total_requests }),
    },
    {
        name: 'total_tokens',
        unit: 'tokens',
        better: 'bigger',
        stageOnly: false,
        requiredSamples: 0,
        observe: (s) => ({ value: s.total_tokens, samples: s.total_requests }),
        fromRequests: (r) => ({ value: sumTokens(r), samples: r.length }),
    },
    {
        name: 'avg_tokens_per_request',
        unit: 'tokens',
        better: 'bigger',
        stageOnly: false,
        requiredSamples: 1,
        observe: (s) => ({
            value: s.successful_requests > 0 ? s.avg_tokens_per_request : null,
            samples: s.successful_requests,
        }),
        fromRequests: (r) => {
            const ok = countOk(r);
            return { value: ok > 0 ? sumTokens(r) / ok : null, samples: ok };
        },
    },
    {
        name: 'avg_time_per_request_s',
        unit: 's',
        better: 'smaller',
        stageOnly: false,
        requiredSamples: 1,
        observe: (s) => ({
            value: s.successful_requests > 0 ? s.avg_time_per_request : null,
            samples: s.successful_requests,
        }),
        fromRequests: (r) => {
            const values = collect(r, (x) => x.e2eMs);
            const mean = statOf(values, 'mean');
            return { value: mean === null ? null : mean / 1000, samples: values.length };
        },
    },
    {
        name: 'output_tokens_per_second',
        unit: 'tokens/s',
        better: 'bigger',
        stageOnly: false,
        requiredSamples: 1,
        observe: (s) => ({
            value: s.total_requests > 0 ? s.output_tokens_per_second : null,
            samples: s.total_requests,
        }),
        fromRequests: (r) => {
            const seconds = (0,_metrics_samples_js__WEBPACK_IMPORTED_MODULE_1__/* .activeWindowSeconds */ .cl)(r);
            return { value: seconds > 0 ? sumTokens(r) / seconds : null, samples: r.length };
        },
    },
    {
        name: 'requests_per_second',
        unit: 'requests/s',
        better: 'bigger',
        stageOnly: false,
        requiredSamples: 1,
        observe: (s) => ({
            value: s.total_requests > 0 ? s.requests_per_second : null,
            samples: s.total_requests,
        }),
        fromRequests: (r) => {
            const seconds = (0,_metrics_samples_js__WEBPACK_IMPORTED_MODULE_1__/* .activeWindowSeconds */ .cl)(r);
            return { value: seconds > 0 ? countOk(r) / seconds : null, samples: r.length };
        },
    },
];
/**
 * The capacity a search found (src/load/search.ts): the highest passing load. With several searches of
 * the mode in scope (run-level), the lowest: the run takes at most that. A search that failed even at
 * its `min` counts as 0 (its bracket is [0, min]), so `capacity_rps >= 12` fails rather than goes
 * unjudged; a search that ran no probe gives no value.
 */
function capacityMetric(mode) {
    return {
        name: mode === 'rate' ? 'capacity_rps' : 'capacity_concurrency',
        unit: mode === 'rate' ? 'requests/s' : 'requests in flight',
        better: 'bigger',
        stageOnly: false,
        requiredSamples: 1,
        capacity: mode,
        observe: (_stats, _itl, searches) => {
            const found = (searches ?? []).filter((s) => s.mode === mode && s.probes.length > 0);
            if (found.length === 0)
                return { value: null, samples: 0 };
            return {
                value: Math.min(...found.map((s) => s.capacity ?? 0)),
                samples: found.reduce((sum, s) => sum + s.probes.length, 0),
            };
        },
    };
}
/** Every metric, by name, in the order they are documented. */
const METRICS = new Map([
    ...['ttft', 'tpot', 'e2e', 'itl', 'dispatch_lag'].flatMap((family) => SUMMARY_STATS.map((stat) => latencyMetric(family, stat))),
    ...SCALAR_METRICS,
    capacityMetric('rate'),
    capacityMetric('concurrency'),
].map((metric) => [metric.name, metric]));
/** The capacity metrics: measured by search stages only, compared with a baseline on their brackets. */
const CAPACITY_METRIC_NAMES = ['capacity_rps', 'capacity_concurrency'];
/**
 * Metrics a capacity search may judge its probes on: what a server's load moves — latencies (not our
 * own dispatch lag), the success rate and the throughputs. Counts are fixed by the probe size.
 */
const SEARCHABLE_METRIC_NAMES = [
    ...['ttft', 'tpot', 'e2e', 'itl'].flatMap((family) => SUMMARY_STATS.map((stat) => `${family}_${stat}_ms`)),
    'avg_time_per_request_s',
    'success_rate',
    'output_tokens_per_second',
    'requests_per_second',
];
/** Every metric name, for did-you-mean suggestions and the docs. */
const METRIC_NAMES = [...METRICS.keys()];
/** Metrics a baseline comparison can resample (they have a per-request statistic). */
const COMPARABLE_METRIC_NAMES = METRIC_NAMES.filter((name) => METRICS.get(name)?.fromRequests !== undefined);


/***/ }),

/***/ 2218:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Af: () => (/* binding */ requestSample),
/* harmony export */   cl: () => (/* binding */ activeWindowSeconds),
/* harmony export */   jN: () => (/* binding */ requestSamples)
/* harmony export */ });
/** The figures of one request (warmup or not: callers decide what they count). */
function requestSample(record) {
    const e2eMs = record.ok ? record.ended_at_ms - record.sent_at_ms : undefined;
    const ttftMs = record.ok && record.first_token_at_ms !== undefined
        ? record.first_token_at_ms - record.sent_at_ms
        : undefined;
    return {
        ok: record.ok,
        ttftMs,
        ttfatMs: record.ok && record.first_content_at_ms !== undefined
            ? record.first_content_at_ms - record.sent_at_ms
            : undefined,
        tpotMs: e2eMs !== undefined && ttftMs !== undefined && record.output_tokens >= 2
            ? (e2eMs - ttftMs) / (record.output_tokens - 1)
            : undefined,
        e2eMs,
        e2eFromScheduleMs: record.ok ? record.ended_at_ms - record.scheduled_at_ms : undefined,
        dispatchLagMs: record.dispatched_at_ms - record.scheduled_at_ms,
        connectMs: record.sent_at_ms - record.dispatched_at_ms,
        outputTokens: record.ok ? record.output_tokens : 0,
        sentAtMs: record.sent_at_ms,
        endedAtMs: record.ended_at_ms,
    };
}
/** The samples of the counted requests of a set of records (warmup requests are dropped). */
function requestSamples(records) {
    const samples = [];
    for (const record of records)
        if (!record.warmup)
            samples.push(requestSample(record));
    return samples;
}
/**
 * The active window of a set of requests, in seconds: from the first one sent to the last one ended
 * (0 without requests). Throughputs (tokens/s, requests/s) divide by it.
 */
function activeWindowSeconds(samples) {
    let windowStartMs = Infinity;
    let windowEndMs = -Infinity;
    for (const sample of samples) {
        if (sample.sentAtMs < windowStartMs)
            windowStartMs = sample.sentAtMs;
        if (sample.endedAtMs > windowEndMs)
            windowEndMs = sample.endedAtMs;
    }
    return samples.length > 0 ? Math.max(0, (windowEndMs - windowStartMs) / 1000) : 0;
}


/***/ }),

/***/ 54522:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Y: () => (/* binding */ percentile),
/* harmony export */   e: () => (/* binding */ summarize)
/* harmony export */ });
/**
 * Descriptive statistics of a sample: count, mean, sample standard deviation and percentiles.
 *
 * Percentiles use linear interpolation between closest ranks (numpy's default `method='linear'`, also
 * Excel's PERCENTILE.INC and R's type 7), so figures match what people compute from the raw records.
 */
/**
 * The `p`-th percentile (0 ≤ p ≤ 100) of values sorted in ascending order, `null` when there are none.
 *
 * With n values x₀ ≤ … ≤ xₙ₋₁: h = (n − 1) · p / 100, i = ⌊h⌋,
 * percentile = xᵢ + (h − i) · (xᵢ₊₁ − xᵢ)  (just xᵢ when i = n − 1).
 * Example: [1, 2, 3, 4], p = 90 → h = 2.7 → 3 + 0.7 · (4 − 3) = 3.7.
 */
function percentile(sortedValues, p) {
    if (!(p >= 0 && p <= 100))
        throw new RangeError(`percentile must be within 0..100, got ${p}`);
    const count = sortedValues.length;
    if (count === 0)
        return null;
    const rank = ((count - 1) * p) / 100;
    const lowerIndex = Math.floor(rank);
    const lower = sortedValues[lowerIndex];
    if (lowerIndex >= count - 1)
        return lower;
    const upper = sortedValues[lowerIndex + 1];
    const fraction = rank - lowerIndex;
    // Equal neighbours return exactly that value (no 0 · ∞ when both are infinite).
    return fraction === 0 || lower === upper ? lower : lower + fraction * (upper - lower);
}
/**
 * Summarises a sample. NaN values are ignored (they are not measurements); the input is not modified.
 *
 * mean = Σx / n; std = √(Σ(x − mean)² / (n − 1)) (two passes, for accuracy); percentiles as in
 * {@link percentile}. Sorts a Float64Array copy (numeric sort, no comparator calls): O(n log n).
 */
function summarize(values) {
    const sorted = new Float64Array(values.length);
    let count = 0;
    for (let index = 0; index < values.length; index++) {
        const value = values[index];
        if (!Number.isNaN(value))
            sorted[count++] = value;
    }
    if (count === 0) {
        return {
            count: 0,
            mean: null,
            std: null,
            min: null,
            p50: null,
            p90: null,
            p95: null,
            p99: null,
            max: null,
        };
    }
    const sample = count === sorted.length ? sorted : sorted.subarray(0, count);
    sample.sort();
    let sum = 0;
    for (let index = 0; index < count; index++)
        sum += sample[index];
    const mean = sum / count;
    let squaredDeviations = 0;
    for (let index = 0; index < count; index++) {
        const deviation = sample[index] - mean;
        squaredDeviations += deviation * deviation;
    }
    const std = count < 2 ? 0 : Math.sqrt(squaredDeviations / (count - 1));
    return {
        count,
        mean,
        std,
        min: sample[0],
        p50: percentile(sample, 50),
        p90: percentile(sample, 90),
        p95: percentile(sample, 95),
        p99: percentile(sample, 99),
        max: sample[count - 1],
    };
}


/***/ }),

/***/ 780:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   KT: () => (/* binding */ RunnerRateLimitError),
/* harmony export */   Xv: () => (/* binding */ RunnerAccessError),
/* harmony export */   hg: () => (/* binding */ runPreflight),
/* harmony export */   s2: () => (/* binding */ preflightError),
/* harmony export */   zH: () => (/* binding */ renderPreflightMarkdown)
/* harmony export */ });
/* unused harmony export countRunners */
/* harmony import */ var _util_markdown_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(17183);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(74296);
/* harmony import */ var _util_clock_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(97110);
/**
 * Runner pre-flight for plan mode: before the matrix starts, check that every `hardware_plan` label has
 * enough online self-hosted runners. A matrix job whose label no online runner carries sits queued
 * until GitHub gives up hours later, while the other nodes of the cluster wait for it; finding that
 * out here turns hours of silence into one line in the summary.
 *
 * Plain Node: the GitHub client lives behind `RunnerSource` (src/action/runners.ts implements it).
 */



/** The token may not read the runners (401, 403 without rate-limit headers, 404). Never retried. */
class RunnerAccessError extends _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ExoBenchError */ .Ll {
    /** HTTP status GitHub answered with. */
    status;
    constructor(status, message, hint) {
        super('input', message, hint);
        this.name = 'RunnerAccessError';
        this.status = status;
    }
}
/**
 * GitHub rate-limited the listing for longer than the source waits on its own. The pre-flight decides
 * whether that wait still fits before its deadline.
 */
class RunnerRateLimitError extends _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ExoBenchError */ .Ll {
    /** HTTP status of the rate-limit answer (403 or 429). */
    status;
    /** How long GitHub asked us to wait, counted from when this error was raised. */
    retryAfterMs;
    constructor(status, retryAfterMs, message) {
        super('cluster', message, 'Wait for the GitHub API rate limit to reset, or give github-token a token with its own quota.');
        this.name = 'RunnerRateLimitError';
        this.status = status;
        this.retryAfterMs = retryAfterMs;
    }
}
const DEFAULT_POLL_INTERVAL_MS = 10_000;
/**
 * Counts, for each `hardware_plan` label, the runners that carry it. Labels match case-insensitively
 * because GitHub matches `runs-on` labels that way. A runner that carries two plan labels counts for
 * both, as GitHub could route either job to it.
 */
function countRunners(hardwarePlan, runners) {
    const lowered = runners.map((runner) => ({
        runner,
        labels: new Set(runner.labels.map((label) => label.toLowerCase())),
    }));
    return Object.entries(hardwarePlan).map(([label, wanted]) => {
        const key = label.toLowerCase();
        let online = 0;
        let busy = 0;
        let offline = 0;
        for (const entry of lowered) {
            if (!entry.labels.has(key))
                continue;
            if (entry.runner.status === 'online') {
                online += 1;
                if (entry.runner.busy)
                    busy += 1;
            }
            else {
                offline += 1;
            }
        }
        return { label, wanted, online, busy, offline, ready: online >= wanted };
    });
}
/** `M3ULTRA_GPU80_512GB 3/4 online (1 busy, 1 offline)`: the per-label part of a progress line. */
function describeLabel(availability) {
    const details = [];
    if (availability.busy > 0)
        details.push(`${availability.busy} busy`);
    if (availability.offline > 0)
        details.push(`${availability.offline} offline`);
    const suffix = details.length > 0 ? ` (${details.join(', ')})` : '';
    return `${availability.label} ${availability.online}/${availability.wanted} online${suffix}`;
}
function shortReason(labels, waitedMs) {
    const missing = labels
        .filter((availability) => !availability.ready)
        .map((availability) => `${availability.label} has ${availability.online} of ${availability.wanted}`)
        .join('; ');
    const waited = waitedMs > 0 ? ` after waiting ${(0,_util_clock_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(waitedMs)}` : '';
    return `Not enough online self-hosted runners${waited}: ${missing}.`;
}
function unknownResult(hardwarePlan, reason, polls) {
    return {
        status: 'unknown',
        runnersReady: 'unknown',
        labels: countRunners(hardwarePlan, []),
        reason,
        polls,
    };
}
function accessReason(error) {
    const hint = error.hint ? ` ${error.hint}` : '';
    return `${error.message} Runner availability is unknown.${hint}`;
}
/**
 * Lists the runners until every `hardware_plan` label has enough online ones, or `waitSeconds` is
 * over, logging one progress line per poll. Never throws for a shortfall or for a token that may not
 * read runners: the caller publishes the result first, then fails (see `preflightError`). Throws
 * CancelledError when `signal` aborts.
 *
 * @param source undefined when no token was given: the result is `unknown` and nothing is listed.
 */
async function runPreflight(source, options, logger) {
    const { hardwarePlan, signal } = options;
    if (source === undefined) {
        const reason = 'No github-token was given, so the self-hosted runners were not checked.';
        logger.info(reason);
        return unknownResult(hardwarePlan, reason, 0);
    }
    if (Object.keys(hardwarePlan).length === 0) {
        return { status: 'ready', runnersReady: 'true', labels: [], polls: 0 };
    }
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? _util_clock_js__WEBPACK_IMPORTED_MODULE_1__/* .sleepMs */ .Mb;
    const pollIntervalMs = Math.max(0, options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    const waitMs = Number.isFinite(options.waitSeconds) ? Math.max(0, options.waitSeconds) * 1000 : 0;
    return logger.group('Runner pre-flight', async () => {
        const startedAtMs = now();
        const deadlineMs = startedAtMs + waitMs;
        let polls = 0;
        // Counts of the last successful listing: a failed last poll still reports what was last seen.
        let lastLabels;
        for (;;) {
            throwIfCancelled(signal);
            polls += 1;
            // What to wait before the next poll, when it is not the regular interval (rate limits).
            let nextPollDelayMs = pollIntervalMs;
            let failure;
            try {
                const runners = await source.list(signal);
                const labels = countRunners(hardwarePlan, runners);
                lastLabels = labels;
                const remainingMs = deadlineMs - now();
                const left = remainingMs > 0 ? `, ${(0,_util_clock_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(remainingMs)} left` : '';
                logger.info(`runners (poll ${polls}${left}): ${labels.map(describeLabel).join('; ')}`);
                if (labels.every((availability) => availability.ready)) {
                    return { status: 'ready', runnersReady: 'true', labels, polls };
                }
            }
            catch (error) {
                throwIfCancelled(signal);
                if (error instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CancelledError */ .cc)
                    throw error;
                if (error instanceof RunnerAccessError) {
                    const reason = accessReason(error);
                    logger.warning(reason);
                    return unknownResult(hardwarePlan, reason, polls);
                }
                failure = (0,_core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(error);
                if (error instanceof RunnerRateLimitError) {
                    nextPollDelayMs = error.retryAfterMs;
                    failure = `${error.message} (rate limit lifts in ${(0,_util_clock_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(error.retryAfterMs)})`;
                }
                logger.warning(`runners (poll ${polls}): could not list self-hosted runners: ${failure}`);
            }
            const remainingMs = deadlineMs - now();
            // A rate limit that outlasts the deadline is not worth waiting for: give the verdict now.
            if (remainingMs <= 0 || (failure !== undefined && nextPollDelayMs > remainingMs)) {
                // Check-once runs still take a few ms; only a real wait is worth naming.
                const waitedMs = waitMs > 0 ? now() - startedAtMs : 0;
                return finish(hardwarePlan, lastLabels, failure, waitedMs, polls);
            }
            await sleep(Math.min(nextPollDelayMs, remainingMs), signal);
        }
    });
}
/** The verdict once waiting is over: short with the last counts seen, or unknown if none were. */
function finish(hardwarePlan, lastLabels, lastFailure, waitedMs, polls) {
    if (lastLabels === undefined) {
        return unknownResult(hardwarePlan, `Could not list the self-hosted runners, so runner availability is unknown: ${lastFailure ?? 'no answer'}`, polls);
    }
    const failed = lastFailure === undefined
        ? ''
        : ` The last poll failed (${lastFailure}); counts are from the one before.`;
    return {
        status: 'short',
        runnersReady: 'false',
        labels: lastLabels,
        reason: `${shortReason(lastLabels, waitedMs)}${failed}`,
        polls,
    };
}
function throwIfCancelled(signal) {
    if (signal?.aborted)
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CancelledError */ .cc('runner pre-flight cancelled');
}
/**
 * The error to fail the step with, after publishing, when `require-runners` holds and a label is
 * short; undefined when there is nothing to fail for (`ready`, or `unknown`, which is never a failure).
 */
function preflightError(result) {
    if (result.status !== 'short')
        return undefined;
    return new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ClusterError */ .b$(result.reason ?? shortReason(result.labels, 0), 'Start or register the missing runners (Settings → Actions → Runners), raise wait-for-runners ' +
        'to wait for them, or set require-runners: false to start the matrix anyway.');
}
/**
 * The pre-flight section of the job summary: a heading, one sentence of verdict and a table
 * (label, wanted, online, busy, offline, ready). Pure; the caller writes it once with the rest.
 */
function renderPreflightMarkdown(result) {
    const lines = ['### Self-hosted runners', ''];
    const polls = `${result.polls} ${result.polls === 1 ? 'poll' : 'polls'}`;
    if (result.status === 'ready') {
        lines.push(`Every label has enough online runners (${polls}).`);
    }
    else {
        const verdict = result.status === 'short' ? '**Not enough runners.**' : '**Runners not checked.**';
        lines.push(`${verdict} ${(0,_util_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeMarkdownText */ .m4)(result.reason ?? '')}`.trimEnd());
    }
    if (result.labels.length === 0)
        return `${lines.join('\n')}\n`;
    lines.push('', '| label | wanted | online | busy | offline | ready |', '| --- | ---: | ---: | ---: | ---: | --- |');
    for (const availability of result.labels) {
        const label = (0,_util_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .escapeMarkdownCell */ .Vf)(availability.label);
        if (result.status === 'unknown') {
            lines.push(`| ${label} | ${availability.wanted} | ? | ? | ? | unknown |`);
            continue;
        }
        const missing = availability.wanted - availability.online;
        const ready = availability.ready ? 'yes' : `**no** (${missing} missing)`;
        lines.push(`| ${label} | ${availability.wanted} | ${availability.online} | ${availability.busy} | ${availability.offline} | ${ready} |`);
    }
    if (result.labels.some((availability) => availability.busy > 0)) {
        lines.push('', 'Busy runners are online but running another job; matrix jobs start when they are free.');
    }
    return `${lines.join('\n')}\n`;
}
/** Reasons contain labels and GitHub's words: keep them from opening HTML or breaking the line. */


/***/ }),

/***/ 99046:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  cB: () => (/* reexport */ ChatStreamReader),
  LX: () => (/* reexport */ Http1Dispatcher),
  G5: () => (/* reexport */ SseDecoder),
  aj: () => (/* reexport */ httpRequest)
});

// UNUSED EXPORTS: DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_SSE_LINE_BYTES, Http1Error, MAX_RESPONSE_BODY_BYTES

// EXTERNAL MODULE: external "node:buffer"
var external_node_buffer_ = __webpack_require__(4573);
;// CONCATENATED MODULE: ./src/stream/sse.ts
/**
 * Incremental Server-Sent Events decoding: bytes → lines → fields, with no per-event string building.
 *
 * This is the hot path of every streaming request (one call per token), so it works on bytes only:
 * a line that lies inside one network chunk is handed to the sink as a slice of that chunk, without a
 * copy; only a line that spans chunks is carried in one reusable buffer. UTF-8 sequences split across
 * chunks need no care because nothing is decoded until a sink asks for it.
 *
 * Framing follows the WHATWG EventSource rules: a line ends at CR, LF or CRLF (a CR at the end of one
 * chunk and an LF at the start of the next are one terminator); a leading UTF-8 BOM is skipped; a
 * field is `name:value` with one optional space after the colon; a line starting with `:` is a comment;
 * a blank line ends an event.
 */

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);
/** `bomBytesMatched` value once the start of the stream is behind us. */
const BOM_DONE = 3;
/** Default of {@link SseDecoderOptions.maxLineBytes}: far above any real chunk, far below a runaway body. */
const DEFAULT_MAX_SSE_LINE_BYTES = 16 * 1024 * 1024;
/** Smallest carry buffer: a few partial events without a reallocation. */
const MIN_CARRY_BYTES = 1024;
/** A carry buffer grown past this is dropped after use, so thousands of idle streams stay small. */
const RETAINED_CARRY_BYTES = 64 * 1024;
// ignoreBOM: a BOM inside the stream is content (only the stream's first bytes may be a BOM, skipped by SseDecoder).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
/**
 * Splits a byte stream into SSE lines and fields and hands them to an {@link SseSink}.
 *
 * Feed it with {@link push} as chunks arrive and call {@link end} at end of body. Never throws on any
 * input (exceptions thrown by the sink propagate).
 */
class SseDecoder {
    /** Lines longer than `maxLineBytes` that were dropped. */
    get oversizedLines() {
        return this.oversizedLineCount;
    }
    /** Bytes currently reserved for a line that spans chunks (for memory checks and tests). */
    get carryCapacityBytes() {
        return this.carry === null ? 0 : this.carry.length;
    }
    sink;
    maxLineBytes;
    oversizedLineCount = 0;
    /** Holds the start of a line that spans chunks; allocated on first need. */
    carry = null;
    carryLength = 0;
    /** True while dropping the rest of an oversized line that spans chunks. */
    skipping = false;
    /** The last chunk ended with CR: an LF at the start of the next chunk belongs to the same terminator. */
    pendingCR = false;
    /** How many bytes of a UTF-8 BOM the stream started with so far; `BOM_DONE` once decided. */
    bomBytesMatched = 0;
    constructor(sink, options) {
        const maxLineBytes = options?.maxLineBytes ?? DEFAULT_MAX_SSE_LINE_BYTES;
        if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
            throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
        }
        this.sink = sink;
        this.maxLineBytes = maxLineBytes;
    }
    /** Decodes one chunk of the body. The chunk is not kept after the call returns. */
    push(chunk) {
        const length = chunk.length;
        let position = 0;
        if (this.bomBytesMatched !== BOM_DONE) {
            position = this.consumeBom(chunk);
            if (position >= length)
                return;
        }
        if (this.pendingCR) {
            if (length === position)
                return;
            this.pendingCR = false;
            if (chunk[position] === LF)
                position++;
        }
        // Both searches are native (memchr) and cached: a stream without CR (the usual case) looks for
        // one once per chunk, and each LF is found by one call.
        const bytes = asBuffer(chunk);
        let nextLF = indexOrLength(bytes, LF, position);
        let nextCR = indexOrLength(bytes, CR, position);
        let lineStart = position;
        for (;;) {
            if (nextLF < lineStart)
                nextLF = indexOrLength(bytes, LF, lineStart);
            if (nextCR < lineStart)
                nextCR = indexOrLength(bytes, CR, lineStart);
            const lineEnd = nextLF < nextCR ? nextLF : nextCR;
            if (lineEnd >= length)
                break;
            let nextLineStart = lineEnd + 1;
            if (lineEnd === nextCR) {
                if (nextLineStart < length) {
                    if (chunk[nextLineStart] === LF)
                        nextLineStart++;
                }
                else {
                    this.pendingCR = true;
                }
            }
            this.completeLine(chunk, lineStart, lineEnd);
            lineStart = nextLineStart;
        }
        if (lineStart < length)
            this.carryTail(chunk, lineStart, length);
    }
    /**
     * Ends the body: delivers a last line that had no terminator (a server that closes right after
     * `data: [DONE]`), without an `onEventEnd`. The decoder is then ready for a new stream.
     */
    end() {
        if (this.bomBytesMatched !== BOM_DONE && this.bomBytesMatched > 0) {
            this.carryTail(BOM, 0, this.bomBytesMatched);
        }
        const carried = this.carryLength;
        const skipping = this.skipping;
        this.carryLength = 0;
        this.skipping = false;
        this.pendingCR = false;
        this.bomBytesMatched = 0;
        if (!skipping && carried > 0 && this.carry !== null)
            this.dispatch(this.carry, 0, carried);
        this.releaseLargeCarry();
    }
    /** Skips a UTF-8 BOM at the very start of the stream, even when it is split across chunks. */
    consumeBom(chunk) {
        let position = 0;
        while (this.bomBytesMatched < BOM_DONE && position < chunk.length) {
            if (chunk[position] === BOM[this.bomBytesMatched]) {
                this.bomBytesMatched++;
                position++;
            }
            else {
                // Not a BOM after all: the bytes taken so far are the start of the first line.
                const taken = this.bomBytesMatched;
                this.bomBytesMatched = BOM_DONE;
                if (taken > 0)
                    this.carryTail(BOM, 0, taken);
            }
        }
        return position;
    }
    /** A line terminator was found at `end`; the line is `[start, end)` of `chunk`, after any carried part. */
    completeLine(chunk, start, end) {
        if (this.skipping) {
            this.skipping = false;
            return;
        }
        if (this.carryLength > 0) {
            if (this.carryLength + (end - start) > this.maxLineBytes) {
                this.oversizedLineCount++;
                this.carryLength = 0;
                this.releaseLargeCarry();
                return;
            }
            this.appendToCarry(chunk, start, end);
            const lineLength = this.carryLength;
            this.carryLength = 0;
            // appendToCarry allocated the buffer.
            this.dispatch(this.carry, 0, lineLength);
            this.releaseLargeCarry();
            return;
        }
        if (end - start > this.maxLineBytes) {
            this.oversizedLineCount++;
            return;
        }
        this.dispatch(chunk, start, end);
    }
    /** The chunk ended inside a line: keep its start, unless the line is already too long. */
    carryTail(chunk, start, end) {
        if (this.skipping)
            return;
        if (this.carryLength + (end - start) > this.maxLineBytes) {
            this.oversizedLineCount++;
            this.skipping = true;
            this.carryLength = 0;
            this.releaseLargeCarry();
            return;
        }
        this.appendToCarry(chunk, start, end);
    }
    /** Appends `[start, end)` of `source`; the caller has checked the result fits in `maxLineBytes`. */
    appendToCarry(source, start, end) {
        const needed = this.carryLength + (end - start);
        let carry = this.carry;
        if (carry === null || carry.length < needed) {
            let capacity = carry === null ? MIN_CARRY_BYTES : carry.length * 2;
            while (capacity < needed)
                capacity *= 2;
            if (capacity > this.maxLineBytes)
                capacity = this.maxLineBytes;
            const grown = new Uint8Array(capacity);
            if (carry !== null && this.carryLength > 0)
                grown.set(carry.subarray(0, this.carryLength));
            carry = grown;
            this.carry = grown;
        }
        carry.set(source.subarray(start, end), this.carryLength);
        this.carryLength = needed;
    }
    releaseLargeCarry() {
        if (this.carry !== null && this.carry.length > RETAINED_CARRY_BYTES)
            this.carry = null;
    }
    /** Classifies one complete line and calls the sink. */
    dispatch(buf, start, end) {
        if (start === end) {
            this.sink.onEventEnd?.();
            return;
        }
        const first = buf[start];
        if (first === COLON) {
            let valueStart = start + 1;
            if (valueStart < end && buf[valueStart] === SPACE)
                valueStart++;
            this.sink.onComment(buf, valueStart, end);
            return;
        }
        // `data` checked byte by byte: no field-name string on the hot path.
        if (first === 0x64 &&
            end - start >= 4 &&
            buf[start + 1] === 0x61 &&
            buf[start + 2] === 0x74 &&
            buf[start + 3] === 0x61) {
            if (end - start === 4) {
                this.sink.onData(buf, end, end);
                return;
            }
            if (buf[start + 4] === COLON) {
                let valueStart = start + 5;
                if (valueStart < end && buf[valueStart] === SPACE)
                    valueStart++;
                this.sink.onData(buf, valueStart, end);
                return;
            }
        }
        this.dispatchOtherField(buf, start, end);
    }
    dispatchOtherField(buf, start, end) {
        if (this.sink.onOtherField === undefined)
            return;
        let colon = start;
        while (colon < end && buf[colon] !== COLON)
            colon++;
        const name = utf8.decode(buf.subarray(start, colon));
        let valueStart = colon + 1;
        if (valueStart < end && buf[valueStart] === SPACE)
            valueStart++;
        const value = valueStart < end ? utf8.decode(buf.subarray(valueStart, end)) : '';
        this.sink.onOtherField(name, value);
    }
}
/**
 * The chunk as a Buffer (a view, no copy): `Buffer#indexOf` runs `memchr`, several times faster than
 * `Uint8Array#indexOf` or a JavaScript loop on the short distances between SSE lines.
 */
function asBuffer(chunk) {
    return external_node_buffer_.Buffer.isBuffer(chunk) ? chunk : external_node_buffer_.Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
/** `indexOf` that returns the length instead of -1, so "not found" compares as "after the end". */
function indexOrLength(chunk, byte, from) {
    const index = chunk.indexOf(byte, from);
    return index < 0 ? chunk.length : index;
}

;// CONCATENATED MODULE: ./src/stream/chat.ts
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const chat_COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LETTER_N = 0x6e;
const KEY_CONTENT = ascii('content');
const KEY_REASONING_CONTENT = ascii('reasoning_content');
const KEY_REASONING = ascii('reasoning');
const KEY_FINISH_REASON = ascii('finish_reason');
const KEY_USAGE = ascii('usage');
const KEY_ERROR = ascii('error');
const KEY_MODEL = ascii('model');
const KEY_ROLE = ascii('role');
const KEY_ID = ascii('id');
const DONE = ascii('[DONE]');
const KEEP_ALIVE = ascii('keep-alive');
const GENERATION_STATS = ascii('generation_stats');
const PREFILL_PROGRESS = ascii('prefill_progress');
// ignoreBOM: a BOM inside the stream is content (only the stream's first bytes may be a BOM, skipped by SseDecoder).
const chat_utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
/**
 * An {@link SseSink} that reads a chat completion stream and counts what it saw. Read its fields after
 * the stream ends. One reader per stream.
 */
class ChatStreamReader {
    /** JSON object chunks that are not error envelopes: content + reasoning + empty + role-only. */
    chunks = 0;
    /** Chunks with non-empty `content`. */
    contentChunks = 0;
    /** Chunks with non-empty `reasoning_content` or `reasoning` and no content. */
    reasoningChunks = 0;
    /**
     * Chunks without any token text that are not role-only: finish chunks, usage-only chunks
     * (`"choices":[]`), chunks with `"content":""` and no role.
     */
    emptyChunks = 0;
    /**
     * Chunks without token text that carry `role` and neither a non-null `finish_reason` nor `usage`:
     * OpenAI's opening chunk (`"content":null` or `""`). EXO repeats the role in every chunk, so its rare
     * empty-text chunks land here too (the wire cannot tell them apart).
     */
    roleOnlyChunks = 0;
    /** The last non-null `finish_reason` seen. */
    finishReason = undefined;
    /** The last non-null `usage` seen (OpenAI: its own chunk; EXO: the finish chunk). */
    usage = undefined;
    /** EXO's `: generation_stats {…}` comment, as parsed (snake_case, memory as `{"in_bytes": N}`). */
    generationStats = undefined;
    /** The last EXO `: prefill_progress` comment seen. */
    prefillProgress = undefined;
    /** `: keep-alive` comments (EXO sends one first and then after every 10 s of silence). */
    keepAlives = 0;
    /** The error of a `data: {"error":{…}}` chunk (the last one, if several). */
    streamError = undefined;
    /**
     * Lines that could not be used: data that is not a JSON object (truncated, garbage, an empty value),
     * a chunk or comment whose parse failed, a field other than `data`, `event`, `id` or `retry`.
     */
    invalidEvents = 0;
    /** `data: [DONE]` arrived; a stream that ends without it was cut short. */
    sawDone = false;
    /** Top-level `id` of the first chunk that has one (EXO: the command ID, usable to cancel). */
    responseId = undefined;
    /** Top-level `model` of the first chunk that has one. */
    model = undefined;
    observer;
    // Results of the last scan. Fields rather than a returned object: no allocation per chunk.
    scanContent = false;
    scanReasoning = false;
    scanRole = false;
    scanNeedsParse = false;
    scanHasError = false;
    scanIdStart = -1;
    scanIdEnd = -1;
    scanModelStart = -1;
    scanModelEnd = -1;
    constructor(observer) {
        this.observer = observer;
    }
    /** @inheritdoc */
    onData(buf, start, end) {
        while (start < end && isJsonWhitespace(buf[start]))
            start++;
        while (end > start && isJsonWhitespace(buf[end - 1]))
            end--;
        if (start === end) {
            this.invalidEvents++;
            return;
        }
        if (buf[start] !== OPEN_BRACE) {
            if (bytesEqual(buf, start, end, DONE)) {
                this.sawDone = true;
                this.observer.onDone();
            }
            else {
                this.invalidEvents++;
            }
            return;
        }
        if (!this.scan(buf, start, end)) {
            this.invalidEvents++;
            return;
        }
        if (this.scanNeedsParse && !this.readInFull(buf, start, end)) {
            this.invalidEvents++;
            return;
        }
        if (this.responseId === undefined && this.scanIdStart >= 0) {
            this.responseId = decodeJsonString(buf, this.scanIdStart, this.scanIdEnd);
        }
        if (this.model === undefined && this.scanModelStart >= 0) {
            this.model = decodeJsonString(buf, this.scanModelStart, this.scanModelEnd);
        }
        if (this.scanHasError)
            return;
        this.chunks++;
        if (this.scanContent) {
            this.contentChunks++;
            this.observer.onToken('content');
        }
        else if (this.scanReasoning) {
            this.reasoningChunks++;
            this.observer.onToken('reasoning');
        }
        else if (this.scanRole && !this.scanNeedsParse) {
            this.roleOnlyChunks++;
        }
        else {
            this.emptyChunks++;
        }
    }
    /** @inheritdoc */
    onComment(buf, start, end) {
        while (end > start && isJsonWhitespace(buf[end - 1]))
            end--;
        if (bytesEqual(buf, start, end, KEEP_ALIVE)) {
            this.keepAlives++;
        }
        else if (hasWordPrefix(buf, start, end, GENERATION_STATS)) {
            const stats = parseJson(buf, start + GENERATION_STATS.length, end);
            if (isRecord(stats))
                this.generationStats = stats;
            else
                this.invalidEvents++;
        }
        else if (hasWordPrefix(buf, start, end, PREFILL_PROGRESS)) {
            const progress = readPrefillProgress(parseJson(buf, start + PREFILL_PROGRESS.length, end));
            if (progress !== undefined)
                this.prefillProgress = progress;
            else
                this.invalidEvents++;
        }
        // Other comments are free-form by the SSE rules: ignored.
    }
    /** @inheritdoc */
    onOtherField(name) {
        // `event`, `id` and `retry` are legal and carry nothing we use; anything else is not SSE at all.
        if (name !== 'event' && name !== 'id' && name !== 'retry')
            this.invalidEvents++;
    }
    /**
     * One lexical pass over a JSON object: finds the keys that matter and looks at the first byte of
     * their values. Returns false when the bytes are not a well-formed object at the bracket and string
     * level (unterminated string, unbalanced brackets, trailing bytes); values are not validated further.
     */
    scan(buf, start, end) {
        this.scanContent = false;
        this.scanReasoning = false;
        this.scanRole = false;
        this.scanNeedsParse = false;
        this.scanHasError = false;
        this.scanIdStart = -1;
        this.scanModelStart = -1;
        let depth = 0;
        let position = start;
        while (position < end) {
            const byte = buf[position];
            if (byte === QUOTE) {
                const keyStart = position + 1;
                const keyEnd = findStringEnd(buf, keyStart, end);
                if (keyEnd < 0)
                    return false;
                position = skipJsonWhitespace(buf, keyEnd + 1, end);
                if (position < end && buf[position] === chat_COLON) {
                    // A string followed by a colon is a key; `valueStart` is the first byte of its value.
                    const valueStart = skipJsonWhitespace(buf, position + 1, end);
                    if (valueStart >= end)
                        return false;
                    this.inspectKey(buf, keyStart, keyEnd, valueStart, end, depth);
                    position = valueStart;
                }
            }
            else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
                depth++;
                position++;
            }
            else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
                depth--;
                position++;
                if (depth <= 0)
                    return depth === 0 && skipJsonWhitespace(buf, position, end) === end;
            }
            else {
                position++;
            }
        }
        return false;
    }
    inspectKey(buf, keyStart, keyEnd, valueStart, end, depth) {
        const value = buf[valueStart];
        // Keys are told apart by length first: one comparison rejects almost every key.
        switch (keyEnd - keyStart) {
            case 7:
                if (!this.scanContent && bytesEqual(buf, keyStart, keyEnd, KEY_CONTENT)) {
                    this.scanContent = isNonEmptyString(buf, valueStart, end);
                }
                break;
            case 17:
                if (!this.scanReasoning && bytesEqual(buf, keyStart, keyEnd, KEY_REASONING_CONTENT)) {
                    this.scanReasoning = isNonEmptyString(buf, valueStart, end);
                }
                break;
            case 9:
                if (!this.scanReasoning && bytesEqual(buf, keyStart, keyEnd, KEY_REASONING)) {
                    this.scanReasoning = isNonEmptyString(buf, valueStart, end);
                }
                break;
            case 13:
                if (value !== LETTER_N && bytesEqual(buf, keyStart, keyEnd, KEY_FINISH_REASON)) {
                    this.scanNeedsParse = true;
                }
                break;
            case 5:
                if (depth !== 1)
                    break;
                if (value !== LETTER_N && bytesEqual(buf, keyStart, keyEnd, KEY_USAGE)) {
                    this.scanNeedsParse = true;
                }
                else if (value !== LETTER_N && bytesEqual(buf, keyStart, keyEnd, KEY_ERROR)) {
                    this.scanNeedsParse = true;
                    this.scanHasError = true;
                }
                else if (value === QUOTE &&
                    this.model === undefined &&
                    bytesEqual(buf, keyStart, keyEnd, KEY_MODEL)) {
                    this.scanModelStart = valueStart + 1;
                    this.scanModelEnd = findStringEnd(buf, valueStart + 1, end);
                    if (this.scanModelEnd < 0)
                        this.scanModelStart = -1;
                }
                break;
            case 4:
                if (value === QUOTE && bytesEqual(buf, keyStart, keyEnd, KEY_ROLE))
                    this.scanRole = true;
                break;
            case 2:
                if (depth === 1 &&
                    value === QUOTE &&
                    this.responseId === undefined &&
                    bytesEqual(buf, keyStart, keyEnd, KEY_ID)) {
                    this.scanIdStart = valueStart + 1;
                    this.scanIdEnd = findStringEnd(buf, valueStart + 1, end);
                    if (this.scanIdEnd < 0)
                        this.scanIdStart = -1;
                }
                break;
        }
    }
    /** The rare chunk worth a real parse: error, finish reason, usage. False when it is not valid JSON. */
    readInFull(buf, start, end) {
        const chunk = parseJson(buf, start, end);
        if (!isRecord(chunk))
            return false;
        if (this.scanHasError) {
            this.streamError = readStreamError(chunk['error']);
            return true;
        }
        const choices = chunk['choices'];
        if (Array.isArray(choices)) {
            for (const choice of choices) {
                if (isRecord(choice) && typeof choice['finish_reason'] === 'string') {
                    this.finishReason = choice['finish_reason'];
                }
            }
        }
        const usage = chunk['usage'];
        if (isRecord(usage))
            this.usage = readUsage(usage);
        return true;
    }
}
function readStreamError(error) {
    if (!isRecord(error))
        return { message: typeof error === 'string' ? error : JSON.stringify(error) };
    const message = error['message'];
    const result = {
        message: typeof message === 'string' ? message : JSON.stringify(message ?? null),
    };
    if (typeof error['type'] === 'string')
        result.type = error['type'];
    if (typeof error['code'] === 'number')
        result.code = error['code'];
    return result;
}
function readUsage(usage) {
    const result = {};
    if (typeof usage['prompt_tokens'] === 'number')
        result.prompt_tokens = usage['prompt_tokens'];
    if (typeof usage['completion_tokens'] === 'number')
        result.completion_tokens = usage['completion_tokens'];
    const promptDetails = usage['prompt_tokens_details'];
    if (isRecord(promptDetails) && typeof promptDetails['cached_tokens'] === 'number') {
        result.cached_tokens = promptDetails['cached_tokens'];
    }
    const completionDetails = usage['completion_tokens_details'];
    if (isRecord(completionDetails) && typeof completionDetails['reasoning_tokens'] === 'number') {
        result.reasoning_tokens = completionDetails['reasoning_tokens'];
    }
    return result;
}
/** Accepts `{"PrefillProgressChunk":{…}}` (EXO's tagged form) and the bare object. */
function readPrefillProgress(parsed) {
    if (!isRecord(parsed))
        return undefined;
    let body = parsed;
    if (!('processed_tokens' in parsed)) {
        const values = Object.values(parsed);
        body = values.length === 1 ? values[0] : undefined;
    }
    if (!isRecord(body))
        return undefined;
    const processed = body['processed_tokens'];
    const total = body['total_tokens'];
    if (typeof processed !== 'number' || typeof total !== 'number')
        return undefined;
    return { processed_tokens: processed, total_tokens: total };
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** Decodes and parses `[start, end)`; `undefined` when it is not JSON. */
function parseJson(buf, start, end) {
    try {
        return JSON.parse(chat_utf8.decode(buf.subarray(start, end)));
    }
    catch {
        return undefined;
    }
}
/** The text of a JSON string whose contents are `[start, end)` (quotes excluded), escapes resolved. */
function decodeJsonString(buf, start, end) {
    const parsed = parseJson(buf, start - 1, end + 1);
    return typeof parsed === 'string' ? parsed : undefined;
}
/**
 * Index of the quote that closes a string whose contents start at `start`, or -1. A quote preceded by
 * an odd number of backslashes is escaped (`\"` inside, `\\"` closes).
 */
function findStringEnd(buf, start, end) {
    for (let position = start; position < end; position++) {
        const byte = buf[position];
        if (byte === BACKSLASH)
            position++;
        else if (byte === QUOTE)
            return position;
    }
    return -1;
}
/** True when a string value starts at `valueStart` and is not `""` (`"\""` is non-empty). */
function isNonEmptyString(buf, valueStart, end) {
    return buf[valueStart] === QUOTE && valueStart + 1 < end && buf[valueStart + 1] !== QUOTE;
}
function skipJsonWhitespace(buf, position, end) {
    while (position < end && isJsonWhitespace(buf[position]))
        position++;
    return position;
}
function isJsonWhitespace(byte) {
    return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}
function bytesEqual(buf, start, end, expected) {
    if (end - start !== expected.length)
        return false;
    for (let index = 0; index < expected.length; index++) {
        if (buf[start + index] !== expected[index])
            return false;
    }
    return true;
}
/** `[start, end)` starts with `word` followed by a space or `{` (EXO writes `generation_stats {…}`). */
function hasWordPrefix(buf, start, end, word) {
    if (end - start <= word.length)
        return false;
    const after = buf[start + word.length];
    if (after !== 0x20 && after !== OPEN_BRACE)
        return false;
    return bytesEqual(buf, start, start + word.length, word);
}
function ascii(text) {
    return Uint8Array.from(text, (character) => character.charCodeAt(0));
}

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __webpack_require__(643);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(41692);
;// CONCATENATED MODULE: ./src/stream/http1.ts
/**
 * A lean HTTP/1.1 client for the load's hot path: the streamed requests of a stage.
 *
 * It implements the part of undici's dispatcher contract that a streamed request uses
 * ({@link StreamDispatcher}), so `src/load/request.ts` runs over it or over undici's `Agent` alike, and
 * does less per read than undici's general-purpose body path (llhttp in WebAssembly, then a stream
 * push and an event per read): a plain TCP socket reads into one shared buffer (net's `onread`) and the
 * body bytes are handed to the handler as views of it; status line, headers and chunked framing are
 * parsed by hand, incrementally across reads. Idle keep-alive sockets wait in a stack per origin, so a
 * dispatch pops one or connects (no scan of busy connections), and a normal close, by either side,
 * builds no `Error`.
 *
 * Only what a load request needs: a request with a string body, a response read to its end.
 * No pipelining, no redirects, no request bodies but strings, no `Expect`, no upgrades; HEAD is not
 * supported (a response to it would be read as having a body).
 */




/** Default of {@link Http1DispatcherOptions.maxHeaderBytes}. */
const DEFAULT_MAX_HEADER_BYTES = 64 * 1024;
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 4_000;
const DEFAULT_KEEP_ALIVE_MAX_TIMEOUT_MS = 600_000;
/** A chunk-size line (size, extensions, CRLF) longer than this is malformed. */
const MAX_CHUNK_SIZE_LINE_BYTES = 4096;
/** Thirteen hex digits are 2^52: beyond that a size is not a safe integer. */
const MAX_CHUNK_SIZE_DIGITS = 13;
/** The idle sweep runs at most this often; a socket past its idle limit is never reused meanwhile. */
const SWEEP_MIN_INTERVAL_MS = 250;
/** The buffer every plain TCP socket reads into (net's `onread`). */
const READ_BUFFER_BYTES = 64 * 1024;
// --- errors --------------------------------------------------------------------------------------
/** An error of this client, with undici's code for the same case where undici has one. */
class Http1Error extends Error {
    code;
    constructor(code, message) {
        super(message);
        this.name = 'Http1Error';
        this.code = code;
    }
}
function otherSideClosed() {
    return new Http1Error('UND_ERR_SOCKET', 'other side closed');
}
function invalidResponse(what) {
    return new Http1Error(undefined, `invalid HTTP response: ${what}`);
}
/** Server text quoted for a message: short, and with control characters visible. */
function excerpt(text) {
    return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
// --- request serialisation -----------------------------------------------------------------------
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What a header value may hold: no CR, LF or NUL, nothing beyond latin1 (as undici). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const REQUEST_PATH = /^\/[\x21-\xff]*$/;
const NON_ASCII = /[\u0080-\uffff]/;
/** Headers the dispatcher owns: a caller's value would contradict the framing it writes. */
const OWN_HEADERS = new Set([
    'content-length',
    'transfer-encoding',
    'connection',
    'keep-alive',
    'upgrade',
    'expect',
]);
function invalidArgument(message) {
    return new Http1Error('UND_ERR_INVALID_ARG', message);
}
/**
 * The request's bytes, head and body, for one write: a string when the head is ASCII (written as UTF-8,
 * which is then also the head's latin1), otherwise a buffer with the head in latin1 and the body in
 * UTF-8. `content-length` is the body's UTF-8 byte length. Header values never appear in an error.
 */
function serialiseRequest(options, hostHeader) {
    const { method, path, headers, body } = options;
    if (!TOKEN.test(method))
        throw invalidArgument('invalid request method');
    if (!REQUEST_PATH.test(path))
        throw invalidArgument('invalid request path');
    let host = hostHeader;
    let fields = '';
    for (const name of Object.keys(headers)) {
        const value = headers[name];
        if (!TOKEN.test(name))
            throw invalidArgument(`invalid header name ${excerpt(name)}`);
        if (typeof value !== 'string' || !HEADER_VALUE.test(value))
            throw invalidArgument(`invalid value of header ${name}`);
        const lower = name.toLowerCase();
        if (lower === 'host')
            host = value;
        else if (OWN_HEADERS.has(lower))
            throw invalidArgument(`header ${name} is set by the dispatcher`);
        else
            fields += `${name}: ${value}\r\n`;
    }
    const bodyBytes = external_node_buffer_.Buffer.byteLength(body);
    const head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n${fields}content-length: ${bodyBytes}\r\n\r\n`;
    if (!NON_ASCII.test(head))
        return head + body;
    const bytes = external_node_buffer_.Buffer.allocUnsafe(head.length + bodyBytes);
    bytes.write(head, 0, 'latin1');
    bytes.write(body, head.length, 'utf8');
    return bytes;
}
// --- response parsing ----------------------------------------------------------------------------
const http1_CR = 0x0d;
const http1_LF = 0x0a;
const http1_SPACE = 0x20;
const TAB = 0x09;
const SEMICOLON = 0x3b;
const HEAD_END = external_node_buffer_.Buffer.from('\r\n\r\n', 'latin1');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/;
const KEEP_ALIVE_TIMEOUT = /(?:^|[,;\s])timeout\s*=\s*(\d+)/i;
// Where a connection is in reading its response (numbers, not an enum: compared on every read).
/** Status line and headers, up to CRLFCRLF. */
const READ_HEAD = 0;
/** A body of `content-length` bytes. */
const READ_LENGTH = 1;
/** A body that ends when the server closes. */
const READ_UNTIL_CLOSE = 2;
/** Chunked: the hex digits of a chunk size. */
const READ_CHUNK_SIZE = 3;
/** Chunked: the rest of a chunk-size line (extensions, CR) up to LF. */
const READ_CHUNK_SIZE_REST = 4;
/** Chunked: a chunk's data. */
const READ_CHUNK_DATA = 5;
/** Chunked: the CR after a chunk's data. */
const READ_CHUNK_DATA_CR = 6;
/** Chunked: the LF after a chunk's data. */
const READ_CHUNK_DATA_LF = 7;
/** Chunked: trailer lines after the last chunk, up to an empty line. */
const READ_TRAILERS = 8;
function hexDigit(byte) {
    if (byte >= 0x30 && byte <= 0x39)
        return byte - 0x30;
    const lower = byte | 0x20;
    if (lower >= 0x61 && lower <= 0x66)
        return lower - 0x61 + 10;
    return -1;
}
/** Optional white space trimmed (only SP and HTAB: a latin1 NBSP is content). */
function trimOws(text) {
    let start = 0;
    let end = text.length;
    while (start < end && (text.charCodeAt(start) === http1_SPACE || text.charCodeAt(start) === TAB))
        start++;
    while (end > start && (text.charCodeAt(end - 1) === http1_SPACE || text.charCodeAt(end - 1) === TAB))
        end--;
    return start === 0 && end === text.length ? text : text.slice(start, end);
}
function headerText(value) {
    return Array.isArray(value) ? value.join(', ') : value;
}
/** A body length from `content-length` (repeated values must agree), or an error message. */
function contentLength(value) {
    const parts = (Array.isArray(value) ? value.join(',') : value).split(',').map(trimOws);
    const first = parts[0] ?? '';
    if (!/^\d{1,15}$/.test(first) || parts.some((part) => part !== first))
        return `content-length ${excerpt(Array.isArray(value) ? value.join(', ') : value)}`;
    return Number(first);
}
// --- the dispatcher ------------------------------------------------------------------------------
/** Shared by every plain TCP socket of the process: reads are delivered one at a time. */
let sharedReadBuffer;
/**
 * A plain TCP socket that reads through net's `onread`: reads land in one shared buffer and reach
 * `onRead` without a Buffer per read, a stream push and a 'data' event. Measured with
 * bench/http1-reads.mjs (2,000 streams, 40 events each): 8.2 µs of client CPU per read, against 10.8 µs
 * for the same parser behind a 'data' listener (and 9.7 µs for a bare socket that only counts bytes).
 */
function plainSocket(pool, connection) {
    sharedReadBuffer ??= external_node_buffer_.Buffer.allocUnsafe(READ_BUFFER_BYTES);
    return (0,external_node_net_.connect)({
        host: pool.host,
        port: pool.port,
        noDelay: true,
        onread: { buffer: sharedReadBuffer, callback: connection.onRead },
    });
}
/** The sockets of one origin. */
class OriginPool {
    secure;
    host;
    port;
    hostHeader;
    servername;
    /** Idle keep-alive connections, most recently used last: a dispatch pops the warmest. */
    idle = [];
    constructor(secure, host, port, hostHeader, servername) {
        this.secure = secure;
        this.host = host;
        this.port = port;
        this.hostHeader = hostHeader;
        this.servername = servername;
    }
}
/**
 * HTTP/1.1 over plain `net` / `tls` sockets, one request at a time per socket, no cap on connections.
 * See the module comment for what it does and does not do.
 */
class Http1Dispatcher {
    connectTimeoutMs;
    keepAliveTimeoutMs;
    keepAliveMaxTimeoutMs;
    maxHeaderBytes;
    tls;
    pools = new Map();
    /** Every socket not yet closed: in use, connecting or idle. */
    connections = new Set();
    closed = false;
    closeWaiters = [];
    sweepTimer;
    sweepAtMs = Number.POSITIVE_INFINITY;
    constructor(options = {}) {
        this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
        this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
        this.keepAliveMaxTimeoutMs = options.keepAliveMaxTimeoutMs ?? DEFAULT_KEEP_ALIVE_MAX_TIMEOUT_MS;
        this.maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
        this.tls = options.tls;
    }
    /** Open sockets (in use, connecting or idle). */
    get connectionCount() {
        return this.connections.size;
    }
    /** Idle keep-alive sockets waiting for a request, all origins. */
    get idleCount() {
        let count = 0;
        for (const pool of this.pools.values())
            for (const connection of pool.idle)
                if (!connection.dead)
                    count++;
        return count;
    }
    dispatch(options, handler) {
        const request = new Http1Request(handler, options.headersTimeout ?? 0, options.bodyTimeout ?? 0);
        if (this.closed) {
            request.settled = true;
            handler.onResponseError(request, new Http1Error('UND_ERR_CLOSED', 'The client is closed'));
            return false;
        }
        let pool;
        try {
            pool = this.pool(options.origin);
            request.payload = serialiseRequest(options, pool.hostHeader);
        }
        catch (error) {
            request.settled = true;
            handler.onResponseError(request, error);
            return false;
        }
        const idle = this.popIdle(pool);
        if (idle)
            idle.start(request);
        else
            this.connect(pool, request);
        return true;
    }
    /** Closes idle sockets now and the others as their requests end; resolves once all are closed. */
    close() {
        this.closed = true;
        this.clearSweep();
        for (const pool of this.pools.values()) {
            for (const connection of pool.idle)
                connection.kill();
            pool.idle.length = 0;
        }
        return this.whenAllClosed();
    }
    /** Ends every request now (`UND_ERR_DESTROYED`) and closes every socket; resolves once all are closed. */
    destroy() {
        this.closed = true;
        this.clearSweep();
        for (const pool of this.pools.values())
            pool.idle.length = 0;
        for (const connection of [...this.connections]) {
            const request = connection.request;
            if (request)
                request.fail(new Http1Error('UND_ERR_DESTROYED', 'The client is destroyed'));
            else
                connection.kill();
        }
        return this.whenAllClosed();
    }
    whenAllClosed() {
        if (this.connections.size === 0)
            return Promise.resolve();
        return new Promise((resolve) => this.closeWaiters.push(resolve));
    }
    pool(origin) {
        const known = this.pools.get(origin);
        if (known)
            return known;
        let url;
        try {
            url = new URL(origin);
        }
        catch {
            throw invalidArgument(`invalid origin ${excerpt(origin)}`);
        }
        const secure = url.protocol === 'https:';
        if (!secure && url.protocol !== 'http:')
            throw invalidArgument(`unsupported protocol ${url.protocol}`);
        // URL keeps the brackets of an IPv6 literal; connect and TLS want the bare address.
        const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
        const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
        const pool = new OriginPool(secure, host, port, url.host, (0,external_node_net_.isIP)(host) === 0 ? host : undefined);
        this.pools.set(origin, pool);
        return pool;
    }
    /** The most recently idle socket still within its idle limit; older ones past it are closed. */
    popIdle(pool) {
        const idle = pool.idle;
        if (idle.length === 0)
            return undefined;
        const nowMs = external_node_perf_hooks_.performance.now();
        for (let connection = idle.pop(); connection; connection = idle.pop()) {
            if (connection.dead)
                continue;
            if (nowMs >= connection.idleUntilMs) {
                connection.kill();
                continue;
            }
            return connection;
        }
        return undefined;
    }
    connect(pool, request) {
        const connection = new Connection(this, pool);
        let socket;
        try {
            socket = pool.secure ? this.tlsSocket(pool) : plainSocket(pool, connection);
        }
        catch (error) {
            // Options net or tls refuse outright (a client certificate that is not PEM): a connect error.
            request.fail(error);
            return;
        }
        this.connections.add(connection);
        connection.request = request;
        request.connection = connection;
        connection.attach(socket, pool.secure);
    }
    tlsSocket(pool) {
        const socket = (0,external_node_tls_.connect)({
            host: pool.host,
            port: pool.port,
            ...(pool.servername !== undefined ? { servername: pool.servername } : {}),
            ...this.tls,
        });
        socket.setNoDelay(true);
        return socket;
    }
    /** A connection whose response allowed reuse: onto its origin's stack, or closed if the client is. */
    release(connection, idleLimitMs) {
        if (this.closed || idleLimitMs <= 0) {
            connection.kill();
            return;
        }
        const idleUntilMs = external_node_perf_hooks_.performance.now() + idleLimitMs;
        connection.idleUntilMs = idleUntilMs;
        connection.socket.unref();
        connection.pool.idle.push(connection);
        if (idleUntilMs < this.sweepAtMs)
            this.armSweep(idleUntilMs);
    }
    /** Called by a connection once its socket has closed. */
    forget(connection) {
        this.connections.delete(connection);
        if (this.closed && this.connections.size === 0) {
            for (const resolve of this.closeWaiters.splice(0))
                resolve();
        }
    }
    /** One timer for all idle sockets: it fires at the earliest idle limit, at most every 250 ms. */
    armSweep(atMs) {
        this.clearSweep();
        this.sweepAtMs = atMs;
        this.sweepTimer = setTimeout(this.sweep, Math.max(1, atMs - external_node_perf_hooks_.performance.now()));
        this.sweepTimer.unref();
    }
    clearSweep() {
        if (this.sweepTimer)
            clearTimeout(this.sweepTimer);
        this.sweepTimer = undefined;
        this.sweepAtMs = Number.POSITIVE_INFINITY;
    }
    sweep = () => {
        this.sweepTimer = undefined;
        this.sweepAtMs = Number.POSITIVE_INFINITY;
        const nowMs = external_node_perf_hooks_.performance.now();
        let nextMs = Number.POSITIVE_INFINITY;
        for (const pool of this.pools.values()) {
            const idle = pool.idle;
            let kept = 0;
            for (const connection of idle) {
                if (connection.dead)
                    continue;
                if (nowMs >= connection.idleUntilMs) {
                    connection.kill();
                    continue;
                }
                if (connection.idleUntilMs < nextMs)
                    nextMs = connection.idleUntilMs;
                idle[kept++] = connection;
            }
            idle.length = kept;
        }
        if (nextMs !== Number.POSITIVE_INFINITY)
            this.armSweep(Math.max(nextMs, nowMs + SWEEP_MIN_INTERVAL_MS));
    };
}
/** One request: its handler, its timers, and the controller the handler gets. */
class Http1Request {
    handler;
    headersTimeoutMs;
    bodyTimeoutMs;
    connection = undefined;
    payload = '';
    /** The handler has had (or is getting) its one `onResponseEnd` / `onResponseError`. */
    settled = false;
    /** Headers timer, then the body's idle timer. */
    timer = undefined;
    inBody = false;
    lastReadAtMs = 0;
    constructor(handler, headersTimeoutMs, bodyTimeoutMs) {
        this.handler = handler;
        this.headersTimeoutMs = headersTimeoutMs;
        this.bodyTimeoutMs = bodyTimeoutMs;
    }
    abort(reason) {
        this.fail(reason);
    }
    /** Ends the request with `error`: its socket is destroyed (it may hold the rest of the response). */
    fail(error) {
        if (this.settled)
            return;
        this.settled = true;
        if (this.timer)
            clearTimeout(this.timer);
        const connection = this.connection;
        if (connection) {
            if (connection.request === this)
                connection.request = undefined;
            connection.kill();
        }
        this.handler.onResponseError(this, error);
    }
    /** Arms the headers timer (the request is being written). */
    startHeadersTimer() {
        if (this.headersTimeoutMs > 0)
            this.timer = setTimeout(onRequestTimer, this.headersTimeoutMs, this);
    }
    /** The head arrived: the headers timer gives way to the body's idle timer. */
    startBodyTimer(nowMs) {
        if (this.timer)
            clearTimeout(this.timer);
        this.timer = undefined;
        this.inBody = true;
        this.lastReadAtMs = nowMs;
        if (this.bodyTimeoutMs > 0)
            this.timer = setTimeout(onRequestTimer, this.bodyTimeoutMs, this);
    }
}
/**
 * The request's one timer fired. Before the head: the headers timeout. In the body it was armed at the
 * last read it knew of; reads since moved `lastReadAtMs`, so it re-arms for what is left of the idle
 * allowance instead of being reset on every read.
 */
function onRequestTimer(request) {
    request.timer = undefined;
    if (request.settled)
        return;
    if (!request.inBody) {
        request.fail(new Http1Error('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error'));
        return;
    }
    const leftMs = request.lastReadAtMs + request.bodyTimeoutMs - external_node_perf_hooks_.performance.now();
    if (leftMs >= 1)
        request.timer = setTimeout(onRequestTimer, leftMs, request);
    else
        request.fail(new Http1Error('UND_ERR_BODY_TIMEOUT', 'Body Timeout Error'));
}
/** One socket and the response being read on it. */
class Connection {
    dispatcher;
    pool;
    socket;
    request = undefined;
    /** Destroyed by us, or closed by the server: never reused. */
    dead = false;
    /** When an idle socket stops being reusable (performance.now() ms). */
    idleUntilMs = 0;
    connectTimer = undefined;
    socketError = undefined;
    // The response being read.
    state = READ_HEAD;
    /** A head that spans reads, collected here (allocated on first need). */
    headBuffer = undefined;
    headLength = 0;
    /** Body bytes left: of the content-length body, or of the current chunk. */
    remaining = 0;
    chunkSizeDigits = 0;
    /** Bytes of the current chunk-size line, or of the trailers so far. */
    lineBytes = 0;
    trailerLineBytes = 0;
    /** The response lets the socket carry another request, for at most this long idle (ms); 0: close. */
    reuseForMs = 0;
    constructor(dispatcher, pool) {
        this.dispatcher = dispatcher;
        this.pool = pool;
    }
    attach(socket, secure) {
        this.socket = socket;
        this.connectTimer = setTimeout(this.onConnectTimeout, this.dispatcher.connectTimeoutMs);
        socket.once(secure ? 'secureConnect' : 'connect', this.onConnect);
        // TLS sockets read through the stream machinery ('data'); plain ones through onread (see plainSocket).
        if (secure)
            socket.on('data', this.onData);
        socket.on('end', this.onEnd);
        socket.on('error', this.onError);
        socket.on('close', this.onClose);
    }
    /** Writes `request` on this (connected) socket. */
    start(request) {
        this.request = request;
        request.connection = this;
        this.state = READ_HEAD;
        this.headLength = 0;
        this.socket.ref();
        request.handler.onRequestStart(request, {});
        // The handler may have aborted it (a request cancelled while it waited for its connection).
        if (request.settled)
            return;
        request.startHeadersTimer();
        this.socket.write(request.payload);
    }
    /** Destroys the socket (no error): the request on it, if any, has been settled by the caller. */
    kill() {
        this.dead = true;
        if (this.connectTimer) {
            clearTimeout(this.connectTimer);
            this.connectTimer = undefined;
        }
        this.socket.destroy();
    }
    // --- socket events ----------------------------------------------------------------------------
    onConnect = () => {
        if (this.connectTimer)
            clearTimeout(this.connectTimer);
        this.connectTimer = undefined;
        const request = this.request;
        if (request && !request.settled)
            this.start(request);
        else
            this.kill();
    };
    onConnectTimeout = () => {
        this.connectTimer = undefined;
        const request = this.request;
        const error = new Http1Error('UND_ERR_CONNECT_TIMEOUT', `Connect Timeout Error (attempted address: ${this.pool.host}:${this.pool.port}, timeout: ${this.dispatcher.connectTimeoutMs}ms)`);
        if (request)
            request.fail(error);
        else
            this.kill();
    };
    /** net's `onread`: `buffer` is the shared read buffer, valid until this returns. */
    onRead = (bytesRead, buffer) => {
        this.received(buffer, bytesRead);
        return true;
    };
    onData = (chunk) => {
        this.received(chunk, chunk.length);
    };
    /** The server ended its side: the end of a close-delimited body, a cut response, or an idle close. */
    onEnd = () => {
        const request = this.request;
        if (!request)
            this.kill();
        else if (this.state === READ_UNTIL_CLOSE)
            this.complete(false);
        else
            request.fail(otherSideClosed());
    };
    onError = (error) => {
        this.socketError = error;
        const request = this.request;
        if (!request) {
            this.kill();
            return;
        }
        // As undici: a reset that ends a close-delimited body ends it.
        if (this.state === READ_UNTIL_CLOSE && error.code === 'ECONNRESET')
            this.complete(false);
        else
            request.fail(error);
    };
    onClose = () => {
        this.dead = true;
        if (this.connectTimer)
            clearTimeout(this.connectTimer);
        this.connectTimer = undefined;
        const request = this.request;
        if (request)
            request.fail(this.socketError ?? otherSideClosed());
        this.dispatcher.forget(this);
    };
    // --- parsing ----------------------------------------------------------------------------------
    received(buffer, end) {
        const request = this.request;
        if (!request) {
            // Bytes on an idle socket (or after an abort): the server is out of step; the socket is done.
            this.kill();
            return;
        }
        request.lastReadAtMs = external_node_perf_hooks_.performance.now();
        try {
            let position = 0;
            while (position < end && this.request === request) {
                switch (this.state) {
                    case READ_HEAD:
                        position = this.readHead(request, buffer, position, end);
                        break;
                    case READ_LENGTH:
                        position = this.readLengthBody(request, buffer, position, end);
                        break;
                    case READ_UNTIL_CLOSE:
                        request.handler.onResponseData(request, buffer.subarray(position, end));
                        position = end;
                        break;
                    default:
                        position = this.readChunked(request, buffer, position, end);
                }
            }
        }
        catch (error) {
            // A handler threw while its request was open: the request ends with that error (as undici).
            if (this.request === request && !request.settled)
                request.fail(error);
            else
                throw error;
        }
    }
    /** Fails the request as a malformed response; returns the end (parsing stops). */
    malformed(request, what, end) {
        request.fail(invalidResponse(what));
        return end;
    }
    readHead(request, buffer, start, end) {
        const maxHeaderBytes = this.dispatcher.maxHeaderBytes;
        let next;
        if (this.headLength === 0 && (next = buffer.indexOf(HEAD_END, start) + 4) > 3 && next <= end) {
            // The whole head is in this read (the usual case): parsed in place. (A match past `end` is an
            // earlier read's bytes in the shared buffer: the head spans reads after all.)
            if (next - 4 - start > maxHeaderBytes)
                return this.malformed(request, `headers longer than ${maxHeaderBytes} bytes`, end);
            if (!this.parseHead(request, buffer, start, next - 4))
                return end;
        }
        else {
            // The head spans reads: collect it, up to the limit and its terminator.
            const before = this.headLength;
            const take = Math.min(end - start, maxHeaderBytes + 4 - before);
            let head = this.headBuffer;
            if (!head || head.length < before + take) {
                const grown = external_node_buffer_.Buffer.allocUnsafe(Math.min(maxHeaderBytes + 4, Math.max(1024, (before + take) * 2)));
                if (head && before > 0)
                    head.copy(grown, 0, 0, before);
                head = grown;
                this.headBuffer = grown;
            }
            buffer.copy(head, before, start, start + take);
            this.headLength = before + take;
            const at = head.subarray(0, this.headLength).indexOf(HEAD_END, Math.max(0, before - 3));
            if (at < 0) {
                if (this.headLength < maxHeaderBytes + 4)
                    return end;
                return this.malformed(request, `headers longer than ${maxHeaderBytes} bytes`, end);
            }
            this.headLength = 0;
            if (at > maxHeaderBytes)
                return this.malformed(request, `headers longer than ${maxHeaderBytes} bytes`, end);
            if (!this.parseHead(request, head, 0, at))
                return end;
            if (head.length > 4096)
                this.headBuffer = undefined;
            next = start + (at + 4 - before);
        }
        if (this.state === READ_LENGTH && this.remaining === 0) {
            this.complete(next < end);
            return end;
        }
        return next;
    }
    /**
     * Parses the head `[start, headEnd)` of `buffer` (its terminator excluded): a 1xx is skipped (the
     * state stays READ_HEAD); a final response is handed to the handler and the body's framing set.
     * Returns false when the request ended (a malformed head, or the handler aborted).
     */
    parseHead(request, buffer, start, headEnd) {
        const lines = buffer.toString('latin1', start, headEnd).split('\r\n');
        const statusLine = lines[0] ?? '';
        const status = STATUS_LINE.exec(statusLine);
        if (!status)
            return this.fails(request, `status line ${excerpt(statusLine)}`);
        const statusCode = Number(status[2]);
        const headers = Object.create(null);
        for (let index = 1; index < lines.length; index++) {
            const line = lines[index];
            const colon = line.indexOf(':');
            const name = colon > 0 ? line.slice(0, colon) : '';
            if (!TOKEN.test(name))
                return this.fails(request, `header line ${excerpt(line)}`);
            const key = name.toLowerCase();
            const value = trimOws(line.slice(colon + 1));
            const existing = headers[key];
            if (existing === undefined)
                headers[key] = value;
            else if (Array.isArray(existing))
                existing.push(value);
            else
                headers[key] = [existing, value];
        }
        if (statusCode < 200) {
            if (statusCode === 101)
                return this.fails(request, '101 Switching Protocols was not asked for');
            // 100 Continue, 103 Early Hints…: the final response follows on the same socket.
            return true;
        }
        // Framing (RFC 9112 section 6.3) and whether the socket may carry another request.
        const transferEncoding = headerText(headers['transfer-encoding']);
        const length = headers['content-length'];
        const connection = headerText(headers['connection'])?.toLowerCase() ?? '';
        let reusable = status[1] === '1' && !/(?:^|[\s,])close(?:$|[\s,])/.test(connection);
        let state;
        let bodyLength = 0;
        if (transferEncoding !== undefined) {
            const codings = transferEncoding.toLowerCase().split(',');
            if (trimOws(codings[codings.length - 1] ?? '') === 'chunked')
                state = READ_CHUNK_SIZE;
            else {
                state = READ_UNTIL_CLOSE;
                reusable = false;
            }
            // Both framings given: the length is ignored, and so is the socket afterwards.
            if (length !== undefined)
                reusable = false;
        }
        else if (statusCode === 204 || statusCode === 304) {
            state = READ_LENGTH;
        }
        else if (length !== undefined) {
            const parsed = contentLength(length);
            if (typeof parsed === 'string')
                return this.fails(request, parsed);
            state = READ_LENGTH;
            bodyLength = parsed;
        }
        else {
            state = READ_UNTIL_CLOSE;
            reusable = false;
        }
        this.reuseForMs = reusable ? this.idleLimitMs(headerText(headers['keep-alive'])) : 0;
        request.startBodyTimer(request.lastReadAtMs);
        request.handler.onResponseStart(request, statusCode, headers, status[3] ?? '');
        if (this.request !== request)
            return false;
        this.state = state;
        this.remaining = bodyLength;
        this.chunkSizeDigits = 0;
        this.lineBytes = 0;
        return true;
    }
    /** Fails the request as a malformed response; false, for parseHead. */
    fails(request, what) {
        request.fail(invalidResponse(what));
        return false;
    }
    /** How long the socket may idle before a reuse: the server's `keep-alive: timeout=N` less a second. */
    idleLimitMs(keepAlive) {
        const hint = keepAlive === undefined ? null : KEEP_ALIVE_TIMEOUT.exec(keepAlive);
        if (!hint)
            return this.dispatcher.keepAliveTimeoutMs;
        return Math.min(Number(hint[1]) * 1000 - 1000, this.dispatcher.keepAliveMaxTimeoutMs);
    }
    readLengthBody(request, buffer, start, end) {
        const available = end - start;
        const take = this.remaining < available ? this.remaining : available;
        this.remaining -= take;
        request.handler.onResponseData(request, buffer.subarray(start, start + take));
        if (this.request !== request)
            return end;
        if (this.remaining === 0) {
            this.complete(start + take < end);
            return end;
        }
        return start + take;
    }
    readChunked(request, buffer, start, end) {
        let position = start;
        while (position < end) {
            switch (this.state) {
                case READ_CHUNK_DATA: {
                    const available = end - position;
                    const take = this.remaining < available ? this.remaining : available;
                    this.remaining -= take;
                    request.handler.onResponseData(request, buffer.subarray(position, position + take));
                    if (this.request !== request)
                        return end;
                    position += take;
                    if (this.remaining === 0)
                        this.state = READ_CHUNK_DATA_CR;
                    break;
                }
                case READ_CHUNK_SIZE: {
                    const byte = buffer[position];
                    const digit = hexDigit(byte);
                    if (digit >= 0) {
                        if (this.chunkSizeDigits === MAX_CHUNK_SIZE_DIGITS)
                            return this.malformed(request, 'chunk size too large', end);
                        this.remaining = this.remaining * 16 + digit;
                        this.chunkSizeDigits++;
                        this.lineBytes++;
                        position++;
                        break;
                    }
                    if (this.chunkSizeDigits === 0 ||
                        (byte !== http1_CR && byte !== http1_LF && byte !== SEMICOLON && byte !== http1_SPACE && byte !== TAB))
                        return this.malformed(request, `chunk size line at byte 0x${byte.toString(16).padStart(2, '0')}`, end);
                    this.state = READ_CHUNK_SIZE_REST;
                    break;
                }
                case READ_CHUNK_SIZE_REST: {
                    // Extensions and white space are skipped, bounded; the line ends at LF.
                    const byte = buffer[position];
                    position++;
                    if (byte !== http1_LF) {
                        if (++this.lineBytes > MAX_CHUNK_SIZE_LINE_BYTES)
                            return this.malformed(request, 'chunk size line too long', end);
                        break;
                    }
                    this.lineBytes = 0;
                    this.chunkSizeDigits = 0;
                    if (this.remaining > 0)
                        this.state = READ_CHUNK_DATA;
                    else {
                        this.state = READ_TRAILERS;
                        this.trailerLineBytes = 0;
                    }
                    break;
                }
                case READ_CHUNK_DATA_CR: {
                    const byte = buffer[position];
                    position++;
                    if (byte === http1_CR)
                        this.state = READ_CHUNK_DATA_LF;
                    else if (byte === http1_LF)
                        this.state = READ_CHUNK_SIZE;
                    else
                        return this.malformed(request, 'chunk data longer than its size', end);
                    break;
                }
                case READ_CHUNK_DATA_LF: {
                    const byte = buffer[position];
                    position++;
                    if (byte !== http1_LF)
                        return this.malformed(request, 'chunk data longer than its size', end);
                    this.state = READ_CHUNK_SIZE;
                    break;
                }
                default: {
                    // Trailers: lines up to an empty one, bounded like the head; their content is not needed.
                    const byte = buffer[position];
                    position++;
                    if (byte === http1_LF) {
                        if (this.trailerLineBytes === 0) {
                            this.complete(position < end);
                            return end;
                        }
                        this.trailerLineBytes = 0;
                    }
                    else if (byte !== http1_CR) {
                        this.trailerLineBytes++;
                        if (++this.lineBytes > this.dispatcher.maxHeaderBytes)
                            return this.malformed(request, `trailers longer than ${this.dispatcher.maxHeaderBytes} bytes`, end);
                    }
                }
            }
        }
        return position;
    }
    /**
     * The response is complete. The socket goes back to its pool if the response allows reuse and no
     * byte followed it (this client never pipelines, so one would be a server out of step); otherwise
     * it is closed. Then the handler hears of the end — after the socket is free, so that a request it
     * dispatches from there can take it.
     */
    complete(extraBytes) {
        const request = this.request;
        this.request = undefined;
        request.settled = true;
        if (request.timer)
            clearTimeout(request.timer);
        request.timer = undefined;
        this.state = READ_HEAD;
        if (this.reuseForMs > 0 && !extraBytes && !this.dead)
            this.dispatcher.release(this, this.reuseForMs);
        else
            this.kill();
        request.handler.onResponseEnd(request, {});
    }
}

;// CONCATENATED MODULE: ./src/stream/request.ts
/**
 * One control-plane call (EXO's API, an OpenAI server's `/v1/models`, prompt calibration, the beacon)
 * over a {@link StreamDispatcher}: the lean HTTP/1.1 client of the load path, or undici's `Agent` with
 * `EXO_BENCH_HTTP_CLIENT=undici`. The control plane used undici's `request()` before; undici parses
 * responses with llhttp compiled to WebAssembly, and V8 tiers that parser up to its optimising compiler
 * after a few dozen calls: 120–140 ms of CPU in every run, in a process that shares the machine with the
 * server it measures (bench/README.md, issue #17).
 *
 * Resolves at the response head, as undici's `request()` does; the body is buffered from then on
 * (copied: the lean client's chunks are views of a buffer the next read overwrites) and read with
 * `text()`, or waited out with `done()`. A body beyond {@link MAX_RESPONSE_BODY_BYTES} ends the call
 * with an error: the control plane reads small JSON documents, and a server that streams without end
 * must not take the client's memory.
 */


/** Largest response body a control-plane call keeps, bytes. */
const MAX_RESPONSE_BODY_BYTES = 64 * 1024 * 1024;
/**
 * Sends one request through `options.dispatcher`. Rejects with the transport's error (connection
 * refused, timeouts as `UND_ERR_HEADERS_TIMEOUT`/`UND_ERR_BODY_TIMEOUT`) or, when `signal` aborts, with
 * its reason.
 */
function httpRequest(url, options) {
    const target = typeof url === 'string' ? new URL(url) : url;
    return new Promise((resolve, reject) => {
        const { signal } = options;
        if (signal?.aborted) {
            reject(abortReason(signal));
            return;
        }
        const call = new ControlCall(options.maxBodyBytes ?? MAX_RESPONSE_BODY_BYTES, resolve, reject, signal);
        try {
            options.dispatcher.dispatch({
                origin: target.origin,
                path: `${target.pathname}${target.search}`,
                method: options.method ?? 'GET',
                headers: options.headers ?? {},
                body: options.body ?? '',
                ...(options.headersTimeout !== undefined ? { headersTimeout: options.headersTimeout } : {}),
                ...(options.bodyTimeout !== undefined ? { bodyTimeout: options.bodyTimeout } : {}),
            }, call);
        }
        catch (error) {
            // A dispatcher that throws instead of reporting to the handler (undici on some invalid options).
            call.fail(error instanceof Error ? error : new Error(String(error)));
        }
    });
}
/** The signal's reason when it is an error (a DOMException from another realm included), else a generic one. */
function abortReason(signal) {
    const reason = signal.reason;
    if (reason instanceof Error)
        return reason;
    if (typeof reason === 'object' && reason !== null && typeof reason.message === 'string')
        return reason;
    return new Http1Error('UND_ERR_ABORTED', 'Request aborted');
}
/** One call's handler: resolves at the head, then keeps the body for `text()` / `done()`. */
class ControlCall {
    maxBodyBytes;
    resolveHead;
    rejectHead;
    signal;
    controller;
    chunks = [];
    bytes = 0;
    keep = true;
    head = false;
    ended = false;
    failure;
    waiters = [];
    onAbort = () => {
        const reason = abortReason(this.signal);
        if (this.controller)
            this.controller.abort(reason);
        else
            this.finish(reason);
    };
    constructor(maxBodyBytes, resolveHead, rejectHead, signal) {
        this.maxBodyBytes = maxBodyBytes;
        this.resolveHead = resolveHead;
        this.rejectHead = rejectHead;
        this.signal = signal;
        signal?.addEventListener('abort', this.onAbort, { once: true });
    }
    onRequestStart(controller) {
        this.controller = controller;
    }
    onResponseStart(controller, statusCode, headers) {
        this.controller = controller;
        this.head = true;
        this.resolveHead({ statusCode, headers, body: this });
    }
    onResponseData(controller, chunk) {
        if (!this.keep)
            return;
        this.bytes += chunk.length;
        if (this.bytes > this.maxBodyBytes) {
            controller.abort(new Http1Error('UND_ERR_RES_EXCEEDED_MAX_SIZE', `response body larger than ${this.maxBodyBytes} bytes`));
            return;
        }
        this.chunks.push(external_node_buffer_.Buffer.from(chunk));
    }
    onResponseEnd() {
        this.finish(undefined);
    }
    onResponseError(_controller, error) {
        this.finish(error);
    }
    async text() {
        await this.whenEnded();
        const text = external_node_buffer_.Buffer.concat(this.chunks, this.bytes).toString('utf8');
        // A byte order mark is not text (undici's text() drops it too); JSON.parse would refuse it.
        return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    }
    /** Ends the call with `error` when the dispatcher could not take it. */
    fail(error) {
        this.finish(error);
    }
    async done() {
        // Nothing reads the bytes: stop keeping them (what came so far is dropped too).
        this.keep = false;
        this.chunks.length = 0;
        this.bytes = 0;
        await this.whenEnded();
    }
    whenEnded() {
        if (this.ended)
            return this.failure ? Promise.reject(this.failure) : Promise.resolve();
        return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
    }
    finish(error) {
        if (this.ended)
            return;
        this.ended = true;
        this.failure = error;
        this.signal?.removeEventListener('abort', this.onAbort);
        if (!this.head) {
            // No head: the call itself failed (or a 1xx-only exchange ended, which the dispatcher reports as
            // an error too).
            this.rejectHead(error ?? new Http1Error(undefined, 'response ended before its head'));
            return;
        }
        for (const waiter of this.waiters.splice(0)) {
            if (error)
                waiter.reject(error);
            else
                waiter.resolve();
        }
    }
}

;// CONCATENATED MODULE: ./src/stream/index.ts
/**
 * Streaming responses: the lean HTTP/1.1 client of the load path (`http1.ts`), SSE framing (`sse.ts`)
 * and chat completion chunks (`chat.ts`).
 */






/***/ }),

/***/ 97110:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Mb: () => (/* binding */ sleepMs),
/* harmony export */   Te: () => (/* binding */ throwIfAborted),
/* harmony export */   a3: () => (/* binding */ formatDuration),
/* harmony export */   ml: () => (/* binding */ systemClock),
/* harmony export */   no: () => (/* binding */ preciseNowMs)
/* harmony export */ });
/* unused harmony exports MIN_SPIN_WINDOW_MS, MAX_SPIN_WINDOW_MS, TimerLateness, NAP_SLICE_MS, SPIN_TAIL_MS, waitPreciselyUntil, createSystemClock */
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(74296);
/**
 * Time, in one unit everywhere: epoch milliseconds with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`), monotonic within a process. The simulator's ground
 * truth uses the same formula, so measured and true times compare directly.
 */

const timeOriginMs = performance.timeOrigin;
/** Epoch milliseconds with sub-millisecond precision. */
function preciseNowMs() {
    return timeOriginMs + performance.now();
}
/** Throws CancelledError if the signal has fired. */
function throwIfAborted(signal) {
    if (signal?.aborted)
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CancelledError */ .cc(abortMessage(signal));
}
function abortMessage(signal) {
    const reason = signal.reason;
    if (reason instanceof Error)
        return reason.message;
    return typeof reason === 'string' ? reason : 'cancelled';
}
/** Sleeps with a timer; rejects with CancelledError on abort and leaves no timer behind. */
function sleepMs(durationMs, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted) {
            reject(new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CancelledError */ .cc(abortMessage(signal)));
            return;
        }
        const onAbort = () => {
            clearTimeout(timer);
            reject(new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CancelledError */ .cc(abortMessage(signal)));
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, Math.max(0, durationMs));
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}
/**
 * Bounds of the spin window: how long before a deadline the timer hands over to the precise wait (naps,
 * then a spun tail: waitPreciselyUntil).
 */
const MIN_SPIN_WINDOW_MS = 2;
const MAX_SPIN_WINDOW_MS = 10;
/** Added to the lateness estimate, so a timer as late as the worst recent one still wakes in time. */
const SPIN_MARGIN_MS = 0.5;
/** Per observed wait, how much of the lateness estimate survives (a spike fades over ~40 waits). */
const LATENESS_DECAY = 0.95;
/**
 * How late this machine's timers fire, as a peak that decays: Node timers wake ~0.3 ms late on a quiet
 * machine but several ms late at p99 on a busy or virtualised one, and a send that waits for a late
 * timer is a late send. The spin window follows the estimate, so a quiet machine waits the last 2 ms before
 * a send precisely and a noisy one up to 10 ms; that wait naps, and spins only its last SPIN_TAIL_MS.
 */
class TimerLateness {
    estimateMs = 0;
    /** Records how late (ms, ≥ 0 in practice) a timer fired. */
    observe(latenessMs) {
        this.estimateMs = Math.max(latenessMs, this.estimateMs * LATENESS_DECAY);
    }
    /** How long before the next deadline to stop trusting the timer. */
    get spinWindowMs() {
        return Math.min(MAX_SPIN_WINDOW_MS, Math.max(MIN_SPIN_WINDOW_MS, this.estimateMs + SPIN_MARGIN_MS));
    }
}
/**
 * Longest stretch a nap blocks the thread before the event loop polls I/O again: a read that arrives
 * during a nap waits at most this long plus the kernel's timer slack (~50 µs on Linux).
 */
const NAP_SLICE_MS = 0.05;
/**
 * The last stretch before a deadline is spun, not napped: a nap overshoots its timeout by the kernel's
 * timer slack and wake-up latency (measured p99 on the bench machine: see bench/README.md), so napping up
 * to the deadline would send late by that much.
 */
const SPIN_TAIL_MS = 0.12;
/**
 * Longest stretch the spin holds the thread before yielding to the event loop: a read that arrives
 * during the spin waits at most this long. Yielding after every check instead (one setImmediate per
 * ~2 µs) made the spin the largest source of garbage in a stage, and garbage means scavenges that stall
 * reads and sends for milliseconds.
 */
const SPIN_SLICE_MS = 0.05;
/**
 * Empty iterations between two clock reads inside a slice (a few µs on any current CPU). On Node 20
 * every `performance.now()` allocates, so a slice reads the clock a few times, not thousands.
 */
const SPIN_ITERATIONS_PER_CHECK = 4096;
let spinSink = 0;
/** What the naps wait on: nobody ever notifies it, so Atomics.wait sleeps its whole timeout. */
const napCell = new Int32Array(new SharedArrayBuffer(4));
/**
 * Waits until `targetMs` without trusting the event loop's timers (whole milliseconds, late by the timer
 * lateness): naps of {@link NAP_SLICE_MS} (Atomics.wait: the thread sleeps in the kernel, sub-millisecond,
 * using no CPU) until {@link SPIN_TAIL_MS} before the deadline, then spins the tail, in slices of
 * {@link SPIN_SLICE_MS}. Between two naps or slices it yields with setImmediate, so the event loop still
 * polls I/O and responses of in-flight requests keep being read (and timestamped) while we wait. Overshoots
 * the deadline by a few µs at most. A pure spin over the same window (the design before) cost the whole
 * window in CPU before every send; napping costs one event-loop turn per slice, and a sleeping process is
 * also the one the kernel wakes first on a busy machine, where a spinning one is preempted.
 *
 * `nap` false spins the whole wait (the design before): for sends closer together than the window, where
 * the client is busy anyway and a nap (which overshoots to ~0.1 ms) would hold reads longer than a slice.
 */
function waitPreciselyUntil(targetMs, signal, nap) {
    const spinFromMs = nap ? targetMs - SPIN_TAIL_MS : Number.NEGATIVE_INFINITY;
    return new Promise((resolve, reject) => {
        const step = () => {
            if (signal?.aborted) {
                reject(new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .CancelledError */ .cc(abortMessage(signal)));
                return;
            }
            let nowMs = preciseNowMs();
            if (nowMs < spinFromMs) {
                Atomics.wait(napCell, 0, 0, Math.min(NAP_SLICE_MS, spinFromMs - nowMs));
                nowMs = preciseNowMs();
            }
            else {
                const sliceEndMs = Math.min(targetMs, nowMs + SPIN_SLICE_MS);
                while (nowMs < sliceEndMs) {
                    for (let i = 0; i < SPIN_ITERATIONS_PER_CHECK; i++)
                        spinSink = (spinSink + i) | 0;
                    nowMs = preciseNowMs();
                }
            }
            if (nowMs >= targetMs)
                resolve();
            else
                setImmediate(step);
        };
        step();
    });
}
/**
 * A real clock: a timer for the bulk of a wait, then naps and a short spin (waitPreciselyUntil) over a
 * window sized by {@link TimerLateness}; a wait shorter than the window spins.
 */
function createSystemClock(lateness = new TimerLateness()) {
    return {
        nowMs: preciseNowMs,
        sleep: sleepMs,
        async sleepUntil(targetMs, signal) {
            const wakeAtMs = targetMs - lateness.spinWindowMs;
            const timerWaitMs = wakeAtMs - preciseNowMs();
            // A wait longer than the window (light load: the next send is far) naps the window; a shorter one
            // (sends closer together than the window, as at hundreds of requests per second) spins it.
            const light = timerWaitMs > 0;
            if (light) {
                await sleepMs(timerWaitMs, signal);
                lateness.observe(preciseNowMs() - wakeAtMs);
            }
            await waitPreciselyUntil(targetMs, signal, light);
        },
    };
}
/** The process's clock (one lateness estimate for all its waits). */
const systemClock = createSystemClock();
/** Formats a duration for progress lines: `850ms`, `38s`, `4m12s`. */
function formatDuration(durationMs) {
    if (durationMs < 1000)
        return `${Math.round(durationMs)}ms`;
    const totalSeconds = Math.round(durationMs / 1000);
    if (totalSeconds < 60)
        return `${totalSeconds}s`;
    const minutes = Math.floor(totalSeconds / 60);
    return `${minutes}m${String(totalSeconds % 60).padStart(2, '0')}s`;
}


/***/ }),

/***/ 17183:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Vf: () => (/* binding */ escapeMarkdownCell),
/* harmony export */   m2: () => (/* binding */ markdownInlineCode),
/* harmony export */   m4: () => (/* binding */ escapeMarkdownText),
/* harmony export */   tp: () => (/* binding */ table)
/* harmony export */ });
/**
 * Escaping for Markdown built from user data (labels, stage names, model ids, error messages), so a
 * name such as `a|b` or `<img>` can neither break a table nor inject HTML into a job summary.
 * CommonMark lets a backslash escape any ASCII punctuation, so escaping more than needed is harmless.
 */
/** Characters that can start or end Markdown syntax anywhere in a line (emphasis, code, links, HTML, tables). */
const INLINE_SPECIAL = /[\\`*_[\]<>|~#&!]/g;
/** Line starts that would turn text into a list item, a heading or a quote. */
const BLOCK_START = /^(\s*)([-+=]|\d+[.)])/;
function collapseLineBreaks(text) {
    // A line break would end a table row or start a new block; one line is what callers ask for.
    return text.replace(/\r\n|\r|\n/g, ' ');
}
/** Escapes text for use in a Markdown paragraph or list item; line breaks become spaces. */
function escapeMarkdownText(text) {
    return collapseLineBreaks(text)
        .replace(INLINE_SPECIAL, '\\$&')
        .replace(BLOCK_START, (_match, space, marker) => `${space}${marker.replace(/([-+=.)])$/, '\\$1')}`);
}
/** Escapes text for one cell of a GFM table (a `|` would otherwise end the cell). */
function escapeMarkdownCell(text) {
    return escapeMarkdownText(text);
}
/**
 * Wraps text in an inline code span, which shows it verbatim. The fence is one backtick longer than
 * the longest run inside, as CommonMark requires. In a table cell `|` must still be escaped: GFM splits
 * cells before it parses code spans.
 */
function markdownInlineCode(text, options = {}) {
    let content = collapseLineBreaks(text);
    if (options.inTableCell)
        content = content.replace(/\|/g, '\\|');
    const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(longestRun + 1);
    // A space on each side keeps a leading or trailing backtick from merging with the fence.
    const padded = content.startsWith('`') || content.endsWith('`') ? ` ${content} ` : content;
    return `${fence}${padded}${fence}`;
}
/** Renders a Markdown table; cells are escaped by the caller where they hold foreign text. */
function table(header, rows) {
    const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
    for (const row of rows)
        lines.push(`| ${row.join(' | ')} |`);
    return lines.join('\n');
}


/***/ }),

/***/ 72827:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   O: () => (/* binding */ formatGrouped)
/* harmony export */ });
/**
 * Numbers as the reports write them, without Intl. The first `toLocaleString` of a process initialises
 * ICU's number formatting: ~20 ms of CPU, a fiftieth of what a whole light benchmark run costs its
 * client (issue #17), for output this does in a few lines.
 */
/**
 * `value` with exactly `decimals` decimals and a comma between thousands, as `toLocaleString('en-US',
 * { minimumFractionDigits: decimals, maximumFractionDigits: decimals })` writes it: `1,234.5`, `-0.3`.
 * Rounding is toFixed's (the decimal nearest to the binary value, an exact tie rounding away from zero)
 * where ICU rounds an exact tie to even (0.125 → `0.13` here, `0.12` there); negative zero is `0`; and
 * past a double's ~16 significant digits this prints the binary value's digits where ICU pads with zeros.
 */
function formatGrouped(value, decimals) {
    const magnitude = Math.abs(value);
    // toFixed switches to exponent notation from 1e21; nothing the reports print gets there.
    if (!(magnitude < 1e21))
        return value.toLocaleString('en-US', { maximumFractionDigits: decimals });
    const fixed = magnitude.toFixed(decimals);
    const dot = fixed.indexOf('.');
    const whole = dot < 0 ? fixed : fixed.slice(0, dot);
    let grouped = '';
    for (let end = whole.length; end > 0; end -= 3) {
        const start = Math.max(0, end - 3);
        grouped = grouped === '' ? whole.slice(start, end) : `${whole.slice(start, end)},${grouped}`;
    }
    return `${value < 0 ? '-' : ''}${grouped}${dot < 0 ? '' : fixed.slice(dot)}`;
}


/***/ }),

/***/ 66451:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   g: () => (/* binding */ pollUntil)
/* harmony export */ });
/* harmony import */ var _clock_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(97110);
/**
 * The one polling loop: probe, report progress now and then, give up at a deadline, pause (with
 * whatever back-off the caller wants) and probe again. Cluster waits (cluster/orchestrate.ts) and the
 * OpenAI server's readiness (target/readiness.ts) both run on it; what a probe means, what an
 * unreachable server means and the wording of progress and timeout stay with them.
 */

/** Probes until a value comes back; throws the wait's timeout error, a probe's error, or CancelledError. */
async function pollUntil(wait) {
    const startedMs = wait.clock.nowMs();
    let lastProgressMs = wait.announceAtOnce ? -Infinity : startedMs;
    for (let attempt = 1;; attempt++) {
        (0,_clock_js__WEBPACK_IMPORTED_MODULE_0__/* .throwIfAborted */ .Te)(wait.signal);
        const outcome = await wait.probe();
        if (outcome.done)
            return outcome.value;
        const nowMs = wait.clock.nowMs();
        const state = { progress: outcome.progress, startedMs, nowMs };
        const progressDue = nowMs - lastProgressMs >= wait.progressIntervalMs;
        if (wait.announceAtOnce && progressDue) {
            wait.report(state);
            lastProgressMs = nowMs;
        }
        if (nowMs >= wait.deadlineMs)
            throw wait.timeout(state);
        if (!wait.announceAtOnce && progressDue) {
            lastProgressMs = nowMs;
            wait.report(state);
        }
        await wait.clock.sleep(Math.min(wait.delayMs(attempt), Math.max(0, wait.deadlineMs - nowMs)), wait.signal);
    }
}


/***/ })

};
