export const id = 611;
export const ids = [611];
export const modules = {

/***/ 26611:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createArtifactBaselineFetcher: () => (/* binding */ createArtifactBaselineFetcher)
/* harmony export */ });
/* unused harmony exports LATEST_RUNS_SEARCHED, isDefaultBranchRun, explainGitHubError, workflowFileOf */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _actions_artifact__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9645);
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(61351);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(74296);
/**
 * The BaselineFetcher port over GitHub: finds the baseline's workflow run (`run:<id>`, or `latest` =
 * the latest successful run of this workflow on the default branch), picks this node's artifact in it
 * and downloads it with @actions/artifact. Listing goes through @actions/github (GITHUB_API_URL aware).
 */





/** How many recent successful runs `latest` looks through for one with this node's artifact. */
const LATEST_RUNS_SEARCHED = 20;
function matches(match, name) {
    return 'exact' in match ? name === match.exact : name.startsWith(match.prefix);
}
function describeMatch(match) {
    return 'exact' in match ? `"${match.exact}"` : `"${match.prefix}<attempt>"`;
}
/**
 * Whether a run is one of the default branch itself. The `branch` filter of the runs listing matches the
 * head branch by name, so it also returns pull-request runs whose head branch is called `main` — a
 * fork's among them, whose workflow and results the fork's author controls. Neither is a baseline.
 */
function isDefaultBranchRun(run, repositoryId) {
    if (run.event === 'pull_request' || run.event === 'pull_request_target')
        return false;
    return run.head_repository == null || run.head_repository.id === repositoryId;
}
/**
 * Turns a refused GitHub API call into a message that says what to fix. Octokit's own message is GitHub's
 * text plus a documentation URL, which does not say which permission the token lacks.
 */
