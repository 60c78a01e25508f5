export const id = 285;
export const ids = [285];
export const modules = {

/***/ 9285:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   startSimulatorForConfig: () => (/* binding */ startSimulatorForConfig)
/* harmony export */ });
/* unused harmony export playSimulatedPrimary */
/* harmony import */ var _cluster_client_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4931);
/* harmony import */ var _load_duration_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2178);
/* harmony import */ var _cluster_orchestrate_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5734);
/* harmony import */ var _simulator_index_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2382);
/* harmony import */ var _util_clock_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7110);
/**
 * `--simulate` / `simulate: true`: the embedded simulator standing in for whatever the config targets —
 * an EXO cluster with the config's node count, or an OpenAI-compatible server serving the config's
 * model. Both shells start it the same way. A simulated secondary also gets a stand-in primary, so a
 * matrix of dry-run jobs (each with its own simulator) passes like a real cluster's.
 */





/** Starts a simulator shaped like the config's target; `profilePath` overrides the default profile. */
function startSimulatorForConfig(config, expectedNodes, profilePath) {
    const target = config.target;
    return (0,_simulator_index_js__WEBPACK_IMPORTED_MODULE_3__.startSimulator)({
        nodes: Math.max(1, expectedNodes),
        ...(target.kind === 'openai' ? { flavor: 'openai' } : {}),
        ...(profilePath
            ? { profile: profilePath }
            : target.kind === 'openai'
                ? { profile: { openai: { ..._simulator_index_js__WEBPACK_IMPORTED_MODULE_3__.DEFAULT_PROFILE.openai, model: target.model } } }
                : {}),
    });
}
/** How long the stand-in primary keeps its instances (at most): the secondary's wait, not a benchmark. */
const STAND_IN_HOLD_MAX_MS = 5_000;
/**
 * A dry run of a secondary (`simulate: true`, `is-primary: false`): each matrix job has a simulator of
 * its own, so nobody else will place the models on it. This plays the primary's part in that simulated
 * cluster, from node 0 — waits for the cluster to settle, places every model across the planned nodes,
 * waits for the runners, keeps the instances for the scheduled load (at most 5 s), and deletes them —
 * so that the secondary's own code path (wait for the instances, then for their deletion) runs for
 * real, against node 1. Resolves when done, with the reason when it could not play its part (the
 * secondary would otherwise wait for instances that never come).
 */
async function playSimulatedPrimary(simulator, config, expectedNodes, timeoutSeconds, logger, 
/** Aborted when the secondary's run ends, whatever the stand-in was doing (it still deletes). */
signal) {
    const prefix = 'simulated primary: ';
    const quiet = {
        info: (message) => logger.info(`${prefix}${message}`),
        warning: (message) => logger.info(`${prefix}${message}`),
        error: (message) => logger.warning(`${prefix}${message}`),
        debug: () => undefined,
        group: (_name, fn) => fn(),
    };
    const context = {
        client: new ExoClient(simulator.nodes[0]?.url ?? simulator.url),
        clock: systemClock,
        logger: quiet,
        pollIntervalMs: 250,
        progressIntervalMs: 10_000,
        signal,
    };
    const deadlineMs = systemClock.nowMs() + timeoutSeconds * 1000;
    const placed = [];
    try {
        await waitForNodes(context, expectedNodes, deadlineMs);
        const plan = { sharding: config.sharding, instanceMeta: config.instance_meta, nodeCount: expectedNodes };
        for (const modelId of config.model_ids)
            placed.push((await placeInstance(context, modelId, plan, deadlineMs)).instanceId);
        await waitForInstancesReady(context, placed, deadlineMs);
        // A capacity search stage has no schedule of its own: its first probe, at `min`, stands for it.
        const scheduledMs = scheduledLoadMs(config);
        await systemClock.sleep(Math.min(STAND_IN_HOLD_MAX_MS, scheduledMs), signal);
    }
    catch (error) {
        if (signal.aborted)
            return undefined;
        const message = error instanceof Error ? error.message : String(error);
        quiet.error(message);
        return message;
    }
    finally {
        const cleanup = { ...context };
        delete cleanup.signal;
        await deleteInstances(cleanup, placed, systemClock.nowMs() + 30_000);
    }
    return undefined;
}


/***/ })

};
