export const id = 151;
export const ids = [151];
export const modules = {

/***/ 51151:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   pullRequestNumber: () => (/* binding */ pullRequestNumber),
/* harmony export */   upsertPrComment: () => (/* binding */ upsertPrComment)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(61351);
/**
 * The PR comment: one per workflow and config, found by its hidden marker and updated in place, so a
 * PR shows the latest verdict instead of a pile of comments. Uses the issue-comments REST endpoints
 * through @actions/github; needs `pull-requests: write` and works from `pull_request` events (a PR
 * from a fork gets a read-only token there: the comment is skipped with a warning, never a failure).
 */


/**
 * The pull request number of a `pull_request` event, read from GITHUB_EVENT_PATH; undefined for other
 * events (a push has no PR to comment on).
 */
function pullRequestNumber(env = process.env) {
    if (!env.GITHUB_EVENT_PATH)
        return undefined;
    try {
        const payload = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(env.GITHUB_EVENT_PATH, 'utf8'));
        const number = payload.pull_request?.number;
        return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
    }
    catch {
        return undefined;
    }
}
/** Creates the comment, or updates the one that carries the marker. */
async function upsertPrComment(options) {
    const [owner = '', repo = ''] = options.repository.split('/');
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_1__/* .getOctokit */ .Q)(options.token, {
        ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    });
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: options.pullNumber,
        per_page: 100,
    });
    const existing = comments.find((comment) => comment.body?.includes(options.marker));
    if (existing) {
        const { data } = await octokit.rest.issues.updateComment({
            owner,
            repo,
            comment_id: existing.id,
            body: options.body,
        });
        options.logger.info(`updated the PR comment ${data.html_url}`);
        return { action: 'updated', id: data.id, url: data.html_url };
    }
    const { data } = await octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: options.pullNumber,
        body: options.body,
    });
    options.logger.info(`commented on the PR: ${data.html_url}`);
    return { action: 'created', id: data.id, url: data.html_url };
}


/***/ })

};
