export const id = 505;
export const ids = [505];
export const modules = {

/***/ 23505:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createGitHubRunnerSource: () => (/* binding */ createGitHubRunnerSource),
/* harmony export */   rateLimitWaitMs: () => (/* binding */ rateLimitWaitMs)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(61351);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(74296);
/* harmony import */ var _preflight_runners_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(780);
/* harmony import */ var _util_clock_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(97110);
/**
 * The GitHub side of the runner pre-flight: lists self-hosted runners with the `@actions/github` client
 * (which honours GITHUB_API_URL for GitHub Enterprise Server and the runner's proxy settings).
 */




const RUNNERS_PER_PAGE = 100;
/** GitHub's advice for a secondary rate limit that names no wait: at least a minute. */
const UNSPECIFIED_RATE_LIMIT_WAIT_MS = 60_000;
function asHttpError(error) {
    if (!(error instanceof Error))
        return undefined;
    const status = error.status;
    return typeof status === 'number' ? error : undefined;
}
/**
 * How long GitHub asks us to wait, or undefined when the answer is not a rate limit. A 403 is a rate
 * limit only with `retry-after` or an exhausted quota (`x-ratelimit-remaining: 0`): GitHub sends the
 * ratelimit headers on every answer, and a plain 403 means the token lacks the permission.
 */
function rateLimitWaitMs(status, headers, nowMs) {
    if (status !== 403 && status !== 429)
        return undefined;
    const retryAfter = headers['retry-after'];
    if (retryAfter !== undefined && String(retryAfter).trim() !== '') {
        const seconds = Number(retryAfter);
        if (Number.isFinite(seconds))
            return Math.max(0, seconds * 1000);
        const atMs = Date.parse(String(retryAfter));
        if (Number.isFinite(atMs))
            return Math.max(0, atMs - nowMs);
    }
    if (String(headers['x-ratelimit-remaining']) === '0') {
        const resetSeconds = Number(headers['x-ratelimit-reset']);
        return Number.isFinite(resetSeconds)
            ? Math.max(0, resetSeconds * 1000 - nowMs)
            : UNSPECIFIED_RATE_LIMIT_WAIT_MS;
    }
    return status === 429 ? UNSPECIFIED_RATE_LIMIT_WAIT_MS : undefined;
}
function accessMessage(http, target, scrub) {
    const answer = `${http.status}: ${scrub(http.message)}`;
    if (http.status === 401)
        return `GitHub rejected github-token (${answer}) when listing the self-hosted runners of ${target}.`;
    if (http.status === 404) {
        return `GitHub answered ${answer} when listing the self-hosted runners of ${target}: it does not exist, or github-token may not see it.`;
    }
    return `github-token may not read the self-hosted runners of ${target} (GitHub answered ${answer}).`;
}
function accessHint(scope, status) {
    if (status === 401)
        return 'Check that the secret passed as github-token is set and has not expired.';
    return scope === 'repo'
        ? 'The workflow GITHUB_TOKEN cannot read runners. Give github-token a fine-grained token with the ' +
            'repository permission "Administration: read" (or a classic token with the repo scope), or set runner-scope: org.'
        : 'Give github-token a fine-grained token with the organization permission "Self-hosted runners: read" ' +
            '(or a classic token with admin:org), or set runner-scope: repo.';
}
/**
 * A RunnerSource over the GitHub REST API: GET /repos/{owner}/{repo}/actions/runners or
 * /orgs/{org}/actions/runners, 100 per page, following the Link headers through every page.
 * Rate-limit answers (403/429 with retry headers) are waited out and the same page retried;
 * 401, a plain 403 and 404 throw RunnerAccessError. No error message ever contains the token;
 * masking it in the log (`core.setSecret`) is the caller's job.
 */
function createGitHubRunnerSource(token, scope, options = {}) {
    if (token.trim() === '')
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('github-token is empty', 'Pass a token, or leave the input unset.');
    const retry = options.retry ?? {};
    const target = resolveTarget(scope, options);
    const policy = {
        maxWaitMs: retry.maxWaitMs ?? 20_000,
        maxRetries: retry.maxRetries ?? 3,
        requestTimeoutMs: retry.requestTimeoutMs ?? 30_000,
        sleep: retry.sleep ?? _util_clock_js__WEBPACK_IMPORTED_MODULE_3__/* .sleepMs */ .Mb,
        now: retry.now ?? Date.now,
        target,
        scope,
        // Tokens are opaque; still, never let one reach a message, whatever a server echoes back.
        scrub: (text) => text.split(token).join('***'),
        ...(options.logger ? { logger: options.logger } : {}),
    };
    async function list(signal) {
        // One client per listing: its hook carries this call's signal into every page request.
        const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token, {
            ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
            userAgent: 'exo-bench',
        });
        octokit.hook.wrap('request', (request, requestOptions) => requestWithRetries(() => requestWithTimeout(request, requestOptions, policy, signal), policy, signal));
        const runners = target.scope === 'repo'
            ? await octokit.paginate(octokit.rest.actions.listSelfHostedRunnersForRepo, {
                owner: target.owner,
                repo: target.repo,
                per_page: RUNNERS_PER_PAGE,
            })
            : await octokit.paginate(octokit.rest.actions.listSelfHostedRunnersForOrg, {
                org: target.org,
                per_page: RUNNERS_PER_PAGE,
            });
        return runners.map((runner) => ({
            name: runner.name,
            status: runner.status,
            busy: runner.busy,
            labels: runner.labels.map((label) => label.name),
        }));
    }
    return { list };
}
/** One request with its own timeout; the timer is gone before any rate-limit wait starts. */
async function requestWithTimeout(request, requestOptions, policy, signal) {
    const timeout = new AbortController();
    const onAbort = () => timeout.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => timeout.abort(), policy.requestTimeoutMs);
    try {
        // before-after-hook binds the options object for the inner hooks and ignores arguments
        // passed here, so the signal must be set on that object itself.
        requestOptions.request = { ...requestOptions.request, signal: timeout.signal };
        return await request(requestOptions);
    }
    catch (error) {
        if (signal?.aborted)
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .CancelledError */ .cc('runner listing cancelled');
        if (timeout.signal.aborted) {
            throw new Error(`GitHub did not answer within ${(0,_util_clock_js__WEBPACK_IMPORTED_MODULE_3__/* .formatDuration */ .a3)(policy.requestTimeoutMs)} (${policy.target.label})`);
        }
        throw error;
    }
    finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
    }
}
/**
 * Runs `attempt` until it answers: rate-limit answers are waited out (within the policy's bounds) and
 * retried; 401, a plain 403 and 404 become RunnerAccessError; anything else fails with the token scrubbed.
 */