function explainGitHubError(error, what) {
    if (error instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ExoBenchError */ .Ll)
        return error;
    if (typeof error !== 'object' || error === null || !('status' in error)) {
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const status = Number(error.status);
    const response = 'response' in error ? error.response : undefined;
    const said = typeof response?.data?.message === 'string'
        ? response.data.message
        : error instanceof Error
            ? error.message
            : 'no message';
    const answer = `GitHub answered ${status} "${said}"`;
    if (status === 401) {
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`${what}: ${answer}: the github-token is not valid`, 'Check the github-token input.');
    }
    if (status === 403 && !/rate limit/i.test(said)) {
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`${what}: ${answer}: the github-token may not read this repository's Actions runs and artifacts; give the job "permissions: actions: read"`, 'Add `actions: read` to the permissions of the job (or workflow) that runs exo-bench.');
    }
    if (status === 403 || status === 429) {
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`${what}: ${answer}: rate-limited`, 'Try again later.');
    }
    if (status === 404)
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`${what}: ${answer}: no such workflow run or workflow`);
    if (status === 410)
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`${what}: ${answer}: the artifact has expired`);
    return new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`${what}: ${answer}`);
}
/** The workflow file of GITHUB_WORKFLOW_REF: `o/r/.github/workflows/bench.yml@refs/…` → `bench.yml`. */
function workflowFileOf(workflowRef) {
    const path = workflowRef?.split('@')[0];
    const match = path ? /\.github\/workflows\/([^/]+)$/.exec(path) : null;
    return match?.[1];
}
/** This node's artifact in a run: the newest unexpired one that matches (ties: the highest id). */
async function nodeArtifact(github, runId) {
    const { octokit, owner, repo, options } = github;
    const artifacts = (await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
        owner,
        repo,
        run_id: runId,
        per_page: 100,
    }));
    return artifacts
        .filter((artifact) => !artifact.expired && matches(options.artifact, artifact.name))
        .sort((a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')) || b.id - a.id)[0];
}
/** `run:<id>`: this node's artifact in that run; an InputError when the run has none. */
async function givenRunArtifact(github, runId, label) {
    let artifact;
    try {
        artifact = await nodeArtifact(github, runId);
    }
    catch (error) {
        throw explainGitHubError(error, `${label}: listing the artifacts of run ${runId}`);
    }
    if (!artifact) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`baseline run:${runId} has no artifact named ${describeMatch(github.options.artifact)} (or it expired)`, 'Check the run id, and that the artifact-name input matches the one of that run.');
    }
    return artifact;
}
/** The latest successful runs of `workflow` on `branch`, at most LATEST_RUNS_SEARCHED. */
async function successfulRuns(github, workflow, branch) {
    const { octokit, owner, repo } = github;
    const { data } = await octokit.rest.actions
        .listWorkflowRuns({
        owner,
        repo,
        workflow_id: workflow,
        branch,
        status: 'success',
        per_page: LATEST_RUNS_SEARCHED,
    })
        .catch((error) => {
        // GitHub knows a workflow by the files of the default branch: a workflow added by this PR is 404.
        if (typeof error === 'object' && error !== null && 'status' in error && error.status === 404) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`baseline latest: GitHub knows no workflow ${workflow} on ${branch} yet (404), so there is no earlier run to compare with`, 'Once the workflow is on the default branch, its runs there become the baseline.');
        }
        throw error;
    });
    return data.workflow_runs;
}
/** `latest`: the newest successful run of this workflow on the default branch (not this run) with this node's artifact. */
async function latestRunWithArtifact(github) {
    const { octokit, owner, repo, options } = github;
    const workflow = workflowFileOf(options.workflowRef);
    if (!workflow) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz('baseline latest: cannot tell which workflow this is (GITHUB_WORKFLOW_REF is not set)', 'Use baseline: run:<id> instead.');
    }
    const { data: repository } = await octokit.rest.repos.get({ owner, repo });
    const branch = repository.default_branch;
    const runs = (await successfulRuns(github, workflow, branch)).filter((run) => run.id !== options.currentRunId && isDefaultBranchRun(run, repository.id));
    for (const run of runs) {
        const artifact = await nodeArtifact(github, run.id);
        if (artifact)
            return { runId: run.id, artifact };
    }
    throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`baseline latest: none of the last ${runs.length} successful runs of ${workflow} on ${branch} has an artifact named ${describeMatch(options.artifact)}`, 'The first run on the default branch has nothing to compare with; later runs will.');
}
/** Creates the fetcher. */
function createArtifactBaselineFetcher(options) {
    const [owner = '', repo = ''] = options.repository.split('/');
    if (!owner || !repo)
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .InputError */ .dz(`GITHUB_REPOSITORY "${options.repository}" is not owner/repo`);
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_3__/* .getOctokit */ .Q)(options.token, {
        ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    });
    const github = { octokit, owner, repo, options };
    const serverUrl = options.serverUrl ?? 'https://github.com';
    const download = options.download ??
        (async (artifactId, runId, directory) => {
            await new _actions_artifact__WEBPACK_IMPORTED_MODULE_2__.DefaultArtifactClient().downloadArtifact(artifactId, {
                path: directory,
                findBy: { token: options.token, workflowRunId: runId, repositoryOwner: owner, repositoryName: repo },
            });
        });
    return {
        async fetch(spec) {
            const label = spec.kind === 'run' ? `baseline run:${spec.runId}` : 'baseline latest';
            let runId;
            let artifact;
            if (spec.kind === 'run') {
                runId = spec.runId;
                artifact = await givenRunArtifact(github, runId, label);
            }
            else {
                try {
                    ({ runId, artifact } = await latestRunWithArtifact(github));
                }
                catch (error) {
                    throw explainGitHubError(error, `${label}: listing the successful runs on the default branch`);
                }
            }
            const directory = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(options.downloadRoot, `baseline-${runId}-${artifact.id}`);
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)(directory, { recursive: true });
            options.logger.info(`baseline: downloading artifact ${artifact.name} of run ${runId}`);
            try {
                await download(artifact.id, runId, directory);
            }
            catch (error) {
                throw explainGitHubError(error, `${label}: downloading artifact ${artifact.name} (id ${artifact.id}) of run ${runId}`);
            }
            return {
                directory,
                source: `run ${runId} (artifact ${artifact.name})`,
                url: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}`,
            };
        },
    };
}


/***/ })

};