async function requestWithRetries(attempt, policy, signal) {
    const { target } = policy;
    for (let retries = 0;; retries += 1) {
        try {
            return await attempt();
        }
        catch (error) {
            const http = asHttpError(error);
            if (http === undefined)
                throw error;
            const waitMs = rateLimitWaitMs(http.status, http.response?.headers ?? {}, policy.now());
            if (waitMs !== undefined) {
                const what = `GitHub rate limit (${http.status}) while listing the self-hosted runners of ${target.label}`;
                if (waitMs > policy.maxWaitMs || retries >= policy.maxRetries) {
                    throw new _preflight_runners_js__WEBPACK_IMPORTED_MODULE_2__/* .RunnerRateLimitError */ .KT(http.status, waitMs, what);
                }
                policy.logger?.info(`${what}: waiting ${(0,_util_clock_js__WEBPACK_IMPORTED_MODULE_3__/* .formatDuration */ .a3)(waitMs)}, then retrying`);
                await policy.sleep(waitMs, signal);
                continue;
            }
            if (http.status === 401 || http.status === 403 || http.status === 404) {
                throw new _preflight_runners_js__WEBPACK_IMPORTED_MODULE_2__/* .RunnerAccessError */ .Xv(http.status, accessMessage(http, target.label, policy.scrub), accessHint(policy.scope, http.status));
            }
            // Octokit reports a failed connection as status 500 without a response; don't call that an answer.
            const answered = http.response === undefined ? '' : ` (${http.status})`;
            throw new Error(`Listing the self-hosted runners of ${target.label} failed${answered}: ${policy.scrub(http.message)}`);
        }
    }
}
function resolveTarget(scope, options) {
    const fromContext = () => {
        try {
            return _actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._.repo;
        }
        catch {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('Cannot tell which repository to list runners for: GITHUB_REPOSITORY is not set.', 'Run inside GitHub Actions, or set GITHUB_REPOSITORY=owner/repo.');
        }
    };
    if (scope === 'org') {
        const org = options.org ?? options.owner ?? fromContext().owner;
        return { scope, org, label: `organization ${org}` };
    }
    const owner = options.owner ?? fromContext().owner;
    const repo = options.repo ?? fromContext().repo;
    return { scope, owner, repo, label: `repository ${owner}/${repo}` };
}


/***/ })

};
